import { Command, CommanderError } from 'commander';
import { CliError, EXIT } from './errors';
import { Io, processIo } from './io';
import { manifests } from './commands/manifests';

const VERSION: string = require('../package.json').version;

/** Builds the command tree. Each command lives in `commands/<name>.ts`; this file only wires them. */
export function buildProgram(io: Io, setExit: (code: number) => void): Command {
  const program = new Command('mfctl')
    .description('Operate per-stage Metaflow platforms: validate, synthesize, check, deploy, sync, diff, tear down.')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride();
  program
    .command('manifests <stage>')
    .description("Render the stage's cluster manifests and Helm release list into dist/k8s/<stage>/ and print counts per component")
    .option('--outputs <file>', 'deployed stack outputs (dist/outputs/<stage>.json); without it every output is a marked placeholder')
    .option('--out <dir>', 'output directory (default: dist/k8s/<stage>)')
    .option('--environments <dir>', "directory of stage files (default: the repo's environments/)")
    .option('--json', 'print the summary (files, object counts, releases) as JSON')
    .action(async (stage, opts) => setExit(await manifests(stage, opts, io)));

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
