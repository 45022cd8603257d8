import { makeStageConfig } from '@metaflow-gitops/testing/stage-config';
import { RenderedManifests, renderStageManifests } from '../render';
import { component, findObject, sampleOutputs } from '@metaflow-gitops/testing/constructs/k8s';
import { roleNameFromArn } from './node-class';

type Pool = {
  spec: {
    template: {
      spec: {
        nodeClassRef: { group: string; kind: string; name: string };
        requirements: { key: string; values: string[] }[];
        taints?: { key: string; effect: string }[];
        expireAfter: string;
        terminationGracePeriod: string;
      };
    };
    limits: Record<string, string>;
    disruption: { consolidationPolicy: string; budgets: { nodes: string; reasons?: string[] }[] };
  };
};

let cpuOnly: RenderedManifests;
let withGpu: RenderedManifests;
const outputs = sampleOutputs('dev');

beforeAll(() => {
  cpuOnly = renderStageManifests(makeStageConfig({ name: 'dev' }), outputs);
  withGpu = renderStageManifests(
    makeStageConfig({
      name: 'dev',
      compute: { gpu: { instanceFamilies: ['g6', 'g6e'], capacityTypes: ['on-demand'], maxCpu: 96, maxMemoryGiB: 384, maxGpus: 8 } },
    }),
    outputs,
  );
});

const pools = (r: RenderedManifests) =>
  component(r, 'compute')
    .filter((o) => o.kind === 'NodePool')
    .map((o) => o.metadata.name);

describe('node pools', () => {
  it('renders a GPU pool if and only if the stage enables one', () => {
    expect(pools(cpuOnly)).toEqual(['metaflow-cpu', 'metaflow-platform']);
    expect(pools(withGpu)).toEqual(['metaflow-cpu', 'metaflow-gpu', 'metaflow-platform']);
  });

  it('taints the GPU pool, and only it, nvidia.com/gpu:NoSchedule', () => {
    expect(findObject<Pool>(withGpu, 'NodePool', 'metaflow-gpu').spec.template.spec.taints).toEqual([
      { key: 'nvidia.com/gpu', effect: 'NoSchedule' },
    ]);
    expect(findObject<Pool>(withGpu, 'NodePool', 'metaflow-cpu').spec.template.spec.taints).toBeUndefined();
    expect(JSON.stringify(component(cpuOnly, 'compute'))).not.toContain('nvidia.com/gpu');
  });

  it('takes limits and instance choices from the stage file', () => {
    expect(findObject<Pool>(cpuOnly, 'NodePool', 'metaflow-cpu').spec.limits).toEqual({ cpu: '256', memory: '1024Gi' });
    const gpu = findObject<Pool>(withGpu, 'NodePool', 'metaflow-gpu').spec;
    expect(gpu.limits).toEqual({ cpu: '96', memory: '384Gi', 'nvidia.com/gpu': '8' });
    const req = Object.fromEntries(gpu.template.spec.requirements.map((r) => [r.key, r.values]));
    expect(req['eks.amazonaws.com/instance-family']).toEqual(['g6', 'g6e']);
    expect(req['karpenter.sh/capacity-type']).toEqual(['on-demand']);
    expect(req['eks.amazonaws.com/instance-gpu-manufacturer']).toEqual(['nvidia']);
  });

  it('never consolidates nodes that still run steps', () => {
    for (const name of ['metaflow-cpu', 'metaflow-gpu'])
      expect(findObject<Pool>(withGpu, 'NodePool', name).spec.disruption.consolidationPolicy).toBe('WhenEmpty');
  });

  it('end every node within the 21 days EKS Auto Mode allows, after a day of drain', () => {
    const hours = (d: string) => Number(/^(\d+)h$/.exec(d)![1]);
    for (const name of pools(withGpu)) {
      const spec = findObject<Pool>(withGpu, 'NodePool', name).spec.template.spec;
      expect(hours(spec.expireAfter) + hours(spec.terminationGracePeriod)).toBeLessThanOrEqual(21 * 24);
      expect(hours(spec.terminationGracePeriod)).toBeGreaterThanOrEqual(24);
    }
  });

  it('replace drifted nodes one at a time', () => {
    for (const name of pools(withGpu))
      expect(findObject<Pool>(withGpu, 'NodePool', name).spec.disruption.budgets).toContainEqual({ nodes: '1', reasons: ['Drifted'] });
  });
});

