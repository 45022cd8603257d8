import type { StageBuilder } from '@metaflow-gitops/gitops';
import type { StageConfig } from '@metaflow-gitops/stage-config';
import { CliError } from './errors';

/** What the delivery commands (deploy, sync, teardown, bootstrap) take from the other libraries; tests pass their own. */
export interface DeliveryDeps {
  /** Loads and validates `environments/<name>.yaml` (throws with located diagnostics). */
  loadStage(environmentsDir: string, name: string): StageConfig;
  /** Builds the stage's six stacks into an app. */
  buildStage: StageBuilder;
}

export function defaultDeliveryDeps(): DeliveryDeps {
  return {
    loadStage: () => {
      throw new CliError('the stage loader is not available on this branch yet');
    },
    buildStage: () => {
      throw new CliError('the stage stacks are not available on this branch yet');
    },
  };
}
