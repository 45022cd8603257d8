import * as cdk from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { InternalError } from '@metaflow-gitops/stage-config';

export interface PodSubnetsProps {
  readonly vpc: ec2.Vpc;
  /** The secondary CIDR associated with the VPC for pod addresses. */
  readonly cidr: string;
  /** One block of `cidr` per availability zone of the VPC, in zone order. */
  readonly blocks: readonly string[];
}

/**
 * A secondary CIDR block and one subnet per zone inside it. Each pod subnet shares the route table
 * of the private subnet in its zone, so pods get the same NAT route and S3 gateway endpoint.
 */
export class PodSubnets extends Construct {
  readonly subnets: ec2.ISubnet[];

  constructor(scope: Construct, id: string, props: PodSubnetsProps) {
    super(scope, id);
    const { vpc } = props;
    const privateSubnets = vpc.privateSubnets.length > 0 ? vpc.privateSubnets : vpc.isolatedSubnets;
    if (props.blocks.length !== privateSubnets.length) {
      throw new InternalError(`pod subnets: got ${props.blocks.length} CIDR blocks for ${privateSubnets.length} zones`);
    }
    const association = new ec2.CfnVPCCidrBlock(this, 'CidrBlock', { vpcId: vpc.vpcId, cidrBlock: props.cidr });

    this.subnets = privateSubnets.map((privateSubnet, i) => {
      const subnet = new ec2.CfnSubnet(this, `Subnet${i + 1}`, {
        vpcId: vpc.vpcId,
        availabilityZone: privateSubnet.availabilityZone,
        cidrBlock: props.blocks[i],
        mapPublicIpOnLaunch: false,
      });
      subnet.addResourceDependency(association);
      cdk.Tags.of(subnet).add('Name', `${cdk.Stack.of(this).stackName}/pods-${privateSubnet.availabilityZone}`);
      new ec2.CfnSubnetRouteTableAssociation(this, `RouteTableAssociation${i + 1}`, {
        subnetId: subnet.ref,
        routeTableId: privateSubnet.routeTable.routeTableId,
      });
      return ec2.Subnet.fromSubnetAttributes(this, `Imported${i + 1}`, {
        subnetId: subnet.ref,
        availabilityZone: privateSubnet.availabilityZone,
        routeTableId: privateSubnet.routeTable.routeTableId,
      });
    });
  }
}
