import { StackSelectionStrategy, Toolkit } from '@aws-cdk/toolkit-lib';
import { StageConfig, clusterName, stackName } from '@metaflow-gitops/stage-config';
import { planDestroyWaves, formatWaves } from '../deploy/waves';
import { AssemblyStack, readAssembly } from '../synth/stage-assembly';
import { DeliveryIoHost } from '../private/io-host';
import { StageAws } from './live';
import { PurgeOutcome, purgeRetained } from './purge';
import { RetainedResource, findRetained, removalCommands, sortForRemoval } from './retained';

/** Retained types that keep the VPC in use: the Vpc stack cannot be deleted while they exist. */
const VPC_BOUND = ['AWS::RDS::DBInstance', 'AWS::RDS::DBCluster', 'AWS::RDS::DBSubnetGroup', 'AWS::EC2::SecurityGroup'];

export interface TeardownGuard {
  /** Must repeat the stage name. */
  readonly confirm?: string;
  readonly allowProd?: boolean;
}

/** Why the teardown must not run, or undefined when it may. Checked before anything is touched. */
export function teardownRefusal(config: StageConfig, guard: TeardownGuard): string | undefined {
  if (guard.confirm !== config.name) {
    return `refusing to tear down '${config.name}': pass --confirm ${config.name} (got ${guard.confirm === undefined ? 'no --confirm' : `--confirm ${guard.confirm}`}). Nothing was deleted.`;
  }
  if (config.isProd && !guard.allowProd) {
    return `refusing to tear down production stage '${config.name}' without --allow-prod. Nothing was deleted.`;
  }
  return undefined;
}

export interface TeardownOptions extends TeardownGuard {
  readonly config: StageConfig;
  /** The stage's cloud assembly as `synthStage` wrote it (e.g. `cdk.out/<stage>`). */
  readonly assemblyDir: string;
  /** Also remove the retained resources (final database snapshot kept). */
  readonly purgeRetained?: boolean;
  readonly print: (line: string) => void;
  readonly printError?: (line: string) => void;
  readonly verbose?: boolean;
}

export interface RetainedReport extends RetainedResource {
  readonly commands: string[];
  readonly purged: boolean;
  readonly note?: string;
}

/** Something outside the stacks that would block a stack's deletion; removed before the destroy. */
export interface Leftover {
  readonly kind: 'load-balancer' | 'acm-validation-record' | 'vpc-endpoint' | 'security-group';
  readonly id: string;
  readonly command: string;
}

export interface TeardownResult {
  readonly ok: boolean;
  readonly stage: string;
  readonly refused?: string;
  readonly waves: string[][];
  /** Stacks that existed and were destroyed, in destroy order. */
  readonly destroyed: string[];
  /** Stacks still present afterwards (a failure). */
  readonly remaining: string[];
  readonly leftoversRemoved: Leftover[];
  readonly retained: RetainedReport[];
  readonly error?: string;
  readonly seconds: number;
}

/**
 * Tears a stage down: records the retained resources (before anything is deleted: afterwards
 * CloudFormation forgets their physical ids), disables termination protection (prod), deletes the
 * cluster's load balancers so their ENIs are released before the VPC goes, removes the leftovers
 * that would block the zone and VPC deletions, destroys the stacks in reverse dependency order,
 * then reports (or purges) what survived.
 */
