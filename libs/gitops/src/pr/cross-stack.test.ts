import type { CfnTemplate } from '../synth/stage-assembly';
import { crossStackImpacts } from './cross-stack';
import { diffStack } from './template-diff';

/** A VPC stack exporting its VPC and a subnet, and a data stack importing them, as CDK writes them. */
function vpcStack(cidr: string, subnetCidr = '10.0.0.0/24'): CfnTemplate {
  return {
    Resources: {
      Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: cidr } },
      SubnetA: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: { Ref: 'Vpc' }, CidrBlock: subnetCidr, AvailabilityZone: 'eu-west-1a' } },
      SubnetB: {
        Type: 'AWS::EC2::Subnet',
        Properties: { VpcId: { Ref: 'Vpc' }, CidrBlock: '10.0.1.0/24', AvailabilityZone: 'eu-west-1b' },
      },
    },
    Outputs: {
      ExportsVpc: { Value: { Ref: 'Vpc' }, Export: { Name: 's-vpc:Vpc' } },
      ExportsSubnetA: { Value: { Ref: 'SubnetA' }, Export: { Name: 's-vpc:SubnetA' } },
      ExportsSubnetB: { Value: { Ref: 'SubnetB' }, Export: { Name: 's-vpc:SubnetB' } },
    },
  };
}

const dataStack: CfnTemplate = {
  Resources: {
    DbSecurityGroup: {
      Type: 'AWS::EC2::SecurityGroup',
      Properties: { GroupDescription: 'db', VpcId: { 'Fn::ImportValue': 's-vpc:Vpc' } },
    },
    DbSubnets: {
      Type: 'AWS::RDS::DBSubnetGroup',
      Properties: {
        DBSubnetGroupDescription: 'db',
        SubnetIds: [{ 'Fn::ImportValue': 's-vpc:SubnetA' }, { 'Fn::ImportValue': 's-vpc:SubnetB' }],
      },
    },
    Database: {
      Type: 'AWS::RDS::DBCluster',
      DeletionPolicy: 'Retain',
      Properties: {
        Engine: 'aurora-postgresql',
        DBSubnetGroupName: { Ref: 'DbSubnets' },
        VpcSecurityGroupIds: [{ 'Fn::GetAtt': ['DbSecurityGroup', 'GroupId'] }],
      },
    },
    Bucket: { Type: 'AWS::S3::Bucket', DeletionPolicy: 'Retain' },
    Cluster: {
      Type: 'AWS::EKS::Cluster',
      Properties: { ResourcesVpcConfig: { SubnetIds: [{ 'Fn::ImportValue': 's-vpc:SubnetA' }, { 'Fn::ImportValue': 's-vpc:SubnetB' }] } },
    },
  },
};

function run(beforeVpc: CfnTemplate, afterVpc: CfnTemplate) {
  const before = new Map([
    ['s-vpc', beforeVpc],
    ['s-data', dataStack],
  ]);
  const after = new Map([
    ['s-vpc', afterVpc],
    ['s-data', dataStack],
  ]);
  const diffs = [...after.keys()].map((k) => diffStack(k, before.get(k), after.get(k)));
  return { diffs, ...crossStackImpacts(before, after, diffs) };
}

describe('crossStackImpacts', () => {
  it('a new VPC CIDR: the exports in use are named with their importers, and the database is replaced through the subnet group', () => {
    const { diffs, impacts, destructive } = run(vpcStack('10.0.0.0/16'), vpcStack('10.9.0.0/16'));
    // The data stack's own template does not change at all: only the imports tell.
    expect(diffs.find((d) => d.stack === 's-data')!.status).toBe('unchanged');
    expect(impacts.map((i) => [i.stack, i.exportName, i.cause])).toEqual([
      ['s-vpc', 's-vpc:Vpc', '`Vpc` (AWS::EC2::VPC) is replaced'],
      ['s-vpc', 's-vpc:SubnetA', '`SubnetA` (AWS::EC2::Subnet) is replaced'],
      ['s-vpc', 's-vpc:SubnetB', '`SubnetB` (AWS::EC2::Subnet) is replaced'],
    ]);
    expect(impacts[0].importers).toEqual([
      { stack: 's-data', resources: [{ logicalId: 'DbSecurityGroup', type: 'AWS::EC2::SecurityGroup', replaced: true }] },
    ]);
    expect(impacts[1].importers[0].resources).toEqual([
      { logicalId: 'DbSubnets', type: 'AWS::RDS::DBSubnetGroup', replaced: true },
      // An EKS cluster cannot move to another VPC, whatever the subnet update rules say.
      { logicalId: 'Cluster', type: 'AWS::EKS::Cluster', replaced: true },
    ]);
    expect(destructive.map((d) => [d.stack, d.logicalId, d.action])).toEqual([
      ['s-data', 'Database', 'replace'],
      ['s-data', 'Cluster', 'replace'],
    ]);
    expect(destructive[0].hint).toContain('`s-vpc:SubnetA`');
  });

  it('a subnet replaced inside the same VPC: the export is still in use, the subnet group is updated, the database stays', () => {
    const { impacts, destructive } = run(vpcStack('10.0.0.0/16'), vpcStack('10.0.0.0/16', '10.0.8.0/24'));
    expect(impacts.map((i) => i.exportName)).toEqual(['s-vpc:SubnetA']);
    expect(impacts[0].importers[0].resources).toEqual([
      { logicalId: 'DbSubnets', type: 'AWS::RDS::DBSubnetGroup', replaced: false },
      { logicalId: 'Cluster', type: 'AWS::EKS::Cluster', replaced: false },
    ]);
    expect(destructive).toEqual([]);
  });

  it('an in-place update of the exporting stack changes no export', () => {
    const tagged = vpcStack('10.0.0.0/16');
    (tagged.Resources!.Vpc.Properties as Record<string, unknown>).Tags = [{ Key: 'team', Value: 'ml' }];
    expect(run(vpcStack('10.0.0.0/16'), tagged)).toMatchObject({ impacts: [], destructive: [] });
  });
});
