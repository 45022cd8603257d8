import * as cdk from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import {
  AccessPrincipal,
  BUCKET_PREFIXES,
  ClusterConfig,
  SyncRunnerConfig,
  METAFLOW_USERS_GROUP,
  SERVICE_ACCOUNTS,
  ServiceAccountKey,
  clusterName,
} from '@metaflow-gitops/stage-config';
import { addStackOutputs } from '../private/stack-outputs';
import { StageStack, StageStackProps } from '../private/stage-stack';
import { assertStageInvariant } from '../private/stage-invariant';
import { acknowledge } from '../private/nag';
import { DataScientistRole } from './data-scientist-role';
import { PodIdentity } from './pod-identity';
import { SyncRunner } from './sync-runner';
import { TaskImageCache } from './task-image-cache';

const POSTGRES_PORT = 5432;

export interface EksStackProps extends StageStackProps {
  readonly cluster: ClusterConfig;
  /** The in-VPC runner for `mfctl sync` (private Kubernetes API), when the stage has one. */
  readonly syncRunner?: SyncRunnerConfig;
  /** Role the deploy workflow assumes: always a cluster admin. */
  readonly deployRoleArn: string;
  readonly vpc: ec2.IVpc;
  /** Subnets for the control plane ENIs and nodes. */
  readonly privateSubnets: ec2.ISubnet[];
  /** Data stack: the artifact bucket, the database secret and its security group. */
  readonly bucket: s3.IBucket;
  readonly databaseSecret: secretsmanager.ISecret;
  readonly databaseSecurityGroup: ec2.ISecurityGroup;
  /** Auth stack: the gateway client secret External Secrets syncs for the gateway. */
  readonly gatewayClientSecret: secretsmanager.ISecret;
  /** Auth stack: the user pool's OIDC provider for the CLI client, which the data-scientist role trusts. */
  readonly cliOidcProvider: iam.IOidcProvider;
  /** Dns stack: the zone ExternalDNS writes to. */
  readonly zone: route53.IHostedZone;
}

/** Every control-plane log type: what a prod cluster sends to CloudWatch Logs. */
const ALL_CONTROL_PLANE_LOGS = [
  eks.ClusterLoggingTypes.API,
  eks.ClusterLoggingTypes.AUDIT,
  eks.ClusterLoggingTypes.AUTHENTICATOR,
  eks.ClusterLoggingTypes.CONTROLLER_MANAGER,
  eks.ClusterLoggingTypes.SCHEDULER,
];

/**
 * What a non-prod cluster logs: the security record (audit: every Kubernetes API request and who
 * made it; authenticator: which IAM principal each request authenticated as). The others are for
 * debugging the control plane and cost their ingestion per GB
 * (https://docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html).
 */
const SECURITY_CONTROL_PLANE_LOGS = [eks.ClusterLoggingTypes.AUDIT, eks.ClusterLoggingTypes.AUTHENTICATOR];

/** The EC2 calls through which Auto Mode creates the resources a NodeClass tags. */
const TAGGED_CREATE_ACTIONS = [
  'CreateFleet',
  'RunInstances',
  'CreateLaunchTemplate',
  'CreateVolume',
  'CreateSnapshot',
  'CreateNetworkInterface',
] as const;

const ACCESS_POLICY: Record<AccessPrincipal['access'], string> = {
  admin: 'AmazonEKSClusterAdminPolicy',
  edit: 'AmazonEKSEditPolicy',
  view: 'AmazonEKSViewPolicy',
};

/**
 * The EKS Auto Mode cluster (aws-eks-v2, native `AWS::EKS::Cluster`), its node role, access entries
 * and one Pod Identity role per ServiceAccount that needs AWS. Nothing in-cluster: manifests belong
 * to the sync, so there is no kubectl Lambda.
 */
export class EksStack extends StageStack {
  readonly cluster: eks.Cluster;
  /** Pod Identity roles by ServiceAccount key (only the accounts that need AWS access). */
  readonly podRoles: Partial<Record<ServiceAccountKey, iam.IRole>>;

