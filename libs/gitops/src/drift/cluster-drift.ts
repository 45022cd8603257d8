import type { KubeObject } from '@metaflow-gitops/constructs/k8s';
import type { Finding } from '../health/report';
import type { ToolRunner } from '../sync/execute';
import { formatRef, refOf } from '../sync/plan';

const QUANTITY = /^([0-9]+(?:\.[0-9]+)?)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;
const FACTOR: Readonly<Record<string, number>> = {
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};
/** Resource quantities the API server rewrites in canonical form (`0.5` is returned as `500m`, `1024Mi` as `1Gi`). */
const QUANTITY_KEYS = new Set(['cpu', 'memory', 'storage', 'ephemeral-storage']);

function quantity(v: unknown): number | undefined {
  const m = QUANTITY.exec(String(v));
  return m ? Number(m[1]) * (m[2] ? FACTOR[m[2]] : 1) : undefined;
}

/**
 * Where a rendered value and the live one differ, as `path: rendered X, live Y` lines. Only the
 * fields we render are compared: whatever the server adds (status, metadata.managedFields,
 * resourceVersion, uid, creationTimestamp, generation, defaulted fields, extra labels and
 * annotations) is not ours and is ignored. A rendered number equals the same number written as a
 * string (the API returns quantities such as `cpu: 1` as "1"), and a cpu, memory or storage quantity
 * equals the same amount in another form.
 */
export function renderedFieldDiffs(rendered: unknown, live: unknown, at = ''): string[] {
  const show = (v: unknown) => (v === undefined ? '(absent)' : JSON.stringify(v));
  if (Array.isArray(rendered)) {
    if (!Array.isArray(live) || live.length !== rendered.length)
      return [`${at}: rendered ${rendered.length} item(s), live ${Array.isArray(live) ? `${live.length} item(s)` : show(live)}`];
    return rendered.flatMap((item, i) => renderedFieldDiffs(item, live[i], `${at}[${i}]`));
  }
  if (rendered !== null && typeof rendered === 'object') {
    if (live === null || typeof live !== 'object' || Array.isArray(live)) return [`${at || '.'}: rendered an object, live ${show(live)}`];
    return Object.entries(rendered).flatMap(([key, value]) =>
      renderedFieldDiffs(value, (live as Record<string, unknown>)[key], at ? `${at}.${key}` : key),
    );
  }
  if (rendered === live) return [];
  if (typeof rendered === 'number' && typeof live === 'string' && String(rendered) === live) return [];
  const key = at.slice(at.lastIndexOf('.') + 1);
  if (QUANTITY_KEYS.has(key) && quantity(rendered) !== undefined && quantity(rendered) === quantity(live)) return [];
  return [`${at}: rendered ${show(rendered)}, live ${show(live)}`];
}

/** kubectl's name of the object's resource at the rendered API version: `deployment.v1.apps`, `configmap`. */
function resourceAtVersion(o: KubeObject): string {
  const [group, version] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : ['', o.apiVersion];
  return group ? `${o.kind.toLowerCase()}.${version}.${group}` : o.kind.toLowerCase();
}

const NOT_FOUND = /NotFound|not found/;

/**
 * The cluster's first-party objects compared with the rendered ones: one `kubectl get -o json` per
 * rendered object (read-only), through the same runner and kube context as `mfctl sync`. Finding
 * `cluster-objects`: `ok` when every object exists with the rendered fields, `fail` listing the
 * missing and changed ones (`details`), `unknown` when the cluster cannot be read (then nothing
 * further is tried) or some object could not be read.
 */
export function clusterDrift(objects: readonly KubeObject[], run: ToolRunner, context?: string): Finding {
  const check = 'cluster-objects';
  const ctx = context ? ['--context', context] : [];
  const missing: string[] = [];
  const changed: string[] = [];
  const unreadable: string[] = [];
  let read = 0;
  for (const o of objects) {
    const ref = formatRef(refOf(o));
    const r = run('kubectl', [
      ...ctx,
      'get',
      resourceAtVersion(o),
      o.metadata.name,
      ...(o.metadata.namespace ? ['-n', o.metadata.namespace] : []),
      '-o',
      'json',
    ]);
    if (r.code !== 0 && NOT_FOUND.test(r.stderr)) {
      read++;
      missing.push(`${ref}: missing`);
      continue;
    }
    if (r.code !== 0) {
      const reason = (r.stderr.trim() || r.stdout.trim() || `kubectl exit ${r.code}`).split('\n')[0];
      if (read === 0)
        return {
          check,
          status: 'unknown',
          summary: `cannot read the cluster: ${reason}`,
          fix: "point kubectl at the stage's cluster (aws eks update-kubeconfig --name <cluster> --alias <stage>, then --context <stage>) with credentials that may read its objects",
        };
      unreadable.push(`${ref}: cannot be read: ${reason}`);
      continue;
    }
    read++;
    let live: unknown;
    try {
      live = JSON.parse(r.stdout);
    } catch {
      unreadable.push(`${ref}: kubectl printed no JSON`);
      continue;
    }
    // Of the metadata, the labels and annotations are ours; name and namespace found the object.
    const { metadata, ...rest } = o;
    const ours = Object.fromEntries(
      Object.entries({ labels: metadata.labels, annotations: metadata.annotations }).filter(([, v]) => v !== undefined),
    );
    const diffs = renderedFieldDiffs({ ...rest, metadata: ours }, live);
    if (diffs.length > 0) changed.push(`${ref}: ${diffs.join('; ')}`);
  }
  if (missing.length + changed.length > 0)
    return {
      check,
      status: 'fail',
      summary: `${missing.length} missing and ${changed.length} changed of ${objects.length} rendered objects`,
      fix: 'run the deploy workflow (mfctl sync) to put them back, or bring the change into the manifests through a pull request',
      details: [...missing, ...changed, ...unreadable],
    };
  if (unreadable.length > 0)
    return {
      check,
      status: 'unknown',
      summary: `${unreadable.length} of ${objects.length} rendered objects could not be read; the others match`,
      fix: 'give the credentials read access to these kinds',
      details: unreadable,
    };
  return { check, status: 'ok', summary: `all ${objects.length} rendered objects match the cluster` };
}
