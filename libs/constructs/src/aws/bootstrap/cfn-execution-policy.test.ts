import { Template } from 'aws-cdk-lib/assertions';
import { makeStageConfig } from '@metaflow-gitops/testing/stage-config';
import { buildStage, createStageApp } from '../stage-app';
import { cfnExecutionPolicyDocument, cfnExecutionPolicyName, STAGE_RESOURCE_SERVICES } from './cfn-execution-policy';
import { GitHubDeployRolesStack } from './github-deploy-roles-stack';

interface Statement {
  Sid: string;
  Effect: string;
  Action: string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

const doc = cfnExecutionPolicyDocument('123456789012', 'eu-west-1') as { Statement: Statement[] };
const allow = doc.Statement.filter((s) => s.Effect === 'Allow');

describe('the CloudFormation execution policy', () => {
  it('covers the service of every resource type the stacks declare (dev and prod stages, bootstrap roles)', () => {
    const types = new Set<string>();
    for (const isProd of [false, true]) {
      const app = createStageApp();
      const config = makeStageConfig({
        isProd,
        region: 'eu-west-1',
        accountId: '123456789012',
        // Cross-account delegation on the prod variant: its custom resource runs in a Lambda function.
        ...(isProd && {
          // The in-VPC sync runner: a CodeBuild project on the account's CodeConnections connection.
          deploy: {
            roleArn: 'arn:aws:iam::123456789012:role/metaflow-gitops-deploy-dev',
            githubEnvironment: 'dev',
            syncRunner: {
              repository: 'acme/mf',
              connectionArn: 'arn:aws:codeconnections:eu-west-1:123456789012:connection/00000000-0000-0000-0000-000000000000',
            },
          },
          domain: {
            parentDomain: 'metaflow.example.com',
            delegation: {
              mode: 'cross-account',
              parentHostedZoneId: 'Z0000000000EXAMPLE000',
              delegationRoleArn: 'arn:aws:iam::999999999999:role/delegation',
            },
          },
        }),
      });
      const stacks = [...Object.values(buildStage(app, config)), new GitHubDeployRolesStack(app, { stage: config, repository: 'acme/mf' })];
      for (const stack of stacks) {
        for (const r of Object.values(Template.fromStack(stack).toJSON().Resources as Record<string, { Type: string }>)) types.add(r.Type);
      }
    }
    const uncovered = [...types].filter((t) => t.startsWith('AWS::') && !(t.split('::')[1] in STAGE_RESOURCE_SERVICES));
    expect(uncovered).toEqual([]);
    // Custom resources run in Lambda functions the stacks declare.
    expect([...types].filter((t) => t.startsWith('Custom::'))).not.toEqual([]);
    expect(allow.flatMap((s) => s.Action)).toContain('lambda:*');
  });

  it('is not AdministratorAccess: no action or service wildcard outside the listed services', () => {
    const actions = allow.flatMap((s) => s.Action);
    expect(actions).not.toContain('*');
    const services = new Set(Object.values(STAGE_RESOURCE_SERVICES));
    for (const a of actions) expect(services.has(a.split(':')[0]) || /^(kms|codeconnections):/.test(a)).toBe(true);
    const connection = allow.find((s) => s.Sid === 'SyncRunnerConnection')!;
    expect(connection.Action.every((a) => !a.endsWith('*'))).toBe(true);
    expect(connection.Resource).toBe('arn:aws:codeconnections:eu-west-1:123456789012:connection/*');
    expect(actions).not.toContain('iam:*');
    expect(
      actions.filter((a) => /^iam:(Create|Delete|Put|Attach|Update)(User|Group|AccessKey|LoginProfile|Policy$|PolicyVersion)/.test(a)),
    ).toEqual([]);
  });

  it('keeps regional services in the stage region and KMS behind them', () => {
    const regional = allow.find((s) => s.Sid === 'StageServicesInRegion')!;
    expect(regional.Condition).toEqual({ StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } });
    expect(regional.Action).toEqual(expect.arrayContaining(['ec2:*', 'eks:*', 'rds:*']));
    expect(regional.Action).not.toContain('route53:*');
    expect(allow.find((s) => s.Sid === 'KeysThroughStageServices')!.Condition!.StringLike['kms:ViaService']).toContain(
      'rds.eu-west-1.amazonaws.com',
    );
    expect(allow.find((s) => s.Sid === 'StageRoles')!.Resource).toEqual([
      'arn:aws:iam::123456789012:role/*',
      'arn:aws:iam::123456789012:oidc-provider/*',
    ]);
  });

  it('lets CloudFormation create, update and delete the NAT instance profile and resolve the AMI parameter', () => {
    const profiles = allow.filter((s) => s.Action.some((a) => a.includes('InstanceProfile')));
    expect(profiles.flatMap((s) => s.Action).sort()).toEqual(
      [
        'iam:AddRoleToInstanceProfile',
        'iam:CreateInstanceProfile',
        'iam:DeleteInstanceProfile',
        'iam:GetInstanceProfile',
        'iam:RemoveRoleFromInstanceProfile',
      ].sort(),
    );
    for (const s of profiles) expect(s.Resource).toBe('arn:aws:iam::123456789012:instance-profile/*');
    expect(allow.find((s) => s.Sid === 'StageRoles')!.Action).toContain('iam:PassRole');
    // CloudFormation resolves the AWS::SSM::Parameter::Value parameter with ssm:GetParameters in the stage region.
    const template = Template.fromStack(
      buildStage(createStageApp(), makeStageConfig({ region: 'eu-west-1', accountId: '123456789012' })).vpc,
    );
    const ssmParameters = Object.values(template.toJSON().Parameters as Record<string, { Type: string }>).filter((p) =>
      p.Type.startsWith('AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>'),
    );
    expect(ssmParameters).toHaveLength(1);
    expect(allow.find((s) => s.Sid === 'StageServicesInRegion')!.Action).toContain('ssm:*');
  });

  it("denies changes to the CDK bootstrap's roles and to itself", () => {
    expect(doc.Statement.find((s) => s.Effect === 'Deny')).toEqual({
      Sid: 'NotTheDeployMachinery',
      Effect: 'Deny',
      Action: ['iam:*'],
      Resource: ['arn:aws:iam::123456789012:role/cdk-*', `arn:aws:iam::123456789012:policy/${cfnExecutionPolicyName('*')}`],
    });
    expect(cfnExecutionPolicyName('eu-west-1')).toBe('metaflow-gitops-cfn-execution-eu-west-1');
  });

  it('fits the managed policy size limit (6144 characters without whitespace)', () => {
    expect(JSON.stringify(doc).length).toBeLessThan(6144);
  });
});
