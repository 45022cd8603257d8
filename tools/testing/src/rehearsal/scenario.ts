import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  BootstrapStageResult,
  DeployStageResult,
  StageAws,
  TeardownResult,
  clusterSnapshotExists,
  finalSnapshotId,
  formatWaves,
  readAssembly,
} from '@metaflow-gitops/gitops';
import { contextName, stageEntries, validateDiscovery } from '@metaflow-gitops/login';
import {
  OUTPUTS,
  StageConfig,
  buildDiscoveryDocument,
  clusterName,
  deployRoleName,
  discoveryUrl,
  outputsFilePath,
  readStageOutputs,
  stackName,
} from '@metaflow-gitops/stage-config';
import { bootstrapCommand } from '@metaflow-gitops/cli/src/commands/bootstrap';
import { deployCommand } from '@metaflow-gitops/cli/src/commands/deploy';
import { synthesize } from '@metaflow-gitops/cli/src/commands/synth';
import { teardownCommand } from '@metaflow-gitops/cli/src/commands/teardown';
import { DeliveryDeps } from '@metaflow-gitops/cli/src/delivery-deps';
import { captureIo } from '../cli/capture-io';
import { EmulatorFixtures } from './emulator-fixtures';
import { MotoServer, startMoto, useEnv } from './moto';

/** The repository the rehearsal bootstraps the stage for. */
const REHEARSAL_REPO = 'example-org/metaflow-platform';

export interface RehearsalOptions {
  readonly stage: string;
  readonly deps: DeliveryDeps;
  /** `--environments` passed to the commands. */
  readonly environments?: string;
  /** Progress lines for a human (the commands' own output is captured). */
  readonly print?: (line: string) => void;
}

export interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

export interface RehearsalReport {
  readonly ok: boolean;
  readonly wallSeconds: number;
  readonly waves: string[][];
  readonly checks: Check[];
  readonly bootstrap?: BootstrapStageResult;
  readonly deploy?: DeployStageResult;
  readonly redeploy?: DeployStageResult;
  readonly teardown?: TeardownResult;
  /** After the teardown, as a manual-delegation stage: the deploy that stops at the Dns stack (not delegated yet). */
  readonly undelegatedDeploy?: DeployStageResult;
  /** Then the deploy once public DNS delegates the stage host: the stage created again. */
  readonly deployAfterTeardown?: DeployStageResult;
  readonly failedDeploy?: DeployStageResult;
  readonly conflictStack?: string;
  readonly prodRefusal?: { code: number; stderr: string; stacksAfter: string[] };
  readonly purgeTeardown?: TeardownResult;
  /** Everything the commands printed, for debugging a failed check. */
  readonly transcript: string;
}

/**
 * The deploy rehearsal on moto (docs/delivery.md): the same command functions `mfctl` runs, against the
 * emulator started on loopback. Bootstrap, deploy, deploy again (no-op), put objects in the
 * artifact bucket, tear down, check what survived; deploy the same stage again after its teardown
 * (as a manual-delegation stage: it stops at the zone until public DNS delegates it, then creates
 * the stage next to what the first one retained) and tear it down; then a forced failure in a
 * middle stack; then a prod teardown without --allow-prod.
 */
