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

  it('trusts the deploy role to deploy jobs of the stage environment on main only, with the STS audience', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'metaflow-gitops-deploy-dev',
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRoleWithWebIdentity',
            Effect: 'Allow',
            Condition: {
              StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
              StringLike: {
                'token.actions.githubusercontent.com:sub': [
                  'repo:acme/metaflow-platform:environment:dev-env:ref:refs/heads/main',
                  'repo:acme@*/metaflow-platform@*:environment:dev-env:ref:refs/heads/main',
                ],
              },
            },
            Principal: { Federated: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] } },
          },
        ],
      },
    });
  });

  it.each([
    // A deploy job on main in the environment: GitHub's subject with the repository's template (repo, context, ref).
    ['repo:acme/metaflow-platform:environment:dev-env:ref:refs/heads/main', true],
    ['repo:acme@1234/metaflow-platform@5678:environment:dev-env:ref:refs/heads/main', true],
    // The default template: the environment alone, whatever the branch (a dispatch from a feature branch).
    ['repo:acme/metaflow-platform:environment:dev-env', false],
    ['repo:acme/metaflow-platform:environment:dev-env:ref:refs/heads/feature', false],
    ['repo:acme/metaflow-platform:environment:dev-env:ref:refs/heads/main-2', false],
    ['repo:acme/metaflow-platform:environment:prod:ref:refs/heads/main', false],
    ['repo:acme/metaflow-platform:pull_request:ref:refs/pull/7/merge', false],
    ['repo:acme/other:environment:dev-env:ref:refs/heads/main', false],
    ['repo:acme@1/other@2:environment:dev-env:ref:refs/heads/main', false],
    ['repo:evil@1/x@2:environment:y:ref:refs/heads/acme@1/metaflow-platform@2:environment:dev-env:ref:refs/heads/main', false],
  ])('the trust condition matches %s: %s', (sub, matches) => {
    const role = Object.values(template.findResources('AWS::IAM::Role')).find(
      (r) => r.Properties.RoleName === 'metaflow-gitops-deploy-dev',
    )!;
    const patterns = role.Properties.AssumeRolePolicyDocument.Statement[0].Condition.StringLike[
      'token.actions.githubusercontent.com:sub'
    ] as string[];
    // IAM StringLike: `*` any run of characters, `?` one character, `${*}` `${?}` `${$}` literals.
    const toRegExp = (p: string) =>
      new RegExp(
        `^${p
          .split(/(\$\{[*?$]\}|[*?])/)
          .map((part) =>
            part === '*' ? '.*' : part === '?' ? '.' : /^\$\{.\}$/.test(part) ? `\\${part[2]}` : part.replace(/[.+^${}()|[\]\\]/g, '\\$&'),
          )
          .join('')}$`,
      );
    expect(patterns.some((p) => toRegExp(p).test(sub))).toBe(matches);
  });

  it('escapes an environment name for the subject (`:` as GitHub writes it, IAM wildcards as literals)', () => {
    const odd = makeStageConfig({ name: 'dev', accountId: '123456789012', region: 'eu-west-1', deploy: { githubEnvironment: 'dev:*?' } });
    const t = Template.fromStack(new GitHubDeployRolesStack(createStageApp(), { stage: odd, repository: 'acme/mf' }));
    t.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Condition: Match.objectLike({
              StringLike: {
                'token.actions.githubusercontent.com:sub': [
                  'repo:acme/mf:environment:dev%3A${*}${?}:ref:refs/heads/main',
                  'repo:acme@*/mf@*:environment:dev%3A${*}${?}:ref:refs/heads/main',
                ],
              },
            }),
          }),
        ],
      },
    });
  });

  it('creates no role for pull requests (their diff needs no AWS credentials)', () => {
    expect(Object.values(template.findResources('AWS::IAM::Role')).map((r) => r.Properties.RoleName)).toEqual([
      'metaflow-gitops-deploy-dev',
      'metaflow-gitops-health-dev',
    ]);
    expect(JSON.stringify(template.toJSON())).not.toContain('pull_request');
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

  it('gives the health role the deploy trust and reads only: no write, no data', () => {
    const roles = Object.values(template.findResources('AWS::IAM::Role'));
    const trust = (name: string) => roles.find((r) => r.Properties.RoleName === name)!.Properties.AssumeRolePolicyDocument;
    expect(trust('metaflow-gitops-health-dev')).toEqual(trust('metaflow-gitops-deploy-dev'));
    const health = Object.values(template.findResources('AWS::IAM::Policy')).find((p) =>
      JSON.stringify(p.Properties.Roles).includes('HealthRole'),
    )!;
    const statements = health.Properties.PolicyDocument.Statement as { Sid: string; Action: string | string[]; Resource: unknown }[];
    expect(statements.map((s) => s.Sid)).toEqual(['DetectStageStackDrift', 'ReadStageConfiguration']);
    expect(statements[0].Resource).toBe('arn:aws:cloudformation:eu-west-1:123456789012:stack/dev-*/*');
    const actions = statements.flatMap((s) => ([] as string[]).concat(s.Action));
    for (const a of actions) expect(a).toMatch(/^[a-z0-9-]+:(Describe|List|Get|BatchGet|Detect)[A-Za-z*]*$/);
    for (const data of ['s3:GetObject', 'secretsmanager:GetSecretValue', 'ssm:GetParameter', 'lambda:GetFunction', 'kms:Decrypt'])
      expect(actions.filter((a) => new RegExp(`^${a.replace('*', '.*')}$`).test(data) || a === data)).toEqual([]);
    // What the doctor's checks call.
    expect(actions).toEqual(
      expect.arrayContaining([
        'cloudformation:DescribeStacks',
        'cloudformation:DescribeStackResources',
        'acm:DescribeCertificate',
        'cognito-idp:DescribeIdentityProvider',
        'cognito-idp:DescribeUserPoolClient',
        'secretsmanager:DescribeSecret',
        'rds:DescribeDBClusters',
        'rds:DescribeDBInstances',
        'rds:DescribeDBSubnetGroups',
        'ec2:Describe*',
        'eks:DescribeCluster',
      ]),
    );
  });

  it('rejects a repository that is not <org>/<name>', () => {
    expect(() => new GitHubDeployRolesStack(createStageApp(), { stage, repository: 'acme' })).toThrow(
      "'repository' must be <org>/<name> (got 'acme')",
    );
  });
});
