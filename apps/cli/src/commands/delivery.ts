import { Command, InvalidArgumentError } from 'commander';
import { Io } from '../io';
import { bootstrapCommand } from './bootstrap';
import { deployCommand } from './deploy';
import { syncCommand } from './sync';
import { teardownCommand } from './teardown';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

/** Wires deploy, sync, teardown and bootstrap (issue 5) into the program. */
export function registerDeliveryCommands(program: Command, io: Io, setExit: (code: number) => void): void {
  program
    .command('bootstrap <stage>')
    .description(
      'Once per account and stage (administrator credentials): CDK bootstrap, the GitHub OIDC provider when absent, the deploy role and the read-only diff role',
    )
    .option('--repo <org/name>', 'GitHub repository that deploys the stage (default: from `git remote get-url origin`)')
    .option('--environments <dir>', 'directory of stage files (default: environments/)')
    .option('--json', 'print the result as JSON (progress goes to stderr)')
    .action(async (stage: string, o: { repo?: string; environments?: string; json?: boolean }) => {
      setExit(await bootstrapCommand({ stage, ...o }, io));
    });

  program
    .command('deploy <stage>')
    .description(
      'Synthesize the stage (or take --assembly) and deploy its stacks in dependency order (independent ones in parallel), no prompts; writes dist/outputs/<stage>.json',
    )
    .option('--concurrency <n>', 'stacks deployed at the same time when dependencies allow', positiveInt, 4)
    .option(
      '--assembly <dir>',
      "deploy this assembly of `mfctl synth`/`check --out <dir>` (checked to be the stage's) instead of synthesizing",
    )
    .option('--environments <dir>', 'directory of stage files (default: environments/)')
    .option('--json', 'print the result as JSON (progress goes to stderr)')
    .option('--verbose', 'print every CloudFormation resource event')
    .action(
      async (stage: string, o: { concurrency: number; assembly?: string; environments?: string; json?: boolean; verbose?: boolean }) => {
        setExit(await deployCommand({ stage, ...o }, io));
      },
    );

  program
    .command('sync <stage>')
    .description(
      'Render the cluster manifests with the deployed outputs and apply them: releases, migrations, server-side apply, prune, rollouts',
    )
    .option('--dry-run', 'print the plan (releases, objects to apply in order, objects to prune); no cluster needed')
    .option('--outputs <file>', 'stack outputs of the deploy (default: dist/outputs/<stage>.json)')
    .option('--previous-inventory <file>', 'previous inventory JSON, instead of the one kept in the cluster')
    .option('--context <name>', 'kube context (default: the current one)')
    .option('--environments <dir>', 'directory of stage files (default: environments/)')
    .option('--json', 'print the plan as JSON')
    .action(
      async (
        stage: string,
        o: { dryRun?: boolean; outputs?: string; previousInventory?: string; context?: string; environments?: string; json?: boolean },
      ) => {
        setExit(await syncCommand({ stage, ...o }, io));
      },
    );

  program
    .command('teardown <stage>')
    .description('Destroy the stage in reverse order; report (or purge) the retained resources')
    .option('--confirm <stage>', 'repeat the stage name: nothing is deleted without it')
    .option('--allow-prod', 'required to tear down a production stage')
    .option('--purge-retained', 'also remove the retained resources (bucket versions, database with a final snapshot)')
    .option('--environments <dir>', 'directory of stage files (default: environments/)')
    .option('--json', 'print the result as JSON (progress goes to stderr)')
    .option('--verbose', 'print every CloudFormation resource event')
    .action(
      async (
        stage: string,
        o: { confirm?: string; allowProd?: boolean; purgeRetained?: boolean; environments?: string; json?: boolean; verbose?: boolean },
      ) => {
        setExit(await teardownCommand({ stage, ...o }, io));
      },
    );
}
