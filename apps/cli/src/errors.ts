// mfctl's exit codes and expected errors are the ones both CLIs share.
export { CliError, EXIT, UsageError } from '@metaflow-gitops/stage-config/errors';
