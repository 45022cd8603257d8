import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  Inventory,
  checkTools,
  executeSync,
  formatPlan,
  parseInventory,
  planSync,
  readClusterInventory,
  spawnRunner,
  ToolRunner,
} from '@metaflow-gitops/gitops';
import { StageOutputs, outputsFilePath, readStageOutputs } from '@metaflow-gitops/stage-config';
import { DeliveryDeps, defaultDeliveryDeps } from '../delivery-deps';
import { CliError, EXIT, withContext } from '../errors';
import { Io } from '../io';
import { environmentsDir, findRepoRoot } from '../repo';

export interface SyncOptions {
  readonly stage: string;
  readonly dryRun?: boolean;
  /** Outputs file of the deploy (default dist/outputs/<stage>.json). */
  readonly outputs?: string;
  /** With --dry-run: the previous inventory (JSON), instead of reading it from the cluster. */
  readonly previousInventory?: string;
  /** kube context (default: the current one). */
  readonly context?: string;
  readonly environments?: string;
  readonly json?: boolean;
}

/**
 * `mfctl sync <stage>`: renders the cluster manifests with the deployed outputs and brings the
 * cluster to them (releases, migrations, server-side apply, prune, rollouts). `--dry-run` prints
 * the plan and touches nothing. Exit 0 synced (or planned), 1 a step failed.
 */
export async function syncCommand(
  opts: SyncOptions,
  io: Io,
  deps: DeliveryDeps = defaultDeliveryDeps(),
  run: ToolRunner = spawnRunner,
): Promise<number> {
  const config = deps.loadStage(environmentsDir(io.cwd, opts.environments), opts.stage);
  const root = findRepoRoot(io.cwd);
  const outputsFile = opts.outputs ? path.resolve(io.cwd, opts.outputs) : path.join(root, outputsFilePath(config.name));
  if (!fs.existsSync(outputsFile))
    throw new CliError(`no outputs file ${outputsFile}: deploy the stage first (mfctl deploy ${config.name}) or pass --outputs FILE`);
  let outputs: StageOutputs;
  try {
    outputs = readStageOutputs(config.name, JSON.parse(fs.readFileSync(outputsFile, 'utf8')));
  } catch (err) {
    throw withContext(outputsFile, err);
  }
  const manifests = deps.renderManifests(config, outputs);

  let previous: Inventory | undefined;
  if (opts.previousInventory) {
    try {
      previous = parseInventory(fs.readFileSync(path.resolve(io.cwd, opts.previousInventory), 'utf8'));
    } catch (err) {
      throw withContext(`--previous-inventory ${opts.previousInventory}`, err);
    }
  } else if (!opts.dryRun) {
    checkTools(run);
    previous = readClusterInventory(run, opts.context);
  }
  const plan = planSync(config.name, manifests, previous);
  if (opts.json)
    io.stdout(
      `${JSON.stringify({ stage: plan.stage, dryRun: !!opts.dryRun, previousInventory: previous ? 'read' : 'none', steps: plan.steps, inventory: plan.inventory }, null, 2)}\n`,
    );
  else io.stdout(formatPlan(plan));
  if (opts.dryRun) return EXIT.ok;

  if (!opts.previousInventory)
    io.stderr(
      previous
        ? `previous inventory: ${previous.objects.length} objects from ${previous.syncedAt}\n`
        : 'no previous inventory: first sync, nothing to prune\n',
    );
  try {
    executeSync(plan, { run, context: opts.context, print: (line) => (opts.json ? io.stderr : io.stdout)(`${line}\n`) });
  } catch (err) {
    throw withContext(`sync of ${config.name} stopped`, err);
  }
  (opts.json ? io.stderr : io.stdout)(`stage ${config.name} synced\n`);
  return EXIT.ok;
}
