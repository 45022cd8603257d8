import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { NAMESPACES } from '@metaflow-gitops/stage-config';

export const STEP_PDB = 'metaflow-steps';

/**
 * Metaflow's pods in the jobs namespace: every pod Metaflow creates carries
 * `app.kubernetes.io/part-of: metaflow` (@kubernetes Jobs and JobSets, and Argo step pods through
 * the workflow's pod metadata); its Argo Events sensors too, which are long-running and may move,
 * so they are left out by name.
 */
export const STEP_POD_SELECTOR: k8s.LabelSelector = {
  matchLabels: { 'app.kubernetes.io/part-of': 'metaflow' },
  matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'NotIn', values: ['metaflow-sensor'] }],
};

/**
 * A PodDisruptionBudget that allows no step pod to be evicted: Karpenter then never picks a node
 * running a step for consolidation or drift, and a node that drains anyway (expiry) keeps its
 * running steps until its `terminationGracePeriod` is up (NODE_LIFETIME). Pods that are not
 * running and ready (pending, crash-looping) can still be evicted, so they never hold a drain.
 */
export function addStepDisruptionBudget(scope: Construct): void {
  new k8s.KubePodDisruptionBudget(scope, 'step-pdb', {
    metadata: { name: STEP_PDB, namespace: NAMESPACES.jobs },
    spec: { maxUnavailable: k8s.IntOrString.fromNumber(0), selector: STEP_POD_SELECTOR, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
  });
}
