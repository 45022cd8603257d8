import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { HelmRelease, KubeObject } from '@metaflow-gitops/constructs/k8s';
import { FIELD_MANAGER, INVENTORY, Inventory, ObjectRef, SyncPlan, formatRef, parseInventory, refKey } from './plan';

export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a tool (helm, kubectl); tests pass a recorder. */
export type ToolRunner = (command: string, args: readonly string[], input?: string) => CommandResult;

export const spawnRunner: ToolRunner = (command, args, input) => {
  const r = spawnSync(command, [...args], { input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) return { code: 127, stdout: '', stderr: String(r.error.message) };
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
};

export class SyncError extends Error {}

/** Fails clearly when helm or kubectl is missing. */
export function checkTools(run: ToolRunner): void {
  const missing: string[] = [];
  if (run('kubectl', ['version', '--client=true']).code !== 0) missing.push('kubectl (https://kubernetes.io/docs/tasks/tools/)');
  if (run('helm', ['version', '--short']).code !== 0) missing.push('helm 3 (https://helm.sh/docs/intro/install/)');
  if (missing.length > 0)
    throw new SyncError(`sync needs ${missing.join(' and ')} on PATH; use --dry-run to see the plan without a cluster`);
}

/** The inventory the previous sync left in the cluster, or undefined on a first sync. */
export function readClusterInventory(run: ToolRunner, context?: string): Inventory | undefined {
  const r = run('kubectl', [...ctx(context), 'get', 'configmap', INVENTORY.name, '-n', INVENTORY.namespace, '-o', 'json']);
  if (r.code !== 0) {
    if (/NotFound|not found/.test(r.stderr)) return undefined;
    throw new SyncError(`cannot read the inventory ConfigMap ${INVENTORY.namespace}/${INVENTORY.name}: ${r.stderr.trim()}`);
  }
  const cm = JSON.parse(r.stdout) as { data?: Record<string, string> };
  const text = cm.data?.[INVENTORY.key];
  return text ? parseInventory(text) : undefined;
}

function ctx(context: string | undefined): string[] {
  return context ? ['--context', context] : [];
}

function must(r: CommandResult, what: string): CommandResult {
  if (r.code !== 0) throw new SyncError(`${what} failed (exit ${r.code}): ${r.stderr.trim() || r.stdout.trim()}`);
  return r;
}

function resourceOf(r: ObjectRef): string {
  const group = r.apiVersion.includes('/') ? r.apiVersion.split('/')[0] : '';
  return group ? `${r.kind.toLowerCase()}.${group}` : r.kind.toLowerCase();
}

function ns(r: ObjectRef): string[] {
  return r.namespace ? ['-n', r.namespace] : [];
}

/** How helm names a release's chart: `<oci repository>/<chart>`, or `<chart> --repo <https repository>`. */
function chartRef(r: HelmRelease): string[] {
  return r.repository.startsWith('oci://') ? [`${r.repository.replace(/\/$/, '')}/${r.chart}`] : [r.chart, '--repo', r.repository];
}

/** Executes a plan with helm and kubectl against the current (or given) kube context. */
export function executeSync(
  plan: SyncPlan,
  options: { run?: ToolRunner; print: (line: string) => void; context?: string; timeout?: string },
): void {
  const run = options.run ?? spawnRunner;
  const c = ctx(options.context);
  const timeout = options.timeout ?? '15m';
  const apply = (objects: readonly KubeObject[], what: string) =>
    must(
      run(
        'kubectl',
        [...c, 'apply', '--server-side', `--field-manager=${FIELD_MANAGER}`, '--force-conflicts', '-f', '-'],
        JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }),
      ),
      what,
    );
  const body = (r: ObjectRef): KubeObject => {
    const b = plan.bodies.get(refKey(r));
    if (!b) throw new SyncError(`no rendered body for ${formatRef(r)}`);
    return b;
  };
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mfctl-sync-'));
  try {
    for (const step of plan.steps) {
      switch (step.kind) {
        case 'apply':
          options.print(`apply ${step.phase}: ${step.objects.length} objects`);
          apply(step.objects.map(body), `apply ${step.phase}`);
          break;
        case 'crds': {
          const r = step.release;
          const crds = must(run('helm', ['show', 'crds', ...chartRef(r), '--version', r.version]), `helm show crds ${r.chart}`).stdout;
          if (crds.trim() === '') {
            options.print(`crds ${r.chart} ${r.version}: no crds/ directory (its templates install its CRDs)`);
            break;
          }
          options.print(`crds ${r.chart} ${r.version}: server-side apply of the chart's crds/ directory`);
          must(
            run('kubectl', [...c, 'apply', '--server-side', `--field-manager=${FIELD_MANAGER}`, '--force-conflicts', '-f', '-'], crds),
            `apply the CRDs of ${r.chart} ${r.version}`,
          );
          break;
        }
        case 'helm': {
          const r = step.release;
          const values = path.join(tmp, `${r.name}.values.json`);
          fs.writeFileSync(values, JSON.stringify(r.values));
          const chart = chartRef(r);
          options.print(`helm upgrade --install ${r.name} ${r.chart} ${r.version} -n ${r.namespace}`);
          must(
            run('helm', [
              ...(options.context ? ['--kube-context', options.context] : []),
              'upgrade',
              '--install',
              r.name,
              ...chart,
              '--version',
              r.version,
              '--namespace',
              r.namespace,
              '--values',
              values,
              '--wait',
              '--timeout',
              timeout,
            ]),
            `helm release ${r.name}`,
          );
          break;
        }
        case 'job': {
          const j = step.job;
          options.print(`job ${j.namespace}/${j.name}: run and wait for completion`);
          // A Job's template is immutable: replace the previous run.
          must(
            run('kubectl', [...c, 'delete', 'job', j.name, ...ns(j), '--ignore-not-found', '--wait=true']),
            `delete previous job ${j.name}`,
          );
          apply([body(j)], `apply job ${j.name}`);
          must(
            run('kubectl', [...c, 'wait', '--for=condition=complete', `job/${j.name}`, ...ns(j), `--timeout=${timeout}`]),
            `job ${j.namespace}/${j.name}`,
          );
          break;
        }
        case 'prune':
          for (const r of step.objects) {
            options.print(`prune ${formatRef(r)}`);
            must(run('kubectl', [...c, 'delete', resourceOf(r), r.name, ...ns(r), '--ignore-not-found']), `prune ${formatRef(r)}`);
          }
          for (const r of step.releases) {
            options.print(`helm uninstall ${r.name} -n ${r.namespace}`);
            must(
              run('helm', [
                ...(options.context ? ['--kube-context', options.context] : []),
                'uninstall',
                r.name,
                '--namespace',
                r.namespace,
                '--ignore-not-found',
              ]),
              `uninstall ${r.name}`,
            );
          }
          break;
        case 'rollout':
          for (const w of step.workloads) {
            options.print(`rollout ${w.kind} ${w.namespace}/${w.name}`);
            must(
              run('kubectl', [...c, 'rollout', 'status', `${w.kind.toLowerCase()}/${w.name}`, ...ns(w), `--timeout=${timeout}`]),
              `rollout of ${w.kind} ${w.name}`,
            );
          }
          break;
        case 'inventory':
          options.print(`inventory ${INVENTORY.namespace}/${INVENTORY.name}: ${step.objects} objects, ${step.releases} releases`);
          apply(
            [
              {
                apiVersion: 'v1',
                kind: 'ConfigMap',
                metadata: { name: INVENTORY.name, namespace: INVENTORY.namespace },
                data: { [INVENTORY.key]: JSON.stringify(plan.inventory) },
              },
            ],
            'write inventory',
          );
          break;
      }
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
