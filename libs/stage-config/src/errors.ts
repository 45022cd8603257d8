/**
 * Exit codes and expected errors of both command-line tools, `mfctl` and `metaflow-login`
 * (documented in the README's CLI reference):
 *   0  success
 *   1  the command ran and found a problem (invalid stage, failed check, failed deploy, refusal, login failure)
 *   2  usage error (unknown command or option, missing argument, missing directory)
 */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** Marks every `CliError`, so the guards also recognise errors from another copy of this module. */
const CLI_ERROR = Symbol.for('@metaflow-gitops/stage-config.CliError');
const USAGE_ERROR = Symbol.for('@metaflow-gitops/stage-config.UsageError');

export interface CliErrorOptions {
  /** Short machine-readable kind, e.g. `usage`, `login`. @default 'failure' */
  readonly code?: string;
  /** @default EXIT.failure */
  readonly exitCode?: number;
  /** What the user does about it, printed after the message. */
  readonly fix?: string;
  readonly cause?: unknown;
}

/**
 * A problem the user can fix from the message alone: the top-level handler prints it without a
 * stack trace and exits with its `exitCode`. Anything else is an internal error (exit 1).
 */
export class CliError extends Error {
  readonly code: string;
  readonly exitCode: number;
  readonly fix?: string;

  constructor(message: string, options: CliErrorOptions | number = {}) {
    const o = typeof options === 'number' ? { exitCode: options } : options;
    super(message, o.cause === undefined ? undefined : { cause: o.cause });
    this.name = 'CliError';
    this.code = o.code ?? 'failure';
    this.exitCode = o.exitCode ?? EXIT.failure;
    this.fix = o.fix;
    Object.defineProperty(this, CLI_ERROR, { value: true });
  }
}

/** A bad command line (unknown option, missing argument, malformed value): exit 2. */
export class UsageError extends CliError {
  constructor(message: string, options: Omit<CliErrorOptions, 'exitCode' | 'code'> = {}) {
    super(message, { ...options, code: 'usage', exitCode: EXIT.usage });
    this.name = 'UsageError';
    Object.defineProperty(this, USAGE_ERROR, { value: true });
  }
}

export function isCliError(err: unknown): err is CliError {
  return typeof err === 'object' && err !== null && CLI_ERROR in err;
}

export function isUsageError(err: unknown): err is UsageError {
  return typeof err === 'object' && err !== null && USAGE_ERROR in err;
}

/** The kinds of expected failure of the libraries below the CLIs, each with its stable `code`. */
export const ERROR_CODES = {
  assembly: 'assembly',
  aws: 'aws',
  git: 'git',
  input: 'input',
  internal: 'internal',
} as const;

type LibraryErrorOptions = Omit<CliErrorOptions, 'code' | 'exitCode'>;

/** A cloud assembly or a synthesis that cannot be used: missing, of another stage, with broken stack dependencies. */
export class AssemblyError extends CliError {
  constructor(message: string, options: LibraryErrorOptions = {}) {
    super(message, { ...options, code: ERROR_CODES.assembly });
    this.name = 'AssemblyError';
  }
}

/** An AWS call or an AWS-side wait that failed during a diff, deploy or teardown. */
export class AwsError extends CliError {
  constructor(message: string, options: LibraryErrorOptions = {}) {
    super(message, { ...options, code: ERROR_CODES.aws });
    this.name = 'AwsError';
  }
}

/** git, the repository checkout or the GitHub workflow environment is not as the command needs it. */
export class GitError extends CliError {
  constructor(message: string, options: LibraryErrorOptions = {}) {
    super(message, { ...options, code: ERROR_CODES.git });
    this.name = 'GitError';
  }
}

/** A file or value the command reads is malformed: a diff report, an inventory, rendered manifests, nx.json. */
export class InputError extends CliError {
  constructor(message: string, options: LibraryErrorOptions = {}) {
    super(message, { ...options, code: ERROR_CODES.input });
    this.name = 'InputError';
  }
}

/**
 * An invariant the code relies on does not hold: a bug, or a library entry point called with input
 * its documented precondition excludes (e.g. a stage the loader's rules would refuse).
 */
export class InternalError extends CliError {
  constructor(message: string, options: LibraryErrorOptions = {}) {
    super(message, { ...options, code: ERROR_CODES.internal });
    this.name = 'InternalError';
  }
}

function hasCode<T extends CliError>(code: string) {
  return (err: unknown): err is T => isCliError(err) && err.code === code;
}

export const isAssemblyError = hasCode<AssemblyError>(ERROR_CODES.assembly);
export const isAwsError = hasCode<AwsError>(ERROR_CODES.aws);
export const isGitError = hasCode<GitError>(ERROR_CODES.git);
export const isInputError = hasCode<InputError>(ERROR_CODES.input);
export const isInternalError = hasCode<InternalError>(ERROR_CODES.internal);

/**
 * `err` with `context` in front of its message (`<context>: <message>`), keeping the code, exit code
 * and fix of a `CliError`; any other error becomes a `CliError` (exit 1) with it as the cause.
 */
export function withContext(context: string, err: unknown): CliError {
  const message = `${context}: ${err instanceof Error ? err.message : String(err)}`;
  if (!isCliError(err)) return new CliError(message, { cause: err });
  const wrapped = new CliError(message, { code: err.code, exitCode: err.exitCode, fix: err.fix, cause: err });
  wrapped.name = err.name;
  return wrapped;
}

/**
 * What a CLI's top-level handler prints on stderr for `err`, and its exit code: `error: <message>`
 * (and the fix) for a `CliError`; for anything else the message. With `debug` set, the error's code
 * and stack follow (an internal error is a bug: its stack is what a report needs).
 */
export function errorReport(err: unknown, debug = false): { readonly text: string; readonly exitCode: number } {
  if (isCliError(err)) {
    const fix = err.fix ? `fix: ${err.fix}\n` : '';
    const detail = debug ? `code: ${err.code}\n${err.stack}\n` : '';
    return { text: `error: ${err.message}\n${fix}${detail}`, exitCode: err.exitCode };
  }
  const detail = err instanceof Error ? (debug ? err.stack : err.message) : String(err);
  return { text: `error: ${detail}\n`, exitCode: EXIT.failure };
}

/**
 * The bin's entry: runs a CLI's `main` (which turns every error into an exit code itself) and sets
 * the process exit code from it; a rejection that escaped `main` is reported as an internal error.
 * A closed stdout (EPIPE) ends the process quietly.
 */
export function runMain(main: (argv: readonly string[]) => Promise<number>, argv: readonly string[]): void {
  // A reader that stops early (`mfctl stage list | head -1`) closes the pipe: stop quietly, as
  // command-line tools do, rather than crash on the failed write.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(process.exitCode ?? EXIT.ok);
  });
  main(argv).then(
    (code) => (process.exitCode = code),
    (err) => {
      process.stderr.write(`internal error: ${String(err)}\n`);
      process.exitCode = EXIT.failure;
    },
  );
}
