import { EKS_RESTRICTED_AZ_IDS, REGION_AZ_LETTERS } from './facts';
import { defaultOidcName, deployRoleName } from './naming';
import type {
  AccessPrincipal,
  ComputeConfig,
  DomainConfig,
  GpuNodePoolConfig,
  NatInstanceType,
  NatType,
  NodePoolConfig,
  StageConfig,
  VpcEndpointName,
} from './stage-config';
import { schemaDefault, schemaDefaults } from './schema-default';
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

function nodePool<T extends NodePoolConfig>(raw: Raw, defaults: T): T {
  const out: Record<string, unknown> = { ...(defaults as object) };
  for (const key of Object.keys(defaults)) if (raw[key] !== undefined && raw[key] !== null) out[key] = raw[key];
  return out as T;
}

/**
 * Fills the defaults of a stage file (already checked against the schema: values of the wrong type
 * have been removed) and returns the typed `StageConfig`. The defaults are read from the schema
 * (schema.ts, `schemaDefault`); only those computed from other fields (the stage name, the region,
 * the zones) are written here, and the schema's `x-defaultText` describes them. Required fields that
 * are missing come out empty; the caller has reported them and does not hand such a stage out.
 */
export function normalizeStage(name: string, sourceFile: string, input: unknown): StageConfig {
  const raw = obj(input);
  const accountId = pick(raw.accountId, '');
  const region = pick(raw.region, '');
  const isProd = pick(raw.isProd, schemaDefault<boolean>('isProd'));

  const domainRaw = obj(raw.domain);
  const delegationRaw = obj(domainRaw.delegation);
  const mode = pick(delegationRaw.mode, schemaDefault<DomainConfig['delegation']['mode']>('domain.delegation.mode'));
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
    cpu: nodePool(obj(computeRaw.cpu), schemaDefaults<NodePoolConfig>('compute.cpu')),
    ...(isPlainObject(computeRaw.gpu) ? { gpu: nodePool(computeRaw.gpu, schemaDefaults<GpuNodePoolConfig>('compute.gpu')) } : {}),
  };
  const cluster = obj(raw.cluster);
  const accessPrincipals = pick(cluster.accessPrincipals, schemaDefault<unknown[]>('cluster.accessPrincipals')).map(
    (p): AccessPrincipal => {
      const r = obj(p);
      return {
        arn: pick(r.arn, ''),
        access: pick(r.access, 'view'),
        namespaces: pick(r.namespaces, schemaDefault<string[]>('cluster.accessPrincipals[].namespaces')),
      };
    },
  );
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
      allowedGroups: pick(oidc.allowedGroups, schemaDefault<string[]>('oidcConfig.allowedGroups')),
      groupsClaim: pick(oidc.groupsClaim, schemaDefault<string>('oidcConfig.groupsClaim')),
      scopes: pick(oidc.scopes, schemaDefault<string[]>('oidcConfig.scopes')),
      killSwitchPrincipals: pick(oidc.killSwitchPrincipals, schemaDefault<string[]>('oidcConfig.killSwitchPrincipals')),
    },
    network: {
      vpcCidr: pick(network.vpcCidr, schemaDefault<string>('network.vpcCidr')),
      podCidr: pick(network.podCidr, schemaDefault<string>('network.podCidr')),
      availabilityZones,
      natGateways: pick(network.natGateways, isProd ? availabilityZones.length : schemaDefault<number>('network.natGateways')),
      natType: pick(network.natType, schemaDefault<NatType>('network.natType', isProd)),
      natInstanceType: pick(network.natInstanceType, schemaDefault<NatInstanceType>('network.natInstanceType')),
      vpcEndpoints: pick(network.vpcEndpoints, schemaDefault<VpcEndpointName[]>('network.vpcEndpoints')),
      flowLogs: pick(network.flowLogs, schemaDefault<boolean>('network.flowLogs', isProd)),
    },
    database: {
      minCapacity: pick(database.minCapacity, schemaDefault<number>('database.minCapacity', isProd)),
      maxCapacity: pick(database.maxCapacity, schemaDefault<number>('database.maxCapacity')),
      secondsUntilAutoPause: pick(database.secondsUntilAutoPause, schemaDefault<number>('database.secondsUntilAutoPause')),
      backupRetentionDays: pick(database.backupRetentionDays, schemaDefault<number>('database.backupRetentionDays', isProd)),
      engineVersion: pick(database.engineVersion, schemaDefault<string>('database.engineVersion')),
    },
    compute,
    cluster: {
      kubernetesVersion: pick(cluster.kubernetesVersion, schemaDefault<string>('cluster.kubernetesVersion')),
      accessPrincipals,
      publicEndpoint: pick(cluster.publicEndpoint, schemaDefault<boolean>('cluster.publicEndpoint', isProd)),
      publicAccessCidrs: pick(cluster.publicAccessCidrs, schemaDefault<string[]>('cluster.publicAccessCidrs')),
    },
    ingress: { allowedCidrs: pick(obj(raw.ingress).allowedCidrs, schemaDefault<string[]>('ingress.allowedCidrs')) },
    deploy: {
      roleArn: pick(deploy.roleArn, `arn:aws:iam::${accountId}:role/${deployRoleName(name)}`),
      githubEnvironment: pick(deploy.githubEnvironment, name),
      ...(isPlainObject(deploy.syncRunner)
        ? { syncRunner: { repository: pick(deploy.syncRunner.repository, ''), connectionArn: pick(deploy.syncRunner.connectionArn, '') } }
        : {}),
    },
    deployability: {
      acknowledge: pick(obj(raw.deployability).acknowledge, schemaDefault<unknown[]>('deployability.acknowledge')).map((a) => ({
        id: pick(obj(a).id, ''),
        reason: pick(obj(a).reason, ''),
      })),
    },
    tags: pick(raw.tags, schemaDefault<Record<string, string>>('tags')),
  };
}
