import { Match } from 'aws-cdk-lib/assertions';
import { makeStageConfig } from '@metaflow-gitops/testing/stage-config';
import { buildTestStage, BuiltStage } from '@metaflow-gitops/testing/constructs/aws';
import { DATA_LOGICAL_IDS } from './data-stack';

let dev: BuiltStage;
let prod: BuiltStage;

beforeAll(() => {
  dev = buildTestStage(makeStageConfig({ name: 'dev' }));
  prod = buildTestStage(
    makeStageConfig({ name: 'prod', isProd: true, database: { minCapacity: 0.5, maxCapacity: 16, backupRetentionDays: 30 } }),
  );
});

describe('logical ids of stateful resources (a change replaces the database or bucket)', () => {
  test.each([
    ['MetadataDatabase', 'AWS::RDS::DBCluster'],
    ['MetadataDatabaseWriter', 'AWS::RDS::DBInstance'],
    ['MetadataDatabaseSecret', 'AWS::SecretsManager::Secret'],
    ['MetadataDatabaseSubnets', 'AWS::RDS::DBSubnetGroup'],
    ['MetadataDatabaseSecurityGroup', 'AWS::EC2::SecurityGroup'],
    ['ArtifactBucket', 'AWS::S3::Bucket'],
    ['AccessLogsBucket', 'AWS::S3::Bucket'],
  ])('%s is a %s', (logicalId, type) => {
    const resources = dev.template('data').toJSON().Resources;
    expect(resources[logicalId]?.Type).toBe(type);
  });

  test('the constant table matches what the tests pin', () => {
    expect(DATA_LOGICAL_IDS).toEqual({
      databaseCluster: 'MetadataDatabase',
      databaseWriter: 'MetadataDatabaseWriter',
      databaseReader: 'MetadataDatabaseReader',
      databaseSecret: 'MetadataDatabaseSecret',
      databaseSubnetGroup: 'MetadataDatabaseSubnets',
      databaseSecurityGroup: 'MetadataDatabaseSecurityGroup',
      artifactBucket: 'ArtifactBucket',
      accessLogsBucket: 'AccessLogsBucket',
    });
  });

  test('prod adds the reader under its pinned id', () => {
    expect(prod.template('data').toJSON().Resources.MetadataDatabaseReader?.Type).toBe('AWS::RDS::DBInstance');
    expect(dev.template('data').toJSON().Resources.MetadataDatabaseReader).toBeUndefined();
  });
});

describe('retention: the data survives stack deletion', () => {
  test.each([
    'MetadataDatabase',
    'MetadataDatabaseWriter',
    'MetadataDatabaseSecret',
    'MetadataDatabaseSubnets',
    'MetadataDatabaseSecurityGroup',
    'ArtifactBucket',
    'AccessLogsBucket',
  ])('%s is retained on delete and replace', (logicalId) => {
    for (const stage of [dev, prod]) {
      const r = stage.template('data').toJSON().Resources[logicalId];
      expect(r.DeletionPolicy).toBe('Retain');
      expect(r.UpdateReplacePolicy).toBe('Retain');
    }
  });

  test('whatever a retained resource of the stack uses is retained with it (else its deletion fails and stops the teardown)', () => {
    const refs = (v: unknown): string[] => {
      if (Array.isArray(v)) return v.flatMap(refs);
      if (!v || typeof v !== 'object') return [];
      const o = v as Record<string, unknown>;
      if (typeof o.Ref === 'string') return [o.Ref];
      if (Array.isArray(o['Fn::GetAtt'])) return [String(o['Fn::GetAtt'][0])];
      return Object.values(o).flatMap(refs);
    };
    for (const stage of [dev, prod]) {
      const resources = stage.template('data').toJSON().Resources as Record<string, { DeletionPolicy?: string; Properties?: unknown }>;
      const unretained = Object.entries(resources)
        .filter(([, r]) => r.DeletionPolicy === 'Retain')
        .flatMap(([id, r]) => refs(r.Properties).map((used) => [id, used]))
        .filter(([, used]) => resources[used] && resources[used].DeletionPolicy !== 'Retain');
      expect(unretained).toEqual([]);
    }
  });
});

