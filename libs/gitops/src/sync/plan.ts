import type { HelmRelease, KubeObject, RenderedManifests } from '@metaflow-gitops/constructs/k8s';
import { InputError, InternalError } from '@metaflow-gitops/stage-config';

/**
 * The sync plan: what `mfctl sync` does to a stage's cluster, computed without a cluster so that
 * `--dry-run` shows it and tests check it. The input is the manifests renderer's output
 * (`renderStageManifests`, libs/constructs/src/k8s/render.ts), typed by the renderer's own types;
 * the imports are type-only, so the planner does not load cdk8s.
 */

/** Identity of an applied object, as kept in the inventory. */
export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
}

export interface ReleaseRef {
  readonly name: string;
  readonly namespace: string;
  readonly chart: string;
  readonly version: string;
}

/** What the previous sync applied; kept in the cluster (see INVENTORY). */
export interface Inventory {
  readonly version: 1;
  readonly stage: string;
  readonly syncedAt: string;
  readonly objects: readonly ObjectRef[];
  readonly releases: readonly ReleaseRef[];
}

/**
 * Where the inventory lives: a ConfigMap in kube-system (never pruned, exists before any sync),
 * key `inventory` holding the Inventory as JSON. Pruning from an inventory we control, not
 * `kubectl apply --prune`, which is alpha
 * (https://kubernetes.io/docs/tasks/manage-kubernetes-objects/declarative-config/).
 */
export const INVENTORY = { namespace: 'kube-system', name: 'metaflow-gitops-inventory', key: 'inventory' } as const;

/** Server-side apply field manager of every object the sync applies. */
export const FIELD_MANAGER = 'metaflow-gitops';

/** Annotation on a Job the sync waits for (completion) before applying the next component. */
export const SYNC_WAIT_ANNOTATION = 'metaflow-gitops/sync-wait';

export type SyncStep =
  | { readonly kind: 'apply'; readonly phase: string; readonly objects: readonly ObjectRef[] }
  | { readonly kind: 'crds'; readonly release: HelmRelease }
  | { readonly kind: 'helm'; readonly release: HelmRelease }
  | { readonly kind: 'job'; readonly job: ObjectRef }
  | { readonly kind: 'prune'; readonly objects: readonly ObjectRef[]; readonly releases: readonly ReleaseRef[] }
  | { readonly kind: 'rollout'; readonly workloads: readonly ObjectRef[] }
  | { readonly kind: 'inventory'; readonly objects: number; readonly releases: number };

export interface SyncPlan {
  readonly stage: string;
  readonly steps: readonly SyncStep[];
  /** The objects of each apply step, in order, with their full bodies (for the executor). */
  readonly bodies: ReadonlyMap<string, KubeObject>;
  readonly inventory: Inventory;
}

export function refOf(o: KubeObject): ObjectRef {
  return { apiVersion: o.apiVersion, kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name };
}

/** Identity ignoring the version (an object moving from v1beta1 to v1 is the same object). */
export function refKey(r: ObjectRef): string {
  const group = r.apiVersion.includes('/') ? r.apiVersion.split('/')[0] : '';
  return `${group}/${r.kind}/${r.namespace ?? ''}/${r.name}`;
}

