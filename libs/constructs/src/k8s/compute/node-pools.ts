import { Construct } from 'constructs';
import type { INodePool } from '@kubernetes-models/karpenter/karpenter.sh/v1/NodePool';
import type { NodePoolConfig } from '@metaflow-gitops/stage-config';
import { StageContext } from '../context';
import { typedObject } from '../private/api-object';
import { NODE_CLASS } from './node-class';

export const GPU_TAINT = { key: 'nvidia.com/gpu', effect: 'NoSchedule' } as const;

type Requirement = { key: string; operator: 'In' | 'Exists'; values?: string[] };

function requirements(pool: NodePoolConfig): Requirement[] {
  return [
    { key: 'eks.amazonaws.com/instance-family', operator: 'In', values: [...pool.instanceFamilies] },
    { key: 'karpenter.sh/capacity-type', operator: 'In', values: [...pool.capacityTypes] },
    { key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] },
  ];
}

/**
 * Auto Mode NodePools from the stage file. Batch steps must not be evicted half-way, so nodes are
 * only consolidated when empty. The GPU pool is tainted `nvidia.com/gpu:NoSchedule`: only steps
 * that ask for a GPU (and so tolerate it) land there; Auto Mode ships the NVIDIA driver.
 */
export function addNodePools(scope: Construct, ctx: StageContext): void {
  const nodeClassRef = { group: 'eks.amazonaws.com', kind: 'NodeClass', name: NODE_CLASS };
  const disruption = { consolidationPolicy: 'WhenEmpty' as const, consolidateAfter: '5m' };
  const cpu = ctx.config.compute.cpu;
  typedObject<INodePool>(scope, 'node-pool-cpu', {
    apiVersion: 'karpenter.sh/v1',
    kind: 'NodePool',
    metadata: { name: 'metaflow-cpu' },
    spec: {
      template: { spec: { nodeClassRef, requirements: requirements(cpu), expireAfter: '720h' } },
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
            expireAfter: '720h',
          },
        },
        limits: { cpu: String(gpu.maxCpu), memory: `${gpu.maxMemoryGiB}Gi`, 'nvidia.com/gpu': String(gpu.maxGpus) },
        disruption,
      },
    });
  }
}
