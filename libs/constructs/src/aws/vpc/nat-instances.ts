import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { NetworkConfig } from '@metaflow-gitops/stage-config';
import { acknowledge } from '../private/nag';

/**
 * Applies the Amazon Linux 2023 security updates of the newest release at first boot, after the NAT
 * is configured (egress works while they install). AL2023 releases are immutable and each AMI is
 * locked to its own, so `--releasever=latest` is what reaches advisories published after the AMI
 * (https://docs.aws.amazon.com/linux/al2023/ug/deterministic-upgrades-usage.html). User data runs
 * once, at launch: a running instance is not patched in place.
 */
const SECURITY_UPDATE_COMMANDS = ['dnf -y --releasever=latest upgrade --security'];

/**
 * The NAT provider of a stage with `network.natType: instance`: one Amazon Linux 2023 instance of
 * `natInstanceType` (arm64) in a public subnet per NAT, with a public address, whose security group
 * starts with outbound traffic only ({@link hardenNatInstances} opens it to the VPC and pod CIDRs).
 */
export function natInstanceProvider(network: NetworkConfig): ec2.NatInstanceProviderV2 {
  const userData = ec2.UserData.forLinux();
  userData.addCommands(...ec2.NatInstanceProviderV2.DEFAULT_USER_DATA_COMMANDS, ...SECURITY_UPDATE_COMMANDS);
  return ec2.NatProvider.instanceV2({
    instanceType: new ec2.InstanceType(network.natInstanceType),
    defaultAllowedTraffic: ec2.NatTrafficDirection.OUTBOUND_ONLY,
    associatePublicIpAddress: true,
    userData,
  });
}

/**
 * Once the VPC has created the NAT instances: traffic in only from the VPC CIDR (nodes, load
 * balancers, database) and the pod CIDR, IMDSv2 required, an encrypted root volume, and the cdk-nag
 * findings of a NAT instance (detailed monitoring, termination protection) acknowledged with their
 * reasons.
 */
export function hardenNatInstances(provider: ec2.NatInstanceProviderV2, network: NetworkConfig): void {
  provider.connections.allowFrom(ec2.Peer.ipv4(network.vpcCidr), ec2.Port.allTraffic(), 'egress of nodes and load balancers');
  provider.connections.allowFrom(ec2.Peer.ipv4(network.podCidr), ec2.Port.allTraffic(), 'egress of pods (secondary CIDR)');
  for (const instance of provider.gatewayInstances) {
    const cfn = instance.instance;
    cfn.metadataOptions = { httpTokens: 'required', httpEndpoint: 'enabled', httpPutResponseHopLimit: 1 };
    // The Amazon Linux 2023 root device; the size is the image's.
    cfn.blockDeviceMappings = [{ deviceName: '/dev/xvda', ebs: { encrypted: true, volumeType: 'gp3', deleteOnTermination: true } }];
    acknowledge(
      instance,
      {
        id: 'AwsSolutions-EC28',
        reason:
          'Detailed monitoring would cost about as much as the t4g NAT instance itself; the basic 5-minute metrics and the status checks that drive its automatic recovery are enough for a non-prod NAT',
      },
      {
        id: 'AwsSolutions-EC29',
        reason:
          'CloudFormation replaces the NAT instance when a newer Amazon Linux image arrives and deletes it on teardown; termination protection would block both. Prod stages use NAT gateways',
      },
    );
  }
}
