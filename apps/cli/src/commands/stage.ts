import * as path from 'node:path';
import {
  createStageFile,
  EKS_RESTRICTED_AZ_IDS,
  formatDiagnostic,
  freeVpcCidr,
  NewStageOptions,
  printable,
  renderStageFile,
  stageHost,
  stageNameProblem,
} from '@metaflow-gitops/stage-config';
import { CliError, EXIT, UsageError } from '../errors';
import { Io } from '../io';
import { environmentsDir, findRepoRoot } from '../repo';
import { readStages } from './validate';

export interface StageNewOptions {
  readonly account: string;
  readonly region: string;
  readonly parentDomain?: string;
  readonly issuer?: string;
  readonly prod?: boolean;
  readonly gpu?: boolean;
  /** Comma-separated zone names. */
  readonly azs?: string;
  /** Comma-separated IdP groups allowed to log in. */
  readonly groups?: string;
  /** Comma-separated source CIDRs allowed to reach the load balancer. */
  readonly allowedCidrs?: string;
  readonly parentZoneId?: string;
  readonly delegationRole?: string;
  readonly environments?: string;
}

const splitList = (text: string | undefined) =>
  text
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** `mfctl stage new <name>`: writes a valid, commented `environments/<name>.yaml`; never overwrites. */
export async function stageNewCommand(name: string, opts: StageNewOptions, io: Io): Promise<number> {
  const problem = stageNameProblem(name);
  if (problem) throw new UsageError(problem);
  if (!/^[0-9]{12}$/.test(opts.account)) throw new UsageError(`--account "${opts.account}" is not a 12-digit AWS account id`);
  const azs = splitList(opts.azs);
  const restricted = EKS_RESTRICTED_AZ_IDS[opts.region];
  if (restricted && !azs) {
    throw new UsageError(
      `${opts.region} needs --azs: EKS cannot place the control plane in ${restricted}, and zone names map to different ids per account; list 2-3 zone names whose id is not ${restricted} (aws ec2 describe-availability-zones --region ${opts.region})`,
    );
  }
  const groups = splitList(opts.groups);
  if (opts.prod && !groups?.length) throw new UsageError('--prod needs --groups: a prod stage restricts login to named IdP groups');
  if (opts.delegationRole && !opts.parentZoneId) throw new UsageError('--delegation-role needs --parent-zone-id');

  const dir = environmentsDir(io.cwd, opts.environments);
  const schema = path.join(findRepoRoot(io.cwd), 'libs/stage-config/schema/stage.schema.json');
  const options: NewStageOptions = {
    name,
    accountId: opts.account,
    region: opts.region,
    isProd: opts.prod,
    parentDomain: opts.parentDomain,
    issuerUrl: opts.issuer,
    allowedGroups: groups,
    availabilityZones: azs,
    gpu: opts.gpu,
    allowedCidrs: splitList(opts.allowedCidrs),
    vpcCidr: freeVpcCidr(dir, opts.account, opts.region),
    delegation: opts.parentZoneId
      ? opts.delegationRole
        ? { mode: 'cross-account', parentHostedZoneId: opts.parentZoneId, delegationRoleArn: opts.delegationRole }
        : { mode: 'same-account', parentHostedZoneId: opts.parentZoneId }
      : { mode: 'manual' },
    schemaPath: path.relative(dir, schema).split(path.sep).join('/'),
  };
  const result = createStageFile(dir, name, renderStageFile(options));
  for (const d of result.diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
  if (!result.ok) throw new CliError(result.reason);
  io.stdout(`wrote ${path.relative(io.cwd, result.file) || result.file}\n`);
  io.stdout(`next: review it, run \`npx mfctl validate\`, and open a pull request\n`);
  return EXIT.ok;
}

export interface StageListOptions {
  readonly json?: boolean;
  readonly environments?: string;
}

/** `mfctl stage list`: the valid stages with account, region, prod flag and host; exit 1 if some file is invalid. */
export async function stageListCommand(opts: StageListOptions, io: Io): Promise<number> {
  const { stages, ok, diagnostics } = readStages(io, opts.environments);
  const rows = stages.map((s) => ({
    name: s.name,
    accountId: s.accountId,
    region: s.region,
    isProd: s.isProd,
    host: stageHost(s.name, s.domain.parentDomain),
    file: s.sourceFile,
  }));
  if (opts.json) {
    io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
  } else {
    const table = [
      ['NAME', 'ACCOUNT', 'REGION', 'PROD', 'HOST'],
      ...rows.map((r) => [r.name, r.accountId, r.region, r.isProd ? 'yes' : 'no', r.host]),
    ];
    const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
    for (const row of table)
      io.stdout(
        `${row
          .map((cell, i) => cell.padEnd(widths[i]))
          .join('  ')
          .trimEnd()}\n`,
      );
  }
  if (!ok) {
    const invalid = new Set(diagnostics.filter((d) => d.severity === 'error').map((d) => d.file));
    io.stderr(`${invalid.size} invalid stage file(s) not listed: ${[...invalid].map(printable).join(', ')} (run \`mfctl validate\`)\n`);
    return EXIT.failure;
  }
  return EXIT.ok;
}
