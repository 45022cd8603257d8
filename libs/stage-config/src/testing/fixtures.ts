import { StageConfig } from '../stage-config';
import { defaultOidcName, deployRoleName } from '../naming';

type DeepPartial<T> = { -readonly [K in keyof T]?: T[K] extends readonly unknown[] ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K] };

/**
 * A normalized StageConfig for tests that need one without a stage file (construct and chart
 * tests). Values mirror environments/example.yaml; pass overrides for prod, GPU, delegation, etc.
 */
export function makeStageConfig(overrides: DeepPartial<StageConfig> = {}): StageConfig {
  const name = overrides.name ?? 'example';
  const accountId = overrides.accountId ?? '111111111111';
  const region = overrides.region ?? 'us-west-2';
  const isProd = overrides.isProd ?? false;
  const base: StageConfig = {
    name,
    sourceFile: `environments/${name}.yaml`,
    accountId,
    region,
    isProd,
    domain: {
      parentDomain: 'metaflow.example.com',
      delegation: { mode: 'same-account', parentHostedZoneId: 'Z0000000000EXAMPLE000' },
    },
    oidcConfig: {
      clientId: defaultOidcName(name),
      idpProviderName: defaultOidcName(name),
      issuerUrl: 'https://idp.example.com',
      allowedGroups: ['ml-platform'],
      groupsClaim: 'groups',
      scopes: ['openid', 'email', 'profile'],
    },
    network: {
      vpcCidr: '10.0.0.0/16',
      podCidr: '100.64.0.0/16',
      availabilityZones: [`${region}a`, `${region}b`, `${region}c`],
      natGateways: isProd ? 3 : 1,
      vpcEndpoints: ['s3'],
    },
    database: {
      minCapacity: isProd ? 0.5 : 0,
      maxCapacity: 4,
      secondsUntilAutoPause: 600,
      backupRetentionDays: isProd ? 30 : 7,
      engineVersion: '16.6',
    },
    compute: {
      cpu: { instanceFamilies: ['m7i', 'c7i', 'r7i'], capacityTypes: ['on-demand', 'spot'], maxCpu: 256, maxMemoryGiB: 1024 },
    },
    cluster: { kubernetesVersion: '1.34', accessPrincipals: [], publicEndpoint: !isProd },
    ingress: { allowedCidrs: ['0.0.0.0/0'] },
    deploy: {
      roleArn: `arn:aws:iam::${accountId}:role/${deployRoleName(name)}`,
      githubEnvironment: name,
    },
    tags: {},
  };
  return merge(base, overrides) as StageConfig;
}

function merge(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (Array.isArray(over) || typeof over !== 'object' || over === null) return over;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(over)) out[k] = merge((base as Record<string, unknown>)?.[k], v);
  return out;
}