describe('step disruption budget', () => {
  type Selector = { matchLabels: Record<string, string>; matchExpressions: { key: string; operator: string; values: string[] }[] };
  type Pdb = { metadata: { namespace: string }; spec: { maxUnavailable: number; selector: Selector; unhealthyPodEvictionPolicy: string } };
  const pdb = () => findObject<Pdb>(cpuOnly, 'PodDisruptionBudget', 'metaflow-steps');
  const selects = (s: Selector, labels: Record<string, string>) =>
    Object.entries(s.matchLabels).every(([k, v]) => labels[k] === v) &&
    s.matchExpressions.every((e) => (e.operator === 'NotIn' ? !e.values.includes(labels[e.key]) : e.values.includes(labels[e.key])));
  // Pod labels as Metaflow sets them (metaflow/plugins/kubernetes/kubernetes.py, metaflow/plugins/argo/argo_workflows.py).
  const kubernetesStep = { 'app.kubernetes.io/name': 'metaflow-task', 'app.kubernetes.io/part-of': 'metaflow' };
  const argoStep = { 'app.kubernetes.io/part-of': 'metaflow', 'app.kubernetes.io/name': 'metaflow-task' };
  const argoParallelStep = {
    'app.kubernetes.io/part-of': 'metaflow',
    task_id_entropy: 'a1b2c3',
    num_parallel: '4',
    'metaflow/argo-workflows-name': 'helloflow-x7k2p',
    'workflows.argoproj.io/workflow': 'helloflow-x7k2p',
  };
  const sensor = { 'app.kubernetes.io/name': 'metaflow-sensor', 'app.kubernetes.io/part-of': 'metaflow' };

  it('lets no running step pod of the jobs namespace be evicted', () => {
    expect(pdb().metadata.namespace).toBe('metaflow-jobs');
    expect(pdb().spec.maxUnavailable).toBe(0);
    for (const step of [kubernetesStep, argoStep, argoParallelStep]) expect(selects(pdb().spec.selector, step)).toBe(true);
  });

  it('leaves the long-running sensors and pods that are not ready free to move', () => {
    expect(selects(pdb().spec.selector, sensor)).toBe(false);
    expect(selects(pdb().spec.selector, { 'eventbus-name': 'default' })).toBe(false);
    expect(pdb().spec.unhealthyPodEvictionPolicy).toBe('AlwaysAllow');
  });
});

describe('node class', () => {
  type NodeClass = { spec: { role: string; subnetSelectorTerms: { id: string }[]; podSubnetSelectorTerms: { id: string }[] } };

  it('is the one every pool references', () => {
    for (const name of pools(withGpu)) {
      expect(findObject<Pool>(withGpu, 'NodePool', name).spec.template.spec.nodeClassRef).toEqual({
        group: 'eks.amazonaws.com',
        kind: 'NodeClass',
        name: 'metaflow',
      });
    }
  });

  it('uses the Eks stack node role by name and the stage subnets', () => {
    const nc = findObject<NodeClass>(cpuOnly, 'NodeClass', 'metaflow');
    expect(nc.apiVersion).toBe('eks.amazonaws.com/v1');
    expect(nc.spec.role).toBe('metaflow-dev-node');
    expect(nc.spec.subnetSelectorTerms.map((t) => t.id)).toEqual(outputs.privateSubnetIds.split(','));
    expect(nc.spec.podSubnetSelectorTerms.map((t) => t.id)).toEqual(outputs.podSubnetIds.split(','));
  });

  it.each([
    ['arn:aws:iam::111111111111:role/metaflow-dev-node', 'metaflow-dev-node'],
    ['arn:aws:iam::111111111111:role/some/path/node-role', 'node-role'],
    ['<pending:nodeRoleArn>', '<pending:nodeRoleArn>'],
  ])('reads the role name of %s', (arn, name) => {
    expect(roleNameFromArn(arn)).toBe(name);
  });
});
