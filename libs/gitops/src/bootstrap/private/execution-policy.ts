import {
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  DeletePolicyVersionCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  IAMClient,
  ListPolicyVersionsCommand,
} from '@aws-sdk/client-iam';
import { cfnExecutionPolicyDocument, cfnExecutionPolicyName } from '@metaflow-gitops/constructs';

/** The IAM calls `ensureExecutionPolicy` makes (an `IAMClient`, or a test double). */
export type IamSend = Pick<IAMClient, 'send'>;

/**
 * Creates or updates the managed policy `cfnExecutionPolicyName(region)` to
 * `cfnExecutionPolicyDocument`, and returns its ARN and what was done. IAM keeps at most five
 * versions of a policy: the oldest non-default one goes before a new version is added.
 */
export async function ensureExecutionPolicy(
  iam: IamSend,
  account: string,
  region: string,
): Promise<{ arn: string; action: 'created' | 'updated' | 'unchanged' }> {
  const arn = `arn:aws:iam::${account}:policy/${cfnExecutionPolicyName(region)}`;
  const document = cfnExecutionPolicyDocument(account, region);
  const text = JSON.stringify(document);
  let defaultVersion: string | undefined;
  try {
    defaultVersion = (await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy?.DefaultVersionId;
  } catch (err) {
    if ((err as { name?: string }).name !== 'NoSuchEntityException') throw err;
    await iam.send(
      new CreatePolicyCommand({
        PolicyName: cfnExecutionPolicyName(region),
        PolicyDocument: text,
        Description: `metaflow-gitops: what CloudFormation may do for the stages in ${region} (CDK bootstrap execution policy, mfctl bootstrap)`,
      }),
    );
    return { arn, action: 'created' };
  }
  const current = (await iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: defaultVersion }))).PolicyVersion?.Document;
  if (current && JSON.stringify(JSON.parse(decodeURIComponent(current))) === JSON.stringify(JSON.parse(text))) {
    return { arn, action: 'unchanged' };
  }
  const versions = (await iam.send(new ListPolicyVersionsCommand({ PolicyArn: arn }))).Versions ?? [];
  if (versions.length >= 5) {
    const oldest = versions
      .filter((v) => !v.IsDefaultVersion)
      .sort((a, b) => (a.CreateDate?.getTime() ?? 0) - (b.CreateDate?.getTime() ?? 0))[0];
    if (oldest) await iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: oldest.VersionId }));
  }
  await iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: text, SetAsDefault: true }));
  return { arn, action: 'updated' };
}
