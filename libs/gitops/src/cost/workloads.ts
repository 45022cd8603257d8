import chartPods from './chart-pods.json';
import { cpuCores, memoryMiB } from './private/quantity';
import { asArray, at, isObject, Json } from './private/json';

/** Pods that run all the time, with what one of them requests from the scheduler. */
export interface AlwaysOnPods {
  /** What runs them: `Deployment metaflow/metaflow-ui`, `HelmRelease kyverno/kyverno admission-controller`, ... */
  readonly source: string;
  /** Replicas; for a DaemonSet, one per node (`perNode`). */
  readonly replicas: number;
  readonly perNode: boolean;
  /** Requests of one pod: cores and MiB. */
  readonly cpu: number;
  readonly memoryMiB: number;
  /** Node labels the pod selects (`nodeSelector`), e.g. `kubernetes.io/arch`. */
  readonly nodeSelector: Readonly<Record<string, string>>;
  /** Taint keys the pod tolerates (`*` for any). */
  readonly tolerates: readonly string[];
  /** Whether its replicas spread over zones or hosts (`topologySpreadConstraints`): Karpenter then starts them on separate nodes. */
  readonly spread: boolean;
}

interface ChartPod {
  readonly name: string;
  readonly replicas: { readonly path?: string; readonly default: number };
  readonly requests: { readonly path: string; readonly default: { readonly cpu?: string; readonly memory?: string } };
  /** The values object whose `nodeSelector` and `tolerations` the chart puts on the pod (`''`: the top level). */
  readonly placement: { readonly path: string };
}

const CHARTS = chartPods.charts as Record<string, { source: string; pods: ChartPod[] }>;

/** Envoy Gateway's default requests of a proxy container when the EnvoyProxy sets none. */
const ENVOY_PROXY_DEFAULT_REQUESTS = { cpu: '100m', memory: '512Mi' };

interface Requests {
  readonly cpu: number;
  readonly memoryMiB: number;
}

function requestsOf(resources: unknown): Requests {
  const req = at(resources, 'requests');
  return { cpu: cpuCores(at(req, 'cpu')) ?? 0, memoryMiB: memoryMiB(at(req, 'memory')) ?? 0 };
}

/** A pod's effective requests: the sum of its containers, or its largest init container when that is larger. */
function podRequests(podSpec: unknown): Requests {
  const sum = asArray(at(podSpec, 'containers'))
    .map((c) => requestsOf(at(c, 'resources')))
    .reduce((a, b) => ({ cpu: a.cpu + b.cpu, memoryMiB: a.memoryMiB + b.memoryMiB }), { cpu: 0, memoryMiB: 0 });
  const init = asArray(at(podSpec, 'initContainers')).map((c) => requestsOf(at(c, 'resources')));
  return {
    cpu: Math.max(sum.cpu, ...init.map((r) => r.cpu)),
    memoryMiB: Math.max(sum.memoryMiB, ...init.map((r) => r.memoryMiB)),
  };
}

const SPREAD_KEYS = ['topology.kubernetes.io/zone', 'kubernetes.io/hostname'];

function scheduling(podSpec: unknown): Pick<AlwaysOnPods, 'nodeSelector' | 'tolerates' | 'spread'> {
  const selector = at(podSpec, 'nodeSelector');
  const nodeSelector = isObject(selector)
    ? Object.fromEntries(Object.entries(selector).filter((e): e is [string, string] => typeof e[1] === 'string'))
    : {};
  const tolerates = asArray(at(podSpec, 'tolerations')).map((t) => {
    const key = at(t, 'key');
    return typeof key === 'string' ? key : '*';
  });
  const spread = asArray(at(podSpec, 'topologySpreadConstraints')).some((c) => SPREAD_KEYS.includes(String(at(c, 'topologyKey'))));
  return { nodeSelector, tolerates, spread };
}

