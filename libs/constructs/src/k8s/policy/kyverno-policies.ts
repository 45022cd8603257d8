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
  stripJobHeaders: 'metaflow-jobs-strip-job-service-headers',
  stripJobSetHeaders: 'metaflow-jobs-strip-jobset-service-headers',
  denyResourceTemplateHeaders: 'metaflow-jobs-deny-headers-in-resource-templates',
} as const;

/** API version of the JobSets Metaflow creates for `@parallel` steps (its KUBERNETES_JOBSET_GROUP/VERSION defaults). */
export const JOBSET_API_VERSION = 'jobset.x-k8s.io/v1alpha2';

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

/** One level of a nested list down to a container list: the JMESPath from the enclosing element and the JSON pointer segment. */
interface ListLevel {
  readonly list: string;
  readonly path: string;
}

/**
 * A `foreach` that removes STRIPPED_ENV from every env list reached through `levels` (outermost
 * first; the first list is read from `request.object`) and then `env` (from the innermost element),
 * with JSON patches: strategic merge does not apply to custom resources. JSON patches remove by
 * index, so the env loop runs in descending order.
 */
function removeEnvByIndex(levels: readonly ListLevel[], env: ListLevel = { list: 'element.env', path: '/env' }) {
  const pointer = [...levels, env].map((l, i) => `${l.path}/{{elementIndex${i}}}`).join('');
  const innermost = {
    list: `${env.list} || \`[]\``,
    order: 'Descending' as const,
    preconditions: { all: [{ key: '{{ element.name }}', operator: 'Equals' as const, value: STRIPPED_ENV }] },
    patchesJson6902: JSON.stringify([{ op: 'remove', path: pointer }]),
  };
  return levels.reduceRight<Record<string, unknown>>((inner, level) => ({ list: `${level.list} || \`[]\``, foreach: [inner] }), innermost);
}

const inJobs = (kind: string) => ({ any: [{ resources: { kinds: [kind], namespaces: [NAMESPACES.jobs] } }] });

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
 *   (`argo-workflows create` copies it into every template);
 * - the same from the pod templates of the Jobs and JobSets created there (`@kubernetes` steps and
 *   `@parallel` steps, which Metaflow runs as JobSets), so the stored objects do not keep it either.
 *   The JobSet policy is its own: Kyverno accepts a policy for a kind whose CRD is not installed yet
 *   but marks it not ready, and the JobSet controller is not part of the platform;
 * - a Workflow, WorkflowTemplate or CronWorkflow whose `resource` template carries the variable is
 *   refused. `argo-workflows create` writes a `@parallel` step as a `resource` template whose JobSet
 *   manifest is a YAML string, which a patch cannot edit safely. Metaflow leaves the variable out
 *   when `METAFLOW_ARGO_WORKFLOWS_ENV_VARS_TO_SKIP` lists it, as the profile metaflow-login writes does.
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
  typedObject<IClusterPolicy>(scope, 'kyverno-strip-job-headers', {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: { name: KYVERNO_POLICIES.stripJobHeaders },
    spec: {
      rules: (['containers', 'initContainers'] as const).map((list) => ({
        name: `strip-from-job-${list.toLowerCase()}`,
        match: inJobs('batch/v1/Job'),
        mutate: {
          foreach: [removeEnvByIndex([{ list: `request.object.spec.template.spec.${list}`, path: `/spec/template/spec/${list}` }])],
        },
      })),
    },
  });
  typedObject<IClusterPolicy>(scope, 'kyverno-strip-jobset-headers', {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: { name: KYVERNO_POLICIES.stripJobSetHeaders },
    spec: {
      rules: (['containers', 'initContainers'] as const).map((list) => ({
        name: `strip-from-jobset-${list.toLowerCase()}`,
        match: inJobs(`${JOBSET_API_VERSION}/JobSet`),
        mutate: {
          foreach: [
            removeEnvByIndex([
              { list: 'request.object.spec.replicatedJobs', path: '/spec/replicatedJobs' },
              { list: `element.template.spec.template.spec.${list}`, path: `/template/spec/template/spec/${list}` },
            ]),
          ],
        },
      })),
    },
  });
  typedObject<IClusterPolicy>(scope, 'kyverno-deny-resource-template-headers', {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: { name: KYVERNO_POLICIES.denyResourceTemplateHeaders },
    spec: {
      background: false,
      rules: ARGO_TEMPLATE_LISTS.map(({ kind, templates }) => ({
        name: `deny-headers-in-${kind.toLowerCase()}-resource-templates`,
        match: inJobs(`argoproj.io/v1alpha1/${kind}`),
        validate: {
          failureAction: 'Enforce' as const,
          message:
            `A resource template of this ${kind} (a Metaflow @parallel step's JobSet) sets ${STRIPPED_ENV}, which may hold a user's ` +
            `token. Deploy with METAFLOW_ARGO_WORKFLOWS_ENV_VARS_TO_SKIP=${STRIPPED_ENV} (the profile metaflow-login writes sets it).`,
          deny: {
            conditions: {
              any: [
                {
                  key: `{{ (request.object.${templates}[?resource].resource.manifest || \`[]\`) | [?contains(@, '${STRIPPED_ENV}')] | length(@) }}`,
                  operator: 'GreaterThan' as const,
                  value: 0,
                },
              ],
            },
          },
        },
      })),
    },
  });
  typedObject<IClusterPolicy>(scope, 'kyverno-strip-workflow-headers', {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: { name: KYVERNO_POLICIES.stripWorkflowHeaders },
    spec: {
      rules: ARGO_TEMPLATE_LISTS.map(({ kind, templates, path }) => ({
        name: `strip-from-${kind.toLowerCase()}-templates`,
        match: inJobs(`argoproj.io/v1alpha1/${kind}`),
        mutate: {
          foreach: [
            removeEnvByIndex([{ list: `request.object.${templates}`, path }], { list: 'element.container.env', path: '/container/env' }),
          ],
        },
      })),
    },
  });
}
