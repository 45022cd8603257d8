import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Cidr, cidrsOverlap, parseCidr } from './cidr';
import { Diagnostic, formatDiagnostic } from './diagnostics';
import { loadStages, stageFiles } from './loader';
import { defaultOidcName, stageHost } from './naming';
import { defaultAvailabilityZones } from './normalize';
import { stageNameOfFile } from './stage-name';

/** What `mfctl stage new` asks for; everything else takes the documented defaults. */
export interface NewStageOptions {
  readonly name: string;
  readonly accountId: string;
  readonly region: string;
  readonly isProd?: boolean;
  /** @default `metaflow.example.com` (a placeholder to replace) */
  readonly parentDomain?: string;
  /** @default `https://idp.example.com` (a placeholder to replace) */
  readonly issuerUrl?: string;
  readonly allowedGroups?: readonly string[];
  /** @default the region's default zones (required in the EKS-restricted regions) */
  readonly availabilityZones?: readonly string[];
  readonly gpu?: boolean;
  /** @default 10.0.0.0/16 (`freeVpcCidr` picks one no other stage of the account and region uses) */
  readonly vpcCidr?: string;
  /** Source CIDRs allowed to reach the load balancer. @default ['0.0.0.0/0'] */
  readonly allowedCidrs?: readonly string[];
  /** @default manual */
  readonly delegation?:
    | { readonly mode: 'manual' }
    | { readonly mode: 'same-account'; readonly parentHostedZoneId: string }
    | { readonly mode: 'cross-account'; readonly parentHostedZoneId: string; readonly delegationRoleArn: string };
  /** Path of the JSON Schema relative to the environments directory, for the modeline. */
  readonly schemaPath: string;
}

const DEFAULT_VPC_CIDR = '10.0.0.0/16';

/**
 * The first `10.<n>.0.0/16` that overlaps no VPC of the stages of `environmentsDir` in the same
 * account and region (such VPCs could not be peered), so a new stage never collides with a deployed
 * one; undefined when all 256 are taken.
 */
export function freeVpcCidr(environmentsDir: string, accountId: string, region: string): string | undefined {
  const taken = loadStages(environmentsDir)
    .stages.filter((s) => s.accountId === accountId && s.region === region)
    .map((s) => parseCidr(s.network.vpcCidr))
    .filter((c): c is Cidr => typeof c !== 'string');
  for (let n = 0; n < 256; n++) {
    const candidate = `10.${n}.0.0/16`;
    if (!taken.some((c) => cidrsOverlap(c, parseCidr(candidate) as Cidr))) return candidate;
  }
  return undefined;
}

/** A YAML scalar: plain when that reads back as the same string, quoted otherwise. */
function scalar(value: string): string {
  const plain = /^[A-Za-z_/][A-Za-z0-9._/:@-]*$/.test(value) && !/^(true|false|null|yes|no|on|off|~)$/i.test(value) && !/: /.test(value);
  return plain ? value : JSON.stringify(value);
}

const list = (values: readonly string[]) => `[${values.map(scalar).join(', ')}]`;

