import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Match } from 'aws-cdk-lib/assertions';
import { makeStageConfig } from '@metaflow-gitops/testing/stage-config';
import { buildTestStage, BuiltStage } from '@metaflow-gitops/testing/constructs/aws';

let dev: BuiltStage;
let prod: BuiltStage;
let isolated: BuiltStage;

beforeAll(() => {
  dev = buildTestStage(makeStageConfig({ name: 'dev' }));
  prod = buildTestStage(
    makeStageConfig({
      name: 'prod',
      isProd: true,
      network: { vpcCidr: '10.20.0.0/16', natGateways: 3, vpcEndpoints: ['s3', 'ecr.api', 'ecr.dkr', 'sts', 'eks-auth'] },
    }),
  );
  isolated = buildTestStage(makeStageConfig({ name: 'iso', network: { natGateways: 0, availabilityZones: ['us-west-2a', 'us-west-2b'] } }));
});

const tagged = (key: string) => Match.objectLike({ Tags: Match.arrayWith([{ Key: key, Value: '1' }]) });

test('VPC with the primary CIDR and the pod CIDR as secondary block', () => {
  dev
    .template('vpc')
    .hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.0.0.0/16', EnableDnsHostnames: true, EnableDnsSupport: true });
  dev.template('vpc').hasResourceProperties('AWS::EC2::VPCCidrBlock', { CidrBlock: '100.64.0.0/16' });
});

test('public, private and pod subnets in each stage zone', () => {
  const t = dev.template('vpc');
  t.resourceCountIs('AWS::EC2::Subnet', 9);
  t.resourcePropertiesCountIs('AWS::EC2::Subnet', tagged('kubernetes.io/role/elb'), 3);
  t.resourcePropertiesCountIs('AWS::EC2::Subnet', tagged('kubernetes.io/role/internal-elb'), 3);
  for (const [i, cidr] of ['100.64.0.0/18', '100.64.64.0/18', '100.64.128.0/18'].entries()) {
    t.hasResourceProperties('AWS::EC2::Subnet', { CidrBlock: cidr, AvailabilityZone: `us-west-2${'abc'[i]}`, MapPublicIpOnLaunch: false });
  }
  const pods = t.findResources('AWS::EC2::Subnet', { Properties: { CidrBlock: Match.stringLikeRegexp('^100\\.64\\.') } });
  for (const subnet of Object.values(pods)) expect(subnet.DependsOn).toEqual([expect.stringMatching(/^PodSubnetsCidrBlock/)]);
});

test('pod subnets share the private route tables (NAT and S3 gateway routes)', () => {
  const t = dev.template('vpc');
  const assoc = t.findResources('AWS::EC2::SubnetRouteTableAssociation', {
    Properties: { SubnetId: { Ref: Match.stringLikeRegexp('^PodSubnetsSubnet') } },
  });
  const tables = Object.values(assoc).map((a) => a.Properties.RouteTableId.Ref);
  expect(tables.sort()).toEqual(
    ['VpcprivateSubnet1RouteTable', 'VpcprivateSubnet2RouteTable', 'VpcprivateSubnet3RouteTable'].map((p) =>
      expect.stringMatching(new RegExp(`^${p}`)),
    ),
  );
});

test('NAT gateways as the stage file says; none means isolated private subnets', () => {
  const gateway = buildTestStage(makeStageConfig({ name: 'gw', network: { natType: 'gateway' } }));
  gateway.template('vpc').resourceCountIs('AWS::EC2::NatGateway', 1);
  gateway.template('vpc').resourceCountIs('AWS::EC2::Instance', 0);
  prod.template('vpc').resourceCountIs('AWS::EC2::NatGateway', 3);
  prod.template('vpc').resourceCountIs('AWS::EC2::Instance', 0);
  isolated.template('vpc').resourceCountIs('AWS::EC2::NatGateway', 0);
  isolated.template('vpc').resourceCountIs('AWS::EC2::Subnet', 6);
  isolated.template('vpc').resourcePropertiesCountIs('AWS::EC2::Subnet', tagged('kubernetes.io/role/internal-elb'), 2);
});

test('S3 gateway endpoint always; interface endpoints only as listed, reachable from nodes and pods', () => {
  dev.template('vpc').hasResourceProperties('AWS::EC2::VPCEndpoint', {
    VpcEndpointType: 'Gateway',
    ServiceName: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith(['.s3'])] }),
  });
  dev.template('vpc').resourcePropertiesCountIs('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Interface' }, 0);
  const t = prod.template('vpc');
  t.resourcePropertiesCountIs('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Interface', PrivateDnsEnabled: true }, 4);
  for (const svc of ['ecr.api', 'ecr.dkr', 'sts', 'eks-auth']) {
    t.hasResourceProperties('AWS::EC2::VPCEndpoint', { ServiceName: `com.amazonaws.us-west-2.${svc}` });
  }
  t.hasResourceProperties('AWS::EC2::SecurityGroup', {
    GroupDescription: 'HTTPS to the interface VPC endpoints from nodes and pods',
    SecurityGroupIngress: [
      Match.objectLike({ CidrIp: '10.20.0.0/16', FromPort: 443, ToPort: 443, IpProtocol: 'tcp' }),
      Match.objectLike({ CidrIp: '100.64.0.0/16', FromPort: 443, ToPort: 443, IpProtocol: 'tcp' }),
    ],
  });
});