export async function rehearse(options: RehearsalOptions): Promise<RehearsalReport> {
  const t0 = Date.now();
  const print = options.print ?? (() => undefined);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mfctl-rehearsal-'));
  fs.writeFileSync(path.join(root, 'nx.json'), '{}\n');
  const envDir = options.environments ? path.resolve(options.environments) : undefined;
  const loaded = options.deps.loadStage(envDir ?? path.join(root, 'environments'), options.stage);
  const checks: Check[] = [];
  let transcript = '';
  const check = (name: string, ok: boolean, detail: string) => {
    checks.push({ name, ok, detail });
    print(`${ok ? 'ok  ' : 'FAIL'} ${name}: ${detail}`);
  };
  const run = async <T>(
    label: string,
    fn: (io: ReturnType<typeof captureIo>) => Promise<number>,
  ): Promise<{ code: number; json?: T; err: string }> => {
    print(`-- ${label}`);
    const io = captureIo(process.env, root);
    let code: number;
    try {
      code = await fn(io);
    } catch (err) {
      // What main() does with an error: message on stderr, exit 1.
      io.stderr(`error: ${err instanceof Error ? err.message : String(err)}\n`);
      code = 1;
    }
    transcript += `$ mfctl ${label}\n${io.err()}${io.out()}\n(exit ${code})\n`;
    let json: T | undefined;
    try {
      json = JSON.parse(io.out()) as T;
    } catch {
      json = undefined;
    }
    return { code, json, err: io.err() };
  };
  const common = { stage: options.stage, environments: envDir, json: true };

  const moto: MotoServer = await startMoto(loaded.accountId, loaded.region, process.env.REHEARSAL_MOTO_LOG ?? path.join(root, 'moto.log'));
  const restore = useEnv(moto.env);
  const report: { -readonly [K in keyof RehearsalReport]?: RehearsalReport[K] } = {};
  let config = loaded;
  let deps = options.deps;
  try {
    print(`moto_server on ${moto.endpoint} as account ${config.accountId}`);
    // The parent zone is a prerequisite of the stage (it exists before the first deploy): create
    // it in the emulator and point the stage at it (the emulator picks zone ids itself).
    if (loaded.domain.delegation.mode !== 'manual') {
      const parentZoneId = await new EmulatorFixtures(loaded.region).createParentZone(loaded.domain.parentDomain);
      config = { ...loaded, domain: { ...loaded.domain, delegation: { ...loaded.domain.delegation, parentHostedZoneId: parentZoneId } } };
      const withZone = (c: StageConfig): StageConfig => ({
        ...c,
        domain: { ...c.domain, delegation: { ...c.domain.delegation, parentHostedZoneId: parentZoneId } } as StageConfig['domain'],
      });
      deps = { ...options.deps, loadStage: (dir, name) => withZone(options.deps.loadStage(dir, name)) };
      print(`parent zone ${loaded.domain.parentDomain} created as ${parentZoneId}`);
    }
    const aws = new StageAws(config.region);
    const fixtures = new EmulatorFixtures(config.region);

    // 0. Bootstrap: CDK toolkit stack, OIDC provider, deploy role.
    const b = await run<BootstrapStageResult>(`bootstrap ${options.stage} --repo ${REHEARSAL_REPO} --json`, (io) =>
      bootstrapCommand({ ...common, repo: REHEARSAL_REPO }, io, deps),
    );
    report.bootstrap = b.json;
    const deployRole = await fixtures.roleTrust(deployRoleName(config.name));
    check(
      'bootstrap: CDK toolkit, OIDC provider, deploy role trusted by the stage environment only',
      b.code === 0 &&
        b.json?.cdkBootstrap === 'success' &&
        deployRole.includes(`repo:${REHEARSAL_REPO}:environment:${config.deploy.githubEnvironment}`) &&
        deployRole.includes('sts.amazonaws.com'),
      `exit ${b.code}, cdk ${b.json?.cdkBootstrap}, OIDC provider ${b.json?.oidcProvider.existed ? 'existed' : 'created'}, ${deployRoleName(config.name)} trust: ${deployRole || 'missing'}`,
    );
    const again = await run<BootstrapStageResult>(`bootstrap ${options.stage} --repo ${REHEARSAL_REPO} --json (again)`, (io) =>
      bootstrapCommand({ ...common, repo: REHEARSAL_REPO }, io, deps),
    );
    check(
      'bootstrap again is a no-op',
      again.code === 0 && again.json?.cdkBootstrap === 'no-op',
      `exit ${again.code}, cdk ${again.json?.cdkBootstrap}, roles ${again.json?.roles.stacks.map((s) => s.outcome).join(',')}`,
    );

    // 1. Deploy what was checked: the synthesis `mfctl synth` and `mfctl check` run (`synthesize`,
    // into `checked/`), then `mfctl deploy --assembly checked`.
    const synth = await run(`synth ${options.stage} --out checked`, (io) => {
      synthesize(io, [config], path.join(root, 'checked'));
      return Promise.resolve(0);
    });
    const d1 = await run<DeployStageResult>(`deploy ${options.stage} --assembly checked --json`, (io) =>
      deployCommand({ ...common, assembly: 'checked' }, io, deps),
    );
    report.deploy = d1.json;
    const checkedStacks = synth.code === 0 ? readAssembly(path.join(root, 'checked', options.stage)) : [];
    const notAsChecked: string[] = [];
    for (const s of checkedStacks) {
      const body = await fixtures.templateBody(s.name).catch((err: Error) => `(${err.message})`);
      if (body !== fs.readFileSync(s.templatePath, 'utf8')) notAsChecked.push(s.name);
    }
    check(
      'the deployed templates are the synthesized (checked) ones, byte for byte',
      checkedStacks.length === 6 && notAsChecked.length === 0,
      `${checkedStacks.length} stacks synthesized${synth.code === 0 ? '' : ` (${synth.err.trim()})`}; differing from the deployed template: ${notAsChecked.join(', ') || 'none'}`,
    );
    const stacks = d1.json?.stacks ?? [];
    check('deploy exits 0', d1.code === 0, `exit ${d1.code}${d1.json?.failure ? `: ${d1.json.failure.reason}` : ''}`);
    check(
      'six stacks deployed',
      stacks.length === 6 && stacks.every((s) => s.outcome === 'deployed'),
      stacks.map((s) => `${s.stackName}=${s.outcome}`).join(', '),
    );
    const violations = stacks.flatMap((s) =>
      s.dependsOn
        .filter((d) => {
          const dep = stacks.find((x) => x.stackName === d);
          return !dep || dep.finishedAt === undefined || s.startedAt === undefined || s.startedAt < dep.finishedAt;
        })
        .map((d) => `${s.stackName} started before ${d} finished`),
    );
    check(
      'dependency order',
      stacks.length > 0 && violations.length === 0,
      violations.join('; ') || `waves ${formatWaves(d1.json?.waves ?? [])}`,
    );
    const parallel = (d1.json?.waves ?? []).some((w) => w.length > 1);
    check('independent stacks in parallel', parallel, `waves ${formatWaves(d1.json?.waves ?? [])}`);
    const outputsFile = path.join(root, outputsFilePath(config.name));
    let outputsOk = false;
    let outputsDetail = '';
    try {
      const typed = readStageOutputs(config.name, JSON.parse(fs.readFileSync(outputsFile, 'utf8')));
      outputsOk = Object.keys(OUTPUTS).every(
        (k) => typeof typed[k as keyof typeof typed] === 'string' && typed[k as keyof typeof typed] !== '',
      );
      outputsDetail = `${Object.keys(OUTPUTS).length} outputs in ${outputsFilePath(config.name)}`;
    } catch (err) {
      outputsDetail = (err as Error).message;
    }
    check('outputs file complete', outputsOk, outputsDetail);

    // The deployed outputs published as the discovery document give metaflow-login a kubeconfig
    // context (cluster endpoint and CA data from the Eks stack).
    let kubeOk = false;
    let kubeDetail = '';
    try {
      const typed = readStageOutputs(config.name, JSON.parse(fs.readFileSync(outputsFile, 'utf8')));
      const doc = validateDiscovery(JSON.parse(JSON.stringify(buildDiscoveryDocument(config, typed))), discoveryUrl(config));
      const { cluster } = stageEntries(doc);
      kubeOk =
        JSON.stringify(cluster.cluster) ===
        JSON.stringify({ server: typed.clusterEndpoint, 'certificate-authority-data': typed.clusterCertificateAuthorityData });
      kubeDetail = `context ${contextName(doc)}: server ${String(doc.clusterEndpoint)}`;
    } catch (err) {
      kubeDetail = (err as Error).message;
    }
    check('discovery document gives a kubeconfig context', kubeOk, kubeDetail);

    // 2. Deploy again: nothing changed.
    const d2 = await run<DeployStageResult>(`deploy ${options.stage} --json (again)`, (io) => deployCommand(common, io, deps));
    report.redeploy = d2.json;
    check(
      'redeploy is a no-op',
      d2.code === 0 && d2.json?.noOp === true,
      `exit ${d2.code}, ${d2.json?.stacks.map((s) => s.outcome).join(',')} in ${d2.json?.seconds.toFixed(1)}s`,
    );

    // 3. Objects in the artifact bucket.
    const bucket = JSON.parse(fs.readFileSync(outputsFile, 'utf8'))[stackName(config.name, 'data')]?.[
      OUTPUTS.artifactBucketName.outputKey
    ] as string;
    for (const key of ['metaflow/HelloFlow/1/_parameters/0/0.data', 'data/input.csv']) await fixtures.putObject(bucket, key, 'rehearsal');

    // The cluster's load balancer, as EKS Auto Mode creates one for a LoadBalancer Service (tagged
    // with the cluster, in the stage's subnets), and another cluster's, which must survive.
    const subnets = (
      JSON.parse(fs.readFileSync(outputsFile, 'utf8'))[stackName(config.name, 'vpc')]?.[OUTPUTS.privateSubnetIds.outputKey] ?? ''
    )
      .split(',')
      .filter(Boolean);
    const lbArn = await fixtures.createLoadBalancer('k8s-gateway-nlb', subnets, clusterName(config.name));
    const otherArn = await fixtures.createLoadBalancer('other-cluster-nlb', subnets.slice(0, 1), 'some-other-cluster');

    // 4. Tear down.
    const td = await run<TeardownResult>(`teardown ${options.stage} --confirm ${options.stage} --json`, (io) =>
      teardownCommand({ ...common, confirm: options.stage }, io, deps),
    );
    report.teardown = td.json;
    check('teardown exits 0', td.code === 0, `exit ${td.code}${td.json?.error ? `: ${td.json.error}` : ''}`);
    const left: string[] = [];
    for (const s of stacks) if (await aws.describeStack(s.stackName)) left.push(s.stackName);
    const lbsLeft = await fixtures.loadBalancerArns();
    const removedLb = td.json?.leftoversRemoved.some((l) => l.kind === 'load-balancer' && l.id === lbArn) ?? false;
    check(
      "cluster's load balancers removed first, others kept",
      !!lbArn &&
        removedLb &&
        !lbsLeft.includes(lbArn) &&
        lbsLeft.includes(otherArn) &&
        td.err.indexOf("deleting the cluster's load balancers") >= 0 &&
        td.err.indexOf("deleting the cluster's load balancers") < td.err.indexOf(': destroying'),
      `${removedLb ? 'removed' : 'NOT removed'} ${lbArn}; other cluster's ${lbsLeft.includes(otherArn) ? 'kept' : 'GONE'}`,
    );
    await fixtures.deleteLoadBalancer(otherArn);
    check(
      'every stack gone',
      stacks.length === 6 && left.length === 0,
      left.length ? `still there: ${left.join(', ')}` : `destroyed in order ${td.json?.destroyed.join(', ')}`,
    );
    const survived = await fixtures.bucketVersions(bucket);
    check(
      'retained bucket and objects survive',
      survived === 2,
      survived === undefined ? `bucket ${bucket} is gone` : `${survived} objects in ${bucket}`,
    );
    const named = td.json?.retained.find((r) => r.physicalId === bucket && r.resourceType === 'AWS::S3::Bucket');
    check(
      'report names the retained bucket with commands',
      !!named && named.commands.some((c) => c.includes(`delete-bucket --bucket ${bucket}`)),
      named ? named.commands.join(' && ') : 'bucket not in the report',
    );

    // 4b. The same stage again after its teardown, now with manual delegation: the zone comes
    // first and the deploy waits for public DNS (a stand-in resolver: first no answer, then the
    // zone's name servers); the stage is created again beside the resources the first one retained.
    const manual = (c: StageConfig): StageConfig => ({ ...c, domain: { ...c.domain, delegation: { mode: 'manual' } } });
    const dnsStack = stackName(config.name, 'dns');
    const undelegated: DeliveryDeps = {
      ...deps,
      loadStage: (dir, name) => manual(deps.loadStage(dir, name)),
      delegation: { resolveNs: () => Promise.resolve([]), timeoutMs: 0, intervalMs: 1 },
    };
    const d4 = await run<DeployStageResult>(
      `deploy ${options.stage} --json (after the teardown, manual delegation, not delegated yet)`,
      (io) => deployCommand(common, io, undelegated),
    );
    report.undelegatedDeploy = d4.json;
    const after4: string[] = [];
    for (const s of stacks) if (await aws.describeStack(s.stackName)) after4.push(s.stackName);
    const zoneServers = ((await aws.describeStack(dnsStack))?.Outputs ?? []).find(
      (o) => o.OutputKey === OUTPUTS.nameServers.outputKey,
    )?.OutputValue;
    check(
      'manual delegation: the zone first, its NS records printed, nothing else until public DNS delegates',
      d4.code === 1 &&
        d4.json?.failure?.stackName === dnsStack &&
        /Add NS records/.test(d4.json.failure.reason) &&
        !!zoneServers &&
        zoneServers.split(',').every((ns) => d4.err.includes(`IN  NS  ${ns.replace(/\.$/, '')}.`)) &&
        after4.length === 1 &&
        after4[0] === dnsStack,
      `exit ${d4.code}; stacks: ${after4.join(', ') || 'none'}; ${d4.json?.failure?.reason ?? 'no failure'}`,
    );
    const delegated: DeliveryDeps = {
      ...undelegated,
      delegation: { resolveNs: () => Promise.resolve((zoneServers ?? '').split(',')), timeoutMs: 0, intervalMs: 1 },
    };
    const d5 = await run<DeployStageResult>(`deploy ${options.stage} --json (after the teardown, delegated)`, (io) =>
      deployCommand(common, io, delegated),
    );
    report.deployAfterTeardown = d5.json;
    const secretKey = OUTPUTS.databaseSecretArn.outputKey;
    const dataStack = stackName(config.name, 'data');
    const firstSecret = d1.json?.outputs?.[dataStack]?.[secretKey];
    const secondSecret = d5.json?.outputs?.[dataStack]?.[secretKey];
    const secondBucket = d5.json?.outputs?.[dataStack]?.[OUTPUTS.artifactBucketName.outputKey];
    check(
      'redeploy after teardown: the stage is created again, with new retained resources beside the old ones',
      d5.code === 0 &&
        (d5.json?.stacks ?? []).length === 6 &&
        (d5.json?.stacks ?? []).every((s) => s.outcome === 'deployed' || (s.stackName === dnsStack && s.outcome === 'no-op')) &&
        !!secondSecret &&
        secondSecret !== firstSecret &&
        !!secondBucket &&
        secondBucket !== bucket &&
        (await fixtures.bucketVersions(bucket)) === 2,
      `exit ${d5.code}${d5.json?.failure ? `: ${d5.json.failure.stackName}: ${d5.json.failure.reason}` : ''}; database secret ${firstSecret} -> ${secondSecret}; bucket ${bucket} -> ${secondBucket}`,
    );
    const td2 = await run<TeardownResult>(`teardown ${options.stage} --confirm ${options.stage} --json (after the redeploy)`, (io) =>
      teardownCommand({ ...common, confirm: options.stage }, io, delegated),
    );
    check(
      'teardown after the redeploy',
      td2.code === 0 && (td2.json?.remaining.length ?? 1) === 0,
      `exit ${td2.code}${td2.json?.error ? `: ${td2.json.error}` : ''}`,
    );

    // 5. A forced failure in a middle stack: another stack already exports a name it exports.
    const conflict = await conflictingExport(root, config, d1.json?.waves ?? []);
    if (!conflict) check('forced failure', false, 'no middle stack exports a value: cannot force a conflict');
    else {
      await fixtures.createExportConflict('rehearsal-conflict', conflict.exportName);
      report.conflictStack = conflict.stackName;
      const d3 = await run<DeployStageResult>(`deploy ${options.stage} --json (conflicting export)`, (io) =>
        deployCommand(common, io, deps),
      );
      report.failedDeploy = d3.json;
      const f = d3.json?.failure;
      check('failed deploy exits 1', d3.code === 1, `exit ${d3.code}`);
      check(
        'failure names the middle stack and the reason',
        f?.stackName === conflict.stackName && /export/i.test(f?.reason ?? ''),
        f ? `${f.stackName}: ${f.reason}` : 'no failure reported',
      );
      const later = (d3.json?.stacks ?? []).filter((s) => s.wave > conflict.wave);
      const attempted = later.filter((s) => s.outcome !== 'not-attempted');
      const exist: string[] = [];
      for (const s of later) if (await aws.describeStack(s.stackName)) exist.push(s.stackName);
      check(
        'later stacks not attempted',
        later.length > 0 && attempted.length === 0 && exist.length === 0,
        `${later.map((s) => `${s.stackName}=${s.outcome}`).join(', ')}${exist.length ? `; exist: ${exist.join(', ')}` : ''}`,
      );
      await fixtures.deleteStack('rehearsal-conflict');
      const cleanup = await run<TeardownResult>(`teardown ${options.stage} --confirm ${options.stage} --json (cleanup)`, (io) =>
        teardownCommand({ ...common, confirm: options.stage }, io, deps),
      );
      check('cleanup after the failure', cleanup.code === 0, `exit ${cleanup.code}`);
    }

    // 6. Prod: deploy the stage as a production stage, then tear down without --allow-prod.
    const prodDeps: DeliveryDeps = { ...deps, loadStage: (dir, name) => ({ ...deps.loadStage(dir, name), isProd: true }) };
    const dp = await run<DeployStageResult>(`deploy ${options.stage} --json (as prod)`, (io) => deployCommand(common, io, prodDeps));
    check('prod-flavoured deploy', dp.code === 0, `exit ${dp.code}`);
    const refused = await run<TeardownResult>(`teardown ${options.stage} --confirm ${options.stage} (prod, no --allow-prod)`, (io) =>
      teardownCommand({ ...common, confirm: options.stage }, io, prodDeps),
    );
    const after: string[] = [];
    for (const s of stacks) if (await aws.describeStack(s.stackName)) after.push(s.stackName);
    report.prodRefusal = { code: refused.code, stderr: refused.err, stacksAfter: after };
    check(
      'prod teardown without --allow-prod deletes nothing',
      refused.code === 1 && /--allow-prod/.test(refused.err) && after.length === 6,
      `exit ${refused.code}, ${after.length} stacks remain`,
    );
    const prodBucket = dp.json?.outputs?.[stackName(config.name, 'data')]?.[OUTPUTS.artifactBucketName.outputKey];
    if (prodBucket) await fixtures.putObject(prodBucket, 'metaflow/x', 'v1');
    const allowed = await run<TeardownResult>(
      `teardown ${options.stage} --confirm ${options.stage} --allow-prod --purge-retained --json`,
      (io) => teardownCommand({ ...common, confirm: options.stage, allowProd: true, purgeRetained: true }, io, prodDeps),
    );
    report.purgeTeardown = allowed.json;
    check(
      'prod teardown with --allow-prod (termination protection lifted)',
      allowed.code === 0 && (allowed.json?.remaining.length ?? 1) === 0,
      `exit ${allowed.code}${allowed.json?.error ? `: ${allowed.json.error}` : ''}`,
    );
    const bucketGone = !!prodBucket && (await fixtures.bucketVersions(prodBucket)) === undefined;
    const purged = (allowed.json?.retained ?? [])
      .filter((r) => r.purged)
      .map((r) => `${r.resourceType} ${r.physicalId}${r.note ? ` (${r.note})` : ''}`);
    check('--purge-retained removes the bucket with its versions', !!prodBucket && bucketGone, purged.join('; ') || 'nothing purged');
    const clusters = (allowed.json?.retained ?? []).filter((r) => r.resourceType === 'AWS::RDS::DBCluster');
    for (const c of clusters) {
      const snapshot = finalSnapshotId(c.physicalId);
      check(
        '--purge-retained keeps a final database snapshot',
        c.purged && (await clusterSnapshotExists(config.region, snapshot)),
        `${c.physicalId}: ${c.note}`,
      );
    }
  } catch (err) {
    check('rehearsal ran to the end', false, (err as Error).stack ?? String(err));
  } finally {
    restore();
    await moto.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
  const ok = checks.length > 0 && checks.every((c) => c.ok);
  return { ok, wallSeconds: (Date.now() - t0) / 1000, waves: report.deploy?.waves ?? [], checks, transcript, ...report } as RehearsalReport;
}

/** A stack of a middle wave that exports a value (cross-stack reference), read from the synthesized assembly. */
async function conflictingExport(
  root: string,
  config: StageConfig,
  waves: string[][],
): Promise<{ stackName: string; exportName: string; wave: number } | undefined> {
  const stacks = new Map(readAssembly(path.join(root, 'checked', config.name)).map((s) => [s.name, s]));
  for (let w = 1; w < waves.length - 1; w++) {
    for (const name of waves[w]) {
      const exportName = Object.values(stacks.get(name)?.template.Outputs ?? {})
        .map((o) => o.Export?.Name)
        .find((n): n is string => typeof n === 'string');
      if (exportName) return { stackName: name, exportName, wave: w + 1 };
    }
  }
  return undefined;
}
