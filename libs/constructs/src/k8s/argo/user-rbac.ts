import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { METAFLOW_USERS_GROUP, NAMESPACES } from '@metaflow-gitops/stage-config';

export const RUN_SUBMITTER_ROLE = 'metaflow-run-submitter';

/**
 * What a data scientist's `--with kubernetes run` (Jobs, JobSets, reading pods and logs) and
 * `argo-workflows create/trigger` (Workflows, WorkflowTemplates, CronWorkflows, Sensors) need,
 * granted in the jobs namespace only, to the Kubernetes group
 * the Eks stack's access entries map users to.
 */
export function addUserRbac(scope: Construct): void {
  const crud = ['get', 'list', 'watch', 'create', 'patch', 'update', 'delete'];
  new k8s.KubeClusterRole(scope, 'run-submitter', {
    metadata: { name: RUN_SUBMITTER_ROLE },
    rules: [
      { apiGroups: ['batch'], resources: ['jobs'], verbs: crud },
      { apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['jobset.x-k8s.io'], resources: ['jobsets'], verbs: crud },
      { apiGroups: ['argoproj.io'], resources: ['workflows', 'workflowtemplates', 'cronworkflows', 'sensors'], verbs: crud },
    ],
  });
  new k8s.KubeRoleBinding(scope, 'run-submitter-binding', {
    metadata: { name: RUN_SUBMITTER_ROLE, namespace: NAMESPACES.jobs },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: RUN_SUBMITTER_ROLE },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: METAFLOW_USERS_GROUP }],
  });
}
