import * as yaml from 'js-yaml';
import { NAMESPACES } from '@metaflow-gitops/stage-config';
import { makeStageConfig } from '@metaflow-gitops/testing/stage-config';
import { RenderedManifests, renderStageManifests } from '../render';
import {
  DenyRule,
  MutateRule,
  allObjects,
  denials,
  findObject,
  kubectlAvailable,
  mutate,
  sampleOutputs,
} from '@metaflow-gitops/testing/constructs/k8s';

type ForEach = {
  list: string;
  preconditions: unknown;
  patchStrategicMerge: { spec: Record<string, { name: string; env: Record<string, string>[] }[]> };
};
type Rule = {
  name: string;
  match: { any: { resources: { kinds: string[]; namespaces: string[] } }[] };
  mutate?: { foreach: ForEach[] };
  validate?: Record<string, unknown>;
};
type ClusterPolicy = { spec: { rules: Rule[] } };
type Peer = { namespaceSelector: { matchLabels: Record<string, string> } };
type NetPol = {
  spec: {
    podSelector: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; values: string[] }[] };
    policyTypes: string[];
    ingress?: { from: Peer[]; ports: { port: number }[] }[];
  };
};

let rendered: RenderedManifests;
beforeAll(() => {
  rendered = renderStageManifests(makeStageConfig({ name: 'dev' }), sampleOutputs('dev'));
});

describe('header stripping', () => {
  const policy = () => findObject<ClusterPolicy>(rendered, 'ClusterPolicy', 'metaflow-jobs-strip-service-headers');

  it('mutates pods of the jobs namespace only', () => {
    for (const rule of policy().spec.rules)
      expect(rule.match.any).toEqual([{ resources: { kinds: ['Pod'], namespaces: [NAMESPACES.jobs] } }]);
  });

  it('deletes METAFLOW_SERVICE_HEADERS from every container and every init container', () => {
    const foreach = policy().spec.rules.flatMap((r) => r.mutate!.foreach);
    expect(foreach.map((f) => f.list).sort()).toEqual(['request.object.spec.containers', 'request.object.spec.initContainers']);
    for (const f of foreach) {
      const field = f.list.split('.').pop()!;
      expect(f.patchStrategicMerge.spec[field]).toEqual([
        { name: '{{ element.name }}', env: [{ name: 'METAFLOW_SERVICE_HEADERS', $patch: 'delete' }] },
      ]);
      expect(JSON.stringify(f.preconditions)).toContain("element.env[?name=='METAFLOW_SERVICE_HEADERS']");
    }
  });
});

const hasKubectl = kubectlAvailable();
if (!hasKubectl)
  process.stderr.write('policy.test: kubectl is not installed: the header-stripping mutation is NOT exercised (describe.skip)\n');

