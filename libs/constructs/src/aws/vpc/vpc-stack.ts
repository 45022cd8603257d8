import * as cdk from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { NetworkConfig, splitCidr } from '@metaflow-gitops/stage-config';
import { acknowledge } from '../private/nag';
import { addStackOutputs } from '../private/stack-outputs';
import { StageStack, StageStackProps } from '../private/stage-stack';
import { hardenNatInstances, natInstanceProvider } from './nat-instances';
import { PodSubnets } from './pod-subnets';

export interface VpcStackProps extends StageStackProps {
  /** Addresses, zones, NAT gateways and endpoints of the stage. */
  readonly network: NetworkConfig;
}

/**
 * The stage's network: public subnets (internet-facing load balancers), private subnets (nodes,
 * database, internal load balancers), pod subnets in the secondary CIDR, NAT, VPC endpoints and
 * (`network.flowLogs`, required on prod) flow logs.
 */
export class VpcStack extends StageStack {
  readonly vpc: ec2.IVpc;
  /** Subnets of the secondary CIDR, one per zone, for pod addresses (Auto Mode `podSubnetSelectorTerms`). */
  readonly podSubnets: ec2.ISubnet[];
  /** Subnets for nodes, the database and internal load balancers (isolated when the stage has no NAT). */
  readonly privateSubnets: ec2.ISubnet[];

  constructor(scope: Construct, props: VpcStackProps) {
    super(scope, 'vpc', { ...props, description: `Metaflow stage ${props.stage.name}: network` });
    const { network } = props;
    const egress = network.natGateways > 0;
    const natInstances = egress && network.natType === 'instance' ? natInstanceProvider(network) : undefined;

    const vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(network.vpcCidr),
      availabilityZones: [...network.availabilityZones],
      natGateways: network.natGateways,
      natGatewayProvider: natInstances,
      restrictDefaultSecurityGroup: false,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, mapPublicIpOnLaunch: false },
        { name: 'private', subnetType: egress ? ec2.SubnetType.PRIVATE_WITH_EGRESS : ec2.SubnetType.PRIVATE_ISOLATED },
      ],
      gatewayEndpoints: { s3: { service: ec2.GatewayVpcEndpointAwsService.S3 } },
    });
    this.vpc = vpc;
    if (natInstances) hardenNatInstances(natInstances, network);
    this.privateSubnets = egress ? vpc.privateSubnets : vpc.isolatedSubnets;

    // Auto Mode (and the AWS Load Balancer Controller) pick subnets for load balancers by these tags.
    for (const subnet of vpc.publicSubnets) cdk.Tags.of(subnet).add('kubernetes.io/role/elb', '1');
    for (const subnet of this.privateSubnets) {
      cdk.Tags.of(subnet).add('kubernetes.io/role/internal-elb', '1');
    }

    const pods = new PodSubnets(this, 'PodSubnets', {
      vpc,
      cidr: network.podCidr,
      blocks: splitCidr(network.podCidr, network.availabilityZones.length),
    });
    this.podSubnets = pods.subnets;

    if (network.flowLogs) {
      new ec2.FlowLog(this, 'FlowLog', {
        resourceType: ec2.FlowLogResourceType.fromVpc(vpc),
        destination: ec2.FlowLogDestination.toCloudWatchLogs(
          new logs.LogGroup(this, 'FlowLogGroup', {
            retention: props.stage.isProd ? logs.RetentionDays.ONE_YEAR : logs.RetentionDays.ONE_WEEK,
            removalPolicy: props.stage.isProd ? cdk.RemovalPolicy.RETAIN : cdk.RemovalPolicy.DESTROY,
          }),
        ),
        trafficType: ec2.FlowLogTrafficType.ALL,
      });
    } else {
      acknowledge(vpc, {
        id: 'AwsSolutions-VPC7',
        reason: 'Flow logs are off on this non-prod stage (network.flowLogs: false) to save their ingestion; prod stages must keep them on',
      });
    }

    const interfaceEndpoints = network.vpcEndpoints.filter((name) => name !== 's3');
    if (interfaceEndpoints.length > 0) {
      const endpointSg = new ec2.SecurityGroup(this, 'EndpointSecurityGroup', {
        vpc,
        description: 'HTTPS to the interface VPC endpoints from nodes and pods',
        allowAllOutbound: false,
      });
      endpointSg.addIngressRule(ec2.Peer.ipv4(network.vpcCidr), ec2.Port.tcp(443), 'nodes and load balancers');
      endpointSg.addIngressRule(ec2.Peer.ipv4(network.podCidr), ec2.Port.tcp(443), 'pods (secondary CIDR)');
      for (const name of interfaceEndpoints) {
        vpc.addInterfaceEndpoint(`Endpoint-${name.replace(/[^a-z0-9]/gi, '')}`, {
          service: new ec2.InterfaceVpcEndpointAwsService(name),
          privateDnsEnabled: true,
          securityGroups: [endpointSg],
          open: false,
          subnets: { subnets: this.privateSubnets },
        });
      }
    }

    addStackOutputs(this, 'vpc', {
      vpcId: vpc.vpcId,
      privateSubnetIds: cdk.Fn.join(
        ',',
        this.privateSubnets.map((s) => s.subnetId),
      ),
      podSubnetIds: cdk.Fn.join(
        ',',
        pods.subnets.map((s) => s.subnetId),
      ),
    });
  }
}
