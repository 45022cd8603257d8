import { EKS_RESTRICTED_AZ_IDS, REGION_AZ_LETTERS } from './facts';
import { defaultOidcName, deployRoleName } from './naming';
import type {
  AccessPrincipal,
  ComputeConfig,
  DomainConfig,
  GpuNodePoolConfig,
  NodePoolConfig,
  StageConfig,
  VpcEndpointName,
} from './stage-config';
import { isPlainObject } from './private/yaml-positions';

type Raw = Record<string, unknown>;

const obj = (v: unknown): Raw => (isPlainObject(v) ? v : {});
const pick = <T>(v: unknown, fallback: T): T => (v === undefined || v === null ? fallback : (v as T));

/**
 * Default availability zones: the region's first three zones. None for the regions where EKS cannot
 * use every zone (facts.ts: `EKS_RESTRICTED_AZ_IDS`): there the file must list them.
 */
export function defaultAvailabilityZones(region: string): string[] {
  const letters = REGION_AZ_LETTERS[region];
  if (!letters || EKS_RESTRICTED_AZ_IDS[region]) return [];
  return [...letters.slice(0, 3)].map((l) => `${region}${l}`);
}

const CPU_POOL_DEFAULTS: NodePoolConfig = {
  instanceFamilies: ['m7i', 'c7i', 'r7i'],
  capacityTypes: ['on-demand', 'spot'],
  maxCpu: 256,
  maxMemoryGiB: 1024,
};
const GPU_POOL_DEFAULTS: GpuNodePoolConfig = {
  instanceFamilies: ['g6', 'g5'],
  capacityTypes: ['on-demand'],
  maxCpu: 192,
  maxMemoryGiB: 1536,
  maxGpus: 8,
};

function nodePool<T extends NodePoolConfig>(raw: Raw, defaults: T): T {
  const out: Record<string, unknown> = { ...(defaults as object) };
  for (const key of Object.keys(defaults)) if (raw[key] !== undefined && raw[key] !== null) out[key] = raw[key];
  return out as T;
}

/**
 * Fills the defaults of a stage file (already checked against the schema: values of the wrong type
 * have been removed) and returns the typed `StageConfig`. The defaults are the ones documented in
 * the schema (schema.ts) and in `StageConfig`'s doc comments. Required fields that are missing come
 * out empty; the caller has reported them and does not hand such a stage out.
 */
export function normalizeStage(name: string, sourceFile: string, input: unknown): StageConfig {
  const raw = obj(input);
  const accountId = pick(raw.accountId, '');
  const region = pick(raw.region, '');
  const isProd = pick(raw.isProd, false);

  const domainRaw = obj(raw.domain);
  const delegationRaw = obj(domainRaw.delegation);
  const mode = pick<DomainConfig['delegation']['mode']>(delegationRaw.mode, 'manual');
  const delegation: DomainConfig['delegation'] =
    mode === 'same-account'
      ? { mode, parentHostedZoneId: pick(delegationRaw.parentHostedZoneId, '') }
      : mode === 'cross-account'
        ? {
            mode,
            parentHostedZoneId: pick(delegationRaw.parentHostedZoneId, ''),
            delegationRoleArn: pick(delegationRaw.delegationRoleArn, ''),
          }
        : { mode: 'manual' };

  const oidc = obj(raw.oidcConfig);
  const network = obj(raw.network);
  const availabilityZones = pick<string[]>(network.availabilityZones, defaultAvailabilityZones(region));
  const database = obj(raw.database);
  const computeRaw = obj(raw.compute);
  const compute: ComputeConfig = {
    cpu: nodePool(obj(computeRaw.cpu), CPU_POOL_DEFAULTS),
    ...(isPlainObject(computeRaw.gpu) ? { gpu: nodePool(computeRaw.gpu, GPU_POOL_DEFAULTS) } : {}),
  };
  const cluster = obj(raw.cluster);
  const accessPrincipals = pick<unknown[]>(cluster.accessPrincipals, []).map((p): AccessPrincipal => {
    const r = obj(p);
    return { arn: pick(r.arn, ''), access: pick(r.access, 'view'), namespaces: pick(r.namespaces, []) };
  });
  const deploy = obj(raw.deploy);

  return {
    name,
    sourceFile,
    accountId,
    region,
    isProd,
    domain: { parentDomain: pick(domainRaw.parentDomain, ''), delegation },
    oidcConfig: {
      clientId: pick(oidc.clientId, defaultOidcName(name)),
      idpProviderName: pick(oidc.idpProviderName, defaultOidcName(name)),
      issuerUrl: pick(oidc.issuerUrl, ''),
      allowedGroups: pick(oidc.allowedGroups, []),
      groupsClaim: pick(oidc.groupsClaim, 'groups'),
      scopes: pick(oidc.scopes, ['openid', 'email', 'profile']),
    },
    network: {
      vpcCidr: pick(network.vpcCidr, '10.0.0.0/16'),
      podCidr: pick(network.podCidr, '100.64.0.0/16'),
      availabilityZones,
      natGateways: pick(network.natGateways, isProd ? availabilityZones.length : 1),
      vpcEndpoints: pick<VpcEndpointName[]>(network.vpcEndpoints, ['s3']),
    },
    database: {
      minCapacity: pick(database.minCapacity, isProd ? 0.5 : 0),
      maxCapacity: pick(database.maxCapacity, 4),
      secondsUntilAutoPause: pick(database.secondsUntilAutoPause, 600),
      backupRetentionDays: pick(database.backupRetentionDays, isProd ? 30 : 7),
      engineVersion: pick(database.engineVersion, '16.6'),
    },
    compute,
    cluster: {
      kubernetesVersion: pick(cluster.kubernetesVersion, '1.34'),
      accessPrincipals,
      publicEndpoint: pick(cluster.publicEndpoint, !isProd),
    },
    ingress: { allowedCidrs: pick(obj(raw.ingress).allowedCidrs, ['0.0.0.0/0']) },
    deploy: {
      roleArn: pick(deploy.roleArn, `arn:aws:iam::${accountId}:role/${deployRoleName(name)}`),
      githubEnvironment: pick(deploy.githubEnvironment, name),
    },
    tags: pick(raw.tags, {}),
  };
}