(hasKubectl ? describe : describe.skip)('header stripping, applied with kubectl strategic merge and JMESPath', () => {
  const token = '{"Authorization": "Bearer eyJ.user.token"}';
  type Env = { name: string; value: string };
  type PodSpec = { containers: { name: string; env?: Env[] }[]; initContainers?: { name: string; env?: Env[] }[] };
  const pod = (spec: PodSpec) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'step', namespace: NAMESPACES.jobs }, spec });
  const rules = () =>
    findObject<{ spec: { rules: MutateRule[] } }>(rendered, 'ClusterPolicy', 'metaflow-jobs-strip-service-headers').spec.rules;
  const headers = { name: 'METAFLOW_SERVICE_HEADERS', value: token };

  it('removes the headers from every container and init container, keeping every other variable', () => {
    const result = mutate(
      rules(),
      pod({
        initContainers: [{ name: 'init', env: [headers, { name: 'X', value: '1' }] }],
        containers: [
          {
            name: 'main',
            env: [
              { name: 'METAFLOW_SERVICE_URL', value: 'http://metaflow-metadata.metaflow.svc.cluster.local:8080' },
              headers,
              { name: 'B', value: '2' },
            ],
          },
          { name: 'wait', env: [headers] },
        ],
      }),
    ) as { spec: PodSpec };
    expect(JSON.stringify(result)).not.toContain('eyJ.user.token');
    expect(result.spec.containers[0].env).toEqual([
      { name: 'METAFLOW_SERVICE_URL', value: 'http://metaflow-metadata.metaflow.svc.cluster.local:8080' },
      { name: 'B', value: '2' },
    ]);
    expect(result.spec.initContainers![0].env).toEqual([{ name: 'X', value: '1' }]);
    expect(result.spec.containers.map((c) => c.name)).toEqual(['main', 'wait']);
  });

  it('leaves a pod without the headers exactly as it was', () => {
    const clean = pod({ containers: [{ name: 'main', env: [{ name: 'A', value: '1' }] }, { name: 'side' }] });
    expect(mutate(rules(), clean)).toEqual(clean);
  });

  type Template = { name: string; container?: { image: string; env?: Env[] }; dag?: { tasks: unknown[] } };
  const workflowRules = (kind: string) =>
    findObject<{ spec: { rules: (MutateRule & { match: { any: { resources: { kinds: string[] } }[] } })[] } }>(
      rendered,
      'ClusterPolicy',
      'metaflow-jobs-strip-workflow-service-headers',
    ).spec.rules.filter((r) => r.match.any[0].resources.kinds.includes(`argoproj.io/v1alpha1/${kind}`));
  const templates = (): Template[] => [
    {
      name: 'start',
      container: { image: 'python:3.12', env: [headers, { name: 'A', value: '1' }, { name: 'METAFLOW_SERVICE_HEADERS', value: token }] },
    },
    { name: 'dag', dag: { tasks: [] } },
    { name: 'end', container: { image: 'python:3.12', env: [{ name: 'B', value: '2' }, headers] } },
  ];

  it.each([
    ['WorkflowTemplate', (t: Template[]) => ({ spec: { templates: t } }), (o: { spec: { templates: Template[] } }) => o.spec.templates],
    ['Workflow', (t: Template[]) => ({ spec: { templates: t } }), (o: { spec: { templates: Template[] } }) => o.spec.templates],
    [
      'CronWorkflow',
      (t: Template[]) => ({ spec: { schedule: '0 * * * *', workflowSpec: { templates: t } } }),
      (o: { spec: { workflowSpec: { templates: Template[] } } }) => o.spec.workflowSpec.templates,
    ],
  ])('removes the headers from every container template of a %s', (kind, build, read) => {
    const object = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind,
      metadata: { name: 'flow', namespace: NAMESPACES.jobs },
      ...build(templates()),
    };
    const result = read(mutate(workflowRules(kind), object) as never);
    expect(JSON.stringify(result)).not.toContain('eyJ.user.token');
    expect(result.map((t) => t.container?.env ?? null)).toEqual([[{ name: 'A', value: '1' }], null, [{ name: 'B', value: '2' }]]);
  });
});

// Objects shaped like the ones Metaflow creates (metaflow/plugins/kubernetes/kubernetes.py,
// kubernetes_job.py, kubernetes_jobsets.py, metaflow/plugins/argo/argo_workflows.py): a step's env
// holds METAFLOW_SERVICE_HEADERS as JSON text, next to the in-cluster service URL.
const TOKEN_HEADERS = { name: 'METAFLOW_SERVICE_HEADERS', value: '{"Authorization": "Bearer eyJ.user.token"}' };
const stepEnv = () => [
  { name: 'METAFLOW_CODE_SHA', value: 'c0ffee' },
  { name: 'METAFLOW_SERVICE_URL', value: 'http://metaflow-metadata.metaflow.svc.cluster.local:8080' },
  TOKEN_HEADERS,
  { name: 'METAFLOW_DEFAULT_DATASTORE', value: 's3' },
];
const cleanEnv = () => stepEnv().filter((e) => e.name !== TOKEN_HEADERS.name);
type Container = { name: string; image: string; env: { name: string; value: string }[] };
const stepContainer = (name: string): Container => ({ name, image: 'python:3.12', env: stepEnv() });
const podTemplate = (name: string) => ({
  metadata: { labels: { 'app.kubernetes.io/name': 'metaflow-task', 'app.kubernetes.io/part-of': 'metaflow' } },
  spec: { containers: [stepContainer(name)], restartPolicy: 'Never', serviceAccountName: 'metaflow-task' },
});
/** A `@kubernetes` step's Job. */
const metaflowJob = () => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { generateName: 't-1a2b3c4d-', namespace: NAMESPACES.jobs },
  spec: { backoffLimit: 0, template: podTemplate('start') },
});
/** A `@parallel` step's JobSet: a control and a worker replicated job, both with the step's env. */
const metaflowJobSet = () => ({
  apiVersion: 'jobset.x-k8s.io/v1alpha2',
  kind: 'JobSet',
  metadata: { name: 'js-8f2e1a', namespace: NAMESPACES.jobs, labels: { 'app.kubernetes.io/part-of': 'metaflow' } },
  spec: {
    replicatedJobs: ['control', 'worker'].map((name) => ({
      name,
      replicas: name === 'control' ? 1 : 3,
      template: { metadata: { namespace: NAMESPACES.jobs }, spec: { completions: 1, parallelism: 1, template: podTemplate('train') } },
    })),
    suspend: false,
  },
});

