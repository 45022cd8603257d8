import * as cdk from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { DATABASE_NAME, DatabaseConfig, InternalError } from '@metaflow-gitops/stage-config';
import { addStackOutputs } from '../private/stack-outputs';
import { StageStack, StageStackProps } from '../private/stage-stack';
import { assertStageInvariant } from '../private/stage-invariant';
import { acknowledge } from '../private/nag';
import { pinLogicalId } from '../private/pin';

export interface DataStackProps extends StageStackProps {
  readonly vpc: ec2.IVpc;
  /** Where the database lives (the private subnets of the Vpc stack). */
  readonly databaseSubnets: ec2.ISubnet[];
  readonly database: DatabaseConfig;
}

/**
 * Logical ids of the stateful resources. They never change: a new logical id makes CloudFormation
 * create a new database or bucket and orphan the old one (pinned by data-stack.test.ts).
 */
export const DATA_LOGICAL_IDS = {
  databaseCluster: 'MetadataDatabase',
  databaseWriter: 'MetadataDatabaseWriter',
  databaseReader: 'MetadataDatabaseReader',
  databaseSecret: 'MetadataDatabaseSecret',
  databaseSubnetGroup: 'MetadataDatabaseSubnets',
  databaseSecurityGroup: 'MetadataDatabaseSecurityGroup',
  artifactBucket: 'ArtifactBucket',
  accessLogsBucket: 'AccessLogsBucket',
} as const;

const POSTGRES_PORT = 5432;

/**
 * Metaflow's state: the Aurora PostgreSQL Serverless v2 metadata database and the S3 artifact
 * bucket. Everything here is RETAIN (the data survives stack deletion); prod adds
 * deletion protection, a reader in another zone and longer backups (from the stage file).
 *
 * The database security group has no ingress here: the Eks stack adds the one rule allowing the
 * cluster security group, so this stack does not depend on the cluster (no cycle).
 */
export class DataStack extends StageStack {
  readonly database: rds.IDatabaseCluster;
  readonly databaseSecret: secretsmanager.ISecret;
  readonly databaseSecurityGroup: ec2.ISecurityGroup;
  readonly bucket: s3.IBucket;

  constructor(scope: Construct, props: DataStackProps) {
    super(scope, 'data', { ...props, description: `Metaflow stage ${props.stage.name}: metadata database and artifact bucket` });
    // Server access logs are delivered under a bucket policy, not the legacy log-delivery ACL (ACLs
    // stay disabled on both buckets). Set here, on this stack only, so every entry point agrees.
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);
    const { database: db, stage } = props;
    assertStageInvariant(
      db.minCapacity <= db.maxCapacity,
      `database.minCapacity (${db.minCapacity}) must not exceed database.maxCapacity (${db.maxCapacity})`,
    );
    const retain = cdk.RemovalPolicy.RETAIN;

    const securityGroup = new ec2.SecurityGroup(this, 'DatabaseSecurityGroup', {
      vpc: props.vpc,
      description: `Metaflow ${stage.name} metadata database: PostgreSQL from the EKS cluster only`,
      allowAllOutbound: false,
    });
    pinLogicalId(securityGroup, DATA_LOGICAL_IDS.databaseSecurityGroup);
    // The retained cluster keeps using its security group: deleting the group with the stack would
    // fail (DependencyViolation) and stop the teardown here.
    securityGroup.applyRemovalPolicy(retain);
    this.databaseSecurityGroup = securityGroup;

