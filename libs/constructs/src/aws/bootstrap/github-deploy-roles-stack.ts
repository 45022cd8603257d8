import * as cdk from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import {
  InputError,
  NAME_PREFIX,
  STAGE_TAG,
  StageConfig,
  clusterName,
  deployRoleName,
  healthRoleName,
} from '@metaflow-gitops/stage-config';
import { DEPLOY_BRANCH, deploySubjects } from './github-subject';

/** GitHub Actions' OIDC issuer (host and URL). */
export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';
export const GITHUB_OIDC_URL = `https://${GITHUB_OIDC_HOST}`;

/** CloudFormation calls of `mfctl drift` on the stage's stacks (detection writes nothing to the stacks). */
const HEALTH_DRIFT_ACTIONS = [
  'cloudformation:DescribeStacks',
  'cloudformation:DescribeStackResources',
  'cloudformation:DescribeStackEvents',
  'cloudformation:GetTemplate',
  'cloudformation:DetectStackDrift',
  'cloudformation:DetectStackResourceDrift',
  'cloudformation:DescribeStackDriftDetectionStatus',
  'cloudformation:DescribeStackResourceDrifts',
];

/**
 * Configuration reads of the services the stage's stacks use (what `mfctl doctor` reads, and what
 * drift detection reads as the caller). Describe/List/Get of configuration only: no object,
 * secret value, parameter value or function code.
 */
const HEALTH_READ_ACTIONS = [
  'acm:DescribeCertificate',
  'acm:ListTagsForCertificate',
  'codebuild:BatchGetProjects',
  'cognito-idp:DescribeIdentityProvider',
  'cognito-idp:DescribeUserPool',
  'cognito-idp:DescribeUserPoolClient',
  'cognito-idp:DescribeUserPoolDomain',
  'cognito-idp:GetUserPoolMfaConfig',
  'ec2:Describe*',
  'ecr:DescribePullThroughCacheRules',
  'eks:DescribeAccessEntry',
  'eks:DescribeCluster',
  'eks:DescribePodIdentityAssociation',
  'eks:ListAccessEntries',
  'eks:ListAssociatedAccessPolicies',
  'eks:ListPodIdentityAssociations',
  'iam:GetPolicy',
  'iam:GetPolicyVersion',
  'iam:GetRole',
  'iam:GetRolePolicy',
  'iam:ListAttachedRolePolicies',
  'iam:ListRolePolicies',
  'lambda:GetFunctionConfiguration',
  'lambda:GetPolicy',
  'logs:DescribeLogGroups',
  'rds:DescribeDBClusters',
  'rds:DescribeDBInstances',
  'rds:DescribeDBSubnetGroups',
  'route53:GetHostedZone',
  'route53:ListResourceRecordSets',
  's3:GetBucketPolicy',
  's3:GetBucketVersioning',
  's3:GetBucketLogging',
  's3:GetBucketPublicAccessBlock',
  's3:GetBucketTagging',
  's3:GetEncryptionConfiguration',
  's3:GetLifecycleConfiguration',
  'secretsmanager:DescribeSecret',
  'ssm:DescribeParameters',
];

/** Name of the stack `mfctl bootstrap` deploys once per stage. */
export function bootstrapStackName(stage: string): string {
  return `${NAME_PREFIX}-gitops-bootstrap-${stage}`;
}

export interface GitHubDeployRolesStackProps {
  readonly stage: Pick<StageConfig, 'name' | 'accountId' | 'region' | 'deploy'>;
  /** `org/name` of the repository whose workflows deploy the stage. */
  readonly repository: string;
  /**
   * ARN of the account's GitHub OIDC provider when it exists already (one per account, shared by
   * every stage in it). @default - the stack creates the provider (retained on deletion)
   */
  readonly existingOidcProviderArn?: string;
  /** CDK bootstrap qualifier. @default the CDK's default qualifier */
  readonly cdkQualifier?: string;
}

