import { Command, CommanderError } from 'commander';
import { CliError, EXIT } from './errors';
import { Io, processIo } from './io';
import { registerDeliveryCommands } from './commands/delivery';

const VERSION: string = require('../package.json').version;

/** Builds the command tree. Each command lives in `commands/<name>.ts`; this file only wires them. */
export function buildProgram(io: Io, setExit: (code: number) => void): Command {
  const program = new Command('mfctl')
    .description('Operate per-stage Metaflow platforms: validate, synthesize, check, deploy, sync, diff, tear down.')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride();
  registerDeliveryCommands(program, io, setExit);
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
