import { StackParameters, StackSelectionStrategy, Toolkit } from '@aws-cdk/toolkit-lib';
import { OUTPUTS, RawStackOutputs, StageConfig, stackName, stageHost } from '@metaflow-gitops/stage-config';
import { DeliveryIoHost, StackProgress } from '../private/io-host';
import { AssemblyStack, readAssembly } from '../synth/stage-assembly';
import { planDeployWaves, formatWaves } from './waves';
import { writeOutputsFile } from './outputs-file';
import { DelegationWaitOptions, waitForDelegation } from './delegation';

export interface DeployStageOptions {
  readonly config: StageConfig;
  /** The stage's cloud assembly as `synthStage` wrote it (e.g. `cdk.out/<stage>`): deployed as is, never synthesized again. */
  readonly assemblyDir: string;
  /** Where the outputs go after success (`outputsFilePath(stage)` under the repo root). */
  readonly outputsFile: string;
  /** Stacks deployed at the same time when their dependencies allow it. @default 4 */
  readonly concurrency?: number;
  readonly print: (line: string) => void;
  readonly printError?: (line: string) => void;
  /** Print every CloudFormation resource event. */
  readonly verbose?: boolean;
  /** Manual delegation: how to wait for public DNS to delegate the stage host (defaults: node:dns, 30 minutes). */
  readonly delegation?: DelegationWaitOptions;
}

export type StackOutcome = 'deployed' | 'no-op' | 'failed' | 'not-attempted' | 'interrupted';

export interface StackReport {
  readonly stackName: string;
  readonly wave: number;
  readonly dependsOn: readonly string[];
  readonly outcome: StackOutcome;
  /** Seconds since the deploy started when the stack's deployment started and ended. */
  readonly startedAt?: number;
  readonly finishedAt?: number;
  /** Seconds the stack's deployment took, when it ran. */
  readonly seconds?: number;
}

export interface DeployFailure {
  readonly stackName: string;
  /** The failed resource, when CloudFormation reported one. */
  readonly logicalId?: string;
  readonly resourceType?: string;
  readonly reason: string;
}

export interface DeployStageResult {
  readonly ok: boolean;
  readonly stage: string;
  readonly waves: string[][];
  readonly stacks: StackReport[];
  /** True when every stack was already up to date. */
  readonly noOp: boolean;
  readonly seconds: number;
  readonly failure?: DeployFailure;
  readonly outputsFile?: string;
  readonly outputs?: RawStackOutputs;
}

/**
 * Deploys the stacks of a synthesized stage (the assembly directory `mfctl synth`/`check` wrote,
 * byte for byte) through the CDK toolkit: dependency order,
 * independent stacks in parallel, no prompts. Direct deployment (CreateStack/UpdateStack, no
 * change sets): the PR diff already showed and reviewed the change, executing a change set would
 * only add a round trip per stack; and the deploy rehearsal's emulator registers cross-stack
 * exports only on direct deployment.
 *
 * Manual delegation (`domain.delegation.mode: manual`): the Dns stack goes first, alone; its name
 * servers are printed as the NS records to add to the parent zone, and the deploy waits until
 * public DNS delegates the stage host to them (the certificate in the last wave is validated
 * through that delegation). When the wait times out, nothing else is deployed and the result says
 * what to add; running the deploy again resumes.
 */
export async function deployStage(options: DeployStageOptions): Promise<DeployStageResult> {
  const { config, print } = options;
  const host = new DeliveryIoHost({ print, printError: options.printError, verbose: options.verbose });
  const toolkit = new Toolkit({ ioHost: host, color: false, emojis: false });

  host.line(`${config.name}: deploying ${options.assemblyDir} (account ${config.accountId}, region ${config.region})`);
  const assembly = readAssembly(options.assemblyDir);
  const source = await toolkit.fromAssemblyDirectory(options.assemblyDir);
  const waves = planDeployWaves(assembly);
  const concurrency = options.concurrency ?? 4;
  host.line(`${config.name}: ${assembly.length} stacks in ${waves.length} waves (concurrency ${concurrency}): ${formatWaves(waves)}`);

  const deps = new Map(assembly.map((s) => [s.name, s.dependsOn]));
  const report = (failed: boolean) =>
    waves.flatMap((wave, i) => wave.map((name) => stackReport(name, i + 1, deps.get(name) ?? [], host.stacks.get(name), failed)));

  let error: unknown;
  let outputs: RawStackOutputs | undefined;
  const dnsStack = stackName(config.name, 'dns');
  let dnsFirst: StackProgress | undefined;
  if (config.domain.delegation.mode === 'manual') {
    try {
      const zone = await deployZoneFirst(toolkit, source, assembly, config, host, options.delegation);
      if (zone.notDelegated) {
        host.line(`${config.name}: FAILED: ${zone.notDelegated}`);
        const failure = { stackName: dnsStack, reason: zone.notDelegated };
        return { ok: false, stage: config.name, waves, stacks: report(false), noOp: false, seconds: host.elapsed(), failure };
      }
      dnsFirst = zone.progress;
    } catch (err) {
      error = err;
    }
  }
  try {
    if (error !== undefined) throw error;
    const result = await toolkit.deploy(source, {
      stacks: { strategy: StackSelectionStrategy.ALL_STACKS },
      deploymentMethod: { method: 'direct' },
      concurrency,
      // Keep the deployed values of parameters the templates declare (the CDK's
      // BootstrapVersion); without it an unchanged stack is never skipped.
      parameters: StackParameters.onlyExisting(),
    });
    outputs = {};
    for (const s of result.stacks) outputs[s.stackName] = { ...s.outputs };
  } catch (err) {
    error = err;
  }

  // The Dns stack deployed in the first phase shows as such, not as the no-op of the second.
  if (dnsFirst?.status === 'deployed') host.stacks.set(dnsStack, dnsFirst);
  const stacks = report(error !== undefined);
  const seconds = host.elapsed();
  if (error !== undefined || !outputs) {
    const failure = describeFailure(error, stacks, host);
    host.line(
      `${config.name}: FAILED at ${failure.stackName}${failure.logicalId ? ` (${failure.logicalId}, ${failure.resourceType})` : ''}: ${failure.reason}`,
    );
    const skipped = stacks.filter((s) => s.outcome === 'not-attempted').map((s) => s.stackName);
    if (skipped.length > 0) host.line(`${config.name}: not attempted: ${skipped.join(', ')}`);
    return { ok: false, stage: config.name, waves, stacks, noOp: false, seconds, failure };
  }

  writeOutputsFile(options.outputsFile, outputs);
  const noOp = stacks.every((s) => s.outcome === 'no-op');
  host.line(
    noOp
      ? `${config.name}: nothing changed: all ${stacks.length} stacks up to date (no-op)`
      : `${config.name}: deployed ${stacks.filter((s) => s.outcome === 'deployed').length} of ${stacks.length} stacks`,
  );
  host.line(`${config.name}: outputs written to ${options.outputsFile}`);
  return { ok: true, stage: config.name, waves, stacks, noOp, seconds, outputsFile: options.outputsFile, outputs };
}

