import { AlwaysOnPods } from './workloads';
import { InstanceType } from './prices';
import { asArray, at, isObject, Json } from './private/json';

/** A node pool as far as the estimate needs it: its name, requirements and taints. */
export interface NodePoolShape {
  readonly name: string;
  readonly requirements: readonly Requirement[];
  /** Keys of its NoSchedule/NoExecute taints. */
  readonly taints: readonly string[];
}

export interface Requirement {
  readonly key: string;
  readonly operator: string;
  readonly values: readonly string[];
}

/**
 * The built-in Auto Mode node pools a cluster enables (`ComputeConfig.NodePools`), as EKS defines
 * them: https://docs.aws.amazon.com/eks/latest/userguide/set-builtin-node-pools.html
 */
const BUILT_IN_POOLS: Record<string, NodePoolShape> = {
  'general-purpose': {
    name: 'general-purpose',
    requirements: [
      { key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand'] },
      { key: 'eks.amazonaws.com/instance-category', operator: 'In', values: ['c', 'm', 'r'] },
      { key: 'eks.amazonaws.com/instance-generation', operator: 'Gt', values: ['4'] },
      { key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] },
    ],
    taints: [],
  },
  system: {
    name: 'system',
    requirements: [
      { key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand'] },
      { key: 'eks.amazonaws.com/instance-category', operator: 'In', values: ['c', 'm', 'r'] },
      { key: 'eks.amazonaws.com/instance-generation', operator: 'Gt', values: ['4'] },
      { key: 'kubernetes.io/arch', operator: 'In', values: ['amd64', 'arm64'] },
    ],
    taints: ['CriticalAddonsOnly'],
  },
};

/** The node pools of a stage: the built-in ones its cluster enables and the NodePools of its manifests. */
export function nodePools(builtIn: readonly string[], objects: readonly unknown[]): NodePoolShape[] {
  const own = objects
    .filter(isObject)
    .filter((o: Json) => o.kind === 'NodePool' && String(o.apiVersion).startsWith('karpenter.sh/'))
    .map((o) => ({
      name: String(at(o, 'metadata.name')),
      requirements: asArray(at(o, 'spec.template.spec.requirements')).map((r) => ({
        key: String(at(r, 'key')),
        operator: String(at(r, 'operator')),
        values: asArray(at(r, 'values')).map(String),
      })),
      taints: asArray(at(o, 'spec.template.spec.taints'))
        .filter((t) => at(t, 'effect') !== 'PreferNoSchedule')
        .map((t) => String(at(t, 'key'))),
    }));
  return [...builtIn.flatMap((n) => (BUILT_IN_POOLS[n] ? [BUILT_IN_POOLS[n]] : [])), ...own];
}

/** The label value an instance type gives its nodes for a requirement key (undefined: a label the estimate does not model). */
function label(t: InstanceType, key: string): string | undefined {
  switch (key) {
    case 'kubernetes.io/arch':
      return t.arch;
    case 'node.kubernetes.io/instance-type':
      return t.type;
    case 'eks.amazonaws.com/instance-family':
    case 'karpenter.k8s.aws/instance-family':
      return t.family;
    case 'eks.amazonaws.com/instance-category':
    case 'karpenter.k8s.aws/instance-category':
      return t.category;
    case 'eks.amazonaws.com/instance-generation':
    case 'karpenter.k8s.aws/instance-generation':
      return String(t.generation);
    case 'eks.amazonaws.com/instance-cpu':
    case 'karpenter.k8s.aws/instance-cpu':
      return String(t.vcpu);
    case 'kubernetes.io/os':
      return 'linux';
    case 'karpenter.sh/capacity-type':
      // Priced on demand: a pool that allows on-demand can run it.
      return 'on-demand';
    default:
      return undefined;
  }
}

function allows(t: InstanceType, r: Requirement): boolean {
  const v = label(t, r.key);
  if (v === undefined) return true;
  switch (r.operator) {
    case 'In':
      return r.values.includes(v);
    case 'NotIn':
      return !r.values.includes(v);
    case 'Gt':
      return Number(v) > Number(r.values[0]);
    case 'Lt':
      return Number(v) < Number(r.values[0]);
    case 'DoesNotExist':
      return false;
    default:
      return true;
  }
}

/** The candidate instance types a pod can get from the pools: the pool must accept it (taints, pool selector), the type must match both. */
export function candidateTypes(pod: AlwaysOnPods, pools: readonly NodePoolShape[], types: readonly InstanceType[]): InstanceType[] {
  const selector = Object.entries(pod.nodeSelector);
  const eligible = pools.filter(
    (p) =>
      p.taints.every((k) => pod.tolerates.includes(k) || pod.tolerates.includes('*')) &&
      (pod.nodeSelector['karpenter.sh/nodepool'] ?? p.name) === p.name,
  );
  return types.filter(
    (t) =>
      eligible.some((p) => p.requirements.every((r) => allows(t, r))) &&
      selector.every(([key, value]) => allows(t, { key, operator: 'In', values: [value] })),
  );
}

/** Pods per node the reservation assumes (the Kubernetes default). */
const MAX_PODS = 110;

/**
 * What a node of type `t` leaves for pods: the vCPUs and memory minus the kubelet and system
 * reservation and eviction threshold (Karpenter's formulas: 6% of the first core, 1% of the
 * second, 0.5% of the next two, 0.25% of the rest; 255 MiB + 11 MiB per pod, 100 MiB eviction,
 * 7.5% of the memory for the hypervisor).
 */
export function allocatable(t: InstanceType): { cpu: number; memoryMiB: number } {
  const cores = t.vcpu;
  const reserved =
    0.06 * Math.min(cores, 1) +
    0.01 * Math.min(Math.max(cores - 1, 0), 1) +
    0.005 * Math.min(Math.max(cores - 2, 0), 2) +
    0.0025 * Math.max(cores - 4, 0);
  const memory = t.memoryGiB * 1024 * (1 - 0.075) - (255 + 11 * MAX_PODS) - 100;
  return { cpu: cores - reserved, memoryMiB: memory };
}

/**
 * How many nodes of type `t` hold these pods: their requests summed (the DaemonSets on each node),
 * at least as many as the largest spread workload has replicas; undefined when one pod does not fit.
 * A lower bound: it packs requests as if they were fluid, as a bin packer at its best would.
 */
export function nodesNeeded(t: InstanceType, pods: readonly AlwaysOnPods[]): number | undefined {
  const room = allocatable(t);
  const daemon = pods
    .filter((p) => p.perNode)
    .reduce((a, p) => ({ cpu: a.cpu + p.cpu, memoryMiB: a.memoryMiB + p.memoryMiB }), { cpu: 0, memoryMiB: 0 });
  const free = { cpu: room.cpu - daemon.cpu, memoryMiB: room.memoryMiB - daemon.memoryMiB };
  const others = pods.filter((p) => !p.perNode);
  if (others.some((p) => p.cpu > free.cpu || p.memoryMiB > free.memoryMiB) || free.cpu <= 0 || free.memoryMiB <= 0) return undefined;
  const cpu = others.reduce((n, p) => n + p.cpu * p.replicas, 0);
  const memory = others.reduce((n, p) => n + p.memoryMiB * p.replicas, 0);
  if (others.length === 0) return 0;
  // Karpenter honours a preferred spread when it provisions: spread replicas start on separate nodes.
  const spread = Math.max(1, ...others.filter((p) => p.spread).map((p) => p.replicas));
  return Math.max(spread, Math.ceil(cpu / free.cpu - 1e-9), Math.ceil(memory / free.memoryMiB - 1e-9));
}
