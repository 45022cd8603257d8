/**
 * The normalized, validated configuration of one stage: what `loadStages` returns once a stage
 * file has been parsed, validated and had its defaults filled in. Every field is present here
 * (optional fields of the file are resolved to their defaults), so consumers never re-apply
 * defaults. Constructs take narrow slices of it (`StageConfig['network']`, ...).
 *
 * The file format (what a platform engineer writes) and every default are stated once, in the
 * schema (schema.ts); docs/stage-file.md is generated from it.
 */
export interface StageConfig {
  /** Stage name: the file name of `environments/<name>.yaml`. Lowercase letters, digits, hyphens. */
  readonly name: string;
  /** Where the stage was loaded from (repo-relative path), for messages. */
  readonly sourceFile: string;
  /** 12-digit AWS account id, kept as a string (leading zeros matter). */
  readonly accountId: string;
  /** AWS region, e.g. `us-west-2`. */
  readonly region: string;
  /** Production stage: termination protection, deletion protection, longer backups, stricter rules. */
  readonly isProd: boolean;
  readonly domain: DomainConfig;
  readonly oidcConfig: OidcConfig;
  readonly network: NetworkConfig;
  readonly database: DatabaseConfig;
  readonly compute: ComputeConfig;
  readonly cluster: ClusterConfig;
  readonly ingress: IngressConfig;
  readonly deploy: DeployConfig;
  readonly deployability: DeployabilityConfig;
  /** Extra tags on every resource of the stage (the `stage` tag is always added). */
  readonly tags: Readonly<Record<string, string>>;
}

export interface DomainConfig {
  /** Parent DNS zone name, e.g. `metaflow.example.com`. The stage host is `<stage>.<parent>`. */
  readonly parentDomain: string;
  /** How the stage zone is delegated from the parent zone. */
  readonly delegation: SameAccountDelegation | CrossAccountDelegation | ManualDelegation;
}

/** The parent zone lives in the stage's own account: NS records are written directly. */
export interface SameAccountDelegation {
  readonly mode: 'same-account';
  /** Hosted zone id of the parent zone, e.g. `Z0123456789ABCDEFGHIJ`. */
  readonly parentHostedZoneId: string;
}

/** The parent zone lives in another account that grants a delegation role. */
export interface CrossAccountDelegation {
  readonly mode: 'cross-account';
  readonly parentHostedZoneId: string;
  /** Role in the parent zone's account allowed to write the NS record (`grantDelegation`). */
  readonly delegationRoleArn: string;
}

/** Nobody writes the NS records automatically: the operator adds them (outputs list the servers). */
export interface ManualDelegation {
  readonly mode: 'manual';
}

export interface OidcConfig {
  /** Client id registered with the company IdP. */
  readonly clientId: string;
  /** Cognito identity provider name (3-32 characters). */
  readonly idpProviderName: string;
  /** The company IdP's issuer URL (https). */
  readonly issuerUrl: string;
  /** IdP groups whose members may log in. Empty means every authenticated user of the IdP. */
  readonly allowedGroups: readonly string[];
  /** Claim of the IdP's ID token that carries the groups. */
  readonly groupsClaim: string;
  /** Scopes requested from the IdP. */
  readonly scopes: readonly string[];
  /** The IdP's IAM principals that may assume the kill-switch role (besides the stage account). */
  readonly killSwitchPrincipals: readonly string[];
}

export type VpcEndpointName =
  's3' | 'ecr.api' | 'ecr.dkr' | 'sts' | 'logs' | 'secretsmanager' | 'eks' | 'eks-auth' | 'ec2' | 'elasticloadbalancing';

export type NatType = 'gateway' | 'instance';

export type NatInstanceType = 't4g.nano' | 't4g.micro' | 't4g.small';

