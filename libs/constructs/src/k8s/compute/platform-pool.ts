import { Construct } from 'constructs';
import type { INodePool } from '@kubernetes-models/karpenter/karpenter.sh/v1/NodePool';
import { StageContext } from '../context';
import { typedObject } from '../private/api-object';
import { NODE_CLASS } from './node-class';
import { NODE_DISRUPTION_BUDGETS, NODE_LIFETIME } from './node-pools';

/** The NodePool of the always-on platform pods: controllers, gateway, Metaflow services. */
export const PLATFORM_NODE_POOL = 'metaflow-platform';

/** The taint of the platform nodes: steps (which do not tolerate it) stay off them. */
export const PLATFORM_TAINT = { key: 'metaflow-gitops/platform', effect: 'NoSchedule' } as const;

/**
 * Where every platform pod runs: on the platform nodes only. Auto Mode labels each node with the
 * NodePool it came from (`karpenter.sh/nodepool`). A platform pod never keeps a step node alive (the
 * step pools consolidate only empty nodes, and one controller that moved onto a large step node
 * would hold it after the steps are done), and no step lands on a small platform node.
 */
export const PLATFORM_PLACEMENT = {
  nodeSelector: { 'karpenter.sh/nodepool': PLATFORM_NODE_POOL } as Record<string, string>,
  tolerations: [{ key: PLATFORM_TAINT.key, operator: 'Exists' as const, effect: PLATFORM_TAINT.effect }],
};

/** Current general purpose, compute and memory optimized amd64 families (AMD and Intel). */
const PLATFORM_FAMILIES = ['m7a', 'm7i', 'c7a', 'c7i', 'r7a', 'r7i', 'm6a', 'm6i', 'c6a', 'c6i', 'r6a', 'r6i'];
/**
 * Burstable families, for non-prod only: an idle stage's controllers use far less than their
 * baseline CPU, and a 2-vCPU `t3a.medium` is the smallest node Auto Mode launches (more than one
 * CPU, no nano, micro or small sizes: https://docs.aws.amazon.com/eks/latest/userguide/automode-learn-instances.html).
 */
const BURSTABLE_FAMILIES = ['t3a', 't3'];

/**
 * The platform NodePool: on-demand amd64 nodes from PLATFORM_FAMILIES (plus the burstable ones on
 * non-prod); Karpenter buys the cheapest type that fits the pending pods. Why not Graviton or spot:
 * - the static UI image has no arm64 build (https://github.com/outerbounds/metaflow-tools/issues/85),
 *   so an idle stage needs an amd64 node whatever the other images support; an arm64 node beside it
 *   would add a node, not replace one;
 * - on a non-prod stage the Metaflow services, the gateway and the EventBus run one replica: a spot
 *   interruption would take the stage down until a new node is up.
 * Its pods can all be moved, so underused nodes are consolidated too (on prod the
 * PodDisruptionBudgets keep a replica of each service through it).
 */
export function addPlatformNodePool(scope: Construct, ctx: StageContext): void {
  const families = ctx.config.isProd ? PLATFORM_FAMILIES : [...BURSTABLE_FAMILIES, ...PLATFORM_FAMILIES];
  typedObject<INodePool>(scope, 'node-pool-platform', {
    apiVersion: 'karpenter.sh/v1',
    kind: 'NodePool',
    metadata: { name: PLATFORM_NODE_POOL },
    spec: {
      template: {
        spec: {
          nodeClassRef: { group: 'eks.amazonaws.com', kind: 'NodeClass', name: NODE_CLASS },
          requirements: [
            { key: 'eks.amazonaws.com/instance-family', operator: 'In', values: families },
            { key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand'] },
            { key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] },
          ],
          taints: [{ ...PLATFORM_TAINT }],
          ...NODE_LIFETIME,
        },
      },
      limits: { cpu: '32', memory: '128Gi' },
      disruption: { consolidationPolicy: 'WhenEmptyOrUnderutilized', consolidateAfter: '5m', budgets: NODE_DISRUPTION_BUDGETS },
    },
  });
}