  constructor(scope: Construct, props: EksStackProps) {
    super(scope, 'eks', { ...props, description: `Metaflow stage ${props.stage.name}: EKS Auto Mode cluster and workload identities` });
    const { stage } = props;

    // Our own node role (aws-cdk #37189: the generated one is not exposed, custom NodeClasses need it).
    const nodeRole = new iam.Role(this, 'NodeRole', {
      description: `Auto Mode nodes of ${clusterName(stage.name)}`,
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      managedPolicies: [
        iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonEKSWorkerNodeMinimalPolicy'),
        iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonEC2ContainerRegistryPullOnly'),
      ],
    });

    const cluster = new eks.Cluster(this, 'Cluster', {
      clusterName: clusterName(stage.name),
      version: eks.KubernetesVersion.of(props.cluster.kubernetesVersion),
      vpc: props.vpc,
      vpcSubnets: [{ subnets: props.privateSubnets }],
      defaultCapacityType: eks.DefaultCapacityType.AUTOMODE,
      compute: { nodePools: ['system', 'general-purpose'], nodeRole },
      endpointAccess: props.cluster.publicEndpoint
        ? eks.EndpointAccess.PUBLIC_AND_PRIVATE.onlyFrom(...props.cluster.publicAccessCidrs)
        : eks.EndpointAccess.PRIVATE,
      clusterLogging: stage.isProd ? ALL_CONTROL_PLANE_LOGS : SECURITY_CONTROL_PLANE_LOGS,
      // The CloudFormation execution role is not a person: admins come from explicit access entries.
      // (Changing this later replaces the cluster, so it is fixed from the first deploy.)
      bootstrapClusterCreatorAdminPermissions: false,
      outputConfigCommand: false,
    });
    // Prod: deleting the cluster takes an explicit update first (teardown --allow-prod lifts it).
    if (stage.isProd) (cluster.node.defaultChild as eks.CfnCluster).deletionProtection = true;
    this.cluster = cluster;
    this.allowNodeClassTags(cluster);

    const principals = props.cluster.accessPrincipals.map((p) => p.arn);
    const duplicate = [props.deployRoleArn, ...principals].find((arn, i, all) => all.indexOf(arn) !== i);
    assertStageInvariant(
      duplicate === undefined,
      `cluster.accessPrincipals: '${duplicate}' is listed twice (or is the deploy role, which is always admin); EKS allows one access entry per principal`,
    );
    this.addAccessEntry('DeployRole', { arn: props.deployRoleArn, access: 'admin', namespaces: [] });
    props.cluster.accessPrincipals.forEach((p, i) => this.addAccessEntry(`Principal${i + 1}`, p));

    // Data scientists (metaflow-login): the run-submitter RBAC the manifests bind to this group in the
    // jobs namespace, and no EKS access policy, so nothing cluster-wide.
    const dataScientist = new DataScientistRole(this, 'DataScientist', { provider: props.cliOidcProvider, bucket: props.bucket });
    new eks.CfnAccessEntry(this, 'AccessDataScientist', {
      clusterName: cluster.clusterName,
      principalArn: dataScientist.role.roleArn,
      type: 'STANDARD',
      kubernetesGroups: [METAFLOW_USERS_GROUP],
    });

    // The database admits the cluster security group (Auto Mode nodes and pods use it). The rule
    // lives here so the Data stack does not depend on the cluster.
    new ec2.CfnSecurityGroupIngress(this, 'DatabaseFromCluster', {
      groupId: props.databaseSecurityGroup.securityGroupId,
      sourceSecurityGroupId: cluster.clusterSecurityGroupId,
      ipProtocol: 'tcp',
      fromPort: POSTGRES_PORT,
      toPort: POSTGRES_PORT,
      description: 'PostgreSQL from the EKS cluster',
    });

    this.podRoles = this.addPodIdentities(props);
    new TaskImageCache(this, 'TaskImageCache', { nodeRole });

    if (props.syncRunner) {
      new SyncRunner(this, 'SyncRunner', {
        stageName: stage.name,
        runner: props.syncRunner,
        vpc: props.vpc,
        subnets: props.privateSubnets,
        clusterSecurityGroupId: cluster.clusterSecurityGroupId,
      });
    }

    addStackOutputs(this, 'eks', {
      clusterName: cluster.clusterName,
      clusterEndpoint: cluster.clusterEndpoint,
      // Native Fn::GetAtt of the AWS::EKS::Cluster (aws-eks-v2 has no custom resource). Public: every
      // kubeconfig of the cluster holds it; the discovery document publishes it for metaflow-login.
      clusterCertificateAuthorityData: cluster.clusterCertificateAuthorityData,
      clusterArn: cluster.clusterArn,
      nodeRoleArn: nodeRole.roleArn,
      dataScientistRoleArn: dataScientist.role.roleArn,
    });

    this.acknowledgeClusterDefaults(cluster, nodeRole);
  }

