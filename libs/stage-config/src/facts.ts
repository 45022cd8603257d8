import { KUBERNETES_CALENDAR } from './kubernetes-calendar';

/**
 * AWS facts the stage rules check against. Synthesis is hermetic (no AWS calls), so these live here
 * instead of being looked up; update them when AWS changes (each list says where it comes from).
 */

/**
 * Commercial regions and their availability-zone letters (EC2 `describe-availability-zones`; note
 * the gaps: ca-central-1 has no `c`, ap-northeast-1 no `b`).
 */
export const REGION_AZ_LETTERS: Readonly<Record<string, string>> = {
  'us-east-1': 'abcdef',
  'us-east-2': 'abc',
  'us-west-1': 'abc',
  'us-west-2': 'abcd',
  'ca-central-1': 'abd',
  'ca-west-1': 'abc',
  'eu-west-1': 'abc',
  'eu-west-2': 'abc',
  'eu-west-3': 'abc',
  'eu-central-1': 'abc',
  'eu-central-2': 'abc',
  'eu-north-1': 'abc',
  'eu-south-1': 'abc',
  'eu-south-2': 'abc',
  'ap-northeast-1': 'acd',
  'ap-northeast-2': 'abcd',
  'ap-northeast-3': 'abc',
  'ap-southeast-1': 'abc',
  'ap-southeast-2': 'abc',
  'ap-southeast-3': 'abc',
  'ap-southeast-4': 'abc',
  'ap-south-1': 'abc',
  'ap-south-2': 'abc',
  'ap-east-1': 'abc',
  'sa-east-1': 'abc',
  'me-south-1': 'abc',
  'me-central-1': 'abc',
  'af-south-1': 'abc',
  'il-central-1': 'abc',
};

export const REGIONS = Object.keys(REGION_AZ_LETTERS);

/**
 * Regions with an availability zone where EKS cannot place the control plane (use1-az3, usw1-az2,
 * cac1-az3: https://docs.aws.amazon.com/eks/latest/userguide/network-reqs.html). AZ *names* map to different physical AZ *ids* in every
 * account, so no name can be ruled out from here: in these regions the stage file must list its AZs
 * explicitly (checked by the operator against the account's name -> id mapping), no default is guessed.
 */
export const EKS_RESTRICTED_AZ_IDS: Readonly<Record<string, string>> = {
  'us-east-1': 'use1-az3',
  'us-west-1': 'usw1-az2',
  'ca-central-1': 'cac1-az3',
};

/** Kubernetes versions EKS offers for new clusters (standard or extended support): the release calendar's. */
export const KUBERNETES_VERSIONS: readonly string[] = KUBERNETES_CALENDAR.versions.map((r) => r.version);

/**
 * Aurora PostgreSQL minor versions from which Serverless v2 may scale to 0 ACUs (auto-pause); lower
 * versions reject `MinCapacity: 0` at deploy time.
 */
export const AUTO_PAUSE_MIN_ENGINE: Readonly<Record<number, number>> = { 13: 15, 14: 12, 15: 7, 16: 3, 17: 1 };

/** Interface endpoints a stage may request (`s3` is the gateway endpoint, always created). */
export const VPC_ENDPOINTS = [
  's3',
  'ecr.api',
  'ecr.dkr',
  'sts',
  'logs',
  'secretsmanager',
  'eks',
  'eks-auth',
  'ec2',
  'elasticloadbalancing',
] as const;

/**
 * Interface endpoints a stage without NAT gateways (no internet egress) needs besides the S3 gateway
 * endpoint: image pulls from ECR (API and registry; layers come through S3), STS and EKS Pod
 * Identity (`eks-auth`) for the workload roles, Secrets Manager for External Secrets
 * (https://docs.aws.amazon.com/eks/latest/userguide/private-clusters.html).
 */
export const NO_EGRESS_ENDPOINTS = ['ecr.api', 'ecr.dkr', 'sts', 'eks-auth', 'secretsmanager'] as const;

/** AWS resource-name limits of the names derived from a stage name (see `STAGE_NAME_BOUNDS`). */
export const AWS_NAME_LIMITS = {
  cloudFormationStack: 128,
  iamRole: 64,
  cognitoIdpName: 32,
  cognitoDomainPrefix: 63,
  eksCluster: 100,
  dnsLabel: 63,
  secretsManagerName: 512,
  githubEnvironment: 255,
} as const;

/** Words Cognito refuses anywhere in a user pool domain prefix (Cognito developer guide, "Using the Cognito domain"). */
export const COGNITO_DOMAIN_RESERVED_WORDS = ['aws', 'amazon', 'cognito'] as const;

/** Tag limits (AWS tagging rules): keys 1-128 characters, values 0-256, at most 50 tags per resource. */
export const TAG_LIMITS = { key: 128, value: 256, count: 50 } as const;
