import { StageConfig, StageOutputs, isPlaceholder, stageHost } from '@metaflow-gitops/stage-config';

/** What every chart of a stage reads: the stage's config, its deployed outputs and derived values. */
export interface StageContext {
  readonly config: StageConfig;
  readonly outputs: StageOutputs;
  /** Public host of the stage (`<stage>.<parentDomain>`). */
  readonly host: string;
  /** True when at least one output is a placeholder (the stage is not deployed yet). */
  readonly placeholders: boolean;
}

export function stageContext(config: StageConfig, outputs: StageOutputs): StageContext {
  return {
    config,
    outputs,
    host: stageHost(config.name, config.domain.parentDomain),
    placeholders: Object.values(outputs).some(isPlaceholder),
  };
}

/** Labels every object of the stage carries (the sync step selects on them). */
export function stageLabels(ctx: StageContext): Record<string, string> {
  return { 'app.kubernetes.io/managed-by': 'metaflow-gitops', 'metaflow-gitops/stage': ctx.config.name };
}

/** Splits a comma-separated output (subnet ids, name servers). */
export function splitList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
