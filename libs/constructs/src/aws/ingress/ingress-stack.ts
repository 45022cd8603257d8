import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { DISCOVERY_PATH, IngressConfig, STAGE_PATHS, stageHost } from '@metaflow-gitops/stage-config';
import { addStackOutputs } from '../private/stack-outputs';
import { StageStack, StageStackProps } from '../private/stage-stack';
import { assertStageInvariant } from '../private/stage-invariant';
import { acknowledge } from '../private/nag';

export interface IngressStackProps extends StageStackProps {
  readonly ingress: IngressConfig;
  readonly parentDomain: string;
  readonly vpc: ec2.IVpc;
  /** The cluster whose nodes (and pods) the load balancer forwards to. */
  readonly cluster: eks.ICluster;
  /** Dns stack: the stage zone the certificate is validated in. */
  readonly zone: route53.IHostedZone;
}

const HTTPS = 443;

/**
 * The AWS side of ingress: the security group the gateway's NLB gets (only the stage's allowed
 * source CIDRs on 443), the rule letting that load balancer reach the cluster, the DNS-validated
 * certificate for the stage host and its wildcard, and the stage URLs. The certificate is here, in
 * the last wave, not in the Dns stack: its validation waits until the stage zone is delegated, and
 * with manual delegation nobody can delegate before the Dns stack has given the name servers.
 * The NLB itself is created by Auto Mode from the gateway's LoadBalancer Service (manifests), with
 * this group and this certificate; ExternalDNS's role lives with the other workload identities in
 * the Eks stack.
 */
export class IngressStack extends StageStack {
  readonly loadBalancerSecurityGroup: ec2.ISecurityGroup;

  constructor(scope: Construct, props: IngressStackProps) {
    super(scope, 'ingress', { ...props, description: `Metaflow stage ${props.stage.name}: load balancer access, certificate and URLs` });
    const { ingress, stage } = props;
    assertStageInvariant(ingress.allowedCidrs.length > 0, 'ingress.allowedCidrs is empty: nobody could reach the stage');
    const host = stageHost(stage.name, props.parentDomain);

    const sg = new ec2.SecurityGroup(this, 'LoadBalancerSecurityGroup', {
      vpc: props.vpc,
      description: `Metaflow ${stage.name} gateway NLB: HTTPS from the allowed CIDRs`,
      allowAllOutbound: false,
    });
    for (const cidr of ingress.allowedCidrs) sg.addIngressRule(ec2.Peer.ipv4(cidr), ec2.Port.tcp(HTTPS), `HTTPS from ${cidr}`);
    sg.addEgressRule(ec2.Peer.securityGroupId(props.cluster.clusterSecurityGroupId), ec2.Port.allTcp(), 'to the gateway pods');
    this.loadBalancerSecurityGroup = sg;
    if (ingress.allowedCidrs.some((c) => c === '0.0.0.0/0')) {
      acknowledge(sg, {
        id: 'AwsSolutions-EC23',
        reason: 'The stage file opens the UI and API to the internet; every request is authenticated at the gateway (OIDC or Cognito JWT)',
      });
    }

    new ec2.CfnSecurityGroupIngress(this, 'ClusterFromLoadBalancer', {
      groupId: props.cluster.clusterSecurityGroupId,
      sourceSecurityGroupId: sg.securityGroupId,
      ipProtocol: 'tcp',
      fromPort: 0,
      toPort: 65535,
      description: 'Gateway NLB to the envoy pods (IP targets)',
    });

    const certificate = new acm.Certificate(this, 'Certificate', {
      domainName: host,
      subjectAlternativeNames: [`*.${host}`],
      validation: acm.CertificateValidation.fromDns(props.zone),
    });

    const url = (path: string) => `https://${host}${path}`;
    addStackOutputs(this, 'ingress', {
      uiUrl: url(STAGE_PATHS.ui),
      apiUrl: url(STAGE_PATHS.api),
      serviceUrl: url(STAGE_PATHS.cli),
      discoveryUrl: url(DISCOVERY_PATH),
      allowedCidrs: ingress.allowedCidrs.join(','),
      loadBalancerSecurityGroupId: sg.securityGroupId,
      certificateArn: certificate.certificateArn,
    });
  }
}
