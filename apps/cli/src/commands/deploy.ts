import * as path from 'node:path';
import { DeployStageResult, deployStage } from '@metaflow-gitops/gitops';
import { outputsFilePath } from '@metaflow-gitops/stage-config';
import { DeliveryDeps, defaultDeliveryDeps } from '../delivery-deps';
import { EXIT, UsageError } from '../errors';
import { Io } from '../io';
import { environmentsDir, findRepoRoot } from '../repo';

export interface DeployOptions {
  readonly stage: string;
  /** Stacks deployed at once when their dependencies allow it. */
  readonly concurrency?: number;
  /** An assembly `mfctl synth`/`check` wrote (its `--out` root or the stage's directory): deployed instead of a fresh synthesis. */
  readonly assembly?: string;
  readonly environments?: string;
  readonly json?: boolean;
  readonly verbose?: boolean;
}

/**
 * `mfctl deploy <stage> [--assembly DIR]`: synthesizes the stage (or takes the assembly `mfctl check` wrote) and deploys its stacks in dependency order,
 * independent ones in parallel, without prompts; writes the outputs file after success.
 * Exit 0 deployed (or nothing to do), 1 a stack failed (later stacks not attempted).
 */
export async function deployCommand(opts: DeployOptions, io: Io, deps: DeliveryDeps = defaultDeliveryDeps()): Promise<number> {
  const concurrency = opts.concurrency ?? 4;
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new UsageError(`--concurrency must be a positive integer (got ${opts.concurrency})`);
  const config = deps.loadStage(environmentsDir(io.cwd, opts.environments), opts.stage);
  const root = findRepoRoot(io.cwd);
  const progress = opts.json ? io.stderr : io.stdout;
  const assemblyDir = deps.assembly(config, {
    assembly: opts.assembly === undefined ? undefined : path.resolve(io.cwd, opts.assembly),
    outdir: path.join(root, 'cdk.out'),
  });
  const result = await deployStage({
    config,
    assemblyDir,
    outputsFile: path.join(root, outputsFilePath(config.name)),
    concurrency,
    print: (line) => progress(`${line}\n`),
    printError: (line) => io.stderr(`${line}\n`),
    verbose: opts.verbose,
    delegation: deps.delegation,
  });
  if (opts.json) io.stdout(`${JSON.stringify(result, null, 2)}\n`);
  else io.stdout(summary(result));
  return result.ok ? EXIT.ok : EXIT.failure;
}

function summary(r: DeployStageResult): string {
  const lines = [`\nStage ${r.stage}: ${r.ok ? (r.noOp ? 'no changes (no-op)' : 'deployed') : 'FAILED'} in ${r.seconds.toFixed(1)}s`];
  for (const s of r.stacks)
    lines.push(`  wave ${s.wave}  ${s.stackName.padEnd(24)} ${s.outcome}${s.seconds !== undefined ? ` (${s.seconds.toFixed(1)}s)` : ''}`);
  if (r.failure) {
    lines.push(`Failed stack: ${r.failure.stackName}`);
    if (r.failure.logicalId) lines.push(`Failed resource: ${r.failure.logicalId} (${r.failure.resourceType})`);
    lines.push(`Reason: ${r.failure.reason}`);
  }
  if (r.outputsFile) lines.push(`Outputs: ${r.outputsFile}`);
  return `${lines.join('\n')}\n`;
}