  /**
   * The NodeClass puts the stage's tags on the instances, volumes, network interfaces and launch
   * templates Auto Mode creates; the managed cluster policies do not permit user-defined tags
   * (https://docs.aws.amazon.com/eks/latest/userguide/auto-cluster-iam-role.html#tag-prop), so
   * without this nodes never launch. Scoped to requests and resources tagged with this cluster.
   */
  private allowNodeClassTags(cluster: eks.Cluster): void {
    const tag = 'eks:eks-cluster-name';
    const name = clusterName(this.stageName);
    const policy = new iam.Policy(this, 'NodeClassTagging', {
      statements: [
        new iam.PolicyStatement({
          sid: 'CreateTagged',
          actions: TAGGED_CREATE_ACTIONS.map((a) => `ec2:${a}`),
          resources: ['*'],
          conditions: { StringEquals: { [`aws:RequestTag/${tag}`]: name } },
        }),
        new iam.PolicyStatement({
          sid: 'TagOnCreate',
          actions: ['ec2:CreateTags'],
          resources: ['*'],
          conditions: { StringEquals: { [`aws:RequestTag/${tag}`]: name, 'ec2:CreateAction': [...TAGGED_CREATE_ACTIONS] } },
        }),
        new iam.PolicyStatement({
          sid: 'RetagClusterResources',
          actions: ['ec2:CreateTags', 'ec2:DeleteTags'],
          resources: ['*'],
          conditions: { StringEquals: { [`aws:ResourceTag/${tag}`]: name } },
        }),
      ],
    });
    policy.attachToRole(cluster.role);
    acknowledge(policy, {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Auto Mode names no resource before creating it: every statement is limited to requests or resources tagged eks:eks-cluster-name with this cluster',
    });
  }

  private addAccessEntry(id: string, principal: AccessPrincipal): void {
    const namespaced = principal.access !== 'admin' && principal.namespaces.length > 0;
    new eks.CfnAccessEntry(this, `Access${id}`, {
      clusterName: this.cluster.clusterName,
      principalArn: principal.arn,
      type: 'STANDARD',
      // `edit` principals submit runs: the manifests bind the run-submitter role to this group.
      kubernetesGroups: principal.access === 'edit' ? [METAFLOW_USERS_GROUP] : undefined,
      accessPolicies: [
        {
          policyArn: `arn:${cdk.Aws.PARTITION}:eks::aws:cluster-access-policy/${ACCESS_POLICY[principal.access]}`,
          accessScope: namespaced ? { type: 'namespace', namespaces: [...principal.namespaces] } : { type: 'cluster' },
        },
      ],
    });
  }