export function formatRef(r: ObjectRef): string {
  return `${r.apiVersion} ${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
}

/** Applied before the releases: their namespaces, CRDs, and the node pools their pods are placed on. */
const FIRST = ['Namespace', 'CustomResourceDefinition', 'NodeClass', 'NodePool'];
const WORKLOADS = ['Deployment', 'StatefulSet', 'DaemonSet'];
/** Prune order: dependents first, namespaces and CRDs last (deleting them deletes their contents). */
const PRUNE_LAST = ['CustomResourceDefinition', 'Namespace'];

/**
 * Plans a sync: namespaces, CRDs and node pools first (the releases install into those namespaces,
 * and `helm --wait` waits for pods that only the platform node pool can run), the pinned
 * releases in order (a release whose chart installs CRDs has its chart's `crds/` directory applied
 * first: Helm installs that directory on the first install only and never upgrades it,
 * https://helm.sh/docs/chart_best_practices/custom_resource_definitions/), then the components in order with a wait after each Job annotated
 * `metaflow-gitops/sync-wait: complete` (the database migrations, before the services roll), then
 * pruning what the previous inventory has and this render does not, then the rollouts, then the new
 * inventory.
 */
export function planSync(stage: string, manifests: RenderedManifests, previous: Inventory | undefined, now: Date = new Date()): SyncPlan {
  const bodies = new Map<string, KubeObject>();
  const all = manifests.components.flatMap((c) => c.objects.map((o) => ({ component: c.name, o })));
  for (const { o } of all) {
    const key = refKey(refOf(o));
    if (bodies.has(key)) throw new InternalError(`object rendered twice: ${formatRef(refOf(o))}`);
    bodies.set(key, o);
  }
  const steps: SyncStep[] = [];
  const first = all.filter(({ o }) => FIRST.includes(o.kind)).sort((a, b) => FIRST.indexOf(a.o.kind) - FIRST.indexOf(b.o.kind));
  if (first.length > 0) steps.push({ kind: 'apply', phase: 'namespaces, CRDs and node pools', objects: first.map(({ o }) => refOf(o)) });
  for (const release of manifests.releases) {
    if (release.crds) steps.push({ kind: 'crds', release });
    steps.push({ kind: 'helm', release });
  }

  for (const c of manifests.components) {
    let batch: ObjectRef[] = [];
    const flush = () => {
      if (batch.length > 0) steps.push({ kind: 'apply', phase: c.name, objects: batch });
      batch = [];
    };
    for (const o of c.objects) {
      if (FIRST.includes(o.kind)) continue;
      if (o.kind === 'Job' && o.metadata.annotations?.[SYNC_WAIT_ANNOTATION] === 'complete') {
        flush();
        steps.push({ kind: 'job', job: refOf(o) });
      } else batch.push(refOf(o));
    }
    flush();
  }

  const current = new Set(bodies.keys());
  const pruneObjects = (previous?.objects ?? [])
    .filter((r) => !current.has(refKey(r)))
    .sort((a, b) => PRUNE_LAST.indexOf(a.kind) - PRUNE_LAST.indexOf(b.kind));
  const releaseNames = new Set(manifests.releases.map((r) => `${r.namespace}/${r.name}`));
  const pruneReleases = (previous?.releases ?? []).filter((r) => !releaseNames.has(`${r.namespace}/${r.name}`)).reverse();
  if (pruneObjects.length > 0 || pruneReleases.length > 0) steps.push({ kind: 'prune', objects: pruneObjects, releases: pruneReleases });

  const workloads = all.filter(({ o }) => WORKLOADS.includes(o.kind)).map(({ o }) => refOf(o));
  if (workloads.length > 0) steps.push({ kind: 'rollout', workloads });

  const inventory: Inventory = {
    version: 1,
    stage,
    syncedAt: now.toISOString(),
    objects: all.map(({ o }) => refOf(o)),
    releases: manifests.releases.map((r) => ({ name: r.name, namespace: r.namespace, chart: r.chart, version: r.version })),
  };
  steps.push({ kind: 'inventory', objects: inventory.objects.length, releases: inventory.releases.length });
  return { stage, steps, bodies, inventory };
}

/** Reads an inventory (the ConfigMap's `inventory` value, or a file holding it); throws on a foreign shape. */
export function parseInventory(text: string): Inventory {
  const data = JSON.parse(text) as Partial<Inventory>;
  if (data.version !== 1 || !Array.isArray(data.objects) || !Array.isArray(data.releases)) {
    throw new InputError('not a metaflow-gitops inventory (expected { "version": 1, "objects": [...], "releases": [...] })');
  }
  return data as Inventory;
}

/** The plan for humans: every release, every object in apply order, every object to prune. */
export function formatPlan(plan: SyncPlan): string {
  const lines = [`Sync plan for stage ${plan.stage}:`];
  let n = 0;
  for (const step of plan.steps) {
    switch (step.kind) {
      case 'apply':
        lines.push(`${++n}. server-side apply (field manager ${FIELD_MANAGER}): ${step.phase}`);
        for (const r of step.objects) lines.push(`     ${formatRef(r)}`);
        break;
      case 'crds':
        lines.push(
          `${++n}. server-side apply (field manager ${FIELD_MANAGER}): the crds/ directory of ${step.release.chart} ${step.release.version} (helm show crds), which helm upgrade leaves as first installed`,
        );
        break;
      case 'helm':
        lines.push(
          `${++n}. helm upgrade --install ${step.release.name} ${step.release.chart} ${step.release.version} (${step.release.repository}) -n ${step.release.namespace}`,
        );
        break;
      case 'job':
        lines.push(`${++n}. run job ${step.job.namespace}/${step.job.name} and wait for completion`);
        break;
      case 'prune':
        lines.push(`${++n}. prune (in the previous inventory, no longer rendered):`);
        for (const r of step.objects) lines.push(`     delete ${formatRef(r)}`);
        for (const r of step.releases) lines.push(`     helm uninstall ${r.name} -n ${r.namespace}`);
        break;
      case 'rollout':
        lines.push(`${++n}. wait for rollouts:`);
        for (const r of step.workloads) lines.push(`     ${r.kind} ${r.namespace}/${r.name}`);
        break;
      case 'inventory':
        lines.push(
          `${++n}. record the inventory: ConfigMap ${INVENTORY.namespace}/${INVENTORY.name} (${step.objects} objects, ${step.releases} releases)`,
        );
        break;
    }
  }
  if (!plan.steps.some((s) => s.kind === 'prune')) lines.push('Nothing to prune.');
  return `${lines.join('\n')}\n`;
}
