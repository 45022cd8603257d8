import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { RenderedManifests } from '@metaflow-gitops/constructs/k8s';
import { MissingOutputsError, STACK_KINDS, StageConfig, StageOutputs, stackName } from '@metaflow-gitops/stage-config';
import type { Finding, HealthReport } from '../health/report';
import { describeStageStacks, liveStageOutputs } from '../private/live-stacks';
import type { ToolRunner } from '../sync/execute';
import { clusterDrift } from './cluster-drift';
import { DriftCfn, stackDrift, StackDriftOptions } from './stack-drift';

export interface DetectDriftOptions {
  readonly config: StageConfig;
  /** @default a CloudFormation client in the stage's region (standard SDK credentials) */
  readonly cfn?: DriftCfn;
  /** Runs kubectl (the sync's runner). */
  readonly run: ToolRunner;
  /** kube context of the stage's cluster (default: the current one), as for `mfctl sync`. */
  readonly context?: string;
  /** Renders the stage's manifests from its live stack outputs. */
  readonly render: (config: StageConfig, outputs: StageOutputs) => RenderedManifests;
  readonly stacks?: StackDriftOptions;
  readonly now?: () => Date;
}

/**
 * `mfctl drift`: what changed out of band on a deployed stage, read-only. CloudFormation drift
 * detection on its six stacks (one finding each), then its cluster's first-party objects compared
 * with the manifests rendered from the live stack outputs (finding `cluster-objects`).
 */
export async function detectDrift(o: DetectDriftOptions): Promise<HealthReport> {
  const now = o.now ?? (() => new Date());
  const checkedAt = now().toISOString();
  const cfn = o.cfn ?? new CloudFormationClient({ region: o.config.region });
  const stacks = STACK_KINDS.map((kind) => stackName(o.config.name, kind));
  const findings: Finding[] = await Promise.all(stacks.map((stack) => stackDrift(cfn, stack, o.stacks)));
  let outputs: StageOutputs | undefined;
  try {
    outputs = liveStageOutputs(o.config.name, await describeStageStacks(cfn, o.config.name));
  } catch (err) {
    const missing = err instanceof MissingOutputsError;
    findings.push({
      check: 'cluster-objects',
      status: 'unknown',
      summary: missing
        ? `cannot render the manifests to compare: the deployed stacks lack ${err.missing.join(', ')}`
        : `cannot read the stack outputs to render the manifests: ${(err as Error).message}`,
      fix: missing
        ? 'deploy the stage first (its stacks give the outputs the manifests need)'
        : 'run with credentials that may call cloudformation:DescribeStacks on the stage stacks',
    });
  }
  if (outputs)
    findings.push(
      clusterDrift(
        o.render(o.config, outputs).components.flatMap((c) => c.objects),
        o.run,
        o.context,
      ),
    );
  return { kind: 'drift', stage: o.config.name, checkedAt, findings };
}