/**
 * What GitHub Actions needs to deploy one stage, created once per stage by `mfctl bootstrap`:
 * - the account's GitHub OIDC provider, when absent;
 * - the deploy role, trusted only by jobs of the stage's GitHub environment on the deploy branch
 *   (`deploySubjects`: `repo:<org>/<repo>:environment:<env>:ref:refs/heads/main`, audience
 *   `sts.amazonaws.com`; the repository's subject template must list `SUBJECT_CLAIM_KEYS`), allowed
 *   to assume the CDK bootstrap roles, plus the few scoped calls the sync and the teardown make
 *   themselves.
 * - the health role: the same trust, read-only, for the scheduled `mfctl doctor` and `mfctl drift`
 *   (`HEALTH_READ_ACTIONS`).
 * Pull requests get no AWS role: their diff needs no credentials.
 */
export class GitHubDeployRolesStack extends cdk.Stack {
  readonly deployRole: iam.Role;
  readonly healthRole: iam.Role;
  readonly oidcProviderArn: string;

  constructor(scope: Construct, props: GitHubDeployRolesStackProps) {
    const { stage, repository } = props;
    super(scope, bootstrapStackName(stage.name), {
      env: { account: stage.accountId, region: stage.region },
      description: `metaflow-gitops: GitHub OIDC deploy role of stage ${stage.name} (mfctl bootstrap)`,
      synthesizer: new cdk.DefaultStackSynthesizer({ qualifier: props.cdkQualifier }),
    });
    if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repository)) {
      throw new InputError(`'repository' must be <org>/<name> (got '${repository}')`);
    }
    const qualifier = props.cdkQualifier ?? cdk.DefaultStackSynthesizer.DEFAULT_QUALIFIER;
    const { accountId: account, region } = stage;

    if (props.existingOidcProviderArn) {
      this.oidcProviderArn = props.existingOidcProviderArn;
    } else {
      // Native resource (no custom-resource Lambda); shared by the account's stages, so retained.
      const provider = new iam.CfnOIDCProvider(this, 'GitHubOidcProvider', { url: GITHUB_OIDC_URL, clientIdList: ['sts.amazonaws.com'] });
      provider.applyRemovalPolicy(cdk.RemovalPolicy.RETAIN);
      this.oidcProviderArn = provider.attrArn;
    }

    const github = new iam.FederatedPrincipal(
      this.oidcProviderArn,
      {
        StringEquals: { [`${GITHUB_OIDC_HOST}:aud`]: 'sts.amazonaws.com' },
        StringLike: { [`${GITHUB_OIDC_HOST}:sub`]: deploySubjects(repository, stage.deploy.githubEnvironment) },
      },
      'sts:AssumeRoleWithWebIdentity',
    );
    const cdkRole = (kind: string) => `arn:aws:iam::${account}:role/cdk-${qualifier}-${kind}-role-${account}-${region}`;
    const stageStacks = `arn:aws:cloudformation:${region}:${account}:stack/${stage.name}-*/*`;

    this.deployRole = new iam.Role(this, 'DeployRole', {
      roleName: deployRoleName(stage.name),
      description: `Deploys stage ${stage.name} from ${repository} (GitHub environment ${stage.deploy.githubEnvironment}, branch ${DEPLOY_BRANCH})`,
      assumedBy: github,
      maxSessionDuration: cdk.Duration.hours(2),
    });
    this.deployRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'CdkBootstrapRoles',
        actions: ['sts:AssumeRole', 'sts:TagSession'],
        resources: ['deploy', 'file-publishing', 'image-publishing', 'lookup'].map(cdkRole),
      }),
    );
    this.deployRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadStageStacks',
        actions: ['cloudformation:DescribeStacks', 'cloudformation:DescribeStackResources', 'cloudformation:UpdateTerminationProtection'],
        resources: [stageStacks],
      }),
    );
    // `mfctl sync` reads the cluster endpoint for its kubeconfig (Kubernetes access itself is the Eks stack's access entry).
    this.deployRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'DescribeStageCluster',
        actions: ['eks:DescribeCluster'],
        resources: [`arn:aws:eks:${region}:${account}:cluster/${clusterName(stage.name)}`],
      }),
    );
    // `mfctl teardown --allow-prod`: a prod cluster's deletion protection goes off before its stack is deleted.
    this.deployRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'UnprotectStageCluster',
        actions: ['eks:UpdateClusterConfig', 'eks:DescribeUpdate'],
        resources: [`arn:aws:eks:${region}:${account}:cluster/${clusterName(stage.name)}`],
      }),
    );
    // `mfctl teardown --purge-retained`: the database's security group, retained with the database.
    this.deployRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'PurgeRetainedSecurityGroups',
        actions: ['ec2:DeleteSecurityGroup'],
        resources: [`arn:aws:ec2:${region}:${account}:security-group/*`],
        conditions: { StringEquals: { [`aws:ResourceTag/${STAGE_TAG}`]: stage.name } },
      }),
    );
    // `mfctl teardown`: the cluster's own load balancers (tagged with the cluster) go before the VPC.
    this.deployRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'FindLoadBalancers',
        actions: [
          'elasticloadbalancing:DescribeLoadBalancers',
          'elasticloadbalancing:DescribeTags',
          'ec2:DescribeVpcEndpoints',
          'ec2:DescribeSecurityGroups',
        ],
        resources: ['*'],
      }),
    );
    this.deployRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'DeleteClusterLoadBalancers',
        actions: ['elasticloadbalancing:DeleteLoadBalancer'],
        resources: [`arn:aws:elasticloadbalancing:${region}:${account}:loadbalancer/*`],
        conditions: { StringEquals: { 'aws:ResourceTag/eks:eks-cluster-name': clusterName(stage.name) } },
      }),
    );

    // `mfctl teardown --purge-retained` from the teardown workflow: the Data stack's retained
    // bucket and database only (CloudFormation names them after the stack: `<stage>-data-...`).
    const data = `${stage.name}-data-*`;
    this.deployRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'PurgeRetainedBuckets',
        actions: ['s3:ListBucket', 's3:ListBucketVersions', 's3:DeleteObject', 's3:DeleteObjectVersion', 's3:DeleteBucket'],
        resources: [`arn:aws:s3:::${data}`, `arn:aws:s3:::${data}/*`],
      }),
    );
    this.deployRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'PurgeRetainedDatabase',
        actions: [
          'rds:DescribeDBClusters',
          'rds:DescribeDBInstances',
          'rds:ModifyDBCluster',
          'rds:ModifyDBInstance',
          'rds:DeleteDBInstance',
          'rds:DeleteDBCluster',
          'rds:DeleteDBSubnetGroup',
          'rds:CreateDBClusterSnapshot',
        ],
        resources: ['cluster', 'db', 'subgrp', 'cluster-snapshot'].map((t) => `arn:aws:rds:${region}:${account}:${t}:${data}`),
      }),
    );

    // The scheduled health workflow reads the stage with its own role: no write, no data (objects,
    // secret values, parameters, function code). CloudFormation drift detection compares each resource
    // with the caller's own reads, hence the configuration reads of every service the stacks use.
    this.healthRole = new iam.Role(this, 'HealthRole', {
      roleName: healthRoleName(stage.name),
      description: `Reads stage ${stage.name} for the scheduled health workflow (mfctl doctor, mfctl drift): no write, no data`,
      assumedBy: github,
    });
    this.healthRole.addToPolicy(
      new iam.PolicyStatement({ sid: 'DetectStageStackDrift', actions: HEALTH_DRIFT_ACTIONS, resources: [stageStacks] }),
    );
    this.healthRole.addToPolicy(new iam.PolicyStatement({ sid: 'ReadStageConfiguration', actions: HEALTH_READ_ACTIONS, resources: ['*'] }));

    new cdk.CfnOutput(this, 'DeployRoleArn', {
      value: this.deployRole.roleArn,
      description: 'Role the deploy workflow assumes (GitHub environment secret/variable)',
    });
    new cdk.CfnOutput(this, 'HealthRoleArn', {
      value: this.healthRole.roleArn,
      description: 'Read-only role the scheduled health workflow assumes',
    });
    new cdk.CfnOutput(this, 'OidcProviderArn', { value: this.oidcProviderArn, description: 'GitHub OIDC provider of the account' });
  }
}
