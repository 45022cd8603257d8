import { CloudFormationClient, DescribeStacksCommand, Stack } from '@aws-sdk/client-cloudformation';
import { RawStackOutputs, STACK_KINDS, StageOutputs, readStageOutputs, stackName } from '@metaflow-gitops/stage-config';

type Cfn = Pick<CloudFormationClient, 'send'>;

/** The stack as deployed, or undefined when it does not exist or is already deleted; any other error throws. */
export async function describeStack(cfn: Cfn, name: string): Promise<Stack | undefined> {
  try {
    const res = await cfn.send(new DescribeStacksCommand({ StackName: name }));
    const s = res.Stacks?.[0];
    return s && s.StackStatus !== 'DELETE_COMPLETE' ? s : undefined;
  } catch (err) {
    if (/does not exist/.test(String((err as Error).message))) return undefined;
    throw err;
  }
}

/** The stage's six stacks by name, each described on its own (a missing one is undefined). */
export async function describeStageStacks(cfn: Cfn, stage: string): Promise<Map<string, Stack | undefined>> {
  const out = new Map<string, Stack | undefined>();
  for (const kind of STACK_KINDS) {
    const name = stackName(stage, kind);
    out.set(name, await describeStack(cfn, name));
  }
  return out;
}

/**
 * The stage outputs of its deployed stacks, read as the outputs file would give them; throws
 * MissingOutputsError when an output the manifests need is absent (e.g. a stack not deployed).
 */
export function liveStageOutputs(stage: string, stacks: ReadonlyMap<string, Stack | undefined>): StageOutputs {
  const raw: RawStackOutputs = {};
  for (const [name, s] of stacks) raw[name] = Object.fromEntries((s?.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']));
  return readStageOutputs(stage, raw);
}
