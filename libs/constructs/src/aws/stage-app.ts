import * as fs from 'node:fs';
import * as path from 'node:path';
import * as cdk from 'aws-cdk-lib';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { StackKind, StageConfig } from '@metaflow-gitops/stage-config';
import { VpcStack } from './vpc/vpc-stack';
import { DnsStack } from './dns/dns-stack';
import { DataStack } from './data/data-stack';
import { AuthStack } from './auth/auth-stack';
import { EksStack } from './eks/eks-stack';
import { IngressStack } from './ingress/ingress-stack';
import { NAG_REPORT_FILE, nagReport } from './private/nag-report';

export { NAG_REPORT_FILE } from './private/nag-report';
export type { NagReport, NagFinding, NagAcknowledgementRecord } from './private/nag-report';

export interface StageStacks extends Record<StackKind, cdk.Stack> {
  readonly vpc: VpcStack;
  readonly dns: DnsStack;
  readonly data: DataStack;
  readonly auth: AuthStack;
  readonly eks: EksStack;
  readonly ingress: IngressStack;
}

/**
 * The six stacks of a stage in `app`. Dependencies are only the real data dependencies (typed
 * objects passed through props; the CDK turns them into exports/imports and stack dependencies):
 * Vpc, Dns and Auth have none and deploy in parallel; Data needs Vpc; Eks needs Vpc, Dns, Data and
 * Auth; Ingress needs Vpc, Dns and Eks.
 */
export function buildStage(app: cdk.App, config: StageConfig): StageStacks {
  const stage = config;
  const vpc = new VpcStack(app, { stage, network: config.network });
  const dns = new DnsStack(app, { stage, domain: config.domain });
  const data = new DataStack(app, { stage, vpc: vpc.vpc, databaseSubnets: vpc.privateSubnets, database: config.database });
  const auth = new AuthStack(app, { stage, oidc: config.oidcConfig, parentDomain: config.domain.parentDomain });
  const eks = new EksStack(app, {
    stage,
    cluster: config.cluster,
    deployRoleArn: config.deploy.roleArn,
    syncRunner: config.deploy.syncRunner,
    vpc: vpc.vpc,
    privateSubnets: vpc.privateSubnets,
    bucket: data.bucket,
    databaseSecret: data.databaseSecret,
    databaseSecurityGroup: data.databaseSecurityGroup,
    gatewayClientSecret: auth.gatewayClientSecret,
    cliOidcProvider: auth.cliOidcProvider,
    zone: dns.zone,
  });
  const ingress = new IngressStack(app, {
    stage,
    ingress: config.ingress,
    parentDomain: config.domain.parentDomain,
    vpc: vpc.vpc,
    cluster: eks.cluster,
    zone: dns.zone,
  });
  return { vpc, dns, data, auth, eks, ingress };
}

/** Builds stacks into a stage app: `buildStage` for a stage's six stacks, another builder for e.g. the bootstrap roles stack. */
export type StageAppBuilder = (app: cdk.App, config: StageConfig) => unknown;

export interface StageAppOptions {
  /** Where `app.synth()` writes the cloud assembly. @default the CDK's (`CDK_OUTDIR`, else a temporary directory) */
  readonly outdir?: string;
}

/**
 * The one CDK app every synthesis goes through (synth, check, diff, deploy, teardown, apps/infra,
 * benchmarks, tests), so what is checked and diffed is byte for byte what is deployed: no version
 * reporting resource (`AWS::CDK::Metadata`), no construct-path metadata, no stack traces, no
 * context beyond what `cdk` itself passes (the stage file is the only input), and no built-in
 * template validation (a subset of cfn-lint; `mfctl check` runs the real cfn-lint instead).
 */
export function createStageApp(options: StageAppOptions = {}): cdk.App {
  return new cdk.App({
    outdir: options.outdir,
    context: {},
    // Wins over context the cdk CLI passes (apps/infra), which turns path metadata on.
    postCliContext: { [cxapi.PATH_METADATA_ENABLE_CONTEXT]: false },
    analyticsReporting: false,
    builtinCloudFormationValidation: false,
    stackTraces: false,
  });
}

export interface SynthStageOptions {
  /** Root directory of cloud assemblies; the stage's assembly is `<outdir>/<stage>/`. @default `cdk.out` */
  readonly outdir?: string;
  /** Run the cdk-nag AwsSolutions pack and write `nag-report.json` into the assembly. @default true */
  readonly nag?: boolean;
  /** What goes into the app. @default `buildStage` (the stage's six stacks) */
  readonly build?: StageAppBuilder;
}

/** A synthesis that would need an AWS lookup (context provider): refused, synth must stay hermetic. */
export class HermeticSynthError extends Error {
  constructor(
    readonly stage: string,
    readonly missing: readonly string[],
  ) {
    super(
      `stage '${stage}': synthesis needs AWS lookups (${missing.join('; ')}). Synthesis is hermetic: ` +
        `put the value in the stage file (e.g. network.availabilityZones) instead of looking it up.`,
    );
    this.name = 'HermeticSynthError';
  }
}

/** `<outdir>/<stage>`: where a stage's cloud assembly is written. */
export function stageAssemblyDir(outdir: string, stage: string): string {
  return path.join(outdir, stage);
}

/**
 * Synthesizes one stage into `<outdir>/<stage>/` (manifest.json, `<stack>.template.json`, and
 * `nag-report.json` with the cdk-nag findings and acknowledgements). No AWS call, no credentials, no context file: a
 * lookup would show up as missing context and fails here with a clear message.
 */
export function synthStage(config: StageConfig, options: SynthStageOptions = {}): cxapi.CloudAssembly {
  const outdir = stageAssemblyDir(options.outdir ?? 'cdk.out', config.name);
  fs.rmSync(outdir, { recursive: true, force: true });
  const app = createStageApp({ outdir });
  (options.build ?? buildStage)(app, config);
  const assembly = app.synth();
  if (options.nag ?? true) {
    fs.writeFileSync(path.join(assembly.directory, NAG_REPORT_FILE), JSON.stringify(nagReport(app), undefined, 2));
  }
  assertHermetic(config.name, assembly);
  return assembly;
}

/** Throws `HermeticSynthError` when the assembly recorded context lookups (missing context). */
export function assertHermetic(stage: string, assembly: cxapi.CloudAssembly): void {
  const missing = assembly.manifest.missing ?? [];
  if (missing.length > 0)
    throw new HermeticSynthError(
      stage,
      missing.map((m) => `${m.provider} for ${m.key}`),
    );
}
