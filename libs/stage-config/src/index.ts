// The stage configuration's public surface: what the apps, the other libraries and the test support
// import. Everything else is internal to the library.
export type {
  AccessPrincipal,
  ClusterConfig,
  DatabaseConfig,
  DomainConfig,
  IngressConfig,
  NetworkConfig,
  NodePoolConfig,
  OidcConfig,
  StageConfig,
  SyncRunnerConfig,
} from './stage-config';
export {
  ARGO_EVENTS,
  BUCKET_PREFIXES,
  CLI_REDIRECT_PATH,
  CLI_REDIRECT_PORTS,
  DATABASE_NAME,
  DISCOVERY_PATH,
  GATEWAY,
  METADATA_SERVICE,
  GATEWAY_GROUPS_CLAIM,
  METAFLOW_USERS_GROUP,
  NAMESPACES,
  NAME_PREFIX,
  OAUTH2_CALLBACK_PATH,
  SERVICE_ACCOUNTS,
  STACK_KINDS,
  STAGE_PATHS,
  STAGE_TAG,
  TASK_IMAGE,
  argoEventsWebhookService,
  cliRedirectUris,
  clusterName,
  syncRunnerProjectName,
  cognitoClientName,
  cognitoDomainPrefix,
  defaultOidcName,
  deployRoleName,
  externalDnsOwnerId,
  gatewayClientSecretName,
  idpClientSecretName,
  metadataServiceInternalUrl,
  stackName,
  stageHost,
  taskImageRegistry,
} from './naming';
export type { ServiceAccountKey, ServiceAccountRef, StackKind } from './naming';
export {
  MissingOutputsError,
  OUTPUTS,
  PLACEHOLDER_PREFIX,
  isPlaceholder,
  outputsFilePath,
  outputsOfStack,
  placeholderOutputs,
  readStageOutputs,
} from './stage-outputs';
export type { OutputName, RawStackOutputs, StackOutputName, StageOutputs } from './stage-outputs';
export { DISCOVERY_SCHEMA_VERSION, buildDiscoveryDocument, discoveryUrl } from './discovery';
export type { DiscoveryDocument } from './discovery';
export { StageConfigError, formatDiagnostic } from './diagnostics';
export {
  AssemblyError,
  AwsError,
  CliError,
  ERROR_CODES,
  EXIT,
  GitError,
  InputError,
  InternalError,
  UsageError,
  errorReport,
  isAssemblyError,
  isAwsError,
  isCliError,
  isGitError,
  isInputError,
  isInternalError,
  isUsageError,
  withContext,
} from './errors';
export type { CliErrorOptions } from './errors';
export type { Diagnostic } from './diagnostics';
export { loadStage, loadStages } from './loader';
export { normalizeStage } from './normalize';
export { stageNameOfFile, stageNameProblem } from './stage-name';
export { splitCidr } from './cidr';
export { printable } from './printable';
export { EKS_RESTRICTED_AZ_IDS } from './facts';
export { KUBERNETES_CALENDAR } from './kubernetes-calendar';
export type { KubernetesRelease } from './kubernetes-calendar';
export { createStageFile, freeVpcCidr, renderStageFile } from './scaffold';
export type { NewStageOptions } from './scaffold';