    const major = db.engineVersion.split('.')[0];
    const cluster = new rds.DatabaseCluster(this, 'Database', {
      engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.of(db.engineVersion, major) }),
      // No fixed secret name: the secret is retained, and a fixed name would make the stage's next
      // creation collide with it (and stay blocked for the recovery window after a deletion).
      // CloudFormation generates a unique name; the manifests read the ARN from the outputs.
      credentials: rds.Credentials.fromGeneratedSecret('metaflow'),
      defaultDatabaseName: DATABASE_NAME,
      port: POSTGRES_PORT,
      vpc: props.vpc,
      vpcSubnets: { subnets: props.databaseSubnets },
      securityGroups: [securityGroup],
      serverlessV2MinCapacity: db.minCapacity,
      serverlessV2MaxCapacity: db.maxCapacity,
      ...(db.minCapacity === 0 ? { serverlessV2AutoPauseDuration: cdk.Duration.seconds(db.secondsUntilAutoPause) } : {}),
      writer: rds.ClusterInstance.serverlessV2('Writer', { publiclyAccessible: false, autoMinorVersionUpgrade: true }),
      readers: stage.isProd ? [rds.ClusterInstance.serverlessV2('Reader', { publiclyAccessible: false, scaleWithWriter: true })] : [],
      storageEncrypted: true,
      iamAuthentication: true,
      deletionProtection: stage.isProd,
      backup: { retention: cdk.Duration.days(db.backupRetentionDays) },
      copyTagsToSnapshot: true,
      removalPolicy: retain,
    });
    pinLogicalId(cluster, DATA_LOGICAL_IDS.databaseCluster);
    pinLogicalId(cluster.node.findChild('Writer'), DATA_LOGICAL_IDS.databaseWriter);
    if (stage.isProd) pinLogicalId(cluster.node.findChild('Reader'), DATA_LOGICAL_IDS.databaseReader);
    pinLogicalId(cluster.node.findChild('Subnets'), DATA_LOGICAL_IDS.databaseSubnetGroup);
    // `cluster.secret` is the attachment (secret + host/port); the secret itself is the child 'Secret'.
    const secret = cluster.secret;
    if (!secret) throw new InternalError('Aurora cluster without generated credentials: the secret is required');
    const secretResource = cluster.node.findChild('Secret');
    pinLogicalId(secretResource, DATA_LOGICAL_IDS.databaseSecret);
    // The credentials must outlive a stack deletion together with the database they open.
    (secretResource.node.defaultChild as cdk.CfnResource).applyRemovalPolicy(retain);
    (cluster.node.findChild('Subnets').node.defaultChild as cdk.CfnResource).applyRemovalPolicy(retain);
    this.database = cluster;
    this.databaseSecret = secret;

    if (!stage.isProd) {
      acknowledge(cluster, {
        id: 'AwsSolutions-RDS10',
        reason: 'Non-prod stages can be torn down; the cluster is still RETAINed on stack deletion. Prod stages enable deletion protection',
      });
    }
    acknowledge(secretResource, {
      id: 'AwsSolutions-SMG4',
      reason:
        'Rotation would need a rotation Lambda in the VPC; the metadata service reads the secret at start, so rotation is an operator action (docs/infra.md)',
    });

    const accessLogs = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: false,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: cdk.Duration.days(stage.isProd ? 365 : 90) }],
      removalPolicy: retain,
    });
    pinLogicalId(accessLogs, DATA_LOGICAL_IDS.accessLogsBucket);

    const bucket = new s3.Bucket(this, 'Artifacts', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'artifacts/',
      lifecycleRules: [
        {
          id: 'expire-noncurrent-versions',
          noncurrentVersionExpiration: cdk.Duration.days(stage.isProd ? 90 : 30),
          abortIncompleteMultipartUploadAfter: cdk.Duration.days(7),
        },
      ],
      removalPolicy: retain,
    });
    pinLogicalId(bucket, DATA_LOGICAL_IDS.artifactBucket);
    this.bucket = bucket;

    addStackOutputs(this, 'data', {
      databaseEndpoint: cluster.clusterEndpoint.hostname,
      databasePort: cdk.Token.asString(cluster.clusterEndpoint.port),
      databaseName: DATABASE_NAME,
      databaseSecretArn: secret.secretArn,
      databaseClusterIdentifier: cluster.clusterIdentifier,
      artifactBucketName: bucket.bucketName,
    });
  }
}