describe('Aurora PostgreSQL Serverless v2', () => {
  test('engine, version, capacity from the stage file, auto-pause at 0 ACU', () => {
    dev.template('data').hasResourceProperties('AWS::RDS::DBCluster', {
      Engine: 'aurora-postgresql',
      EngineVersion: '16.6',
      DatabaseName: 'metaflow',
      StorageEncrypted: true,
      EnableIAMDatabaseAuthentication: true,
      ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 4, SecondsUntilAutoPause: Match.absent() },
    });
    buildTestStage(makeStageConfig({ name: 'pausing', database: { minCapacity: 0 } }))
      .template('data')
      .hasResourceProperties('AWS::RDS::DBCluster', {
        ServerlessV2ScalingConfiguration: { MinCapacity: 0, MaxCapacity: 4, SecondsUntilAutoPause: 600 },
      });
    dev.template('data').hasResourceProperties('AWS::RDS::DBInstance', { DBInstanceClass: 'db.serverless', PubliclyAccessible: false });
  });

  test('prod: deletion protection, 30-day backups, no auto-pause; dev: neither', () => {
    prod.template('data').hasResourceProperties('AWS::RDS::DBCluster', {
      DeletionProtection: true,
      BackupRetentionPeriod: 30,
      ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 16, SecondsUntilAutoPause: Match.absent() },
    });
    dev.template('data').hasResourceProperties('AWS::RDS::DBCluster', { DeletionProtection: false, BackupRetentionPeriod: 7 });
  });

  test('credentials are generated into a secret with a generated name (a retained fixed name would block the next creation), never in the template', () => {
    dev.template('data').hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: Match.absent(),
      GenerateSecretString: Match.objectLike({ GenerateStringKey: 'password', SecretStringTemplate: '{"username":"metaflow"}' }),
    });
    const cluster = dev.template('data').toJSON().Resources.MetadataDatabase.Properties;
    expect(JSON.stringify(cluster.MasterUserPassword)).toContain('resolve:secretsmanager');
  });

  test('the database security group admits nobody by itself (the Eks stack adds the cluster)', () => {
    const sg = dev.template('data').toJSON().Resources.MetadataDatabaseSecurityGroup.Properties;
    expect(sg.SecurityGroupIngress).toBeUndefined();
    dev.template('data').resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
  });
});

describe('artifact bucket', () => {
  test('versioned, encrypted, public access blocked, access-logged, old versions expire', () => {
    dev.template('data').hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LoggingConfiguration: { DestinationBucketName: { Ref: 'AccessLogsBucket' }, LogFilePrefix: 'artifacts/' },
      LifecycleConfiguration: {
        Rules: [
          Match.objectLike({
            NoncurrentVersionExpiration: { NoncurrentDays: 30 },
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
            Status: 'Enabled',
          }),
        ],
      },
    });
    prod.template('data').hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      LifecycleConfiguration: { Rules: [Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: 90 } })] },
    });
  });

  test('TLS-only bucket policy', () => {
    dev.template('data').hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: 'ArtifactBucket' },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            Principal: { AWS: '*' },
          }),
        ]),
      },
    });
  });

  test('no auto-delete custom resource (the bucket is retained, not emptied)', () => {
    const types = Object.values(dev.template('data').toJSON().Resources).map((r) => (r as { Type: string }).Type);
    expect(types.filter((t) => t.startsWith('Custom::') || t === 'AWS::Lambda::Function')).toEqual([]);
  });
});

test('min ACU above max ACU is refused with both values named', () => {
  expect(() => buildTestStage(makeStageConfig({ name: 'bad', database: { minCapacity: 8, maxCapacity: 4 } }))).toThrow(
    'database.minCapacity (8) must not exceed database.maxCapacity (4)',
  );
});

test('access logs arrive under a bucket policy for the logging service, ACLs stay disabled', () => {
  const logs = dev.template('data').toJSON().Resources.AccessLogsBucket.Properties;
  expect(logs.AccessControl).toBeUndefined();
  expect(logs.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
  dev.template('data').hasResourceProperties('AWS::S3::BucketPolicy', {
    Bucket: { Ref: 'AccessLogsBucket' },
    PolicyDocument: {
      Statement: Match.arrayWith([
        Match.objectLike({ Action: 's3:PutObject', Effect: 'Allow', Principal: { Service: 'logging.s3.amazonaws.com' } }),
      ]),
    },
  });
});
