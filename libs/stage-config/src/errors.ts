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

/**
 * What a CLI's top-level handler prints on stderr for `err`, and its exit code: `error: <message>`
 * (and the fix) for a `CliError`; for anything else the message, or the stack when `debug` is set.
 */
export function errorReport(err: unknown, debug = false): { readonly text: string; readonly exitCode: number } {
  if (isCliError(err)) return { text: `error: ${err.message}\n${err.fix ? `fix: ${err.fix}\n` : ''}`, exitCode: err.exitCode };
  const detail = err instanceof Error ? (debug ? err.stack : err.message) : String(err);
  return { text: `error: ${detail}\n`, exitCode: EXIT.failure };
}
