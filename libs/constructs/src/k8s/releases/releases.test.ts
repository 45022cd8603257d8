import * as fs from 'node:fs';
import * as path from 'node:path';
import { BUCKET_PREFIXES, CHART_KUBERNETES_SUPPORT, NAMESPACES, SERVICE_ACCOUNTS } from '@metaflow-gitops/stage-config';
import { makeStageConfig } from '@metaflow-gitops/testing/stage-config';
import { RenderedManifests, renderStageManifests } from '../render';
import { allObjects, sampleOutputs } from '@metaflow-gitops/testing/constructs/k8s';
import { HelmRelease } from './helm-release';
import { CHARTS } from './releases';

let dev: RenderedManifests;
let prod: RenderedManifests;
const devOutputs = sampleOutputs('dev');

beforeAll(() => {
  dev = renderStageManifests(makeStageConfig({ name: 'dev' }), devOutputs);
  prod = renderStageManifests(
    makeStageConfig({ name: 'prod', isProd: true, region: 'eu-west-1' }),
    sampleOutputs('prod', '222222222222', 'eu-west-1'),
  );
});

const release = (r: RenderedManifests, name: string): HelmRelease => {
  const found = r.releases.find((x) => x.name === name);
  if (!found) throw new Error(`no release ${name}`);
  return found;
};
const values = (r: RenderedManifests, name: string) => release(r, name).values as Record<string, never>;

