import { NAME_PREFIX } from '@metaflow-gitops/stage-config';

/**
 * Name of the managed policy `mfctl bootstrap` attaches to the CDK bootstrap's CloudFormation
 * execution role in place of AdministratorAccess (one per account and region, like the CDK
 * bootstrap it belongs to).
 */
export function cfnExecutionPolicyName(region: string): string {
  return `${NAME_PREFIX}-gitops-cfn-execution-${region}`;
}

/**
 * The services whose resources the stage stacks and the bootstrap roles stack declare (their
 * CloudFormation type prefixes), each with the IAM service prefix CloudFormation calls. A test
 * synthesizes the stacks and fails when a resource type of another service appears.
 */
export const STAGE_RESOURCE_SERVICES: Readonly<Record<string, string>> = {
  CertificateManager: 'acm',
  CodeBuild: 'codebuild',
  Cognito: 'cognito-idp',
  EC2: 'ec2',
  ECR: 'ecr',
  EKS: 'eks',
  IAM: 'iam',
  Lambda: 'lambda',
  Logs: 'logs',
  RDS: 'rds',
  Route53: 'route53',
  S3: 's3',
  SSM: 'ssm',
  SecretsManager: 'secretsmanager',
};

/** Global services (not bound to a region); IAM is allowed action by action below. */
const GLOBAL = ['iam', 'route53'];

/** What CloudFormation does with IAM for the stacks: roles, their policies, the OIDC provider, service-linked roles. */
const IAM_ACTIONS = [
  'iam:CreateRole',
  'iam:DeleteRole',
  'iam:GetRole',
  'iam:UpdateRole',
  'iam:UpdateRoleDescription',
  'iam:UpdateAssumeRolePolicy',
  'iam:TagRole',
  'iam:UntagRole',
  'iam:ListRoleTags',
  'iam:PutRolePolicy',
  'iam:GetRolePolicy',
  'iam:DeleteRolePolicy',
  'iam:ListRolePolicies',
  'iam:AttachRolePolicy',
  'iam:DetachRolePolicy',
  'iam:ListAttachedRolePolicies',
  'iam:PassRole',
  'iam:CreateServiceLinkedRole',
  'iam:CreateOpenIDConnectProvider',
  'iam:DeleteOpenIDConnectProvider',
  'iam:GetOpenIDConnectProvider',
  'iam:TagOpenIDConnectProvider',
  'iam:UpdateOpenIDConnectProviderThumbprint',
  'iam:AddClientIDToOpenIDConnectProvider',
  'iam:RemoveClientIDFromOpenIDConnectProvider',
];

/**
 * What CloudFormation does with an `AWS::IAM::InstanceProfile` (the NAT instances' profile): its
 * create, update and delete handlers. Passing the role in it is `iam:PassRole` on the role.
 */
const INSTANCE_PROFILE_ACTIONS = [
  'iam:CreateInstanceProfile',
  'iam:DeleteInstanceProfile',
  'iam:GetInstanceProfile',
  'iam:AddRoleToInstanceProfile',
  'iam:RemoveRoleFromInstanceProfile',
];

/**
 * The execution policy: the services of `STAGE_RESOURCE_SERVICES` (regional ones in `region` only),
 * the IAM actions CloudFormation needs for the stacks' roles and instance profiles (`ssm:*` in the
 * region covers the public Amazon Linux AMI parameters CloudFormation resolves for the NAT
 * instances), KMS only through those services, and
 * never a change to the CDK bootstrap's own roles or to this policy, so a template cannot widen
 * what deploys it.
 */
export function cfnExecutionPolicyDocument(account: string, region: string): Record<string, unknown> {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'StageServicesInRegion',
        Effect: 'Allow',
        Action: Object.values(STAGE_RESOURCE_SERVICES)
          .filter((s) => !GLOBAL.includes(s))
          .map((s) => `${s}:*`),
        Resource: '*',
        Condition: { StringEquals: { 'aws:RequestedRegion': region } },
      },
      { Sid: 'StageDns', Effect: 'Allow', Action: ['route53:*'], Resource: '*' },
      {
        Sid: 'StageRoles',
        Effect: 'Allow',
        Action: IAM_ACTIONS,
        Resource: ['role/*', 'oidc-provider/*'].map((r) => `arn:aws:iam::${account}:${r}`),
      },
      {
        Sid: 'NatInstanceProfiles',
        Effect: 'Allow',
        Action: INSTANCE_PROFILE_ACTIONS,
        Resource: `arn:aws:iam::${account}:instance-profile/*`,
      },
      {
        // The sync runner's CodeBuild project takes its GitHub source through the account's
        // CodeConnections connection: CloudFormation must be allowed to hand it over, nothing more.
        Sid: 'SyncRunnerConnection',
        Effect: 'Allow',
        Action: ['codeconnections:GetConnection', 'codeconnections:PassConnection', 'codeconnections:UseConnection'],
        Resource: `arn:aws:codeconnections:${region}:${account}:connection/*`,
      },
      {
        Sid: 'KeysThroughStageServices',
        Effect: 'Allow',
        Action: ['kms:DescribeKey', 'kms:CreateGrant', 'kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey*'],
        Resource: '*',
        Condition: {
          StringLike: { 'kms:ViaService': ['rds', 'secretsmanager', 'ssm', 'logs', 'eks'].map((s) => `${s}.${region}.amazonaws.com`) },
        },
      },
      {
        Sid: 'NotTheDeployMachinery',
        Effect: 'Deny',
        Action: ['iam:*'],
        Resource: [`arn:aws:iam::${account}:role/cdk-*`, `arn:aws:iam::${account}:policy/${cfnExecutionPolicyName('*')}`],
      },
    ],
  };
}
