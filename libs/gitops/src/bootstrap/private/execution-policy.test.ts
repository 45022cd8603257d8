import { cfnExecutionPolicyDocument } from '@metaflow-gitops/constructs';
import { ensureExecutionPolicy, IamSend } from './execution-policy';

const ARN = 'arn:aws:iam::123456789012:policy/metaflow-gitops-cfn-execution-eu-west-1';

/** An IAM double holding one policy's versions; records the calls. */
function iamDouble(versions: { id: string; document: unknown; isDefault: boolean; created: number }[] | undefined) {
  const calls: string[] = [];
  const send = async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
    const name = command.constructor.name.replace(/Command$/, '');
    calls.push(name);
    const input = command.input;
    switch (name) {
      case 'GetPolicy':
        if (!versions) throw Object.assign(new Error('not found'), { name: 'NoSuchEntityException' });
        return { Policy: { DefaultVersionId: versions.find((v) => v.isDefault)!.id } };
      case 'CreatePolicy':
        versions = [{ id: 'v1', document: JSON.parse(input.PolicyDocument as string), isDefault: true, created: 1 }];
        return {};
      case 'GetPolicyVersion':
        return {
          PolicyVersion: { Document: encodeURIComponent(JSON.stringify(versions!.find((v) => v.id === input.VersionId)!.document)) },
        };
      case 'ListPolicyVersions':
        return { Versions: versions!.map((v) => ({ VersionId: v.id, IsDefaultVersion: v.isDefault, CreateDate: new Date(v.created) })) };
      case 'DeletePolicyVersion':
        versions = versions!.filter((v) => v.id !== input.VersionId);
        return {};
      case 'CreatePolicyVersion':
        for (const v of versions!) v.isDefault = false;
        versions!.push({
          id: `v${versions!.length + 10}`,
          document: JSON.parse(input.PolicyDocument as string),
          isDefault: true,
          created: 100,
        });
        return {};
      default:
        throw new Error(`unexpected ${name}`);
    }
  };
  return { iam: { send } as unknown as IamSend, calls, versions: () => versions };
}

describe('ensureExecutionPolicy', () => {
  const document = cfnExecutionPolicyDocument('123456789012', 'eu-west-1');

  it('creates the policy when the account has none', async () => {
    const d = iamDouble(undefined);
    expect(await ensureExecutionPolicy(d.iam, '123456789012', 'eu-west-1')).toEqual({ arn: ARN, action: 'created' });
    expect(d.versions()![0].document).toEqual(document);
  });

  it('leaves a current policy alone', async () => {
    const d = iamDouble([{ id: 'v1', document, isDefault: true, created: 1 }]);
    expect(await ensureExecutionPolicy(d.iam, '123456789012', 'eu-west-1')).toEqual({ arn: ARN, action: 'unchanged' });
    expect(d.calls).toEqual(['GetPolicy', 'GetPolicyVersion']);
  });

  it('adds a default version for a changed document, dropping the oldest of five first', async () => {
    const old = Array.from({ length: 5 }, (_, i) => ({
      id: `v${i + 1}`,
      document: { Version: '2012-10-17', Statement: [] },
      isDefault: i === 4,
      created: i,
    }));
    const d = iamDouble(old);
    expect(await ensureExecutionPolicy(d.iam, '123456789012', 'eu-west-1')).toEqual({ arn: ARN, action: 'updated' });
    expect(d.calls).toEqual(['GetPolicy', 'GetPolicyVersion', 'ListPolicyVersions', 'DeletePolicyVersion', 'CreatePolicyVersion']);
    expect(d.versions()!.map((v) => v.id)).toEqual(['v2', 'v3', 'v4', 'v5', 'v14']);
    expect(d.versions()!.find((v) => v.isDefault)!.document).toEqual(document);
  });
});
