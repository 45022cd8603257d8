import * as cdk from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { OUTPUTS, OutputName, StackKind, StageConfig, clusterName, stackName, stageHost } from '@metaflow-gitops/stage-config';

/**
 * A small stand-in for the six stage stacks, for delivery tests: native resources the emulator
 * models, the same stack names, the same dependency shape (vpc, dns | data <- vpc, auth <- dns |
 * eks <- vpc, data | ingress <- eks, dns) through real cross-stack references, every output of the
 * OUTPUTS contract, and a retained, versioned bucket like the Data stack's.
 */
export function buildFixtureStage(app: cdk.App, config: StageConfig): Record<StackKind, cdk.Stack> {
  const env = { account: config.accountId, region: config.region };
  const mk = (kind: StackKind) => new cdk.Stack(app, stackName(config.name, kind), { env, terminationProtection: config.isProd });
  const out = (stack: cdk.Stack, name: OutputName, value: string) => new cdk.CfnOutput(stack, OUTPUTS[name].outputKey, { value });

  const vpcStack = mk('vpc');
  const vpc = new ec2.CfnVPC(vpcStack, 'Vpc', { cidrBlock: config.network.vpcCidr });
  const subnet = new ec2.CfnSubnet(vpcStack, 'Private', { vpcId: vpc.ref, cidrBlock: config.network.vpcCidr.replace(/\.0\.0\/16$/, '.0.0/20'), availabilityZone: config.network.availabilityZones[0] });
  out(vpcStack, 'vpcId', vpc.ref);
  out(vpcStack, 'privateSubnetIds', subnet.ref);
  out(vpcStack, 'podSubnetIds', subnet.ref);

  const dnsStack = mk('dns');
  const host = stageHost(config.name, config.domain.parentDomain);
  const zone = new route53.CfnHostedZone(dnsStack, 'Zone', { name: host });
  out(dnsStack, 'hostedZoneId', zone.ref);
  out(dnsStack, 'hostedZoneName', host);
  // moto does not model the zone's NameServers attribute (every output of the stack then goes missing).
  out(dnsStack, 'nameServers', 'ns-1.fixture.example,ns-2.fixture.example');
  out(dnsStack, 'certificateArn', `arn:aws:acm:${config.region}:${config.accountId}:certificate/fixture`);

  const dataStack = mk('data');
  const dbSg = new ec2.CfnSecurityGroup(dataStack, 'DatabaseSg', { groupDescription: 'database', vpcId: vpc.ref });
  const bucket = new s3.Bucket(dataStack, 'ArtifactBucket', { versioned: true, removalPolicy: cdk.RemovalPolicy.RETAIN });
  out(dataStack, 'databaseEndpoint', `${config.name}.cluster.${config.region}.rds.amazonaws.com`);
  out(dataStack, 'databasePort', '5432');
  out(dataStack, 'databaseName', 'metaflow');
  out(dataStack, 'databaseSecretArn', `arn:aws:secretsmanager:${config.region}:${config.accountId}:secret:fixture`);
  out(dataStack, 'databaseClusterIdentifier', dbSg.attrGroupId);
  out(dataStack, 'artifactBucketName', bucket.bucketName);

  const authStack = mk('auth');
  const killSwitch = new iam.CfnRole(authStack, 'KillSwitchRole', {
    assumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'cognito-idp.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
    tags: [{ key: 'zone', value: zone.ref }],
  });
  for (const name of ['userPoolId', 'issuerUrl', 'jwksUri', 'cognitoDomain', 'gatewayClientId', 'gatewayClientSecretArn', 'cliClientId', 'federateClientId', 'federateRedirectUri', 'federateSecretStoreCommand', 'federateCognitoUpdateCommand'] as const) {
    out(authStack, name, `fixture-${name}`);
  }
  out(authStack, 'federateKillSwitchRoleArn', killSwitch.attrArn);

  const eksStack = mk('eks');
  const nodeRole = new iam.CfnRole(eksStack, 'NodeRole', {
    assumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
    policies: [{ policyName: 'artifacts', policyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: bucket.arnForObjects('*') }] } }],
  });
  const clusterSg = new ec2.CfnSecurityGroup(eksStack, 'ClusterSg', { groupDescription: 'cluster', vpcId: vpc.ref });
  out(eksStack, 'clusterName', clusterName(config.name));
  out(eksStack, 'clusterEndpoint', `https://${clusterName(config.name)}.eks.example`);
  out(eksStack, 'clusterArn', `arn:aws:eks:${config.region}:${config.accountId}:cluster/${clusterName(config.name)}`);
  out(eksStack, 'nodeRoleArn', nodeRole.attrArn);

  const ingressStack = mk('ingress');
  const lbSg = new ec2.CfnSecurityGroup(ingressStack, 'LoadBalancerSg', {
    groupDescription: 'gateway load balancer',
    vpcId: vpc.ref,
    securityGroupIngress: [{ ipProtocol: 'tcp', fromPort: 443, toPort: 443, sourceSecurityGroupId: clusterSg.attrGroupId }],
    tags: [{ key: 'zone', value: zone.ref }],
  });
  out(ingressStack, 'uiUrl', `https://${host}/`);
  out(ingressStack, 'apiUrl', `https://${host}/api/`);
  out(ingressStack, 'serviceUrl', `https://${host}/cli/`);
  out(ingressStack, 'discoveryUrl', `https://${host}/.well-known/metaflow-gitops.json`);
  out(ingressStack, 'allowedCidrs', config.ingress.allowedCidrs.join(','));
  out(ingressStack, 'loadBalancerSecurityGroupId', lbSg.attrGroupId);

  return { vpc: vpcStack, dns: dnsStack, data: dataStack, auth: authStack, eks: eksStack, ingress: ingressStack };
}