function replicas(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

function nameOf(o: Json): string {
  return `${(at(o, 'metadata.namespace') as string | undefined) ?? '-'}/${String(at(o, 'metadata.name'))}`;
}

/** The pods of a workload object, or none when it is not one that runs all the time. */
function workloadPods(o: Json, byName: Map<string, Json>): AlwaysOnPods[] {
  const kind = o.kind;
  if (kind === 'Deployment' || kind === 'StatefulSet' || kind === 'ReplicaSet' || kind === 'DaemonSet') {
    const pod = at(o, 'spec.template.spec');
    return [
      {
        source: `${kind} ${nameOf(o)}`,
        replicas: kind === 'DaemonSet' ? 1 : replicas(at(o, 'spec.replicas'), 1),
        perNode: kind === 'DaemonSet',
        ...podRequests(pod),
        ...scheduling(pod),
      },
    ];
  }
  // Envoy Gateway runs one proxy Deployment per Gateway, shaped by its class's EnvoyProxy.
  if (kind === 'Gateway' && String(o.apiVersion).startsWith('gateway.networking.k8s.io/')) {
    const proxy = envoyProxyOf(o, byName);
    const deployment = at(proxy, 'spec.provider.kubernetes.envoyDeployment');
    const resources = at(deployment, 'container.resources');
    const requests = isObject(at(resources, 'requests')) ? requestsOf(resources) : requestsOf({ requests: ENVOY_PROXY_DEFAULT_REQUESTS });
    return [
      {
        source: `Envoy proxy of Gateway ${nameOf(o)}`,
        replicas: replicas(at(deployment, 'replicas'), 1),
        perNode: false,
        ...requests,
        ...scheduling(at(deployment, 'pod')),
      },
    ];
  }
  // Argo Events: a JetStream EventBus is a StatefulSet (3 replicas unless set), each EventSource and Sensor one Deployment.
  if (kind === 'EventBus' && isObject(at(o, 'spec.jetstream'))) {
    const js = at(o, 'spec.jetstream');
    return [
      {
        source: `EventBus ${nameOf(o)} (JetStream)`,
        replicas: replicas(at(js, 'replicas'), 3),
        perNode: false,
        ...requestsOf(at(js, 'containerTemplate.resources')),
        ...scheduling(js),
      },
    ];
  }
  if ((kind === 'EventSource' || kind === 'Sensor') && String(o.apiVersion).startsWith('argoproj.io/')) {
    const template = at(o, 'spec.template');
    return [
      {
        source: `${kind} ${nameOf(o)}`,
        replicas: replicas(at(o, 'spec.replicas'), 1),
        perNode: false,
        ...requestsOf(at(template, 'container.resources')),
        ...scheduling(template),
      },
    ];
  }
  return [];
}

function envoyProxyOf(gateway: Json, byName: Map<string, Json>): Json | undefined {
  const gatewayClass = byName.get(`GatewayClass -/${String(at(gateway, 'spec.gatewayClassName'))}`);
  const ref = at(gatewayClass, 'spec.parametersRef');
  if (at(ref, 'kind') !== 'EnvoyProxy') return undefined;
  return byName.get(`EnvoyProxy ${String(at(ref, 'namespace'))}/${String(at(ref, 'name'))}`);
}

/** The always-on pods of a Helm release (`chart-pods.json`), its values overriding the chart defaults. */
function releasePods(release: Json, warnings: string[]): AlwaysOnPods[] {
  const chart = CHARTS[String(release.chart)];
  if (!chart) {
    warnings.push(
      `Helm release ${String(release.name)} (chart ${String(release.chart)}): its pods are not counted (add the chart to libs/gitops/src/cost/chart-pods.json)`,
    );
    return [];
  }
  const values = release.values;
  return chart.pods.map((p) => {
    const set = at(values, p.requests.path);
    const placement = p.placement.path === '' ? values : at(values, p.placement.path);
    return {
      source: `HelmRelease ${String(release.namespace)}/${String(release.name)} ${p.name}`,
      replicas: replicas(p.replicas.path ? at(values, p.replicas.path) : undefined, p.replicas.default),
      perNode: false,
      ...requestsOf({ requests: isObject(set) ? set : p.requests.default }),
      ...scheduling(placement),
    };
  });
}

/**
 * The pods of the rendered manifests that run all the time, idle or not: Deployments,
 * StatefulSets, DaemonSets (one per node), the proxies Envoy Gateway runs for each Gateway, Argo
 * Events' event bus and event sources, and the pods of the Helm releases. Jobs and CronJobs (the
 * migrations, the flows' steps) are not always on.
 */
export function alwaysOnPods(objects: readonly unknown[]): { pods: AlwaysOnPods[]; warnings: string[] } {
  const docs = objects.filter(isObject);
  const byName = new Map(docs.filter((o) => typeof o.kind === 'string').map((o) => [`${String(o.kind)} ${nameOf(o)}`, o]));
  const warnings: string[] = [];
  const pods = docs.flatMap((o) => {
    if (typeof o.kind !== 'string' && typeof o.chart === 'string') return releasePods(o, warnings);
    return workloadPods(o, byName);
  });
  return { pods: pods.filter((p) => p.replicas > 0), warnings };
}
