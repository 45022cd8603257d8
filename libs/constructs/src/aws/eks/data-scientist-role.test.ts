import { METAFLOW_USERS_GROUP } from '@metaflow-gitops/stage-config';
import { makeStageConfig } from '@metaflow-gitops/testing/stage-config';
import { buildTestStage, BuiltStage } from '@metaflow-gitops/testing/constructs/aws';

let dev: BuiltStage;

beforeAll(() => {
  dev = buildTestStage(makeStageConfig({ name: 'dev' }));
});

type Resource = { Type: string; Properties: Record<string, unknown> };
type Template = { Resources: Record<string, Resource>; Outputs: Record<string, { Value: unknown; Export?: { Name: string } }> };
const json = (kind: 'auth' | 'eks') => dev.template(kind).toJSON() as Template;
const ofType = (t: Template, type: string) => Object.entries(t.Resources).filter(([, r]) => r.Type === type);

/** The logical id of the data-scientist role (the Eks stack's only role trusting a web identity). */
function roleEntry(): [string, Resource] {
  const roles = ofType(json('eks'), 'AWS::IAM::Role').filter(([id]) => id.startsWith('DataScientist'));
  expect(roles).toHaveLength(1);
  return roles[0];
}

/** The Auth stack export a `{ "Fn::ImportValue": name }` of the Eks stack reads, resolved to its value. */
function exported(importValue: unknown): unknown {
  const name = (importValue as { 'Fn::ImportValue': string })['Fn::ImportValue'];
  const [stack] = name.split(':');
  expect(stack).toBe('dev-auth');
  const output = Object.values(json('auth').Outputs).find((o) => o.Export?.Name === name);
  return output?.Value;
}

test("trust: only AssumeRoleWithWebIdentity through the pool's OIDC provider, whose URL is the pool issuer and whose only audience is the CLI client", () => {
  const [, role] = roleEntry();
  const trust = role.Properties.AssumeRolePolicyDocument as { Statement: Record<string, unknown>[] };
  expect(trust.Statement).toHaveLength(1);
  const [statement] = trust.Statement;
  expect(statement.Effect).toBe('Allow');
  expect(statement.Action).toBe('sts:AssumeRoleWithWebIdentity');
  const principal = statement.Principal as { Federated: unknown };
  expect(Object.keys(principal)).toEqual(['Federated']);

  const providers = ofType(json('auth'), 'AWS::IAM::OIDCProvider');
  expect(providers).toHaveLength(1);
  const [providerId, provider] = providers[0];
  expect(exported(principal.Federated)).toEqual({ Ref: providerId });

  const cliClient = ofType(json('auth'), 'AWS::Cognito::UserPoolClient').find(([, c]) => c.Properties.GenerateSecret === false);
  expect(cliClient).toBeDefined();
  expect(provider.Properties.ClientIdList).toEqual([{ Ref: cliClient?.[0] }]);
  // The provider URL is the pool's issuer, the same value the stage publishes as IssuerUrl.
  expect(provider.Properties.Url).toEqual(json('auth').Outputs.IssuerUrl.Value);
  expect(JSON.stringify(provider.Properties.Url)).toContain('"Ref":"UserPool"');
  expect(provider.Properties.ThumbprintList).toBeUndefined();
});

test('permissions: the metaflow/ and data/ prefixes of the artifact bucket and pulls from the task image cache, nothing else', () => {
  const [, role] = roleEntry();
  expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  const policies = role.Properties.Policies as { PolicyDocument: { Statement: Record<string, unknown>[] } }[];
  expect(policies).toHaveLength(1);
  const bucketArn = { 'Fn::ImportValue': 'dev-data:ExportsOutputFnGetAttArtifactBucketArnC5DE1C34' };
  const objects = (prefix: string) => ({ 'Fn::Join': ['', [bucketArn, `/${prefix}/*`]] });
  expect(policies[0].PolicyDocument.Statement).toEqual([
    {
      Sid: 'ListUserPrefixes',
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: bucketArn,
      Condition: { StringLike: { 's3:prefix': ['metaflow/', 'metaflow/*', 'data/', 'data/*'] } },
    },
    {
      Sid: 'ReadWriteUserPrefixes',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
      Resource: [objects('metaflow'), objects('data')],
    },
    { Sid: 'RegistryLogin', Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
    {
      Sid: 'PullTaskImages',
      Effect: 'Allow',
      Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'],
      Resource: {
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':ecr:',
            { Ref: 'AWS::Region' },
            ':',
            { Ref: 'AWS::AccountId' },
            ':repository/metaflow-ecr-public/*',
          ],
        ],
      },
    },
  ]);
  // No other policy attaches to the role.
  const attached = ofType(json('eks'), 'AWS::IAM::Policy').filter(([, p]) => JSON.stringify(p.Properties.Roles).includes(roleEntry()[0]));
  expect(attached).toEqual([]);
});

test('cluster access: the run-submitter group only, no EKS access policy (nothing cluster-wide)', () => {
  const [roleId] = roleEntry();
  const entries = ofType(json('eks'), 'AWS::EKS::AccessEntry').filter(
    ([, e]) => JSON.stringify(e.Properties.PrincipalArn) === JSON.stringify({ 'Fn::GetAtt': [roleId, 'Arn'] }),
  );
  expect(entries).toHaveLength(1);
  const [, entry] = entries[0];
  expect(entry.Properties.Type).toBe('STANDARD');
  expect(entry.Properties.KubernetesGroups).toEqual([METAFLOW_USERS_GROUP]);
  expect(entry.Properties.AccessPolicies).toBeUndefined();
});

test('the role ARN is the DataScientistRoleArn output the discovery document publishes', () => {
  const [roleId] = roleEntry();
  expect(json('eks').Outputs.DataScientistRoleArn.Value).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
});

test('no new stack dependency: the Auth stack still depends on nothing, the Eks stack on what it did before', () => {
  expect(dev.stacks.auth.dependencies).toEqual([]);
  expect(dev.stacks.eks.dependencies.map((s) => s.stackName).sort()).toEqual(['dev-auth', 'dev-data', 'dev-dns', 'dev-vpc']);
});
