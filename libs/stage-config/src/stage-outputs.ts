import { STACK_KINDS, StackKind, stackName } from './naming';

/**
 * The contract between the stacks and everything downstream (manifests, delivery, reports): which
 * CloudFormation output of which stack carries each value. The infra stacks emit exactly these
 * outputs (`OUTPUTS[key].stack` / `.outputKey`); `mfctl deploy` writes them to
 * `dist/outputs/<stage>.json` as `{ "<stackName>": { "<OutputKey>": "value" } }` (the same shape as
 * `cdk deploy --outputs-file`); the manifests read them back with `readStageOutputs`.
 */
export const OUTPUTS = {
  vpcId: { stack: 'vpc', outputKey: 'VpcId', description: 'VPC id' },
  privateSubnetIds: { stack: 'vpc', outputKey: 'PrivateSubnetIds', description: 'Private subnet ids (comma-separated)' },
  podSubnetIds: { stack: 'vpc', outputKey: 'PodSubnetIds', description: 'Pod subnet ids in the secondary CIDR (comma-separated)' },

  hostedZoneId: { stack: 'dns', outputKey: 'HostedZoneId', description: 'Stage hosted zone id' },
  hostedZoneName: { stack: 'dns', outputKey: 'HostedZoneName', description: 'Stage hosted zone name (the stage host)' },
  nameServers: { stack: 'dns', outputKey: 'NameServers', description: 'Name servers of the stage zone (comma-separated)' },

  databaseEndpoint: { stack: 'data', outputKey: 'DatabaseEndpoint', description: 'Aurora cluster writer endpoint' },
  databasePort: { stack: 'data', outputKey: 'DatabasePort', description: 'Aurora port' },
  databaseName: { stack: 'data', outputKey: 'DatabaseName', description: 'Database name' },
  databaseSecretArn: { stack: 'data', outputKey: 'DatabaseSecretArn', description: 'Secrets Manager ARN of the database credentials' },
  databaseClusterIdentifier: {
    stack: 'data',
    outputKey: 'DatabaseClusterIdentifier',
    description: 'Aurora cluster identifier (retained on teardown)',
  },
  artifactBucketName: { stack: 'data', outputKey: 'ArtifactBucketName', description: 'S3 artifact bucket (retained on teardown)' },

  userPoolId: { stack: 'auth', outputKey: 'UserPoolId', description: 'Cognito user pool id' },
  issuerUrl: { stack: 'auth', outputKey: 'IssuerUrl', description: 'OIDC issuer of the user pool' },
  jwksUri: { stack: 'auth', outputKey: 'JwksUri', description: 'JWKS of the user pool' },
  cognitoDomain: { stack: 'auth', outputKey: 'CognitoDomain', description: 'Hosted-UI base URL' },
  gatewayClientId: {
    stack: 'auth',
    outputKey: 'GatewayClientId',
    description: 'Confidential client used by the gateway for browser logins',
  },
  gatewayClientSecretArn: {
    stack: 'auth',
    outputKey: 'GatewayClientSecretArn',
    description: 'Secrets Manager ARN holding the gateway client secret',
  },
  cliClientId: { stack: 'auth', outputKey: 'CliClientId', description: 'Public PKCE client used by metaflow-login' },
  federateClientId: { stack: 'auth', outputKey: 'FederateClientId', description: 'Client id to register with the company IdP' },
  federateRedirectUri: { stack: 'auth', outputKey: 'FederateRedirectUri', description: 'Redirect URI to register with the company IdP' },
  federateSecretStoreCommand: {
    stack: 'auth',
    outputKey: 'FederateSecretStoreCommand',
    description: 'Stores the IdP client secret (substitute <YOUR_SECRET>)',
  },
  federateCognitoUpdateCommand: {
    stack: 'auth',
    outputKey: 'FederateCognitoUpdateCommand',
    description: 'Updates the Cognito IdP with the secret (substitute <YOUR_SECRET>)',
  },
  federateKillSwitchRoleArn: {
    stack: 'auth',
    outputKey: 'FederateKillSwitchRoleArn',
    description: "Role for the IdP's logout configuration",
  },

  clusterName: { stack: 'eks', outputKey: 'ClusterName', description: 'EKS cluster name' },
  clusterEndpoint: { stack: 'eks', outputKey: 'ClusterEndpoint', description: 'EKS API endpoint' },
  clusterCertificateAuthorityData: {
    stack: 'eks',
    outputKey: 'ClusterCertificateAuthorityData',
    description: 'Base64 CA certificate of the EKS API (public, for kubeconfig)',
  },
  clusterArn: { stack: 'eks', outputKey: 'ClusterArn', description: 'EKS cluster ARN' },
  nodeRoleArn: { stack: 'eks', outputKey: 'NodeRoleArn', description: 'Auto Mode node role' },
  dataScientistRoleArn: {
    stack: 'eks',
    outputKey: 'DataScientistRoleArn',
    description: 'Role metaflow-login users assume with their ID token (S3 prefixes, jobs namespace, task image registry)',
  },

  uiUrl: { stack: 'ingress', outputKey: 'UiUrl', description: 'Metaflow UI' },
  apiUrl: { stack: 'ingress', outputKey: 'ApiUrl', description: 'UI backend API' },
  serviceUrl: { stack: 'ingress', outputKey: 'ServiceUrl', description: 'Metadata service for the Metaflow CLI' },
  discoveryUrl: { stack: 'ingress', outputKey: 'DiscoveryUrl', description: 'Discovery document read by metaflow-login' },
  allowedCidrs: { stack: 'ingress', outputKey: 'AllowedCidrs', description: 'Source CIDRs allowed at the load balancer (comma-separated)' },
  certificateArn: { stack: 'ingress', outputKey: 'CertificateArn', description: 'ACM certificate for the stage host and its wildcard' },
  loadBalancerSecurityGroupId: {
    stack: 'ingress',
    outputKey: 'LoadBalancerSecurityGroupId',
    description: "Security group of the gateway's NLB",
  },
} as const satisfies Record<string, { stack: StackKind; outputKey: string; description: string }>;

