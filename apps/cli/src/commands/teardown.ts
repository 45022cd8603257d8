import * as path from 'node:path';
import { TeardownResult, teardownRefusal, teardownStage } from '@metaflow-gitops/gitops';
import { DeliveryDeps, defaultDeliveryDeps } from '../delivery-deps';
import { CliError, EXIT } from '../errors';
import { Io } from '../io';
import { environmentsDir, findRepoRoot } from '../repo';

export interface TeardownCommandOptions {
  readonly stage: string;
  /** Must repeat the stage name. */
  readonly confirm?: string;
  readonly allowProd?: boolean;
  readonly purgeRetained?: boolean;
  readonly environments?: string;
  readonly json?: boolean;
  readonly verbose?: boolean;
}

/**
 * `mfctl teardown <stage> --confirm <stage>`: destroys the stage's stacks in reverse order and
 * reports every retained resource with the commands that remove it (or removes them with
 * `--purge-retained`). Exit 0 done, 1 refused (nothing deleted) or a stack could not be destroyed.
 */
export async function teardownCommand(opts: TeardownCommandOptions, io: Io, deps: DeliveryDeps = defaultDeliveryDeps()): Promise<number> {
  const config = deps.loadStage(environmentsDir(io.cwd, opts.environments), opts.stage);
  const refused = teardownRefusal(config, opts);
  if (refused) throw new CliError(refused);
  const root = findRepoRoot(io.cwd);
  const progress = opts.json ? io.stderr : io.stdout;
  const result = await teardownStage({
    config,
    assemblyDir: deps.assembly(config, { outdir: path.join(root, 'cdk.out') }),
    confirm: opts.confirm,
    allowProd: opts.allowProd,
    purgeRetained: opts.purgeRetained,
    print: (line) => progress(`${line}\n`),
    printError: (line) => io.stderr(`${line}\n`),
    verbose: opts.verbose,
  });
  if (opts.json) io.stdout(`${JSON.stringify(result, null, 2)}\n`);
  else io.stdout(report(result));
  return result.ok ? EXIT.ok : EXIT.failure;
}

export function report(r: TeardownResult): string {
  const lines = [`\nStage ${r.stage}: ${r.ok ? 'torn down' : 'teardown INCOMPLETE'} in ${r.seconds.toFixed(1)}s`];
  lines.push(`Destroyed (in order): ${r.destroyed.join(', ') || '(none)'}`);
  if (r.remaining.length > 0) lines.push(`Still present: ${r.remaining.join(', ')}${r.error ? ` (${r.error})` : ''}`);
  if (r.leftoversRemoved.length > 0) {
    lines.push('Removed before the destroy (they would have blocked it):');
    for (const l of r.leftoversRemoved) lines.push(`  ${l.kind} ${l.id}`);
  }
  if (r.retained.length === 0) lines.push('Retained resources: none');
  else {
    lines.push('Retained resources (they survive the stacks):');
    for (const x of r.retained) {
      lines.push(
        `  ${x.resourceType} ${x.physicalId} (from ${x.stackName}/${x.logicalId}): ${x.purged ? 'PURGED' : 'kept'}${x.note ? ` - ${x.note}` : ''}`,
      );
      if (!x.purged) for (const c of x.commands) lines.push(`      ${c}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
