import { Command, CommanderError } from 'commander';
import { CliError, EXIT } from './errors';
import { Io, processIo } from './io';
import { registerDeliveryCommands } from './commands/delivery';
import { affectedCommand } from './commands/affected';
import { commentCommand } from './commands/comment';
import { deploySummaryCommand } from './commands/deploy-summary';
import { diffCommand } from './commands/diff';
import { gateCommand } from './commands/gate';
import { synthCommand } from './commands/synth';
import { checkCommand } from './commands/check';
import { manifests } from './commands/manifests';
import { stageList, stageNew } from './commands/stage';
import { validate } from './commands/validate';
import { loginCommand } from './commands/login';

const VERSION: string = require('../package.json').version;

/** Builds the command tree. Each command lives in `commands/<name>.ts`; this file only wires them. */
export function buildProgram(io: Io, setExit: (code: number) => void): Command {
  const program = new Command('mfctl')
    .description('Operate per-stage Metaflow platforms: validate, synthesize, check, deploy, sync, diff, tear down.')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride()
    // Program options come before the subcommand, so a subcommand can pass its arguments through.
    .enablePositionalOptions();
  program
    .command('diff')
    .description(
      'What merging this branch changes: affected stages, per-stack CloudFormation diff, manifests diff, checks (no AWS credentials)',
    )
    .option(
      '--base <ref>',
      'base branch ref; the diff starts at its merge-base with HEAD (default: origin/$GITHUB_BASE_REF, else origin/main)',
    )
    .option('--stage <name...>', 'diff only these stages (forces them in even when unaffected)')
    .option('--format <format>', 'markdown or json', 'markdown')
    .option('--out <file>', 'write the report here instead of stdout')
    .option('--json-out <file>', 'also write the JSON report (what `mfctl gate` reads)')
    .option('--against <what>', "'deployed': diff against the deployed stacks (needs AWS credentials)")
    .option('--label <name>', 'acknowledgement label named in the destructive warning', 'allow-destructive')
    .option('--keep', 'keep the scratch directory (synth outputs, base worktree) for inspection')
    .option('--no-checks', 'skip the template checks (cdk-nag, cfn-lint, limits) on the head; stage validation still runs')
    .action(async (opts) => setExit(await diffCommand(opts, io)));
  program
    .command('comment')
    .description('Post or update the sticky diff comment on a pull request, and write the job summary')
    .option('--pr <number>', 'pull request number (default: from the event at GITHUB_EVENT_PATH)')
    .requiredOption('--body-file <file>', 'markdown written by `mfctl diff --out`')
    .option('--no-summary', 'do not append the body to GITHUB_STEP_SUMMARY')
    .option('--summary-only', 'only write the job summary (no GitHub API call)')
    .option('--max-chars <n>', "cut the comment at a section boundary under this many characters (default and maximum: GitHub's 65536)")
    .action(async (opts) => setExit(await commentCommand(opts, io)));
  program
    .command('gate')
    .description('Fail when the diff report has destructive changes and the PR lacks the acknowledgement label')
    .option('--report <file>', 'JSON report written by `mfctl diff --json-out`', 'pr-diff/report.json')
    .option('--label <name>', 'acknowledgement label', 'allow-destructive')
    .option('--pr <number>', 'pull request number (default: from the event at GITHUB_EVENT_PATH)')
    .action(async (opts) => setExit(await gateCommand(opts, io)));
  program
    .command('affected')
    .description('List the stages a change affects and why; --matrix prints the deploy matrix')
    .option('--base <ref>', 'compare with the merge-base of this ref (default: origin/main)')
    .option('--since-last-deploy', 'compare with the commit of the last successful deploy run (GitHub API)')
    .option('--workflow <file>', 'deploy workflow file, with --since-last-deploy', 'deploy.yml')
    .option('--branch <name>', 'deploy branch, with --since-last-deploy', 'main')
    .option('--stage <name...>', 'only these stages (alone: exactly these stages)')
    .option('--json', 'print JSON')
    .option('--matrix', 'print a GitHub Actions matrix {include:[{stage,region,account,role,environment,prod,cluster}]}')
    .option('--environments <dir>', 'stage files directory (default: <repo>/environments)')
    .action(async (opts) => setExit(await affectedCommand(opts, io)));
  program
    .command('deploy-summary')
    .description("Markdown summary of a deployed stage's URLs and outputs (appended to GITHUB_STEP_SUMMARY in Actions)")
    .argument('<stage>', 'stage name')
    .option('--outputs <file>', 'outputs file (default: dist/outputs/<stage>.json)')
    .action(async (stage, opts) => setExit(await deploySummaryCommand(stage, opts, io)));
  program
    .command('synth')
    .description('Synthesize a stage (or --all) into cdk.out/<stage>/ with no AWS access; prints the stacks in deploy order')
    .argument('[stage]', 'stage name (environments/<stage>.yaml)')
    .option('--all', 'every stage under environments/')
    .option('--out <dir>', 'root of the cloud assemblies (default: <repo>/cdk.out)')
    .option('--environments <dir>', 'stage files directory (default: <repo>/environments)')
    .option('--json', 'machine-readable result')
    .action(async (stage: string | undefined, o: { all?: boolean; out?: string; environments?: string; json?: boolean }) =>
      setExit(await synthCommand({ stage, ...o }, io)),
    );
  program
    .command('check')
    .description('Synthesize a stage and run cdk-nag, cfn-lint, template limits and the custom-resource listing; exit 1 on any finding')
    .argument('[stage]', 'stage name (environments/<stage>.yaml)')
    .option('--all', 'every stage under environments/')
    .option('--out <dir>', 'root of the cloud assemblies (default: <repo>/cdk.out)')
    .option('--environments <dir>', 'stage files directory (default: <repo>/environments)')
    .option('--json', 'machine-readable report')
    .action(async (stage: string | undefined, o: { all?: boolean; out?: string; environments?: string; json?: boolean }) =>
      setExit(await checkCommand({ stage, ...o }, io)),
    );

  program
    .command('login')
    .description('Log in to a stage as a data scientist: profile, env.sh, tokens, kubeconfig (same as metaflow-login; mfctl login --help)')
    .helpOption(false)
    // Everything after `login` goes to metaflow-login verbatim, including `exec <stage> -- <cmd>`.
    .passThroughOptions()
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[args...]', 'metaflow-login arguments')
    .action(async (args: string[]) => setExit(await loginCommand(args, io)));

  program
    .command('validate')
    .description('Check every stage file: exit 0 when all are valid (warnings allowed), 1 when any is not, 2 on usage errors')
    .option('--environments <dir>', "directory of stage files (default: the repo's environments/)")
    .option('--json', 'print { ok, stages, diagnostics } as JSON on stdout')
    .action(async (opts) => setExit(await validate(opts, io)));

  const stage = program.command('stage').description('Create and list stages (environments/<name>.yaml)');
  stage
    .command('new <name>')
    .description('Write a valid, commented environments/<name>.yaml (refuses to overwrite; nothing is written when it would be invalid)')
    .requiredOption('--account <id>', '12-digit AWS account id')
    .requiredOption('--region <region>', 'AWS region, e.g. us-west-2')
    .option('--parent-domain <domain>', 'parent DNS zone; the stage is served at <name>.<domain> (default: metaflow.example.com)')
    .option('--issuer <url>', "the company IdP's https issuer URL (default: https://idp.example.com)")
    .option('--groups <list>', 'comma-separated IdP groups allowed to log in (required with --prod)')
    .option('--prod', 'production stage (stricter rules)')
    .option('--gpu', 'add a GPU node pool')
    .option('--allowed-cidrs <list>', 'comma-separated source CIDRs allowed to reach the load balancer (default: 0.0.0.0/0)')
    .option('--azs <list>', 'comma-separated availability zone names (required in us-east-1, us-west-1, ca-central-1)')
    .option('--parent-zone-id <id>', 'hosted zone id of the parent zone: the Dns stack writes the NS records (default: manual delegation)')
    .option('--delegation-role <arn>', "role in the parent zone's account for cross-account delegation (with --parent-zone-id)")
    .option('--environments <dir>', "directory of stage files (default: the repo's environments/)")
    .action(async (name, opts) => setExit(await stageNew(name, opts, io)));
  stage
    .command('list')
    .description('List the stages: name, account, region, prod flag, host')
    .option('--json', 'print the list as JSON')
    .option('--environments <dir>', "directory of stage files (default: the repo's environments/)")
    .action(async (opts) => setExit(await stageList(opts, io)));

  registerDeliveryCommands(program, io, setExit);
  program
    .command('manifests <stage>')
    .description("Render the stage's cluster manifests and Helm release list into dist/k8s/<stage>/ and print counts per component")
    .option('--outputs <file>', 'deployed stack outputs (dist/outputs/<stage>.json); without it every output is a marked placeholder')
    .option('--out <dir>', 'output directory (default: dist/k8s/<stage>)')
    .option('--environments <dir>', "directory of stage files (default: the repo's environments/)")
    .option('--json', 'print the summary (files, object counts, releases) as JSON')
    .action(async (name, opts) => setExit(await manifests(name, opts, io)));

  return program;
}

/** Runs mfctl with `argv` (without node and script); returns the exit code. Errors are turned into exit codes here and only here. */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram(io, (c) => (code = Math.max(code, c)));
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version exit through here with code 0; parse problems are usage errors.
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (err instanceof CliError) {
      io.stderr(`error: ${err.message}\n`);
      return err.exitCode;
    }
    io.stderr(`error: ${err instanceof Error ? (io.env.MFCTL_DEBUG ? err.stack : err.message) : String(err)}\n`);
    return EXIT.failure;
  }
}

export function run(argv: readonly string[]): void {
  main(argv).then(
    (code) => (process.exitCode = code),
    (err) => {
      process.stderr.write(`internal error: ${String(err)}\n`);
      process.exitCode = EXIT.failure;
    },
  );
}
