import { renderStageManifests, type KubeObject } from '@metaflow-gitops/constructs/k8s';
import { OUTPUTS, STACK_KINDS, stackName } from '@metaflow-gitops/stage-config';
import { FakeDriftCloudFormation, FakeKubectl, type FakeStack } from '@metaflow-gitops/testing/gitops';
import { makeStageConfig } from '@metaflow-gitops/testing/stage-config';
import { reportExitCode } from '../health/report';
import { detectDrift } from './drift';
import type { DriftCfn } from './stack-drift';

const config = makeStageConfig({ name: 'dev' });
const fast = { pollMs: 0, sleep: async () => undefined };

/** The six stacks in sync, with the outputs the manifests need. */
function stacks(extra: Record<string, FakeStack> = {}): Record<string, FakeStack> {
  const out: Record<string, Record<string, string>> = {};
  for (const [name, spec] of Object.entries(OUTPUTS)) (out[stackName('dev', spec.stack)] ??= {})[spec.outputKey] = `live-${name}`;
  return {
    ...Object.fromEntries(
      STACK_KINDS.map((k) => [stackName('dev', k), { state: 'IN_SYNC' as const, outputs: out[stackName('dev', k)] ?? {} }]),
    ),
    ...extra,
  };
}

const resource = (o: KubeObject) => {
  const [group, version] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : ['', o.apiVersion];
  return group ? `${o.kind.toLowerCase()}.${version}.${group}` : o.kind.toLowerCase();
};

describe('mfctl drift: the six stacks and the cluster objects in one report (fake CloudFormation, as moto lacks drift detection; fake kubectl)', () => {
  let kubectl: FakeKubectl;
  beforeEach(() => (kubectl = new FakeKubectl()));
  afterEach(() => kubectl.cleanup());

  it('renders the manifests from the live stack outputs and compares every object; all in sync is exit 0', async () => {
    const fake = new FakeDriftCloudFormation(stacks());
    let objects: KubeObject[] = [];
    const report = await detectDrift({
      config,
      cfn: fake as unknown as DriftCfn,
      run: kubectl.run,
      context: 'dev',
      stacks: fast,
      now: () => new Date('2026-12-01T00:00:00Z'),
      render: (c, outputs) => {
        expect(outputs.hostedZoneId).toBe('live-hostedZoneId');
        const m = renderStageManifests(c, outputs);
        objects = m.components.flatMap((x) => x.objects);
        for (const o of objects) kubectl.put(resource(o), JSON.parse(JSON.stringify(o)));
        return m;
      },
    });
    expect(report.kind).toBe('drift');
    expect(report.checkedAt).toBe('2026-12-01T00:00:00.000Z');
    expect(report.findings.map((f) => [f.check, f.status])).toEqual([
      ...STACK_KINDS.map((k) => [`stack-drift:dev-${k}`, 'ok']),
      ['cluster-objects', 'ok'],
    ]);
    expect(reportExitCode(report)).toBe(0);
    expect(objects.length).toBeGreaterThan(10);
    // Read-only: kubectl only ever ran `get` (the fake fails any other verb), and CloudFormation only detection and reads.
    expect(kubectl.calls()).toHaveLength(objects.length);
    expect(kubectl.calls().every((c) => c.startsWith('--context dev get '))).toBe(true);
    expect(new Set(fake.calls.map((c) => c.split(' ')[0]))).toEqual(
      new Set(['DetectStackDrift', 'DescribeStackDriftDetectionStatus', 'DescribeStacks']),
    );
  });

  it('a drifted stack and missing cluster objects fail (exit 1); without the outputs the cluster part is unknown', async () => {
    const drifted = new FakeDriftCloudFormation(
      stacks({
        'dev-auth': {
          state: 'DRIFTED',
          outputs: stacks()['dev-auth'].outputs,
          drifts: [[{ LogicalResourceId: 'UserPool', ResourceType: 'AWS::Cognito::UserPool', StackResourceDriftStatus: 'MODIFIED' }]],
        },
      }),
    );
    const report = await detectDrift({
      config,
      cfn: drifted as unknown as DriftCfn,
      run: kubectl.run,
      stacks: fast,
      render: renderStageManifests,
    });
    expect(report.findings.find((f) => f.check === 'stack-drift:dev-auth')).toMatchObject({
      status: 'fail',
      details: ['UserPool (AWS::Cognito::UserPool): modified'],
    });
    expect(report.findings.find((f) => f.check === 'cluster-objects')).toMatchObject({
      status: 'fail',
      summary: expect.stringMatching(/^\d+ missing and 0 changed/),
    });
    expect(reportExitCode(report)).toBe(1);

    const noEks = new FakeDriftCloudFormation(stacks({ 'dev-eks': { state: 'missing' } }));
    const partial = await detectDrift({
      config,
      cfn: noEks as unknown as DriftCfn,
      run: kubectl.run,
      stacks: fast,
      render: renderStageManifests,
    });
    expect(partial.findings.find((f) => f.check === 'stack-drift:dev-eks')?.status).toBe('fail');
    expect(partial.findings.find((f) => f.check === 'cluster-objects')).toMatchObject({
      status: 'unknown',
      summary: expect.stringMatching(/^cannot render the manifests to compare: the deployed stacks lack dev-eks\./),
    });
  });

  it('stack outputs that cannot be read (no permission) leave the cluster part unknown with the reason, not a missing-output claim', async () => {
    const fake = new FakeDriftCloudFormation(stacks());
    const denied = {
      send: (command: { constructor: { name: string } }) =>
        command.constructor.name === 'DescribeStacksCommand'
          ? Promise.reject(new Error('User is not authorized to perform: cloudformation:DescribeStacks'))
          : fake.send(command as never),
    };
    const report = await detectDrift({
      config,
      cfn: denied as unknown as DriftCfn,
      run: kubectl.run,
      stacks: fast,
      render: renderStageManifests,
    });
    expect(report.findings.find((f) => f.check === 'cluster-objects')).toMatchObject({
      status: 'unknown',
      summary: 'cannot read the stack outputs to render the manifests: User is not authorized to perform: cloudformation:DescribeStacks',
    });
    expect(reportExitCode(report)).toBe(3);
  });
});
