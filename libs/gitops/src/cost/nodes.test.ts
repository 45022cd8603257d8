import { allocatable, candidateTypes, nodePools, nodesNeeded } from './nodes';
import { PRICE_BOOK } from './prices';
import { AlwaysOnPods } from './workloads';

const TYPES = PRICE_BOOK.instanceTypes;
const type = (name: string) => TYPES.find((t) => t.type === name)!;
const pod = (over: Partial<AlwaysOnPods> = {}): AlwaysOnPods => ({
  source: 'p',
  replicas: 1,
  perNode: false,
  cpu: 0.5,
  memoryMiB: 512,
  nodeSelector: {},
  tolerates: [],
  spread: false,
  ...over,
});

describe('node pools and candidate types', () => {
  const own = {
    apiVersion: 'karpenter.sh/v1',
    kind: 'NodePool',
    metadata: { name: 'cpu' },
    spec: {
      template: {
        spec: {
          requirements: [
            { key: 'eks.amazonaws.com/instance-family', operator: 'In', values: ['m7i', 'm7g'] },
            { key: 'kubernetes.io/arch', operator: 'In', values: ['arm64'] },
          ],
        },
      },
    },
  };
  const gpu = {
    ...own,
    metadata: { name: 'gpu' },
    spec: { template: { spec: { requirements: [], taints: [{ key: 'nvidia.com/gpu', effect: 'NoSchedule' }] } } },
  };

  it('a pool allows the types its requirements match', () => {
    const pools = nodePools([], [own]);
    expect(candidateTypes(pod(), pools, TYPES).map((t) => t.type)).toEqual(['m7g.large', 'm7g.xlarge', 'm7g.2xlarge']);
  });

  it('the built-in general-purpose pool is amd64 c/m/r; the system pool is tainted', () => {
    expect(new Set(candidateTypes(pod(), nodePools(['general-purpose'], []), TYPES).map((t) => t.arch))).toEqual(new Set(['amd64']));
    expect(candidateTypes(pod(), nodePools(['system'], []), TYPES)).toEqual([]);
    expect(candidateTypes(pod({ tolerates: ['CriticalAddonsOnly'] }), nodePools(['system'], []), TYPES).length).toBeGreaterThan(0);
  });

  it('a tainted pool only for pods that tolerate it; a nodeSelector narrows the types', () => {
    expect(candidateTypes(pod(), nodePools([], [gpu]), TYPES)).toEqual([]);
    const selected = candidateTypes(pod({ nodeSelector: { 'kubernetes.io/arch': 'arm64' } }), nodePools(['general-purpose'], [own]), TYPES);
    expect(new Set(selected.map((t) => t.arch))).toEqual(new Set(['arm64']));
  });
});

describe('nodesNeeded', () => {
  it('packs the summed requests into the allocatable room of the type', () => {
    const room = allocatable(type('m7i.large'));
    expect(room.cpu).toBeCloseTo(2 - 0.07, 5);
    expect(nodesNeeded(type('m7i.large'), [pod({ cpu: 1, replicas: 3 })])).toBe(Math.ceil(3 / room.cpu));
    expect(nodesNeeded(type('m7i.large'), [])).toBe(0);
  });

  it('DaemonSets take room on every node; a pod larger than a node does not fit', () => {
    const free = allocatable(type('m7i.large')).cpu;
    expect(nodesNeeded(type('m7i.large'), [pod({ cpu: free - 0.1, replicas: 2 }), pod({ perNode: true, cpu: 0.2 })])).toBeUndefined();
    expect(nodesNeeded(type('m7i.large'), [pod({ cpu: 4 })])).toBeUndefined();
  });

  it('spread replicas start on separate nodes', () => {
    expect(nodesNeeded(type('m7i.xlarge'), [pod({ replicas: 3 })])).toBe(1);
    expect(nodesNeeded(type('m7i.xlarge'), [pod({ replicas: 3, spread: true })])).toBe(3);
  });
});
