import { Construct } from 'constructs';
import type { IClusterPolicy } from '@kubernetes-models/kyverno/kyverno.io/v1/ClusterPolicy';
import { NAMESPACES } from '@metaflow-gitops/stage-config';
import { typedObject } from '../private/api-object';

export const STRIPPED_ENV = 'METAFLOW_SERVICE_HEADERS';

export const KYVERNO_POLICIES = {
  baseline: 'metaflow-jobs-baseline',
  requests: 'metaflow-jobs-require-requests',
  stripHeaders: 'metaflow-jobs-strip-service-headers',
  stripWorkflowHeaders: 'metaflow-jobs-strip-workflow-service-headers',
} as const;

/** Where each Argo kind Metaflow deploys keeps its templates. */
const ARGO_TEMPLATE_LISTS = [
  { kind: 'Workflow', templates: 'spec.templates', path: '/spec/templates' },
  { kind: 'WorkflowTemplate', templates: 'spec.templates', path: '/spec/templates' },
  { kind: 'CronWorkflow', templates: 'spec.workflowSpec.templates', path: '/spec/workflowSpec/templates' },
] as const;

const jobPods = { any: [{ resources: { kinds: ['Pod'], namespaces: [NAMESPACES.jobs] } }] };

/**
 * Argo Events runs its EventBus, EventSource and Sensor pods in the jobs namespace; their
 * controllers label them with the owning object's name. They are platform pods, not user steps.
 */
const argoEventsPods = {
  any: ['eventbus-name', 'eventsource-name', 'sensor-name'].map((label) => ({
    resources: { selector: { matchExpressions: [{ key: label, operator: 'Exists' as const }] } },
  })),
};

/**
 * Kyverno policies for the namespace where users' steps run:
 * - baseline Pod Security (no privileged, host namespaces or host paths);
 * - every container declares CPU and memory requests (the node pools scale on them);
 * - `METAFLOW_SERVICE_HEADERS` is removed from every container and init container of every pod.
 *   Metaflow's Kubernetes and Argo plugins copy it from the submitting user's environment into the
 *   pods they create (https://github.com/Netflix/metaflow/blob/master/metaflow/plugins/argo/argo_workflows.py):
 *   a user's bearer token must never run inside a
 *   pod. Pods reach the metadata service through the in-cluster URL, which needs no token.
 * - the same variable is removed from the container templates of Argo Workflows, WorkflowTemplates
 *   and CronWorkflows created there, so a token never lands in a stored workflow definition either
 *   (`argo-workflows create` copies it into every template). JSON patches remove by index, so the
 *   inner loop runs in descending order.
 */
export function addKyvernoPolicies(scope: Construct): void {
  typedObject<IClusterPolicy>(scope, 'kyverno-baseline', {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: { name: KYVERNO_POLICIES.baseline },
    spec: {
      background: true,
      rules: [
        {
          name: 'baseline-pod-security',
          match: jobPods,
          validate: { failureAction: 'Enforce', podSecurity: { level: 'baseline', version: 'latest' } },
        },
      ],
    },
  });
  typedObject<IClusterPolicy>(scope, 'kyverno-requests', {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: { name: KYVERNO_POLICIES.requests },
    spec: {
      background: true,
      rules: [
        {
          name: 'require-cpu-and-memory-requests',
          match: jobPods,
          exclude: argoEventsPods,
          validate: {
            failureAction: 'Enforce',
            message: 'Every container in the Metaflow jobs namespace must request CPU and memory (resources.requests.cpu and .memory).',
            pattern: { spec: { containers: [{ resources: { requests: { cpu: '?*', memory: '?*' } } }] } },
          },
        },
      ],
    },
  });
  const strip = (list: 'containers' | 'initContainers') => ({
    list: `request.object.spec.${list}`,
    preconditions: {
      all: [{ key: `{{ length(element.env[?name=='${STRIPPED_ENV}'] || \`[]\`) }}`, operator: 'GreaterThan' as const, value: 0 }],
    },
    patchStrategicMerge: { spec: { [list]: [{ name: '{{ element.name }}', env: [{ name: STRIPPED_ENV, $patch: 'delete' }] }] } },
  });
  typedObject<IClusterPolicy>(scope, 'kyverno-strip-headers', {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: { name: KYVERNO_POLICIES.stripHeaders },
    spec: {
      rules: [
        {
          name: 'strip-from-containers',
          match: jobPods,
          mutate: { foreach: [strip('containers')] },
        },
        {
          name: 'strip-from-init-containers',
          match: jobPods,
          preconditions: { all: [{ key: '{{ length(request.object.spec.initContainers || `[]`) }}', operator: 'GreaterThan', value: 0 }] },
          mutate: { foreach: [strip('initContainers')] },
        },
      ],
    },
  });
  typedObject<IClusterPolicy>(scope, 'kyverno-strip-workflow-headers', {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: { name: KYVERNO_POLICIES.stripWorkflowHeaders },
    spec: {
      rules: ARGO_TEMPLATE_LISTS.map(({ kind, templates, path }) => ({
        name: `strip-from-${kind.toLowerCase()}-templates`,
        match: { any: [{ resources: { kinds: [`argoproj.io/v1alpha1/${kind}`], namespaces: [NAMESPACES.jobs] } }] },
        mutate: {
          foreach: [
            {
              list: `request.object.${templates} || \`[]\``,
              foreach: [
                {
                  list: 'element.container.env || `[]`',
                  order: 'Descending',
                  preconditions: { all: [{ key: '{{ element.name }}', operator: 'Equals', value: STRIPPED_ENV }] },
                  patchesJson6902: JSON.stringify([{ op: 'remove', path: `${path}/{{elementIndex0}}/container/env/{{elementIndex1}}` }]),
                },
              ],
            },
          ],
        },
      })),
    },
  });
}
