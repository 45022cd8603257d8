import { Match, Template } from 'aws-cdk-lib/assertions';
import { makeStageConfig } from '@metaflow-gitops/testing/stage-config';
import { createStageApp } from '../stage-app';
import { GitHubDeployRolesStack, bootstrapStackName } from './github-deploy-roles-stack';

const stage = makeStageConfig({ name: 'dev', accountId: '123456789012', region: 'eu-west-1', deploy: { githubEnvironment: 'dev-env' } });

function synth(existing?: string): Template {
  const app = createStageApp();
  return Template.fromStack(
    new GitHubDeployRolesStack(app, { stage, repository: 'acme/metaflow-platform', existingOidcProviderArn: existing }),
  );
}

describe('GitHubDeployRolesStack', () => {
  const template = synth();

  it('is named after the stage', () => {
    expect(bootstrapStackName('dev')).toBe('metaflow-gitops-bootstrap-dev');
  });

  it('creates the GitHub OIDC provider when absent, retained', () => {
    template.hasResource('AWS::IAM::OIDCProvider', {
      Properties: { Url: 'https://token.actions.githubusercontent.com', ClientIdList: ['sts.amazonaws.com'] },
      DeletionPolicy: 'Retain',
    });
  });

  it('reuses an existing provider', () => {
    const t = synth('arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com');
    t.resourceCountIs('AWS::IAM::OIDCProvider', 0);
    t.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'metaflow-gitops-deploy-dev',
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({ Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com' } }),
        ],
      },
    });
  });

  it('trusts the deploy role to the stage environment only, with the STS audience', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'metaflow-gitops-deploy-dev',
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRoleWithWebIdentity',
            Effect: 'Allow',
            Condition: {
              StringEquals: {
                'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
                'token.actions.githubusercontent.com:sub': 'repo:acme/metaflow-platform:environment:dev-env',
              },
            },
            Principal: { Federated: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] } },
          },
        ],
      },
    });
  });

  it('lets the deploy role assume the CDK bootstrap roles, nothing broad', () => {
    const policies = template.findResources('AWS::IAM::Policy');
    const deploy = Object.values(policies).find((p) => JSON.stringify(p).includes('DeployRole'))!;
    const statements = deploy.Properties.PolicyDocument.Statement as {
      Sid: string;
      Action: string | string[];
      Resource: unknown;
      Condition?: unknown;
    }[];
    const assume = statements.find((s) => s.Sid === 'CdkBootstrapRoles')!;
    expect(assume.Resource).toEqual(
      ['deploy', 'file-publishing', 'image-publishing', 'lookup'].map(
        (k) => `arn:aws:iam::123456789012:role/cdk-hnb659fds-${k}-role-123456789012-eu-west-1`,
      ),
    );
    for (const s of statements) {
      const actions = ([] as string[]).concat(s.Action);
      expect(actions.some((a) => a === '*' || a.endsWith(':*'))).toBe(false);
      if (s.Resource === '*') expect(actions.every((a) => /:(Describe|List|Get)/.test(a))).toBe(true);
    }
    expect(statements.find((s) => s.Sid === 'DeleteClusterLoadBalancers')!.Condition).toEqual({
      StringEquals: { 'aws:ResourceTag/eks:eks-cluster-name': 'metaflow-dev' },
    });
    // Purging is limited to the Data stack's resources.
    expect(statements.find((s) => s.Sid === 'PurgeRetainedBuckets')!.Resource).toEqual([
      'arn:aws:s3:::dev-data-*',
      'arn:aws:s3:::dev-data-*/*',
    ]);
    expect(statements.find((s) => s.Sid === 'PurgeRetainedDatabase')!.Resource).toEqual(
      ['cluster', 'db', 'subgrp', 'cluster-snapshot'].map((t) => `arn:aws:rds:eu-west-1:123456789012:${t}:dev-data-*`),
    );
    // Teardown: a prod cluster's deletion protection, the database's retained security group.
    expect(statements.find((s) => s.Sid === 'UnprotectStageCluster')).toMatchObject({
      Action: ['eks:UpdateClusterConfig', 'eks:DescribeUpdate'],
      Resource: 'arn:aws:eks:eu-west-1:123456789012:cluster/metaflow-dev',
    });
    expect(statements.find((s) => s.Sid === 'PurgeRetainedSecurityGroups')).toMatchObject({
      Action: 'ec2:DeleteSecurityGroup',
      Condition: { StringEquals: { 'aws:ResourceTag/metaflow-gitops:stage': 'dev' } },
    });
  });

  it('trusts the read-only diff role to pull requests and lets it assume only the lookup role', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'metaflow-gitops-diff-dev',
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Condition: {
              StringEquals: {
                'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
                'token.actions.githubusercontent.com:sub': 'repo:acme/metaflow-platform:pull_request',
              },
            },
          }),
        ],
      },
    });
    const policies = template.findResources('AWS::IAM::Policy');
    const diff = Object.values(policies).find((p) => JSON.stringify(p).includes('DiffRole'))!;
    const actions = (diff.Properties.PolicyDocument.Statement as { Action: string | string[] }[]).flatMap((s) =>
      ([] as string[]).concat(s.Action),
    );
    expect(actions.sort()).toEqual([
      'cloudformation:DescribeStackResources',
      'cloudformation:DescribeStacks',
      'cloudformation:GetTemplate',
      'sts:AssumeRole',
    ]);
  });

  it('rejects a repository that is not <org>/<name>', () => {
    expect(() => new GitHubDeployRolesStack(createStageApp(), { stage, repository: 'acme' })).toThrow(
      "'repository' must be <org>/<name> (got 'acme')",
    );
  });
});