(hasKubectl ? describe : describe.skip)('header stripping from Jobs and JobSets, applied with kubectl JSON patch and JMESPath', () => {
  const rules = (name: string) => findObject<{ spec: { rules: MutateRule[] } }>(rendered, 'ClusterPolicy', name).spec.rules;

  it('removes the headers from the pod template of a @kubernetes Job, keeping every other variable', () => {
    const result = mutate(rules('metaflow-jobs-strip-job-service-headers'), metaflowJob()) as ReturnType<typeof metaflowJob>;
    expect(JSON.stringify(result)).not.toContain('eyJ.user.token');
    expect(result.spec.template.spec.containers[0].env).toEqual(cleanEnv());
  });

  it('removes the headers from every replicated job of a @parallel JobSet', () => {
    const result = mutate(rules('metaflow-jobs-strip-jobset-service-headers'), metaflowJobSet()) as ReturnType<typeof metaflowJobSet>;
    expect(JSON.stringify(result)).not.toContain('eyJ.user.token');
    for (const job of result.spec.replicatedJobs) expect(job.template.spec.template.spec.containers[0].env).toEqual(cleanEnv());
  });

  it('leaves a JobSet without the headers exactly as it was', () => {
    const clean = metaflowJobSet();
    for (const job of clean.spec.replicatedJobs) job.template.spec.template.spec.containers[0].env = cleanEnv();
    expect(mutate(rules('metaflow-jobs-strip-jobset-service-headers'), clean)).toEqual(clean);
  });
});

describe('Argo resource templates carrying the headers', () => {
  const rules = () =>
    findObject<{ spec: { rules: DenyRule[] } }>(rendered, 'ClusterPolicy', 'metaflow-jobs-deny-headers-in-resource-templates').spec.rules;
  /** `argo-workflows create` with a @parallel step: the JobSet goes into a `resource` template as a YAML string. */
  const template = (jobset: object) => ({
    name: 'train',
    resource: {
      action: 'create',
      setOwnerReference: true,
      successCondition: 'status.terminalState == Completed',
      failureCondition: 'status.terminalState == Failed',
      manifest: yaml.dump(jobset),
    },
  });
  const withoutHeaders = () => {
    const jobset = metaflowJobSet();
    for (const job of jobset.spec.replicatedJobs) job.template.spec.template.spec.containers[0].env = cleanEnv();
    return jobset;
  };
  const workflowTemplate = (templates: object[]) => ({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'WorkflowTemplate',
    metadata: { name: 'helloflow', namespace: NAMESPACES.jobs },
    spec: { entrypoint: 'HelloFlow', templates: [{ name: 'HelloFlow', dag: { tasks: [] } }, ...templates] },
  });
  const cronWorkflow = (templates: object[]) => ({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'CronWorkflow',
    metadata: { name: 'helloflow', namespace: NAMESPACES.jobs },
    spec: { schedule: '0 * * * *', workflowSpec: { templates } },
  });

  it('are refused in the jobs namespace, for every Argo kind Metaflow deploys, with the fix in the message', () => {
    expect(rules().map((r) => r.match.any[0].resources.kinds[0])).toEqual([
      'argoproj.io/v1alpha1/Workflow',
      'argoproj.io/v1alpha1/WorkflowTemplate',
      'argoproj.io/v1alpha1/CronWorkflow',
    ]);
    for (const r of rules()) expect(r.match.any[0].resources.namespaces).toEqual([NAMESPACES.jobs]);
    const refused = denials(rules(), workflowTemplate([template(metaflowJobSet())]));
    expect(refused).toHaveLength(1);
    expect(refused[0]).toContain('METAFLOW_ARGO_WORKFLOWS_ENV_VARS_TO_SKIP=METAFLOW_SERVICE_HEADERS');
    expect(denials(rules(), cronWorkflow([template(metaflowJobSet())]))).toHaveLength(1);
  });

  it('are admitted once Metaflow skips the variable, and container templates are left to the stripping policy', () => {
    expect(denials(rules(), workflowTemplate([template(withoutHeaders())]))).toEqual([]);
    expect(denials(rules(), { ...workflowTemplate([template(metaflowJobSet())]), metadata: { name: 'x', namespace: 'default' } })).toEqual(
      [],
    );
    expect(denials(rules(), workflowTemplate([{ name: 'start', container: stepContainer('start') }]))).toEqual([]);
    expect(denials(rules(), cronWorkflow([]))).toEqual([]);
  });
});

