import { Construct } from 'constructs';
import type { INodePool } from '@kubernetes-models/karpenter/karpenter.sh/v1/NodePool';
import type { NodePoolConfig } from '@metaflow-gitops/stage-config';
import { StageContext } from '../context';
import { typedObject } from '../private/api-object';
import { NODE_CLASS } from './node-class';

export const GPU_TAINT = { key: 'nvidia.com/gpu', effect: 'NoSchedule' } as const;

type Requirement = { key: string; operator: 'In' | 'Exists'; values?: string[] };

/** Step nodes are amd64: users' step images are built for it. */
function requirements(pool: NodePoolConfig): Requirement[] {
  return [
    { key: 'eks.amazonaws.com/instance-family', operator: 'In', values: [...pool.instanceFamilies] },
    { key: 'karpenter.sh/capacity-type', operator: 'In', values: [...pool.capacityTypes] },
    { key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] },
  ];
}

/**
 * Node lifetime. EKS Auto Mode replaces its nodes after at most 21 days
 * (https://docs.aws.amazon.com/eks/latest/userguide/automode.html). A node starts draining when
 * `expireAfter` is up and is terminated when `terminationGracePeriod` more has passed, whatever
 * still runs on it (PDBs and `karpenter.sh/do-not-disrupt` hold only until then:
 * https://karpenter.sh/docs/concepts/disruption/#terminationgraceperiod). 20 days plus one day of
 * drain ends exactly at the cap, so a step running when its node expires keeps at least a day.
 */
export const NODE_LIFETIME = { expireAfter: '480h', terminationGracePeriod: '24h' } as const;

/**
 * How fast Karpenter may disrupt nodes voluntarily: empty nodes (consolidation) 10% at a time,
 * drifted nodes (a new Auto Mode AMI, a changed pool) one at a time. Expiry ignores budgets.
 */
export const NODE_DISRUPTION_BUDGETS = [{ nodes: '10%' }, { nodes: '1', reasons: ['Drifted' as const] }];

/**
 * Auto Mode NodePools from the stage file. Nodes are consolidated only when empty, and a node
 * running a step is never picked for drift (the step PodDisruptionBudget blocks its eviction);
 * expiry is the one lifecycle event that can end a step, after a day of drain (NODE_LIFETIME).
 * The GPU pool is tainted `nvidia.com/gpu:NoSchedule`: only steps that ask for a GPU (and so
 * tolerate it) land there; Auto Mode ships the NVIDIA driver.
 */
export function addNodePools(scope: Construct, ctx: StageContext): void {
  const nodeClassRef = { group: 'eks.amazonaws.com', kind: 'NodeClass', name: NODE_CLASS };
  const disruption = { consolidationPolicy: 'WhenEmpty' as const, consolidateAfter: '5m', budgets: NODE_DISRUPTION_BUDGETS };
  const cpu = ctx.config.compute.cpu;
  typedObject<INodePool>(scope, 'node-pool-cpu', {
    apiVersion: 'karpenter.sh/v1',
    kind: 'NodePool',
    metadata: { name: 'metaflow-cpu' },
    spec: {
      template: { spec: { nodeClassRef, requirements: requirements(cpu), ...NODE_LIFETIME } },
      limits: { cpu: String(cpu.maxCpu), memory: `${cpu.maxMemoryGiB}Gi` },
      disruption,
    },
  });
  const gpu = ctx.config.compute.gpu;
  if (gpu) {
    typedObject<INodePool>(scope, 'node-pool-gpu', {
      apiVersion: 'karpenter.sh/v1',
      kind: 'NodePool',
      metadata: { name: 'metaflow-gpu' },
      spec: {
        template: {
          spec: {
            nodeClassRef,
            requirements: [
              ...requirements(gpu),
              { key: 'eks.amazonaws.com/instance-gpu-manufacturer', operator: 'In', values: ['nvidia'] },
            ],
            taints: [{ ...GPU_TAINT }],
            ...NODE_LIFETIME,
          },
        },
        limits: { cpu: String(gpu.maxCpu), memory: `${gpu.maxMemoryGiB}Gi`, 'nvidia.com/gpu': String(gpu.maxGpus) },
        disruption,
      },
    });
  }
}