export async function teardownStage(options: TeardownOptions): Promise<TeardownResult> {
  const { config } = options;
  const started = Date.now();
  const refused = teardownRefusal(config, options);
  if (refused)
    return {
      ok: false,
      stage: config.name,
      refused,
      waves: [],
      destroyed: [],
      remaining: [],
      leftoversRemoved: [],
      retained: [],
      seconds: 0,
    };

  const host = new DeliveryIoHost({ print: options.print, printError: options.printError, verbose: options.verbose });
  const toolkit = new Toolkit({ ioHost: host, color: false, emojis: false });
  const aws = new StageAws(config.region);
  const stacks = readAssembly(options.assemblyDir);
  const source = await toolkit.fromAssemblyDirectory(options.assemblyDir);
  const waves = planDestroyWaves(stacks);
  host.line(`${config.name}: destroy order: ${formatWaves(waves)}`);

  const deployed = new Map<string, Map<string, string>>();
  const protectedStacks: string[] = [];
  for (const s of stacks) {
    const live = await aws.describeStack(s.name);
    if (!live) continue;
    deployed.set(s.name, await aws.physicalIds(s.name));
    if (live.EnableTerminationProtection) protectedStacks.push(s.name);
  }
  host.line(`${config.name}: deployed stacks: ${[...deployed.keys()].join(', ') || '(none)'}`);

  const retained = sortForRemoval(findRetained(stacks, deployed));
  if (retained.length > 0) {
    host.line(
      `${config.name}: these survive the teardown (DeletionPolicy Retain)${options.purgeRetained ? ' and are purged as their stacks go (--purge-retained)' : ''}:`,
    );
    for (const r of retained) host.line(`  ${r.resourceType} ${r.physicalId} (${r.stackName}/${r.logicalId})`);
  } else host.line(`${config.name}: no retained resources in the deployed stacks`);

  // A retained database keeps ENIs in the VPC's subnets (and a retained security group belongs to
  // the VPC): the Vpc stack cannot be deleted while they exist. With --purge-retained each wave's
  // retained resources go right after its stacks, before the next wave; without, say so now.
  const inVpc = retained.filter((r) => VPC_BOUND.includes(r.resourceType));
  if (inVpc.length > 0 && !options.purgeRetained) {
    host.line(
      `${config.name}: WARNING: ${inVpc.map((d) => d.physicalId).join(', ')} stay in the VPC: in AWS the Vpc stack cannot be deleted until they are removed (--purge-retained does, keeping a final database snapshot)`,
    );
  }

  for (const name of protectedStacks) {
    host.line(`${name}: disabling termination protection`);
    await aws.disableTerminationProtection(name);
  }
  // Prod clusters carry EKS deletion protection: CloudFormation cannot delete them until it is off.
  if (config.isProd && deployed.has(stackName(config.name, 'eks'))) {
    const cluster = clusterName(config.name);
    host.line(`${config.name}: turning off deletion protection of EKS cluster ${cluster}`);
    if (!(await aws.disableClusterDeletionProtection(cluster))) host.line(`${config.name}: no EKS cluster ${cluster} to unprotect`);
  }

  const leftovers = await removeBlockers(aws, config, stacks, deployed, new Set(retained.map((r) => r.physicalId)), host);
  const purged = new Map<RetainedResource, PurgeOutcome>();
  let error: string | undefined;
  const ids = new Map(stacks.map((st) => [st.name, st.id]));
  for (const wave of waves) {
    const names = wave.filter((n) => deployed.has(n));
    if (names.length === 0) continue;
    try {
      await toolkit.destroy(source, {
        stacks: { strategy: StackSelectionStrategy.PATTERN_MUST_MATCH, patterns: names.map((n) => ids.get(n) ?? n) },
      });
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
      host.line(`${config.name}: destroy FAILED: ${error}`);
      break;
    }
    if (!options.purgeRetained) continue;
    for (const r of retained.filter((x) => names.includes(x.stackName))) {
      host.line(`purging ${r.resourceType} ${r.physicalId} (from ${r.stackName})`);
      purged.set(r, await safePurge(r, config.region));
    }
  }

  const remaining: string[] = [];
  for (const s of stacks) if (await aws.describeStack(s.name)) remaining.push(s.name);
  // The order the toolkit really destroyed them in, as observed.
  const destroyed = [...host.stacks.values()]
    .filter((p) => p.status === 'destroyed' && deployed.has(p.stackName))
    .sort((a, b) => (a.finishedAt ?? 0) - (b.finishedAt ?? 0))
    .map((p) => p.stackName);

  const reports: RetainedReport[] = [];
  for (const r of retained) {
    const commands = removalCommands(r, config.region);
    const outcome: PurgeOutcome =
      purged.get(r) ??
      (options.purgeRetained
        ? { purged: false, note: 'not purged: its stack was not destroyed' }
        : { purged: false, note: 'kept: remove it with the commands below, or re-run with --purge-retained' });
    reports.push({ ...r, commands, purged: outcome.purged, note: outcome.note });
  }
  const purgeFailed = reports.some((r) => r.note?.startsWith(PURGE_FAILED));
  const ok = error === undefined && remaining.length === 0 && !purgeFailed;
  return {
    ok,
    stage: config.name,
    waves,
    destroyed,
    remaining,
    leftoversRemoved: leftovers,
    retained: reports,
    error,
    seconds: (Date.now() - started) / 1000,
  };
}

