import type { KubeObject, RenderedManifests } from '@metaflow-gitops/constructs/k8s';
import type { DetectDriftOptions } from '@metaflow-gitops/gitops';
import { OUTPUTS, STACK_KINDS, stackName } from '@metaflow-gitops/stage-config';
import { captureIo } from '@metaflow-gitops/testing/cli';
import { FakeDriftCloudFormation, FakeKubectl, type FakeStack } from '@metaflow-gitops/testing/gitops';
import { makeStageConfig } from '@metaflow-gitops/testing/stage-config';
import { DeliveryDeps } from '../delivery-deps';
import { driftCommand } from './drift';

const config = makeStageConfig({ name: 'dev' });
const settings = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'settings', namespace: 'metaflow' },
  data: { a: '1' },
} as KubeObject;
const deps: DeliveryDeps = {
  loadStage: () => config,
  assembly: () => {
    throw new Error('drift synthesizes nothing');
  },
  renderManifests: (): RenderedManifests => ({ releases: [], components: [{ name: 'metaflow', objects: [settings] }] }),
};

function stacks(extra: Record<string, FakeStack> = {}): DetectDriftOptions['cfn'] {
  const out: Record<string, Record<string, string>> = {};
  for (const [name, spec] of Object.entries(OUTPUTS)) (out[stackName('dev', spec.stack)] ??= {})[spec.outputKey] = `live-${name}`;
  const all = Object.fromEntries(
    STACK_KINDS.map((k) => [stackName('dev', k), { state: 'IN_SYNC' as const, inProgress: 0, outputs: out[stackName('dev', k)] ?? {} }]),
  );
  return new FakeDriftCloudFormation({ ...all, ...extra }) as unknown as DetectDriftOptions['cfn'];
}

describe('mfctl drift (fake CloudFormation: moto lacks the drift APIs; fake kubectl)', () => {
  let kubectl: FakeKubectl;
  beforeEach(() => (kubectl = new FakeKubectl()));
  afterEach(() => kubectl.cleanup());

  it('prints one line per finding and exits 0 when nothing drifted', async () => {
    kubectl.put('configmap', { ...settings, metadata: { ...settings.metadata, ...{ uid: 'x' } } });
    const io = captureIo({}, process.cwd());
    expect(await driftCommand({ stage: 'dev', context: 'dev' }, io, deps, { cfn: stacks(), run: kubectl.run })).toBe(0);
    const lines = io.out().trimEnd().split('\n');
    expect(lines[0]).toMatch(/^drift of stage dev at \d{4}-\d\d-\d\dT.*Z$/);
    expect(lines).toContain('OK      stack-drift:dev-vpc      dev-vpc matches its template');
    expect(lines).toContain('OK      cluster-objects          all 1 rendered objects match the cluster');
    expect(lines.at(-1)).toBe('drift dev: 7 ok, 0 fail, 0 unknown: healthy');
    expect(kubectl.calls()).toEqual(['--context dev get configmap settings -n metaflow -o json']);
  });

  it('--json prints the report; drift found is exit 1, with the fix and details under the finding', async () => {
    kubectl.put('configmap', { ...settings, data: { a: '2' } });
    const io = captureIo({}, process.cwd());
    expect(await driftCommand({ stage: 'dev', json: true }, io, deps, { cfn: stacks(), run: kubectl.run })).toBe(1);
    const report = JSON.parse(io.out());
    expect(report).toMatchObject({ kind: 'drift', stage: 'dev' });
    expect(report.findings.at(-1)).toMatchObject({
      check: 'cluster-objects',
      status: 'fail',
      details: ['v1 ConfigMap metaflow/settings: data.a: rendered "1", live "2"'],
    });
    const text = captureIo({}, process.cwd());
    expect(await driftCommand({ stage: 'dev' }, text, deps, { cfn: stacks(), run: kubectl.run })).toBe(1);
    expect(text.out()).toMatch(
      /\nFAIL {4}cluster-objects +0 missing and 1 changed of 1 rendered objects\n +v1 ConfigMap metaflow\/settings: data\.a: rendered "1", live "2"\n +fix: run the deploy workflow \(mfctl sync\)[^\n]*\ndrift dev: 6 ok, 1 fail, 0 unknown: something is wrong\n$/,
    );
  });

  it('exit 3 when something could not be checked and nothing drifted (cluster unreachable)', async () => {
    kubectl.unreachable();
    const io = captureIo({}, process.cwd());
    expect(await driftCommand({ stage: 'dev' }, io, deps, { cfn: stacks(), run: kubectl.run })).toBe(3);
    expect(io.out()).toMatch(/\nUNKNOWN cluster-objects {10}cannot read the cluster: /);
  });
});