export type OutputName = keyof typeof OUTPUTS;

/** The output names of one stack (`StackOutputName<'dns'>` is `'hostedZoneId' | ...`). */
export type StackOutputName<K extends StackKind> = { [N in OutputName]: (typeof OUTPUTS)[N]['stack'] extends K ? N : never }[OutputName];

/** The deployed outputs of one stage as a typed object. */
export type StageOutputs = { readonly [K in OutputName]: string };

/** Raw outputs as written to the outputs file: stack name -> output key -> value. */
export type RawStackOutputs = Record<string, Record<string, string>>;

/** Marker for values not known before the first deploy (pull requests render manifests with it). */
export const PLACEHOLDER_PREFIX = '<pending:';

export function placeholder(name: OutputName): string {
  return `${PLACEHOLDER_PREFIX}${name}>`;
}

export function isPlaceholder(value: string): boolean {
  return value.startsWith(PLACEHOLDER_PREFIX);
}

/** Outputs of a stage that is not deployed yet: every value a clearly marked placeholder. */
export function placeholderOutputs(): StageOutputs {
  const out: Record<string, string> = {};
  for (const name of Object.keys(OUTPUTS) as OutputName[]) out[name] = placeholder(name);
  return out as StageOutputs;
}

export class MissingOutputsError extends Error {
  constructor(
    readonly stage: string,
    readonly missing: readonly string[],
  ) {
    super(
      `outputs of stage '${stage}' are incomplete: missing ${missing.join(', ')}. ` +
        `Deploy the stage (mfctl deploy ${stage}) or render without --outputs to use placeholders.`,
    );
    this.name = 'MissingOutputsError';
  }
}

/** Reads a stage's typed outputs from raw stack outputs; throws listing every missing output. */
export function readStageOutputs(stage: string, raw: RawStackOutputs): StageOutputs {
  const out: Record<string, string> = {};
  const missing: string[] = [];
  for (const [name, spec] of Object.entries(OUTPUTS)) {
    const value = raw[stackName(stage, spec.stack)]?.[spec.outputKey];
    if (typeof value === 'string') out[name] = value;
    else missing.push(`${stackName(stage, spec.stack)}.${spec.outputKey}`);
  }
  if (missing.length > 0) throw new MissingOutputsError(stage, missing);
  return out as StageOutputs;
}

/** The output names each stack must emit. */
export function outputsOfStack(kind: StackKind): OutputName[] {
  return (Object.keys(OUTPUTS) as OutputName[]).filter((n) => OUTPUTS[n].stack === kind);
}

/** Documented path of a stage's outputs file, relative to the repo root. */
export function outputsFilePath(stage: string): string {
  return `dist/outputs/${stage}.json`;
}

export { STACK_KINDS };
