/** Exit codes of metaflow-login (`exec` passes its child's code through instead). */
export const EXIT = {
  ok: 0,
  /** Login failed, a token could not be obtained, files could not be written. */
  failure: 1,
  /** Bad command line: unknown option, missing argument, malformed URL. */
  usage: 2,
} as const;

/** An expected failure with a message for the user; turned into an exit code in one place (main). */
export class LoginError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failure,
  ) {
    super(message);
    this.name = 'LoginError';
  }
}

export class UsageError extends LoginError {
  constructor(message: string) {
    super(message, EXIT.usage);
    this.name = 'UsageError';
  }
}
