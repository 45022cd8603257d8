import {
  CloudFormationClient,
  DescribeStackDriftDetectionStatusCommand,
  DescribeStackResourceDriftsCommand,
  DetectStackDriftCommand,
  StackResourceDrift,
} from '@aws-sdk/client-cloudformation';
import type { Finding } from '../health/report';

/** The CloudFormation client drift detection calls (the SDK client; tests pass a double). */
export type DriftCfn = Pick<CloudFormationClient, 'send'>;

export interface StackDriftOptions {
  /** Between two detection status reads. @default 5000 */
  readonly pollMs?: number;
  /** Give up (finding `unknown`) after this long. @default 10 minutes */
  readonly timeoutMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function errorText(err: unknown): string {
  const e = err as { name?: string; message?: string };
  return `${e.name ?? 'Error'}: ${e.message ?? String(err)}`;
}

/** One line per drifted resource property (or the deleted resource). */
function driftLines(d: StackResourceDrift): string[] {
  const what = `${d.LogicalResourceId} (${d.ResourceType})`;
  if (d.StackResourceDriftStatus === 'DELETED') return [`${what}: deleted out of band`];
  const props = d.PropertyDifferences ?? [];
  if (props.length === 0) return [`${what}: modified`];
  return props.map(
    (p) =>
      `${what}: ${p.PropertyPath} ${p.DifferenceType?.toLowerCase() ?? 'changed'}: expected ${p.ExpectedValue ?? '(none)'}, actual ${p.ActualValue ?? '(none)'}`,
  );
}

/**
 * CloudFormation drift detection on one stack (DetectStackDrift, then DescribeStackDriftDetectionStatus
 * until it completes, then DescribeStackResourceDrifts for the modified and deleted resources):
 * finding `stack-drift:<stack>`, `ok` in sync, `fail` drifted (one detail line per property) or
 * missing, `unknown` when detection could not run or finish. Detection starts a read-only
 * operation; it changes nothing in the stack.
 */
export async function stackDrift(cfn: DriftCfn, stack: string, options: StackDriftOptions = {}): Promise<Finding> {
  const check = `stack-drift:${stack}`;
  const sleep = options.sleep ?? defaultSleep;
  const pollMs = options.pollMs ?? 5000;
  const deadline = Date.now() + (options.timeoutMs ?? 600_000);
  let id: string | undefined;
  try {
    id = (await cfn.send(new DetectStackDriftCommand({ StackName: stack }))).StackDriftDetectionId;
  } catch (err) {
    if (/does not exist/.test((err as Error).message ?? ''))
      return {
        check,
        status: 'fail',
        summary: `stack ${stack} does not exist`,
        fix: 'deploy the stage (the deploy workflow, or mfctl deploy); if it was torn down on purpose, remove its stage file',
      };
    return {
      check,
      status: 'unknown',
      summary: `drift detection could not start: ${errorText(err)}`,
      fix: 'run with credentials allowed cloudformation:DetectStackDrift, DescribeStackDriftDetectionStatus and DescribeStackResourceDrifts (and the read permissions of the stack resources)',
    };
  }
  if (!id) return { check, status: 'unknown', summary: 'DetectStackDrift returned no detection id' };
  try {
    for (;;) {
      const s = await cfn.send(new DescribeStackDriftDetectionStatusCommand({ StackDriftDetectionId: id }));
      if (s.DetectionStatus === 'DETECTION_IN_PROGRESS') {
        if (Date.now() >= deadline)
          return { check, status: 'unknown', summary: 'drift detection did not finish in time', fix: `run mfctl drift again later` };
        await sleep(pollMs);
        continue;
      }
      if (s.StackDriftStatus === 'IN_SYNC' && s.DetectionStatus === 'DETECTION_COMPLETE')
        return { check, status: 'ok', summary: `${stack} matches its template` };
      if (s.StackDriftStatus !== 'DRIFTED')
        return {
          check,
          status: 'unknown',
          summary: `drift detection ended ${s.DetectionStatus ?? ''} with stack drift status ${s.StackDriftStatus ?? 'UNKNOWN'}${s.DetectionStatusReason ? `: ${s.DetectionStatusReason}` : ''}`,
          fix: 'give the credentials read access to every resource type of the stack, then run mfctl drift again',
        };
      const drifts: StackResourceDrift[] = [];
      let token: string | undefined;
      do {
        const page = await cfn.send(
          new DescribeStackResourceDriftsCommand({
            StackName: stack,
            StackResourceDriftStatusFilters: ['MODIFIED', 'DELETED'],
            NextToken: token,
          }),
        );
        drifts.push(...(page.StackResourceDrifts ?? []));
        token = page.NextToken;
      } while (token);
      return {
        check,
        status: 'fail',
        summary: `${stack} drifted: ${drifts.length || s.DriftedStackResourceCount || 'some'} resource(s) changed out of band`,
        fix: 'redeploy the stage to put the template back (the deploy workflow), or bring the change into the code through a pull request',
        details: drifts.flatMap(driftLines),
      };
    }
  } catch (err) {
    return { check, status: 'unknown', summary: `drift detection failed: ${errorText(err)}` };
  }
}
