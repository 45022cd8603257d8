import { detectDrift, formatHealthReport, reportExitCode, spawnRunner, ToolRunner } from '@metaflow-gitops/gitops';
import type { DetectDriftOptions } from '@metaflow-gitops/gitops';
import { DeliveryDeps, defaultDeliveryDeps } from '../delivery-deps';
import { Io } from '../io';
import { environmentsDir } from '../repo';

export interface DriftOptions {
  readonly stage: string;
  /** kube context of the stage's cluster (default: the current one), as for `mfctl sync`. */
  readonly context?: string;
  readonly environments?: string;
  /** Print the HealthReport as JSON on stdout. */
  readonly json?: boolean;
}

/**
 * `mfctl drift <stage>`: what changed out of band, read-only: CloudFormation drift detection on
 * the six stacks and the cluster's first-party objects against the manifests rendered from the
 * live stack outputs. Exit 0 nothing drifted, 1 drift found, 3 something could not be checked.
 */
export async function driftCommand(
  opts: DriftOptions,
  io: Io,
  deps: DeliveryDeps = defaultDeliveryDeps(),
  seams: { cfn?: DetectDriftOptions['cfn']; run?: ToolRunner } = {},
): Promise<number> {
  const config = deps.loadStage(environmentsDir(io.cwd, opts.environments), opts.stage);
  const report = await detectDrift({
    config,
    cfn: seams.cfn,
    run: seams.run ?? spawnRunner,
    context: opts.context,
    render: deps.renderManifests,
  });
  io.stdout(opts.json ? `${JSON.stringify(report, null, 2)}\n` : formatHealthReport(report));
  return reportExitCode(report);
}
