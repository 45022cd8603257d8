import type { RenderedManifests } from '@metaflow-gitops/constructs/k8s';
import { deployableAssembly, type DelegationWaitOptions, type DeployableAssemblyOptions } from '@metaflow-gitops/gitops';
import { renderStageManifests } from '@metaflow-gitops/constructs/k8s';
import { StageConfig, StageConfigError, StageOutputs, loadStage } from '@metaflow-gitops/stage-config';
import { CliError } from './errors';

/** What the delivery commands (deploy, sync, teardown, bootstrap) take from the other libraries; tests pass their own. */
export interface DeliveryDeps {
  /** Loads and validates `environments/<name>.yaml` (throws with located diagnostics). */
  loadStage(environmentsDir: string, name: string): StageConfig;
  /** The stage's cloud assembly directory to deploy or tear down: the given one, checked, or a fresh synthesis. */
  assembly(config: StageConfig, options: DeployableAssemblyOptions): string;
  /** Renders the stage's cluster manifests and pinned releases from its config and deployed outputs. */
  renderManifests(config: StageConfig, outputs: StageOutputs): RenderedManifests;
  /** How deploy waits for a manual delegation (resolver, timeout). @default public DNS through node:dns, 30 minutes */
  readonly delegation?: DelegationWaitOptions;
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
    assembly: deployableAssembly,
    renderManifests: renderStageManifests,
  };
}
