import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import type { RenderedManifests } from '@metaflow-gitops/constructs/k8s';
import {
  MissingOutputsError,
  RawStackOutputs,
  STACK_KINDS,
  StageConfig,
  StageOutputs,
  readStageOutputs,
  stackName,
} from '@metaflow-gitops/stage-config';
import type { Finding, HealthReport } from '../health/report';
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

/** The outputs of the stage's stacks as deployed (DescribeStacks), in the shape of the outputs file. */
async function liveOutputs(cfn: DriftCfn, stacks: readonly string[]): Promise<RawStackOutputs> {
  const raw: RawStackOutputs = {};
  for (const stack of stacks) {
    try {
      const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: stack }));
      raw[stack] = Object.fromEntries((Stacks?.[0]?.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']));
    } catch {
      // A missing stack is reported by its drift finding; its outputs are then missing below.
    }
  }
  return raw;
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
    outputs = readStageOutputs(o.config.name, await liveOutputs(cfn, stacks));
  } catch (err) {
    if (!(err instanceof MissingOutputsError)) throw err;
    findings.push({
      check: 'cluster-objects',
      status: 'unknown',
      summary: `cannot render the manifests to compare: the deployed stacks lack ${err.missing.join(', ')}`,
      fix: 'deploy the stage first (its stacks give the outputs the manifests need)',
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
