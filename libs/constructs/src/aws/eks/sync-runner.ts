import * as cdk from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { SyncRunnerConfig, syncRunnerProjectName } from '@metaflow-gitops/stage-config';
import { acknowledge } from '../private/nag';

export interface SyncRunnerProps {
  readonly stageName: string;
  readonly runner: SyncRunnerConfig;
  readonly vpc: ec2.IVpc;
  /** Subnets with egress (GitHub, AWS APIs) that can reach the cluster's private endpoint. */
  readonly subnets: ec2.ISubnet[];
  /** The cluster security group (on the private endpoint's network interfaces): the runner gets HTTPS to it. */
  readonly clusterSecurityGroupId: string;
}

const HTTPS = 443;
/** CodeBuild's Amazon Linux standard image: Node.js, the AWS CLI, git (https://docs.aws.amazon.com/codebuild/latest/userguide/build-env-ref-available.html). */
const RUNNER_IMAGE = 'aws/codebuild/amazonlinux-x86_64-standard:5.0';

/**
 * A GitHub Actions runner inside the stage VPC: an AWS CodeBuild project of the "GitHub Actions
 * runner" kind (webhook filter `WORKFLOW_JOB_QUEUED`), which starts a build, and in it a runner, for
 * every queued job of the repository whose `runs-on` names the project
 * (`codebuild-<project>-${{ github.run_id }}-${{ github.run_attempt }}`:
 * https://docs.aws.amazon.com/codebuild/latest/userguide/action-runner.html). The deploy workflow
 * runs `mfctl sync` there when the Kubernetes API is private. The runner's own role can only run
 * the build (logs, network interfaces, the GitHub connection); the job assumes the deploy role
 * through GitHub OIDC, as on a GitHub-hosted runner.
 */
export class SyncRunner extends Construct {
  readonly projectName: string;
  readonly securityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: SyncRunnerProps) {
    super(scope, id);
    const stack = cdk.Stack.of(this);
    this.projectName = syncRunnerProjectName(props.stageName);

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `Metaflow ${props.stageName} sync runner: egress to GitHub, AWS and the Kubernetes API`,
      allowAllOutbound: true,
    });
    new ec2.CfnSecurityGroupIngress(this, 'ClusterApiFromRunner', {
      groupId: props.clusterSecurityGroupId,
      sourceSecurityGroupId: this.securityGroup.securityGroupId,
      ipProtocol: 'tcp',
      fromPort: HTTPS,
      toPort: HTTPS,
      description: 'Kubernetes API (private endpoint) from the sync runner',
    });

    const logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: cdk.RemovalPolicy.DESTROY });
    const role = new iam.Role(this, 'Role', {
      description: `CodeBuild GitHub Actions runner of ${props.stageName} (the jobs assume the deploy role through OIDC)`,
      assumedBy: new iam.ServicePrincipal('codebuild.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    });
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn, `${logGroup.logGroupArn}:*`],
      }),
    );
    // The CodeConnections actions (and their codestar-connections names, which the service still calls).
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['codeconnections:GetConnectionToken', 'codeconnections:GetConnection', 'codeconnections:UseConnection'].flatMap((a) => [
          a,
          a.replace('codeconnections:', 'codestar-connections:'),
        ]),
        resources: [props.runner.connectionArn],
      }),
    );
    // A build in a VPC: CodeBuild creates its network interface with the project role
    // (https://docs.aws.amazon.com/codebuild/latest/userguide/auth-and-access-control-iam-identity-based-access-control.html#customer-managed-policies-example-create-vpc-network-interface).
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: [
          'ec2:CreateNetworkInterface',
          'ec2:DescribeDhcpOptions',
          'ec2:DescribeNetworkInterfaces',
          'ec2:DeleteNetworkInterface',
          'ec2:DescribeSubnets',
          'ec2:DescribeSecurityGroups',
          'ec2:DescribeVpcs',
        ],
        resources: ['*'],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['ec2:CreateNetworkInterfacePermission'],
        resources: [`arn:${cdk.Aws.PARTITION}:ec2:${cdk.Aws.REGION}:${cdk.Aws.ACCOUNT_ID}:network-interface/*`],
        conditions: {
          StringEquals: {
            'ec2:AuthorizedService': 'codebuild.amazonaws.com',
            'ec2:Subnet': props.subnets.map((s) => `arn:${stack.partition}:ec2:${stack.region}:${stack.account}:subnet/${s.subnetId}`),
          },
        },
      }),
    );
    acknowledge(role, {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'The EC2 calls CodeBuild makes to place a build in the VPC have no resource-level permissions (describe, create and delete the build network interface)',
    });
    acknowledge(role, {
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:network-interface/*]',
      reason: 'CodeBuild network interfaces have no name before they exist; the permission is limited to CodeBuild and the stage subnets',
    });
    acknowledge(role, {
      id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(logGroup.node.defaultChild as cdk.CfnElement)}.Arn>:*]`,
      reason: 'Log streams of the runner log group only',
    });

    const project = new codebuild.CfnProject(this, 'Project', {
      name: this.projectName,
      description: `GitHub Actions runner in the VPC of ${props.stageName}: the deploy workflow's sync job (private Kubernetes API)`,
      serviceRole: role.roleArn,
      source: {
        type: 'GITHUB',
        location: `https://github.com/${props.runner.repository}.git`,
        auth: { type: 'CODECONNECTIONS', resource: props.runner.connectionArn },
      },
      artifacts: { type: 'NO_ARTIFACTS' },
      environment: { type: 'LINUX_CONTAINER', computeType: 'BUILD_GENERAL1_MEDIUM', image: RUNNER_IMAGE },
      triggers: { webhook: true, filterGroups: [[{ type: 'EVENT', pattern: 'WORKFLOW_JOB_QUEUED' }]] },
      vpcConfig: {
        vpcId: props.vpc.vpcId,
        subnets: props.subnets.map((s) => s.subnetId),
        securityGroupIds: [this.securityGroup.securityGroupId],
      },
      logsConfig: { cloudWatchLogs: { status: 'ENABLED', groupName: logGroup.logGroupName } },
      // The AWS managed key CodeBuild uses by default, named explicitly.
      encryptionKey: `arn:${stack.partition}:kms:${stack.region}:${stack.account}:alias/aws/s3`,
      timeoutInMinutes: 60,
    });
    // CodeBuild checks the role's VPC permissions when the project is created: the policy first.
    project.node.addDependency(role.node.findChild('DefaultPolicy'));
  }
}
