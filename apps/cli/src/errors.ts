/**
 * Exit codes of every mfctl command (documented in the README):
 *   0  success
 *   1  the command ran and found a problem (invalid stage, failed check, failed deploy, refusal)
 *   2  usage error (unknown command or option, missing argument)
 */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** A problem the user can fix from the message alone: printed without a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failure,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export class UsageError extends CliError {
  constructor(message: string) {
    super(message, EXIT.usage);
    this.name = 'UsageError';
  }
}
