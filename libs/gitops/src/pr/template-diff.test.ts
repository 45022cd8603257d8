import type { CfnTemplate } from '../synth/stage-assembly';
import { diffStack } from './template-diff';

const HASH_A = 'a'.repeat(64);
const HASH_B = '0123456789abcdef'.repeat(4);

/** A small data stack shaped like what the Data stack synthesizes. */
function dataStack(): CfnTemplate {
  return {
    Resources: {
      DatabaseCluster5B53A178: {
        Type: 'AWS::RDS::DBCluster',
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: { Engine: 'aurora-postgresql', EngineVersion: '16.6', DatabaseName: 'metaflow', StorageEncrypted: true },
      },
      ArtifactBucket7410C9EF: {
        Type: 'AWS::S3::Bucket',
        DeletionPolicy: 'Retain',
        Properties: { VersioningConfiguration: { Status: 'Enabled' } },
      },
      DbSecret: { Type: 'AWS::SecretsManager::Secret', Properties: { Name: 'metaflow/dev/db' } },
      Layer: { Type: 'AWS::Lambda::LayerVersion', Properties: { Content: { S3Bucket: 'cdk-assets', S3Key: `${HASH_A}.zip` } } },
      Fn: {
        Type: 'AWS::Lambda::Function',
        Properties: {
          Code: { S3Bucket: 'cdk-assets', S3Key: `${HASH_A}.zip` },
          Runtime: 'nodejs20.x',
          Handler: 'index.handler',
          Role: 'arn:aws:iam::111111111111:role/x',
        },
      },
      Sg: {
        Type: 'AWS::EC2::SecurityGroup',
        Properties: {
          GroupDescription: 'db',
          SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, CidrIp: '10.0.0.0/16' }],
        },
      },
      CDKMetadata: { Type: 'AWS::CDK::Metadata', Properties: { Analytics: 'v2:deflate64:AAA' } },
    },
    Outputs: { DatabaseEndpoint: { Value: { 'Fn::GetAtt': ['DatabaseCluster5B53A178', 'Endpoint.Address'] } } },
  };
}

const clone = (t: CfnTemplate): CfnTemplate => JSON.parse(JSON.stringify(t));