/**
 * Manual delegation, first phase: deploys the Dns stack alone, then waits for public DNS to
 * delegate the stage host to the zone's name servers (printing the NS records to add). Returns the
 * Dns stack's progress, or why the deploy must stop (not delegated in time).
 */
async function deployZoneFirst(
  toolkit: Toolkit,
  source: Awaited<ReturnType<Toolkit['fromAssemblyDirectory']>>,
  assembly: readonly AssemblyStack[],
  config: StageConfig,
  host: DeliveryIoHost,
  wait: DelegationWaitOptions | undefined,
): Promise<{ progress?: StackProgress; notDelegated?: string }> {
  const dnsStack = stackName(config.name, 'dns');
  host.line(`${config.name}: manual delegation: deploying ${dnsStack} first for the zone's name servers`);
  const first = await toolkit.deploy(source, {
    stacks: { strategy: StackSelectionStrategy.PATTERN_MUST_MATCH, patterns: [assembly.find((s) => s.name === dnsStack)?.id ?? dnsStack] },
    deploymentMethod: { method: 'direct' },
    parameters: StackParameters.onlyExisting(),
  });
  const dnsOutputs = first.stacks.find((s) => s.stackName === dnsStack)?.outputs ?? {};
  const nameServers = (dnsOutputs[OUTPUTS.nameServers.outputKey] ?? '').split(',').filter(Boolean);
  const zoneHost = stageHost(config.name, config.domain.parentDomain);
  const result = await waitForDelegation(zoneHost, nameServers, (line) => host.line(line), wait);
  const progress = host.stacks.get(dnsStack);
  if (result.delegated) return { progress: progress && { ...progress } };
  return {
    notDelegated:
      `public DNS does not delegate ${zoneHost} to the stage zone yet (answer: ${result.answer.join(', ') || 'none'}; waited ${Math.round(result.seconds)}s). ` +
      `Add NS records for ${zoneHost} with the name servers ${nameServers.join(', ')} in the parent zone ${config.domain.parentDomain}, then run mfctl deploy ${config.name} again`,
  };
}

function stackReport(name: string, wave: number, dependsOn: readonly string[], p: StackProgress | undefined, failed: boolean): StackReport {
  const seconds = p?.startedAt !== undefined && p.finishedAt !== undefined ? (p.finishedAt - p.startedAt) / 1000 : undefined;
  let outcome: StackOutcome;
  if (!p || p.status === 'pending') outcome = 'not-attempted';
  else if (p.status === 'deployed' || p.status === 'no-op') outcome = p.status;
  else if (p.status === 'failed' || p.failure) outcome = 'failed';
  else outcome = failed ? 'interrupted' : 'not-attempted';
  const at = (ms: number | undefined) => (ms === undefined ? undefined : ms / 1000);
  return { stackName: name, wave, dependsOn, outcome, startedAt: at(p?.startedAt), finishedAt: at(p?.finishedAt), seconds };
}

/**
 * The failing stack, resource and reason. The toolkit's error names the stack
 * (`<stack> failed: <Error>: <reason>`); the resource and CloudFormation's reason come from the
 * first FAILED resource event of that stack. When the API call itself was rejected (no resource
 * event), the error's reason is the reason.
 */
export function describeFailure(error: unknown, stacks: StackReport[], host: DeliveryIoHost): DeployFailure {
  const message = error instanceof Error ? error.message : String(error);
  const named = /(\S+) failed: (?:\w+: )?([\s\S]*)$/.exec(message.replace(/^\W+/, ''));
  const stackName =
    (named && stacks.some((s) => s.stackName === named[1]) ? named[1] : undefined) ??
    [...host.stacks.values()].find((p) => p.failure)?.stackName ??
    stacks.find((s) => s.outcome === 'interrupted')?.stackName ??
    '(none: the deployment did not start)';
  const progress = host.stacks.get(stackName);
  if (progress) progress.status = 'failed';
  const s = stacks.findIndex((r) => r.stackName === stackName);
  if (s >= 0) stacks[s] = { ...stacks[s], outcome: 'failed' };
  const f = progress?.failure;
  if (f) return { stackName, logicalId: f.logicalId, resourceType: f.resourceType, reason: f.reason };
  return { stackName, reason: (named?.[2] ?? message).trim() };
}