  private addPodIdentities(props: EksStackProps): Partial<Record<ServiceAccountKey, iam.IRole>> {
    const { bucket } = props;
    const objects = (prefix?: string) => bucket.arnForObjects(prefix ? `${prefix}/*` : '*');
    const listBucket = (prefix?: string) =>
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [bucket.bucketArn],
        ...(prefix ? { conditions: { StringLike: { 's3:prefix': [`${prefix}/*`, `${prefix}/`] } } } : {}),
      });
    const readObjects = (prefix?: string) => new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [objects(prefix)] });
    const writeObjects = (prefix?: string) =>
      new iam.PolicyStatement({ actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], resources: [objects(prefix)] });

    const grants: Partial<Record<ServiceAccountKey, iam.PolicyStatement[]>> = {
      uiBackend: [listBucket(), readObjects()],
      task: [listBucket(), writeObjects()],
      argoServer: [listBucket(BUCKET_PREFIXES.argo), readObjects(BUCKET_PREFIXES.argo)],
      argoController: [listBucket(BUCKET_PREFIXES.argo), writeObjects(BUCKET_PREFIXES.argo)],
      externalSecrets: [
        new iam.PolicyStatement({
          actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
          resources: [props.databaseSecret.secretArn, props.gatewayClientSecret.secretArn],
        }),
      ],
      externalDns: [
        new iam.PolicyStatement({
          actions: ['route53:ChangeResourceRecordSets', 'route53:ListResourceRecordSets', 'route53:ListTagsForResource'],
          resources: [props.zone.hostedZoneArn],
        }),
        // ListHostedZones has no resource-level permission: it can only be granted on '*'.
        new iam.PolicyStatement({ actions: ['route53:ListHostedZones'], resources: ['*'] }),
      ],
    };

    // cdk-nag names a wildcard finding after the resolved resource, i.e. the import of the bucket
    // ARN from the Data stack; export it explicitly here to learn that name (the automatic cross-stack
    // reference reuses the same export).
    const bucketArnImport = this.resolve(cdk.Stack.of(bucket).exportValue(bucket.bucketArn)) as { 'Fn::ImportValue': string };
    const bucketRef = bucketArnImport['Fn::ImportValue'];
    const objectAcks: Partial<Record<ServiceAccountKey, string>> = {
      uiBackend: `${bucketRef}/*`,
      task: `${bucketRef}/*`,
      argoServer: `${bucketRef}/${BUCKET_PREFIXES.argo}/*`,
      argoController: `${bucketRef}/${BUCKET_PREFIXES.argo}/*`,
    };

    const roles: Partial<Record<ServiceAccountKey, iam.IRole>> = {};
    for (const [key, statements] of Object.entries(grants) as [ServiceAccountKey, iam.PolicyStatement[]][]) {
      const identity = new PodIdentity(this, `PodIdentity-${key}`, {
        cluster: this.cluster,
        clusterName: clusterName(this.stageName),
        serviceAccount: SERVICE_ACCOUNTS[key],
        statements,
      });
      roles[key] = identity.role;
      const objectsArn = objectAcks[key];
      if (objectsArn) {
        acknowledge(identity.role, {
          id: `AwsSolutions-IAM5[Resource::${objectsArn}]`,
          reason:
            'Object ARNs inside the stage artifact bucket (or its Argo prefix): the wildcard covers object keys of this one bucket only',
        });
      }
      if (key === 'externalDns') {
        acknowledge(identity.role, {
          id: 'AwsSolutions-IAM5[Resource::*]',
          reason: 'route53:ListHostedZones has no resource-level permissions; record changes are scoped to the stage zone',
        });
      }
    }
    return roles;
  }

  private acknowledgeClusterDefaults(cluster: eks.Cluster, nodeRole: iam.Role): void {
    for (const policy of [
      'AmazonEKSClusterPolicy',
      'AmazonEKSComputePolicy',
      'AmazonEKSBlockStoragePolicy',
      'AmazonEKSLoadBalancingPolicy',
      'AmazonEKSNetworkingPolicy',
    ]) {
      acknowledge(cluster.role, {
        id: `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${policy}]`,
        reason:
          'EKS Auto Mode requires these AWS managed policies on the cluster role (aws-eks-v2 attaches them); AWS updates them with the service',
      });
    }
    acknowledge(
      nodeRole,
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonEKSWorkerNodeMinimalPolicy]',
        reason: 'The minimal node policy EKS Auto Mode documents for node roles; AWS maintains it with the service',
      },
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly]',
        reason: 'Nodes pull images from ECR; pull-only is the narrowest managed policy for it',
      },
    );
  }
}
