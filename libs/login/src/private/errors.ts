import { CliError, EXIT } from '@metaflow-gitops/stage-config/errors';

// Exit codes and the usage error are the ones both CLIs share; `exec` passes its child's code through instead.
export { EXIT, UsageError } from '@metaflow-gitops/stage-config/errors';

/** A login failure with a message for the user (IdP unreachable, session expired, file errors); exit 1 unless told. */
export class LoginError extends CliError {
  constructor(message: string, exitCode: number = EXIT.failure) {
    super(message, { code: 'login', exitCode });
    this.name = 'LoginError';
  }
}