export interface NetworkConfig {
  /** Primary VPC CIDR (nodes, load balancers, database). */
  readonly vpcCidr: string;
  /** Secondary CIDR for pod addresses. */
  readonly podCidr: string;
  /** Availability zones (2-3, in the stage's region). */
  readonly availabilityZones: readonly string[];
  /** NAT gateways or instances (0 = no egress to the internet, 1 = shared, one per AZ for HA). */
  readonly natGateways: number;
  /** What provides the egress: managed NAT gateways (required on prod) or NAT instances. */
  readonly natType: NatType;
  /** EC2 instance type of the NAT instances (`natType: instance`). */
  readonly natInstanceType: NatInstanceType;
  /** VPC endpoints to create. The S3 gateway endpoint is always present. */
  readonly vpcEndpoints: readonly VpcEndpointName[];
  /** VPC flow logs to CloudWatch Logs (required on prod). */
  readonly flowLogs: boolean;
}

export interface DatabaseConfig {
  /** Aurora Serverless v2 minimum ACUs; 0 lets the cluster auto-pause when no client holds a connection. */
  readonly minCapacity: number;
  /** Aurora Serverless v2 maximum ACUs. */
  readonly maxCapacity: number;
  /** Seconds of inactivity before auto-pause, when `minCapacity` is 0. */
  readonly secondsUntilAutoPause: number;
  /** Backup retention in days. */
  readonly backupRetentionDays: number;
  /** Aurora PostgreSQL engine version. */
  readonly engineVersion: string;
}

export type CapacityType = 'on-demand' | 'spot';

export interface NodePoolConfig {
  /** EC2 instance families (`eks.amazonaws.com/instance-family`), e.g. `m7i`. */
  readonly instanceFamilies: readonly string[];
  readonly capacityTypes: readonly CapacityType[];
  /** Pool limit on total vCPUs. */
  readonly maxCpu: number;
  /** Pool limit on total memory, in GiB. */
  readonly maxMemoryGiB: number;
}

export interface GpuNodePoolConfig extends NodePoolConfig {
  /** Pool limit on total GPUs (`nvidia.com/gpu`). */
  readonly maxGpus: number;
}

export interface ComputeConfig {
  readonly cpu: NodePoolConfig;
  /** GPU pool, tainted `nvidia.com/gpu:NoSchedule`. Absent when the stage has no GPU pool. */
  readonly gpu?: GpuNodePoolConfig;
}

export type AccessScope = 'admin' | 'edit' | 'view';

export interface AccessPrincipal {
  /** IAM role or user ARN. */
  readonly arn: string;
  /** Kubernetes access: admin (cluster-admin), edit or view. */
  readonly access: AccessScope;
  /** Limit `edit`/`view` to these namespaces; empty means cluster-wide. */
  readonly namespaces: readonly string[];
}

export interface ClusterConfig {
  /** EKS Kubernetes version. */
  readonly kubernetesVersion: string;
  /** Principals given access entries (the deploy role is always admin). */
  readonly accessPrincipals: readonly AccessPrincipal[];
  /** Whether the EKS API endpoint is reachable from the internet. */
  readonly publicEndpoint: boolean;
  /** Source CIDRs allowed to reach the public endpoint. */
  readonly publicAccessCidrs: readonly string[];
}

export interface IngressConfig {
  /** Source CIDRs allowed to reach the stage's load balancer. */
  readonly allowedCidrs: readonly string[];
}

export interface DeployabilityConfig {
  /** Deployability findings accepted on purpose: `<rule>` or `<rule>[<stack kind>/<logical id>]`, with the reason. */
  readonly acknowledge: readonly { readonly id: string; readonly reason: string }[];
}

export interface DeployConfig {
  /** Role GitHub Actions assumes through OIDC. */
  readonly roleArn: string;
  /** GitHub environment the deploy job runs in. */
  readonly githubEnvironment: string;
  /** The in-VPC CodeBuild runner `mfctl sync` runs on (private Kubernetes API); absent: a GitHub-hosted runner. */
  readonly syncRunner?: SyncRunnerConfig;
}

export interface SyncRunnerConfig {
  /** `owner/name` of the GitHub repository whose workflow jobs the runner takes. */
  readonly repository: string;
  /** AWS CodeConnections connection to GitHub. */
  readonly connectionArn: string;
}