const PURGE_FAILED = 'purge FAILED';

async function safePurge(r: RetainedResource, region: string): Promise<PurgeOutcome> {
  try {
    return await purgeRetained(r, region);
  } catch (err) {
    return {
      purged: false,
      note: `${PURGE_FAILED}: ${err instanceof Error ? err.message : String(err)}; remove it with the commands below`,
    };
  }
}

async function removeBlockers(
  aws: StageAws,
  config: StageConfig,
  stacks: readonly AssemblyStack[],
  deployed: Map<string, Map<string, string>>,
  retainedIds: ReadonlySet<string>,
  host: DeliveryIoHost,
): Promise<Leftover[]> {
  const physicalOf = (type: string): string[] =>
    stacks.flatMap((s) =>
      Object.entries(s.template.Resources ?? {})
        .filter(([, r]) => r.Type === type)
        .map(([id]) => deployed.get(s.name)?.get(id))
        .filter((x): x is string => !!x),
    );
  const owned = new Set([...deployed.values()].flatMap((m) => [...m.values()]));
  const removed: Leftover[] = [];
  const rg = `--region ${config.region}`;

  for (const vpcId of physicalOf('AWS::EC2::VPC')) {
    const lbs = await aws.clusterLoadBalancers(vpcId, clusterName(config.name));
    if (lbs.length > 0) {
      host.line(
        `${config.name}: deleting the cluster's load balancers first (their ENIs hold the VPC): ${lbs.map((l) => l.name).join(', ')}`,
      );
      await aws.deleteLoadBalancers(lbs.map((l) => l.arn));
      removed.push(
        ...lbs.map((l) => ({
          kind: 'load-balancer' as const,
          id: l.arn,
          command: `aws elbv2 delete-load-balancer --load-balancer-arn ${l.arn} ${rg}`,
        })),
      );
    } else host.line(`${config.name}: no load balancers of cluster ${clusterName(config.name)} in ${vpcId}`);

    const endpoints = await aws.foreignVpcEndpoints(vpcId, owned);
    if (endpoints.length > 0) {
      host.line(`${config.name}: deleting VPC endpoints no stack owns (e.g. GuardDuty's): ${endpoints.join(', ')}`);
      await aws.deleteVpcEndpoints(endpoints);
      removed.push(
        ...endpoints.map((id) => ({
          kind: 'vpc-endpoint' as const,
          id,
          command: `aws ec2 delete-vpc-endpoints --vpc-endpoint-ids ${id} ${rg}`,
        })),
      );
    }
    for (const sg of await aws.guardDutySecurityGroups(vpcId)) {
      host.line(`${config.name}: deleting GuardDuty security group ${sg}`);
      await aws.deleteSecurityGroup(sg);
      removed.push({ kind: 'security-group', id: sg, command: `aws ec2 delete-security-group --group-id ${sg} ${rg}` });
    }
  }
  // A retained zone is not deleted: its records stay with it (its removal commands delete them).
  for (const zoneId of physicalOf('AWS::Route53::HostedZone').filter((z) => !retainedIds.has(z))) {
    for (const record of await aws.acmValidationRecords(zoneId)) {
      host.line(`${config.name}: deleting ACM validation record ${record.Name} (it would block the zone's deletion)`);
      await aws.deleteRecord(zoneId, record);
      const batch = JSON.stringify({ Changes: [{ Action: 'DELETE', ResourceRecordSet: record }] });
      removed.push({
        kind: 'acm-validation-record',
        id: `${zoneId}/${record.Name}`,
        command: `aws route53 change-resource-record-sets --hosted-zone-id ${zoneId} --change-batch '${batch}'`,
      });
    }
  }
  return removed;
}
