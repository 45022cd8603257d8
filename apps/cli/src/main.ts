import { Command, CommanderError } from 'commander';
import { errorReport, EXIT, runMain } from '@metaflow-gitops/stage-config/errors';
import { COMMANDS } from './cli-config';
import { CommandSpec } from './cli-options';
import { Io, processIo } from './io';

const VERSION: string = require('../package.json').version;

/** Adds `spec` (and its subcommands) to `parent`; its module is loaded only when it runs. */
function addCommand(parent: Command, spec: CommandSpec, io: Io, setExit: (code: number) => void): void {
  const command = parent.command(spec.name).description(spec.description);
  for (const a of spec.arguments ?? []) command.argument(a.name, a.description);
  for (const o of spec.options ?? []) {
    if (o.required) command.requiredOption(o.flags, o.description, o.default as string | boolean | string[] | undefined);
    else if (o.parse) command.option(o.flags, o.description, o.parse, o.default);
    else command.option(o.flags, o.description, o.default as string | boolean | string[] | undefined);
  }
  if (spec.passThrough) command.helpOption(false).passThroughOptions().allowUnknownOption().allowExcessArguments();
  for (const sub of spec.subcommands ?? []) addCommand(command, sub, io, setExit);
  const { load, run } = spec;
  if (load && run) {
    command.action(async (...params: unknown[]) => {
      const self = params[params.length - 1] as Command;
      setExit(await run(await load(), self.args, self.opts(), io));
    });
  }
}

/** Builds the command tree from `COMMANDS` (cli-config.ts). */
export function buildProgram(io: Io, setExit: (code: number) => void): Command {
  const program = new Command('mfctl')
    .description('Operate per-stage Metaflow platforms: validate, synthesize, check, deploy, sync, diff, tear down.')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride()
    // Program options come before the subcommand, so a subcommand can pass its arguments through.
    .enablePositionalOptions();
  for (const spec of COMMANDS) addCommand(program, spec, io, setExit);
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
    const report = errorReport(err, Boolean(io.env.MFCTL_DEBUG));
    io.stderr(report.text);
    return report.exitCode;
  }
}

export function run(argv: readonly string[]): void {
  runMain(main, argv);
}