describe('release list', () => {
  it('installs the controllers in dependency order', () => {
    expect(dev.releases.map((r) => r.name)).toEqual([
      'kyverno',
      'external-secrets',
      'envoy-gateway',
      'external-dns',
      'argo-workflows',
      'argo-events',
    ]);
  });

  it('installs the Gateway API CRDs (Envoy Gateway) before ExternalDNS watches HTTPRoutes', () => {
    const names = dev.releases.map((r) => r.name);
    expect(release(dev, 'envoy-gateway').crds).toBe(true);
    expect(names.indexOf('envoy-gateway')).toBeLessThan(names.indexOf('external-dns'));
  });

  it('provides the CRD of every custom kind the components use', () => {
    const crdOwners: Record<string, string> = {
      'external-secrets.io': 'external-secrets',
      'gateway.networking.k8s.io': 'envoy-gateway',
      'gateway.envoyproxy.io': 'envoy-gateway',
      'kyverno.io': 'kyverno',
      'argoproj.io': 'argo-events',
    };
    const groups = new Set(
      allObjects(dev)
        .map((o) => o.apiVersion.split('/')[0])
        .filter((g) => g.includes('.') && !g.endsWith('k8s.io')),
    );
    groups.add('gateway.networking.k8s.io');
    // karpenter.sh and eks.amazonaws.com come with EKS Auto Mode itself.
    groups.delete('karpenter.sh');
    groups.delete('eks.amazonaws.com');
    for (const group of groups) {
      expect(crdOwners[group]).toBeDefined();
      expect(release(dev, crdOwners[group]).crds).toBe(true);
    }
  });

  it('pins every chart to an exact version from an https or OCI repository', () => {
    for (const r of dev.releases) {
      expect(r.version).toMatch(/^v?\d+\.\d+\.\d+$/);
      expect(r.repository).toMatch(/^(https|oci):\/\//);
    }
    expect(release(dev, 'envoy-gateway')).toMatchObject({ chart: 'gateway-helm', repository: 'oci://docker.io/envoyproxy' });
    expect(release(dev, 'argo-workflows')).toMatchObject({
      chart: 'argo-workflows',
      repository: 'https://argoproj.github.io/argo-helm',
      version: '1.0.19',
    });
  });

  it('installs into the platform namespaces', () => {
    expect(Object.fromEntries(dev.releases.map((r) => [r.name, r.namespace]))).toEqual({
      kyverno: NAMESPACES.kyverno,
      'external-secrets': NAMESPACES.externalSecrets,
      'envoy-gateway': NAMESPACES.envoyGateway,
      'external-dns': NAMESPACES.externalDns,
      'argo-workflows': NAMESPACES.argo,
      'argo-events': NAMESPACES.argoEvents,
    });
  });
});

describe('per-stage values', () => {
  it('let ExternalDNS own only this stage records, in this stage zone', () => {
    const v = values(dev, 'external-dns');
    expect(v).toMatchObject({
      sources: ['gateway-httproute'],
      domainFilters: ['dev.metaflow.example.com'],
      txtOwnerId: 'metaflow-gitops-dev',
      provider: { name: 'aws' },
    });
    expect(v.extraArgs).toContain(`--zone-id-filter=${devOutputs.hostedZoneId}`);
    expect(values(prod, 'external-dns')).toMatchObject({
      domainFilters: ['prod.metaflow.example.com'],
      txtOwnerId: 'metaflow-gitops-prod',
    });
  });

  it('run the controllers as the ServiceAccounts that have Pod Identity roles', () => {
    expect(values(dev, 'external-dns')).toMatchObject({ serviceAccount: { name: SERVICE_ACCOUNTS.externalDns.name } });
    expect(values(dev, 'external-secrets')).toMatchObject({ serviceAccount: { name: SERVICE_ACCOUNTS.externalSecrets.name } });
    expect(values(dev, 'argo-workflows')).toMatchObject({
      controller: { serviceAccount: { name: SERVICE_ACCOUNTS.argoController.name } },
      server: { serviceAccount: { name: SERVICE_ACCOUNTS.argoServer.name } },
    });
  });

  it('create, with the rendered ServiceAccounts, every account the Eks stack gives a Pod Identity role', () => {
    const rendered = allObjects(dev)
      .filter((o) => o.kind === 'ServiceAccount')
      .map((o) => `${o.metadata.namespace}/${o.metadata.name}`);
    const fromReleases: string[] = [];
    const collect = (namespace: string, v: unknown): void => {
      if (Array.isArray(v)) v.forEach((x) => collect(namespace, x));
      else if (v && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) {
          const sa = x as { create?: boolean; name?: string };
          if (k === 'serviceAccount' && sa.create === true && typeof sa.name === 'string') fromReleases.push(`${namespace}/${sa.name}`);
          else collect(namespace, x);
        }
      }
    };
    for (const r of dev.releases) collect(r.namespace, r.values);
    const created = new Set([...rendered, ...fromReleases]);
    const missing = Object.values(SERVICE_ACCOUNTS)
      .map((sa) => `${sa.namespace}/${sa.name}`)
      .filter((sa) => !created.has(sa));
    expect(missing).toEqual([]);
  });

  it('point Argo Workflows at the jobs namespace and the stage bucket', () => {
    expect(values(dev, 'argo-workflows')).toMatchObject({
      controller: { workflowNamespaces: [NAMESPACES.jobs] },
      artifactRepository: {
        s3: { bucket: devOutputs.artifactBucketName, region: 'us-west-2', useSDKCreds: true },
      },
    });
  });

  it('archive artifacts and logs under the prefix the Pod Identity policies allow, with the key the chart renders', () => {
    const s3 = (values(dev, 'argo-workflows') as unknown as { artifactRepository: { s3: Record<string, string> } }).artifactRepository.s3;
    expect(s3.keyFormat.startsWith(`${BUCKET_PREFIXES.argo}/`)).toBe(true);
    expect(s3.keyFormat).toContain('{{pod.name}}');
    expect(Object.keys(s3)).not.toContain('keyPrefix');
  });

  it('give Argo executor containers requests (the jobs namespace requires them)', () => {
    expect(values(dev, 'argo-workflows')).toMatchObject({ executor: { resources: { requests: { cpu: '50m', memory: '64Mi' } } } });
  });

  it('list the EventBus JetStream version in the Argo Events controller config, with pinned images', () => {
    const bus = allObjects(dev).find((o) => o.kind === 'EventBus')!;
    const version = (bus.spec as { jetstream: { version: string } }).jetstream.version;
    const versions = (values(dev, 'argo-events') as unknown as { configs: { jetstream: { versions: Record<string, string>[] } } }).configs
      .jetstream.versions;
    expect(versions.map((v) => v.version)).toEqual([version]);
    for (const image of ['natsImage', 'metricsExporterImage', 'configReloaderImage']) expect(versions[0][image]).toMatch(/:\d+\.\d+\.\d+$/);
  });

  it("scale the controllers up on prod, where the charts' default requests stay", () => {
    // Only replicas and placement: the charts' default resources stay.
    const kyverno = values(prod, 'kyverno') as unknown as Record<string, Record<string, unknown>>;
    expect(kyverno.admissionController.replicas).toBe(3);
    for (const c of Object.values(kyverno))
      expect(
        Object.keys(c)
          .filter((k) => k !== 'replicas')
          .sort(),
      ).toEqual(['nodeSelector', 'tolerations']);
    const gateway = (values(prod, 'envoy-gateway') as unknown as { deployment: Record<string, unknown> }).deployment;
    expect(Object.keys(gateway).sort()).toEqual(['pod', 'replicas']);
    expect(gateway.replicas).toBe(2);
  });

  it("run one replica of each controller on non-prod, requesting less than the charts' defaults", () => {
    const small = (cpu: string, memory: string) => ({ resources: { requests: { cpu, memory } } });
    expect(values(dev, 'kyverno')).toMatchObject({
      admissionController: { replicas: 1, container: small('50m', '128Mi') },
      backgroundController: small('25m', '64Mi'),
      cleanupController: small('25m', '64Mi'),
      reportsController: small('25m', '64Mi'),
    });
    expect(values(dev, 'envoy-gateway')).toMatchObject({ deployment: { replicas: 1, envoyGateway: small('50m', '128Mi') } });
  });

  it('carry no credential', () => {
    expect(JSON.stringify(dev.releases)).not.toMatch(/accessKey|secretKey|password|AKIA/i);
  });
});

