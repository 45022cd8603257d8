import { OUTPUTS, OutputName, RawStackOutputs, StageOutputs, readStageOutputs, stackName } from '@metaflow-gitops/stage-config';

/** Deployed-looking outputs of a stage (shapes as the stacks emit them), for chart tests. */
export function sampleOutputs(stage: string, accountId = '111111111111', region = 'us-west-2'): StageOutputs {
  const pool = `${region}_AbCdEf123`;
  const issuer = `https://cognito-idp.${region}.amazonaws.com/${pool}`;
  const values: Record<OutputName, string> = {
    vpcId: 'vpc-0123456789abcdef0',
    privateSubnetIds: 'subnet-0aaa0000000000001,subnet-0aaa0000000000002,subnet-0aaa0000000000003',
    podSubnetIds: 'subnet-0bbb0000000000001,subnet-0bbb0000000000002,subnet-0bbb0000000000003',
    hostedZoneId: 'Z0123456789STAGEZONE',
    hostedZoneName: `${stage}.metaflow.example.com`,
    nameServers: 'ns-1.awsdns-01.org,ns-2.awsdns-02.co.uk',
    certificateArn: `arn:aws:acm:${region}:${accountId}:certificate/0f0e0d0c-0b0a-0908-0706-050403020100`,
    databaseEndpoint: `metaflow-${stage}.cluster-abcdefghijkl.${region}.rds.amazonaws.com`,
    databasePort: '5432',
    databaseName: 'metaflow',
    databaseSecretArn: `arn:aws:secretsmanager:${region}:${accountId}:secret:metaflow/${stage}/database-AbCdEf`,
    databaseClusterIdentifier: `metaflow-${stage}`,
    artifactBucketName: `metaflow-${stage}-${accountId}-artifacts`,
    userPoolId: pool,
    issuerUrl: issuer,
    jwksUri: `${issuer}/.well-known/jwks.json`,
    cognitoDomain: `https://metaflow-${stage}-${accountId}.auth.${region}.amazoncognito.com`,
    gatewayClientId: '1example23456789gatewayclient',
    gatewayClientSecretArn: `arn:aws:secretsmanager:${region}:${accountId}:secret:metaflow/${stage}/gateway-client-XyZ123`,
    cliClientId: '7example23456789cliclient000',
    federateClientId: `metaflow-${stage}`,
    federateRedirectUri: `https://metaflow-${stage}-${accountId}.auth.${region}.amazoncognito.com/oauth2/idpresponse`,
    federateSecretStoreCommand: 'aws secretsmanager put-secret-value --secret-id x --secret-string <YOUR_SECRET>',
    federateCognitoUpdateCommand: 'aws cognito-idp update-identity-provider --user-pool-id x',
    federateKillSwitchRoleArn: `arn:aws:iam::${accountId}:role/metaflow-${stage}-killswitch`,
    clusterName: `metaflow-${stage}`,
    clusterEndpoint: 'https://ABCDEF0123456789.gr7.us-west-2.eks.amazonaws.com',
    clusterCertificateAuthorityData: Buffer.from('-----BEGIN CERTIFICATE-----\nMIIBexample\n-----END CERTIFICATE-----\n').toString(
      'base64',
    ),
    clusterArn: `arn:aws:eks:${region}:${accountId}:cluster/metaflow-${stage}`,
    nodeRoleArn: `arn:aws:iam::${accountId}:role/metaflow-${stage}-node`,
    dataScientistRoleArn: `arn:aws:iam::${accountId}:role/metaflow-${stage}-data-scientist`,
    uiUrl: `https://${stage}.metaflow.example.com/`,
    apiUrl: `https://${stage}.metaflow.example.com/api/`,
    serviceUrl: `https://${stage}.metaflow.example.com/cli/`,
    discoveryUrl: `https://${stage}.metaflow.example.com/.well-known/metaflow-gitops.json`,
    allowedCidrs: '0.0.0.0/0',
    loadBalancerSecurityGroupId: 'sg-0123456789abcdef0',
  };
  const raw: RawStackOutputs = {};
  for (const [name, spec] of Object.entries(OUTPUTS)) {
    const stack = stackName(stage, spec.stack);
    raw[stack] = { ...raw[stack], [spec.outputKey]: values[name as OutputName] };
  }
  return readStageOutputs(stage, raw);
}
