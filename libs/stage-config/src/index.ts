export * from './stage-config';
export * from './naming';
export * from './stage-outputs';
export * from './discovery';
export { formatDiagnostic, StageConfigError } from './diagnostics';
export type { Diagnostic } from './diagnostics';
export { loadStages, loadStage, parseStageText, stageFiles } from './loader';
export type { LoadResult, LoadOptions } from './loader';
export { normalizeStage, defaultAvailabilityZones } from './normalize';
export { STAGE_SCHEMA } from './schema';
export type { JsonSchema } from './schema';
export {
  MAX_STAGE_NAME_LENGTH,
  STAGE_NAME_BOUNDS,
  STAGE_NAME_PATTERN,
  stageNameOfFile,
  stageNameProblem,
  stageNameBudget,
} from './stage-name';
export { splitCidr } from './cidr';
export { REGIONS, REGION_AZ_LETTERS, EKS_RESTRICTED_AZ_IDS, KUBERNETES_VERSIONS, VPC_ENDPOINTS } from './facts';
export { renderStageFile, createStageFile } from './scaffold';
export type { NewStageOptions, CreateStageResult } from './scaffold';