describe('values keys', () => {
  /** The committed list of values paths the pinned chart version reads (see its header and tools/chart-value-paths.mjs). */
  const chartPaths = (chart: string, version: string) => {
    const file = path.join(__dirname, 'chart-values', `${chart}-${version}.txt`);
    if (!fs.existsSync(file)) throw new Error(`no ${path.basename(file)}: list the chart's values paths with tools/chart-value-paths.mjs`);
    const lines = fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'));
    const exact = new Set(lines.filter((l) => !l.endsWith('.*')));
    const maps = lines.filter((l) => l.endsWith('.*')).map((l) => l.slice(0, -2));
    return (p: string) => exact.has(p) || maps.some((m) => p.startsWith(`${m}.`));
  };
  /** Leaf paths of a values object; a list is one value. */
  const setPaths = (v: unknown, prefix = ''): string[] =>
    v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0
      ? Object.entries(v).flatMap(([k, x]) => setPaths(x, prefix ? `${prefix}.${k}` : k))
      : [prefix];

  it.each(['dev', 'prod'])('are all read by the pinned chart (%s)', (stage) => {
    for (const r of (stage === 'dev' ? dev : prod).releases) {
      const reads = chartPaths(r.chart, r.version);
      expect({ chart: `${r.chart} ${r.version}`, unread: setPaths(r.values).filter((p) => !reads(p)) }).toEqual({
        chart: `${r.chart} ${r.version}`,
        unread: [],
      });
    }
  });

  it('are checked against a list for exactly the pinned chart version', () => {
    const reads = chartPaths('argo-workflows', release(dev, 'argo-workflows').version);
    expect(reads('artifactRepository.s3.keyFormat')).toBe(true);
    expect(reads('artifactRepository.s3.keyPrefix')).toBe(false);
    expect(() => chartPaths('argo-workflows', '0.0.1')).toThrow('no argo-workflows-0.0.1.txt');
  });
});

describe('supported Kubernetes versions', () => {
  it('every pinned chart release, and only those, has its Kubernetes range (bump the range with the pin)', () => {
    const pinned = Object.values(CHARTS).map((c) => `${c.chart} ${c.version}`);
    const ranges = CHART_KUBERNETES_SUPPORT.charts.map((c) => `${c.chart} ${c.version}`);
    expect([...ranges].sort()).toEqual([...pinned].sort());
  });
});
