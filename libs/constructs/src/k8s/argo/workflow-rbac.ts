import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { SERVICE_ACCOUNTS } from '@metaflow-gitops/stage-config';

/**
 * What a Metaflow task pod run by Argo Workflows needs from the API: the executor reports step
 * outputs as `workflowtaskresults` (Argo Workflows >= 3.4).
 */
export function addWorkflowRbac(scope: Construct): void {
  const sa = SERVICE_ACCOUNTS.task;
  new k8s.KubeRole(scope, 'task-role', {
    metadata: { name: sa.name, namespace: sa.namespace },
    rules: [{ apiGroups: ['argoproj.io'], resources: ['workflowtaskresults'], verbs: ['create', 'patch'] }],
  });
  new k8s.KubeRoleBinding(scope, 'task-role-binding', {
    metadata: { name: sa.name, namespace: sa.namespace },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: sa.name },
    subjects: [{ kind: 'ServiceAccount', name: sa.name, namespace: sa.namespace }],
  });
}