test('flow logs of all traffic to a log group kept a year on prod', () => {
  prod
    .template('vpc')
    .hasResourceProperties('AWS::EC2::FlowLog', { ResourceType: 'VPC', TrafficType: 'ALL', LogDestinationType: 'cloud-watch-logs' });
  prod.template('vpc').hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
  expect(Object.values(prod.template('vpc').findResources('AWS::Logs::LogGroup'))[0].DeletionPolicy).toBe('Retain');
});

test('no flow logs on a non-prod stage unless it asks, then kept a week', () => {
  dev.template('vpc').resourceCountIs('AWS::EC2::FlowLog', 0);
  dev.template('vpc').resourceCountIs('AWS::Logs::LogGroup', 0);
  const logged = buildTestStage(makeStageConfig({ name: 'logged', network: { flowLogs: true } }));
  logged.template('vpc').resourceCountIs('AWS::EC2::FlowLog', 1);
  logged.template('vpc').hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
  expect(Object.values(logged.template('vpc').findResources('AWS::Logs::LogGroup'))[0].DeletionPolicy).toBe('Delete');
});

test('outputs: VPC, private and pod subnet ids', () => {
  const outputs = dev.template('vpc').toJSON().Outputs;
  expect(outputs.VpcId.Value).toEqual({ Ref: expect.stringMatching(/^Vpc/) });
  expect(outputs.PrivateSubnetIds.Value['Fn::Join'][1]).toHaveLength(3);
  expect(outputs.PodSubnetIds.Value['Fn::Join'][1]).toEqual([
    { Ref: expect.stringMatching(/^PodSubnetsSubnet1/) },
    { Ref: expect.stringMatching(/^PodSubnetsSubnet2/) },
    { Ref: expect.stringMatching(/^PodSubnetsSubnet3/) },
  ]);
});

describe('NAT instance (natType: instance, the non-prod default)', () => {
  const instances = () => Object.values(dev.template('vpc').findResources('AWS::EC2::Instance'));

  test('one arm64 Amazon Linux 2023 instance per natGateways, with a public address, in a public subnet', () => {
    const t = dev.template('vpc');
    t.resourceCountIs('AWS::EC2::NatGateway', 0);
    t.resourceCountIs('AWS::EC2::EIP', 0);
    expect(instances()).toHaveLength(1);
    const [nat] = instances();
    expect(nat.Properties).toMatchObject({
      InstanceType: 't4g.nano',
      SourceDestCheck: false,
      NetworkInterfaces: [
        expect.objectContaining({ AssociatePublicIpAddress: true, SubnetId: { Ref: expect.stringMatching(/^VpcpublicSubnet1/) } }),
      ],
    });
    expect(t.toJSON().Parameters[nat.Properties.ImageId.Ref].Default).toBe(
      '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-arm64',
    );
    const bigger = buildTestStage(makeStageConfig({ name: 'nat2', network: { natGateways: 2, natInstanceType: 't4g.small' } }));
    bigger.template('vpc').resourcePropertiesCountIs('AWS::EC2::Instance', { InstanceType: 't4g.small' }, 2);
  });

  test('IMDSv2 required, encrypted root volume, security updates at first boot after the NAT set-up', () => {
    const [nat] = instances();
    expect(nat.Properties.MetadataOptions).toEqual({ HttpEndpoint: 'enabled', HttpPutResponseHopLimit: 1, HttpTokens: 'required' });
    expect(nat.Properties.BlockDeviceMappings).toEqual([
      { DeviceName: '/dev/xvda', Ebs: { DeleteOnTermination: true, Encrypted: true, VolumeType: 'gp3' } },
    ]);
    const script: string = nat.Properties.UserData['Fn::Base64'];
    const lines = script.split('\n');
    expect(lines.slice(1, -1)).toEqual(ec2.NatInstanceProviderV2.DEFAULT_USER_DATA_COMMANDS);
    expect(lines.at(-1)).toBe('dnf -y --releasever=latest upgrade --security');
  });

  test('traffic in only from the VPC and pod CIDRs, all traffic out', () => {
    const t = dev.template('vpc');
    t.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'Security Group for NAT instances',
      SecurityGroupIngress: [
        { CidrIp: '10.0.0.0/16', Description: 'egress of nodes and load balancers', IpProtocol: '-1' },
        { CidrIp: '100.64.0.0/16', Description: 'egress of pods (secondary CIDR)', IpProtocol: '-1' },
      ],
      SecurityGroupEgress: [Match.objectLike({ CidrIp: '0.0.0.0/0', IpProtocol: '-1' })],
    });
    t.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
  });

  test('private and pod subnets route to the instance (the pod subnets share the private route tables)', () => {
    const t = dev.template('vpc');
    const routes = Object.values(t.findResources('AWS::EC2::Route', { Properties: { DestinationCidrBlock: '0.0.0.0/0' } }));
    const viaInstance = routes.filter((r) => r.Properties.InstanceId);
    expect(viaInstance.map((r) => r.Properties.RouteTableId.Ref).sort()).toEqual(
      ['VpcprivateSubnet1RouteTable', 'VpcprivateSubnet2RouteTable', 'VpcprivateSubnet3RouteTable'].map((p) =>
        expect.stringMatching(new RegExp(`^${p}`)),
      ),
    );
    expect(new Set(viaInstance.map((r) => r.Properties.InstanceId.Ref))).toEqual(
      new Set([expect.stringMatching(/^VpcpublicSubnet1NatInstance/)]),
    );
  });
});