describe('workload namespace rules', () => {
  it('enforces baseline pod security', () => {
    const [rule] = findObject<ClusterPolicy>(rendered, 'ClusterPolicy', 'metaflow-jobs-baseline').spec.rules;
    expect(rule.match.any[0].resources.namespaces).toEqual([NAMESPACES.jobs]);
    expect(rule.validate).toEqual({ failureAction: 'Enforce', podSecurity: { level: 'baseline', version: 'latest' } });
  });

  it('is also enforced by Pod Security Admission on the namespace', () => {
    const ns = findObject<{ metadata: { labels: Record<string, string> } }>(rendered, 'Namespace', NAMESPACES.jobs);
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('baseline');
  });

  it('requires CPU and memory requests on every container', () => {
    const [rule] = findObject<ClusterPolicy>(rendered, 'ClusterPolicy', 'metaflow-jobs-require-requests').spec.rules;
    expect(rule.validate!.failureAction).toBe('Enforce');
    expect(rule.validate!.pattern).toEqual({ spec: { containers: [{ resources: { requests: { cpu: '?*', memory: '?*' } } }] } });
  });
});

describe('network policies', () => {
  const podLabels = (name: string) =>
    findObject<{ spec: { template: { metadata: { labels: Record<string, string> } } } }>(rendered, 'Deployment', name).spec.template
      .metadata.labels;
  const fromNamespaces = (p: NetPol) =>
    p.spec.ingress!.flatMap((i) => i.from.map((f) => f.namespaceSelector.matchLabels['kubernetes.io/metadata.name']));

  it('open the metadata service to the jobs namespace and the gateway only, on its port', () => {
    const p = findObject<NetPol>(rendered, 'NetworkPolicy', 'metaflow-metadata-ingress');
    expect(p.metadata.namespace).toBe(NAMESPACES.metaflow);
    expect(podLabels('metaflow-metadata')).toMatchObject(p.spec.podSelector.matchLabels!);
    expect(p.spec.policyTypes).toEqual(['Ingress']);
    expect(fromNamespaces(p).sort()).toEqual([NAMESPACES.envoyGateway, NAMESPACES.jobs].sort());
    expect(p.spec.ingress!.flatMap((i) => i.ports.map((x) => x.port))).toEqual([8080]);
  });

  it('open the UI to the gateway only', () => {
    const p = findObject<NetPol>(rendered, 'NetworkPolicy', 'metaflow-ui-ingress');
    expect(fromNamespaces(p)).toEqual([NAMESPACES.envoyGateway]);
    const selected = p.spec.podSelector.matchExpressions![0].values;
    for (const name of ['metaflow-ui-backend', 'metaflow-ui']) expect(selected).toContain(podLabels(name)['app.kubernetes.io/name']);
  });

  it('select every Metaflow pod with an ingress policy', () => {
    const policies = allObjects(rendered).filter((o) => o.kind === 'NetworkPolicy') as unknown as (NetPol & {
      metadata: { namespace: string };
    })[];
    const selected = (labels: Record<string, string>) =>
      policies.some((p) => {
        const sel = p.spec.podSelector;
        if (sel.matchLabels) return Object.entries(sel.matchLabels).every(([k, v]) => labels[k] === v);
        return sel.matchExpressions!.every((e) => e.values.includes(labels[e.key]));
      });
    const pods = allObjects(rendered).filter(
      (o) => (o.kind === 'Deployment' || o.kind === 'Job') && o.metadata.namespace === NAMESPACES.metaflow,
    );
    expect(pods.length).toBe(4);
    for (const pod of pods)
      expect(selected((pod.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels)).toBe(true);
  });

  it('are enforced: the VPC CNI network policy controller is switched on', () => {
    const cm = findObject<{ data: Record<string, string> }>(rendered, 'ConfigMap', 'amazon-vpc-cni');
    expect(cm.metadata.namespace).toBe('kube-system');
    expect(cm.data['enable-network-policy-controller']).toBe('true');
    expect(findObject<{ spec: { networkPolicy: string } }>(rendered, 'NodeClass', 'metaflow').spec.networkPolicy).toBe('DefaultAllow');
  });
});
