// mfctl's exit codes and expected errors are the ones both CLIs share.
export { CliError, EXIT, UsageError, withContext } from '@metaflow-gitops/stage-config/errors';
