import { InternalError } from '@metaflow-gitops/stage-config';

/**
 * Asserts what the stage rules guarantee for a stage `loadStage` returns. `buildStage` also takes a
 * `StageConfig` built another way (e.g. with `normalizeStage` alone), so a broken invariant stops
 * the synthesis here instead of failing the deployment.
 */
export function assertStageInvariant(holds: boolean, message: string): asserts holds {
  if (!holds) {
    throw new InternalError(message, {
      fix: 'build the stage from loadStage (or run mfctl validate): its rules report this with the file position',
    });
  }
}
