import { ARGO_EVENTS, METAFLOW_USERS_GROUP, NAMESPACES, SERVICE_ACCOUNTS } from '@metaflow-gitops/stage-config';
import { makeStageConfig } from '@metaflow-gitops/testing/stage-config';
import { RenderedManifests, renderStageManifests } from '../render';
import { findObject, sampleOutputs } from '@metaflow-gitops/testing/constructs/k8s';

type PolicyRule = { apiGroups: string[]; resources: string[]; verbs: string[] };
type Role = { rules: PolicyRule[] };
type Binding = { roleRef: { kind: string; name: string }; subjects: { kind: string; name: string; namespace?: string }[] };

let rendered: RenderedManifests;
beforeAll(() => {
  rendered = renderStageManifests(makeStageConfig({ name: 'dev' }), sampleOutputs('dev'));
});

const allows = (rules: PolicyRule[], group: string, resource: string, verb: string) =>
  rules.some((r) => r.apiGroups.includes(group) && r.resources.includes(resource) && r.verbs.includes(verb));

describe('Argo Workflows', () => {
  it('lets the workflow ServiceAccount report task results', () => {
    const sa = SERVICE_ACCOUNTS.task;
    const role = findObject<Role>(rendered, 'Role', sa.name);
    expect(role.metadata.namespace).toBe(NAMESPACES.jobs);
    expect(allows(role.rules, 'argoproj.io', 'workflowtaskresults', 'create')).toBe(true);
    expect(allows(role.rules, 'argoproj.io', 'workflowtaskresults', 'patch')).toBe(true);
    expect(findObject<Binding>(rendered, 'RoleBinding', sa.name).subjects).toEqual([
      { kind: 'ServiceAccount', name: sa.name, namespace: sa.namespace },
    ]);
  });
});

describe('Argo Events', () => {
  const bus = (r: RenderedManifests) =>
    findObject<{ spec: { jetstream: { version: string; replicas: number } } }>(r, 'EventBus', 'default');

  it('has a JetStream EventBus named default in the jobs namespace: one replica on non-prod, a quorum of 3 on prod', () => {
    expect(bus(rendered).metadata.namespace).toBe(NAMESPACES.jobs);
    expect(bus(rendered).spec.jetstream.replicas).toBe(1);
    const prod = renderStageManifests(makeStageConfig({ name: 'prod', isProd: true }), sampleOutputs('prod'));
    expect(bus(prod).spec.jetstream.replicas).toBe(3);
  });

  it('has the webhook EventSource on port 12000 at /metaflow-event', () => {
    const es = findObject<{
      spec: {
        eventBusName: string;
        service: { ports: { port: number }[] };
        webhook: Record<string, { port: string; endpoint: string; method: string }>;
      };
    }>(rendered, 'EventSource', ARGO_EVENTS.eventSource);
    expect(es.spec.eventBusName).toBe('default');
    expect(es.spec.service.ports[0].port).toBe(12000);
    expect(es.spec.webhook[ARGO_EVENTS.event]).toEqual({ port: '12000', endpoint: '/metaflow-event', method: 'POST' });
  });

  it('lets the sensor ServiceAccount create and patch workflows', () => {
    const sa = SERVICE_ACCOUNTS.argoEventsSensor;
    const role = findObject<Role>(rendered, 'Role', sa.name);
    expect(allows(role.rules, 'argoproj.io', 'workflows', 'create')).toBe(true);
    expect(allows(role.rules, 'argoproj.io', 'workflows', 'patch')).toBe(true);
    expect(allows(role.rules, 'argoproj.io', 'workflows', 'delete')).toBe(false);
    expect(findObject<Binding>(rendered, 'RoleBinding', sa.name).subjects[0].name).toBe(sa.name);
  });
});

describe('users who submit runs', () => {
  const role = () => findObject<Role>(rendered, 'ClusterRole', 'metaflow-run-submitter');

  it.each([
    ['batch', 'jobs', 'create'],
    ['batch', 'jobs', 'delete'],
    ['', 'pods', 'list'],
    ['jobset.x-k8s.io', 'jobsets', 'create'],
    ['argoproj.io', 'workflows', 'create'],
    ['argoproj.io', 'workflowtemplates', 'patch'],
    ['argoproj.io', 'cronworkflows', 'delete'],
    ['argoproj.io', 'sensors', 'create'],
  ])('may %s/%s %s', (group, resource, verb) => {
    expect(allows(role().rules, group, resource, verb)).toBe(true);
  });

  it('may not touch secrets', () => {
    expect(role().rules.some((r) => r.resources.includes('secrets'))).toBe(false);
  });

  it('get it in the jobs namespace only, through the users group', () => {
    const binding = findObject<Binding>(rendered, 'RoleBinding', 'metaflow-run-submitter');
    expect(binding.metadata.namespace).toBe(NAMESPACES.jobs);
    expect(binding.roleRef).toMatchObject({ kind: 'ClusterRole', name: 'metaflow-run-submitter' });
    expect(binding.subjects).toEqual([{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: METAFLOW_USERS_GROUP }]);
  });
});
