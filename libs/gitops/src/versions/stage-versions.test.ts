import { renderStageManifests, type RenderedManifests } from '@metaflow-gitops/constructs/k8s';
import { makeStageConfig } from '@metaflow-gitops/testing/stage-config';
import { sampleOutputs } from '@metaflow-gitops/testing/constructs/k8s';
import { formatStageVersions, kubernetesVersionInfo, stageVersions } from './stage-versions';

const at = (iso: string) => new Date(`${iso}T12:00:00Z`);

test('the support window comes from the EKS release calendar, with where the version stands on the day', () => {
  // 1.34: released 2025-10-02, standard support until 2026-12-02, extended until 2027-12-02.
  expect(kubernetesVersionInfo('1.34', at('2026-11-01'))).toEqual({
    version: '1.34',
    released: '2025-10-02',
    endOfStandardSupport: '2026-12-02',
    endOfExtendedSupport: '2027-12-02',
    support: 'standard',
    daysLeft: 31,
  });
  expect(kubernetesVersionInfo('1.34', at('2027-12-01'))).toMatchObject({ support: 'extended', daysLeft: 1 });
  expect(kubernetesVersionInfo('1.34', at('2028-01-01'))).toMatchObject({ support: 'ended' });
  expect(kubernetesVersionInfo('1.34', at('2028-01-01')).daysLeft).toBeUndefined();
  expect(kubernetesVersionInfo('1.99', at('2026-11-01'))).toEqual({ version: '1.99' });
});

describe('a stage’s pinned components', () => {
  let manifests: RenderedManifests;
  const config = makeStageConfig({ name: 'dev' });
  beforeAll(() => (manifests = renderStageManifests(config, sampleOutputs('dev'))));

  it('lists every Helm release with its chart, version and Kubernetes range, then every container image with its tag', () => {
    const v = stageVersions(config, manifests, at('2026-12-01'));
    expect(v.stage).toBe('dev');
    expect(v.kubernetes.version).toBe(config.cluster.kubernetesVersion);
    const helm = v.components.filter((c) => c.kind === 'helm');
    expect(helm.map((c) => c.name)).toEqual(manifests.releases.map((r) => r.name));
    expect(helm.find((c) => c.name === 'kyverno')).toMatchObject({ chart: 'kyverno', version: '3.7.2', kubernetes: '1.32 to 1.35' });
    for (const c of helm) expect(c.sources?.length).toBeGreaterThan(0);
    const images = v.components.filter((c) => c.kind === 'image');
    expect(images).toContainEqual({ kind: 'image', name: 'public.ecr.aws/outerbounds/metaflow_metadata_service', version: 'v2.5.0' });
    expect(images.every((c) => c.version !== '' && !c.name.includes(`:${c.version}`))).toBe(true);
  });

  it('prints the Kubernetes line, then one aligned row per component', () => {
    const text = formatStageVersions([stageVersions(config, manifests, at('2026-12-01'))]);
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toMatch(
      /^dev: Kubernetes 1\.\d+: standard support, \d+ days left \(released \d{4}-\d\d-\d\d, standard support until \d{4}-\d\d-\d\d, extended until \d{4}-\d\d-\d\d\)$/,
    );
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}helm {3}kyverno +3\.7\.2 +chart kyverno, Kubernetes 1\.32 to 1\.35$/));
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}image +public\.ecr\.aws\/outerbounds\/metaflow_metadata_service +v2\.5\.0$/));
  });
});
