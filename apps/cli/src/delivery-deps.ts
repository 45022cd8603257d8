import type { Manifests, StageBuilder } from '@metaflow-gitops/gitops';
import { StageConfig, StageConfigError, StageOutputs, loadStage } from '@metaflow-gitops/stage-config';
import { CliError } from './errors';

/** What the delivery commands (deploy, sync, teardown, bootstrap) take from the other libraries; tests pass their own. */
export interface DeliveryDeps {
  /** Loads and validates `environments/<name>.yaml` (throws with located diagnostics). */
  loadStage(environmentsDir: string, name: string): StageConfig;
  /** Builds the stage's six stacks into an app. */
  buildStage: StageBuilder;
  /** Renders the stage's cluster manifests and pinned releases from its config and deployed outputs. */
  renderManifests(config: StageConfig, outputs: StageOutputs): Manifests;
}

export function defaultDeliveryDeps(): DeliveryDeps {
  return {
    loadStage: (dir, name) => {
      try {
        return loadStage(dir, name);
      } catch (err) {
        // The message lists every diagnostic as <file>:<line>:<col>: <field.path>: <message>.
        if (err instanceof StageConfigError) throw new CliError(err.message);
        throw err;
      }
    },
    buildStage: () => {
      throw new CliError('the stage stacks are not available on this branch yet');
    },
    renderManifests: () => {
      throw new CliError('the manifests renderer is not available on this branch yet');
    },
  };
}
