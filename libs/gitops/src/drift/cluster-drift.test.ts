import type { KubeObject } from '@metaflow-gitops/constructs/k8s';
import { FakeKubectl } from '@metaflow-gitops/testing/gitops';
import { clusterDrift, renderedFieldDiffs } from './cluster-drift';

const deployment: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'metadata-service', namespace: 'metaflow', labels: { app: 'metadata' } },
  spec: {
    replicas: 2,
    template: {
      spec: { containers: [{ name: 'service', image: 'example/service:v1', resources: { requests: { cpu: 1, memory: '512Mi' } } }] },
    },
  },
} as KubeObject;
const configMap: KubeObject = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'settings', namespace: 'metaflow' },
  data: { a: '1' },
} as KubeObject;

/** The object as the API server returns it: our fields plus what the server adds. */
function live(
  o: KubeObject,
  change: (x: Record<string, unknown>) => void = () => undefined,
): Record<string, unknown> & { metadata: { name: string } } {
  const x = JSON.parse(JSON.stringify(o));
  x.metadata = {
    ...x.metadata,
    uid: 'b2a1',
    resourceVersion: '42',
    generation: 3,
    creationTimestamp: '2026-11-01T00:00:00Z',
    managedFields: [{ manager: 'metaflow-gitops' }],
    labels: { ...x.metadata.labels, 'pod-template-hash': 'x' },
    annotations: { 'deployment.kubernetes.io/revision': '3' },
  };
  if (x.spec?.template?.spec) {
    x.spec.template.spec.restartPolicy = 'Always'; // defaulted
    x.spec.template.spec.containers[0].imagePullPolicy = 'IfNotPresent';
    x.spec.template.spec.containers[0].resources.requests.cpu = '1'; // quantities come back as strings
  }
  x.status = { readyReplicas: 2 };
  change(x);
  return x;
}

describe('only the fields we render are compared', () => {
  it('ignores what the server adds (status, uid, resourceVersion, managedFields, defaults, extra labels)', () => {
    expect(renderedFieldDiffs(deployment, live(deployment))).toEqual([]);
  });

  it('reports a changed, removed or retyped rendered field by its path', () => {
    const changed = live(deployment, (x) => {
      (x.spec as { replicas: number }).replicas = 5;
      delete (x.metadata as { labels?: Record<string, string> }).labels!.app;
    });
    expect(renderedFieldDiffs(deployment, changed)).toEqual([
      'metadata.labels.app: rendered "metadata", live (absent)',
      'spec.replicas: rendered 2, live 5',
    ]);
    expect(renderedFieldDiffs({ a: [1, 2] }, { a: [1] })).toEqual(['a: rendered 2 item(s), live 1 item(s)']);
    expect(renderedFieldDiffs({ r: { cpu: '0.5', memory: '1024Mi' } }, { r: { cpu: '500m', memory: '1Gi' } })).toEqual([]);
    expect(renderedFieldDiffs({ r: { cpu: '0.5', memory: '1Gi' } }, { r: { cpu: '250m', memory: '1G' } })).toEqual([
      'r.cpu: rendered "0.5", live "250m"',
      'r.memory: rendered "1Gi", live "1G"',
    ]);
    expect(renderedFieldDiffs({ version: '1.0' }, { version: '1' })).toEqual(['version: rendered "1.0", live "1"']);
    expect(renderedFieldDiffs({ a: { b: 1 } }, { a: 'x' })).toEqual(['a: rendered an object, live "x"']);
  });
});

describe('cluster objects against the rendered manifests (a fake kubectl on PATH: no API server here)', () => {
  let kubectl: FakeKubectl;
  beforeEach(() => (kubectl = new FakeKubectl()));
  afterEach(() => kubectl.cleanup());

  it('ok when every rendered object is there with our fields; only `get` runs, at the rendered API version, in the given context', () => {
    kubectl.put('deployment.v1.apps', live(deployment)).put('configmap', live(configMap));
    const f = clusterDrift([deployment, configMap], kubectl.run, 'dev');
    expect(f).toEqual({ check: 'cluster-objects', status: 'ok', summary: 'all 2 rendered objects match the cluster' });
    expect(kubectl.calls()).toEqual([
      '--context dev get deployment.v1.apps metadata-service -n metaflow -o json',
      '--context dev get configmap settings -n metaflow -o json',
    ]);
  });

  it('fails listing the missing and the changed objects with the fields that differ', () => {
    kubectl.put(
      'deployment.v1.apps',
      live(deployment, (x) => ((x.spec as { replicas: number }).replicas = 0)),
    );
    const f = clusterDrift([deployment, configMap], kubectl.run);
    expect(f.status).toBe('fail');
    expect(f.summary).toBe('1 missing and 1 changed of 2 rendered objects');
    expect(f.fix).toMatch(/mfctl sync/);
    expect(f.details).toEqual([
      'v1 ConfigMap metaflow/settings: missing',
      'apps/v1 Deployment metaflow/metadata-service: spec.replicas: rendered 2, live 0',
    ]);
  });

  it('unknown, never ok, when the cluster cannot be reached: it stops at the first object', () => {
    kubectl.unreachable();
    const f = clusterDrift([deployment, configMap], kubectl.run);
    expect(f.status).toBe('unknown');
    expect(f.summary).toMatch(/^cannot read the cluster: The connection to the server .* was refused/);
    expect(kubectl.calls()).toHaveLength(1);
  });
});