describe('diffStack', () => {
  it('reports no change for identical templates', () => {
    const d = diffStack('dev-data', dataStack(), dataStack());
    expect(d.status).toBe('unchanged');
    expect(d.counts).toEqual({ added: 0, updated: 0, replaced: 0, destroyed: 0, orphaned: 0 });
    expect(d.destructive).toEqual([]);
  });

  it('flags a renamed database logical ID as destructive (orphaned, with the rename hint)', () => {
    const after = clone(dataStack());
    after.Resources!.MetadataDatabase1234ABCD = after.Resources!.DatabaseCluster5B53A178;
    delete after.Resources!.DatabaseCluster5B53A178;
    after.Outputs = { DatabaseEndpoint: { Value: { 'Fn::GetAtt': ['MetadataDatabase1234ABCD', 'Endpoint.Address'] } } };
    const d = diffStack('dev-data', dataStack(), after);
    expect(d.counts).toMatchObject({ added: 1, orphaned: 1, destroyed: 0, replaced: 0 });
    expect(d.destructive).toHaveLength(1);
    expect(d.destructive[0]).toMatchObject({
      stack: 'dev-data',
      logicalId: 'DatabaseCluster5B53A178',
      type: 'AWS::RDS::DBCluster',
      action: 'orphan',
    });
    expect(d.destructive[0].loses).toContain('metadata database');
    expect(d.destructive[0].hint).toContain('rename of the logical ID to `MetadataDatabase1234ABCD`');
    expect(d.outputs.changed).toEqual(['DatabaseEndpoint']);
  });

  it('flags a stateful replacement with the property forcing it', () => {
    const after = clone(dataStack());
    (after.Resources!.DatabaseCluster5B53A178.Properties as Record<string, unknown>).DatabaseName = 'other';
    const d = diffStack('dev-data', dataStack(), after);
    expect(d.counts.replaced).toBe(1);
    expect(d.resources).toContainEqual(
      expect.objectContaining({ logicalId: 'DatabaseCluster5B53A178', action: 'replace', properties: ['DatabaseName'], stateful: true }),
    );
    expect(d.destructive[0]).toMatchObject({ action: 'replace', hint: 'replacement forced by `DatabaseName`' });
  });

  it('counts a destroyed secret (no Retain) as destroyed and destructive', () => {
    const after = clone(dataStack());
    delete after.Resources!.DbSecret;
    const d = diffStack('dev-data', dataStack(), after);
    expect(d.counts.destroyed).toBe(1);
    expect(d.destructive.map((x) => [x.logicalId, x.action])).toEqual([['DbSecret', 'destroy']]);
  });

  it('does not call an asset-hash-only change a replacement', () => {
    const after = clone(dataStack());
    (after.Resources!.Layer.Properties as { Content: { S3Key: string } }).Content.S3Key = `${HASH_B}.zip`;
    (after.Resources!.Fn.Properties as { Code: { S3Key: string } }).Code.S3Key = `${HASH_B}.zip`;
    const d = diffStack('dev-data', dataStack(), after);
    expect(d.counts).toMatchObject({ replaced: 0, updated: 2 });
    expect(d.resources.map((r) => [r.logicalId, r.action]).sort()).toEqual([
      ['Fn', 'asset-update'],
      ['Layer', 'asset-update'],
    ]);
    expect(d.destructive).toEqual([]);
  });

  it('still calls a real layer content change (other bucket) a replacement', () => {
    const after = clone(dataStack());
    (after.Resources!.Layer.Properties as { Content: { S3Bucket: string } }).Content.S3Bucket = 'elsewhere';
    const d = diffStack('dev-data', dataStack(), after);
    expect(d.resources).toContainEqual(expect.objectContaining({ logicalId: 'Layer', action: 'replace', stateful: false }));
    expect(d.counts.replaced).toBe(1);
    expect(d.destructive).toEqual([]);
  });

  it('reports security-group and IAM changes and broadened permissions', () => {
    const after = clone(dataStack());
    (after.Resources!.Sg.Properties as { SecurityGroupIngress: { CidrIp: string }[] }).SecurityGroupIngress[0].CidrIp = '0.0.0.0/0';
    after.Resources!.Policy = {
      Type: 'AWS::IAM::Policy',
      Properties: { PolicyName: 'p', Roles: ['r'], PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] } },
    };
    const d = diffStack('dev-data', dataStack(), after);
    expect(d.permissionsBroadened).toBe(true);
    expect(d.securityGroups[0]).toEqual(['', 'Group', 'Dir', 'Protocol', 'Peer']);
    expect(d.securityGroups.slice(1)).toContainEqual(['+', '${Sg.GroupId}', 'In', 'TCP 5432', 'Everyone (IPv4)']);
    expect(d.iamStatements.slice(1)).toContainEqual(expect.arrayContaining(['+', '*', 'Allow', 's3:*']));
  });

  it('ignores CDK metadata churn', () => {
    const after = clone(dataStack());
    (after.Resources!.CDKMetadata.Properties as { Analytics: string }).Analytics = 'v2:deflate64:BBB';
    expect(diffStack('dev-data', dataStack(), after).status).toBe('unchanged');
  });

  it('treats a new stack as all additions and a removed one as destructive removals', () => {
    const added = diffStack('dev-data', undefined, dataStack());
    expect(added.status).toBe('added');
    expect(added.counts.added).toBe(6);
    expect(added.destructive).toEqual([]);
    const removed = diffStack('dev-data', dataStack(), undefined);
    expect(removed.status).toBe('removed');
    expect(removed.counts).toMatchObject({ destroyed: 4, orphaned: 2 });
    expect(removed.destructive.map((x) => x.logicalId).sort()).toEqual(['ArtifactBucket7410C9EF', 'DatabaseCluster5B53A178', 'DbSecret']);
  });
});
