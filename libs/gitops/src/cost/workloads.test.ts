import { alwaysOnPods } from './workloads';

const pod = (cpu: string, memory: string) => ({ containers: [{ name: 'c', resources: { requests: { cpu, memory } } }] });

describe('alwaysOnPods', () => {
  it('Deployments and StatefulSets by replicas, DaemonSets per node; Jobs and zero replicas are not always on', () => {
    const { pods } = alwaysOnPods([
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'd', namespace: 'n' },
        spec: { replicas: 2, template: { spec: pod('250m', '512Mi') } },
      },
      {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: { name: 's', namespace: 'n' },
        spec: { template: { spec: pod('1', '1Gi') } },
      },
      {
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        metadata: { name: 'ds', namespace: 'n' },
        spec: { template: { spec: pod('50m', '64Mi') } },
      },
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'off', namespace: 'n' },
        spec: { replicas: 0, template: { spec: pod('1', '1Gi') } },
      },
      { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'migrate', namespace: 'n' }, spec: { template: { spec: pod('1', '1Gi') } } },
    ]);
    expect(pods.map((p) => [p.source, p.replicas, p.perNode, p.cpu, p.memoryMiB])).toEqual([
      ['Deployment n/d', 2, false, 0.25, 512],
      ['StatefulSet n/s', 1, false, 1, 1024],
      ['DaemonSet n/ds', 1, true, 0.05, 64],
    ]);
  });

  it('a pod requests the sum of its containers, or its largest init container when larger', () => {
    const spec = {
      containers: [
        { name: 'a', resources: { requests: { cpu: '100m', memory: '100Mi' } } },
        { name: 'b', resources: { requests: { cpu: '100m' } } },
      ],
      initContainers: [{ name: 'i', resources: { requests: { cpu: '500m', memory: '50Mi' } } }],
    };
    const { pods } = alwaysOnPods([{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { template: { spec } } }]);
    expect(pods[0]).toMatchObject({ cpu: 0.5, memoryMiB: 100 });
  });

  it("Envoy proxies: the Gateway's EnvoyProxy replicas and requests, Envoy Gateway's defaults otherwise", () => {
    const objects = (deployment: Record<string, unknown>) => [
      {
        apiVersion: 'gateway.envoyproxy.io/v1alpha1',
        kind: 'EnvoyProxy',
        metadata: { name: 'p', namespace: 'eg' },
        spec: { provider: { kubernetes: { envoyDeployment: deployment } } },
      },
      {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'GatewayClass',
        metadata: { name: 'c' },
        spec: { parametersRef: { kind: 'EnvoyProxy', name: 'p', namespace: 'eg' } },
      },
      {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'Gateway',
        metadata: { name: 'g', namespace: 'm' },
        spec: { gatewayClassName: 'c' },
      },
    ];
    expect(alwaysOnPods(objects({ replicas: 2 })).pods[0]).toMatchObject({ replicas: 2, cpu: 0.1, memoryMiB: 512 });
    const set = alwaysOnPods(objects({ container: { resources: { requests: { cpu: '50m', memory: '128Mi' } } } })).pods[0];
    expect(set).toMatchObject({ replicas: 1, cpu: 0.05, memoryMiB: 128 });
  });

  it('Argo Events: a JetStream event bus (3 replicas unless set) and each event source', () => {
    const { pods } = alwaysOnPods([
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'EventBus',
        metadata: { name: 'default', namespace: 'j' },
        spec: { jetstream: { version: '2.10.10' } },
      },
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'EventSource',
        metadata: { name: 'w', namespace: 'j' },
        spec: { template: { container: { resources: { requests: { cpu: '10m', memory: '32Mi' } } } } },
      },
    ]);
    expect(pods.map((p) => [p.source, p.replicas, p.cpu])).toEqual([
      ['EventBus j/default (JetStream)', 3, 0],
      ['EventSource j/w', 1, 0.01],
    ]);
  });

  it('Helm releases: the chart defaults, overridden by the release values; an unknown chart is a warning', () => {
    const release = (values: Record<string, unknown>) => ({
      name: 'kyverno',
      namespace: 'kyverno',
      chart: 'kyverno',
      version: '3.7.2',
      values,
    });
    const defaults = alwaysOnPods([release({})]).pods;
    expect(defaults.find((p) => p.source.endsWith('admission-controller'))).toMatchObject({ replicas: 1, cpu: 0.1, memoryMiB: 128 });
    const set = alwaysOnPods([
      release({ admissionController: { replicas: 3, container: { resources: { requests: { cpu: '50m', memory: '64Mi' } } } } }),
    ]).pods;
    expect(set.find((p) => p.source.endsWith('admission-controller'))).toMatchObject({ replicas: 3, cpu: 0.05, memoryMiB: 64 });
    expect(defaults.find((p) => p.source.endsWith('admission-controller'))).toMatchObject({ nodeSelector: {}, tolerates: [] });
  });

  it('Helm releases: a pod lands where the values of its component put it (nodeSelector, tolerations), top-level or nested', () => {
    const placed = { nodeSelector: { 'karpenter.sh/nodepool': 'platform' }, tolerations: [{ key: 'platform', operator: 'Exists' }] };
    const kyverno = alwaysOnPods([
      { name: 'k', namespace: 'k', chart: 'kyverno', version: '3.7.2', values: { backgroundController: placed } },
    ]).pods;
    expect(kyverno.find((p) => p.source.endsWith('background-controller'))).toMatchObject({
      nodeSelector: { 'karpenter.sh/nodepool': 'platform' },
      tolerates: ['platform'],
    });
    expect(kyverno.find((p) => p.source.endsWith('cleanup-controller'))).toMatchObject({ nodeSelector: {}, tolerates: [] });
    const eso = alwaysOnPods([{ name: 'e', namespace: 'e', chart: 'external-secrets', version: '0.20.4', values: placed }]).pods;
    expect(eso.find((p) => p.source.endsWith(' controller'))).toMatchObject({ nodeSelector: { 'karpenter.sh/nodepool': 'platform' } });
    expect(eso.find((p) => p.source.endsWith(' webhook'))).toMatchObject({ nodeSelector: {} });
    const unknown = alwaysOnPods([{ name: 'x', namespace: 'x', chart: 'mystery', version: '1', values: {} }]);
    expect(unknown.pods).toEqual([]);
    expect(unknown.warnings[0]).toContain('chart mystery');
  });
});
