import { InvalidArgumentError } from 'commander';
import type { Io } from './io';

/** One option of a command, as commander takes it. */
export interface OptionSpec {
  /** Commander flags, e.g. `--environments <dir>`, `--stage <name...>`, `--no-checks`. */
  readonly flags: string;
  readonly description: string;
  readonly default?: string | number | boolean;
  /** The option must be given. */
  readonly required?: boolean;
  /** Turns the text into the option's value; throws `InvalidArgumentError` (a usage error) when it is not valid. */
  readonly parse?: (value: string) => unknown;
}

/** One positional argument: `<name>` required, `[name]` optional, `[name...]` the rest. */
export interface ArgumentSpec {
  readonly name: string;
  readonly description: string;
}

/**
 * One command of `mfctl`: what `--help` shows and how to run it. `load` imports the command's
 * module only when the command runs, so `mfctl --help` never loads the CDK, cdk8s or the AWS SDK.
 */
export interface CommandSpec<M = unknown, O = unknown> {
  /** `synth`, or for a subcommand its own name (`new` under `stage`). */
  readonly name: string;
  readonly description: string;
  readonly arguments?: readonly ArgumentSpec[];
  readonly options?: readonly OptionSpec[];
  /** Hand every argument after the command name to `run` unparsed (no own --help): `mfctl login`. */
  readonly passThrough?: boolean;
  readonly subcommands?: readonly CommandSpec[];
  readonly load?: () => Promise<M>;
  /** Runs the command with its positional arguments and parsed options; returns the exit code. */
  readonly run?: (module: M, args: readonly string[], opts: O, io: Io) => Promise<number>;
}

/** Declares a command; `M` (the module `load` returns) and `O` (its options) are checked here, then erased. */
export function defineCommand<M, O>(spec: CommandSpec<M, O>): CommandSpec {
  return spec as CommandSpec;
}

/** Parser of options that count something (`--concurrency`). */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

/** Options several commands take, declared once. */
export const OPTIONS = {
  environments: { flags: '--environments <dir>', description: "directory of stage files (default: the repo's environments/)" },
  all: { flags: '--all', description: 'every stage under environments/' },
  assemblyRoot: { flags: '--out <dir>', description: 'root of the cloud assemblies (default: <repo>/cdk.out)' },
  outputs: { flags: '--outputs <file>', description: 'stack outputs of the deploy (default: dist/outputs/<stage>.json)' },
  pr: { flags: '--pr <number>', description: 'pull request number (default: from the event at GITHUB_EVENT_PATH)' },
  ackLabel: {
    flags: '--label <name>',
    description: 'label that acknowledges destructive changes',
    default: 'allow-destructive',
  },
  verbose: { flags: '--verbose', description: 'print every CloudFormation resource event' },
} as const satisfies Record<string, OptionSpec>;

/** `--json`, declared once; `what` names what the command prints as JSON on stdout instead of text. */
export function jsonOption(what: string, { progressOnStderr = false } = {}): OptionSpec {
  return { flags: '--json', description: `print ${what} as JSON on stdout${progressOnStderr ? ' (progress goes to stderr)' : ''}` };
}

/** Positional arguments several commands take. */
export const ARGUMENTS = {
  stage: { name: '<stage>', description: 'stage name (environments/<stage>.yaml)' },
  optionalStage: { name: '[stage]', description: 'stage name (environments/<stage>.yaml); or --all' },
} as const satisfies Record<string, ArgumentSpec>;
