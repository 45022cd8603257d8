import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { SERVICE_ACCOUNTS } from '@metaflow-gitops/stage-config';

/** Sensors (created by `@trigger` flows) submit workflows from templates as this account. */
export function addSensorRbac(scope: Construct): void {
  const sa = SERVICE_ACCOUNTS.argoEventsSensor;
  new k8s.KubeRole(scope, 'sensor-role', {
    metadata: { name: sa.name, namespace: sa.namespace },
    rules: [
      { apiGroups: ['argoproj.io'], resources: ['workflows'], verbs: ['create', 'patch', 'get', 'list'] },
      { apiGroups: ['argoproj.io'], resources: ['workflowtemplates'], verbs: ['get', 'list'] },
    ],
  });
  new k8s.KubeRoleBinding(scope, 'sensor-role-binding', {
    metadata: { name: sa.name, namespace: sa.namespace },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: sa.name },
    subjects: [{ kind: 'ServiceAccount', name: sa.name, namespace: sa.namespace }],
  });
}