/** The text of a new, commented stage file. */
export function renderStageFile(o: NewStageOptions): string {
  const prod = o.isProd ?? false;
  const parentDomain = o.parentDomain ?? 'metaflow.example.com';
  const issuerUrl = o.issuerUrl ?? 'https://idp.example.com';
  const azs = o.availabilityZones ?? defaultAvailabilityZones(o.region);
  const delegation = o.delegation ?? { mode: 'manual' };
  const lines = [
    `# yaml-language-server: $schema=${o.schemaPath}`,
    '#',
    `# Stage "${o.name}", written by \`mfctl stage new\`. Every field is documented in docs/stage-file.md;`,
    '# omitted fields take the defaults listed there. Check it with `npx mfctl validate`.',
    '',
    '# AWS account and region of the stage (the account id stays quoted: leading zeros matter).',
    `accountId: ${JSON.stringify(o.accountId)}`,
    `region: ${scalar(o.region)}`,
    prod
      ? '# Production: one NAT gateway per zone, a database that never pauses, 30 days of backups,'
      : '# Not production: one shared NAT gateway, the smallest database that runs (0.5 ACU), 7 days of backups.',
    ...(prod ? ['# a private Kubernetes API endpoint and login restricted to allowedGroups.'] : []),
    `isProd: ${prod}`,
    '',
    `# The stage is served at https://${stageHost(o.name, parentDomain)}.`,
    'domain:',
    `  parentDomain: ${scalar(parentDomain)}`,
    '  delegation:',
    ...(delegation.mode === 'manual'
      ? [
          '    # Add the NS records of the stage zone to the parent zone yourself (the Dns stack outputs list them),',
          '    # or use same-account / cross-account with parentHostedZoneId (and delegationRoleArn).',
          '    mode: manual',
        ]
      : delegation.mode === 'same-account'
        ? [
            '    # The parent zone is in the stage account: the Dns stack writes the NS records.',
            '    mode: same-account',
            `    parentHostedZoneId: ${scalar(delegation.parentHostedZoneId)}`,
          ]
        : [
            '    # The parent zone is in another account, which grants this role to write the NS record.',
            '    mode: cross-account',
            `    parentHostedZoneId: ${scalar(delegation.parentHostedZoneId)}`,
            `    delegationRoleArn: ${scalar(delegation.delegationRoleArn)}`,
          ]),
    '',
    `# The company identity provider. clientId and idpProviderName default to ${defaultOidcName(o.name)};`,
    '# register that client id with the IdP after the auth stack is deployed.',
    'oidcConfig:',
    `  issuerUrl: ${scalar(issuerUrl)}`,
    ...(o.allowedGroups && o.allowedGroups.length > 0
      ? ['  # Members of these IdP groups may log in.', `  allowedGroups: ${list(o.allowedGroups)}`]
      : ['  # Empty: every user of the IdP may log in (not allowed on prod).', '  allowedGroups: []']),
    '',
    'network:',
    `  vpcCidr: ${o.vpcCidr ?? DEFAULT_VPC_CIDR}`,
    '  podCidr: 100.64.0.0/16',
    `  availabilityZones: ${list(azs)}`,
    `  natGateways: ${prod ? azs.length : 1}`,
    '',
    '# Aurora PostgreSQL Serverless v2, in ACUs.',
    'database:',
    ...(prod
      ? ['  minCapacity: 0.5', '  maxCapacity: 8', '  backupRetentionDays: 30']
      : [
          '  # Not 0: the Metaflow services hold database connections while they run, so it would never pause.',
          '  minCapacity: 0.5',
          '  maxCapacity: 4',
        ]),
    '',
    'compute:',
    '  cpu:',
    '    instanceFamilies: [m7i, c7i, r7i]',
    '    capacityTypes: [on-demand, spot]',
    '    maxCpu: 256',
    '    maxMemoryGiB: 1024',
    ...(o.gpu
      ? [
          '  # GPU steps land here; the pool is tainted nvidia.com/gpu:NoSchedule.',
          '  gpu:',
          '    instanceFamilies: [g6, g5]',
          '    capacityTypes: [on-demand]',
          '    maxCpu: 192',
          '    maxMemoryGiB: 1536',
          '    maxGpus: 8',
        ]
      : []),
    '',
    'cluster:',
    '  kubernetesVersion: "1.35"',
    `  publicEndpoint: ${!prod}`,
    '',
    'ingress:',
    '  # Who may reach the load balancer (login is required either way).',
    `  allowedCidrs: ${list(o.allowedCidrs ?? ['0.0.0.0/0'])}`,
    '',
  ];
  return lines.join('\n');
}

/** Copies a directory entry as what it is (a file, a symbolic link, an empty directory), so the copy loads as the original does. */
function copyEntry(from: string, to: string): void {
  const stat = fs.lstatSync(from);
  if (stat.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(from), to);
  else if (stat.isDirectory()) fs.mkdirSync(to);
  else fs.copyFileSync(from, to);
}

export type CreateStageResult =
  | { readonly ok: true; readonly file: string; readonly diagnostics: Diagnostic[] }
  | { readonly ok: false; readonly reason: string; readonly diagnostics: Diagnostic[] };

/**
 * Adds `<name>.yaml` with `text` to `environmentsDir` if, together with the stages already there,
 * it is valid (cross-stage rules included): checked in a scratch copy of the directory first, then
 * published with a hard link, which fails rather than overwrite a file that appeared meanwhile. An
 * invalid stage never reaches the directory. Errors the other stages already had do not count.
 */
export function createStageFile(environmentsDir: string, name: string, text: string): CreateStageResult {
  const target = path.join(environmentsDir, `${name}.yaml`);
  if (fs.existsSync(target)) return { ok: false, reason: `${target} already exists; refusing to overwrite it`, diagnostics: [] };

  const before = new Set(
    loadStages(environmentsDir)
      .diagnostics.filter((d) => d.severity === 'error')
      .map(formatDiagnostic),
  );
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'mfctl-stage-'));
  try {
    const scratchDir = path.join(scratch, path.basename(path.resolve(environmentsDir)));
    fs.mkdirSync(scratchDir);
    for (const file of stageFiles(environmentsDir)) copyEntry(path.join(environmentsDir, file), path.join(scratchDir, file));
    fs.writeFileSync(path.join(scratchDir, `${name}.yaml`), text);
    const after = loadStages(scratchDir);
    const fresh = after.diagnostics.filter((d) => !(d.severity === 'error' && before.has(formatDiagnostic(d))));
    const own = fresh.filter((d) => d.severity === 'error' || stageNameOfFile(d.file) === name);
    if (own.some((d) => d.severity === 'error'))
      return { ok: false, reason: `the new stage "${name}" is not valid; nothing was written`, diagnostics: own };

    const temp = path.join(environmentsDir, `.${name}.yaml.${process.pid}.tmp`);
    fs.writeFileSync(temp, text, { flag: 'wx' });
    try {
      fs.linkSync(temp, target);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST')
        return { ok: false, reason: `${target} already exists; refusing to overwrite it`, diagnostics: [] };
      throw err;
    } finally {
      fs.rmSync(temp, { force: true });
    }
    return { ok: true, file: target, diagnostics: own };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
