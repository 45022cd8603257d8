import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as cdk from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { OUTPUTS, STACK_KINDS, STAGE_TAG, outputsOfStack, stackName } from '@metaflow-gitops/stage-config';
import { makeStageConfig } from '@metaflow-gitops/testing/stage-config';
import { assertHermetic, createStageApp, HermeticSynthError, NAG_REPORT_FILE, NagReport, synthStage } from './stage-app';
import { buildTestStage, BuiltStage } from '@metaflow-gitops/testing/constructs/aws';

let dev: BuiltStage;
let prod: BuiltStage;

beforeAll(() => {
  dev = buildTestStage(makeStageConfig({ name: 'dev', tags: { team: 'ml-platform' } }));
  prod = buildTestStage(makeStageConfig({ name: 'prod', isProd: true, accountId: '222222222222', region: 'eu-west-1' }));
});

describe('stacks', () => {
  test('six stacks named <stage>-<kind>, in the stage account and region', () => {
    for (const kind of STACK_KINDS) {
      const stack = prod.stacks[kind];
      expect(stack.stackName).toBe(stackName('prod', kind));
      expect(stack.account).toBe('222222222222');
      expect(stack.region).toBe('eu-west-1');
    }
  });

  test('termination protection on prod stacks only', () => {
    for (const kind of STACK_KINDS) {
      expect(prod.stacks[kind].terminationProtection).toBe(true);
      expect(dev.stacks[kind].terminationProtection).toBe(false);
    }
  });

  test('availability zones come from the stage file, not a lookup', () => {
    expect(prod.stacks.vpc.availabilityZones).toEqual(['eu-west-1a', 'eu-west-1b', 'eu-west-1c']);
  });
});

describe('dependencies are the real data dependencies, nothing stricter', () => {
  const deps = (stage: BuiltStage) =>
    Object.fromEntries(
      STACK_KINDS.map((kind) => [kind, stage.stacks[kind].dependencies.map((d) => d.stackName.replace(/^dev-/, '')).sort()]),
    );

  test('graph', () => {
    expect(deps(dev)).toEqual({
      vpc: [],
      dns: [],
      data: ['vpc'],
      auth: [],
      eks: ['auth', 'data', 'dns', 'vpc'],
      ingress: ['dns', 'eks', 'vpc'],
    });
  });

  test('STACK_KINDS order Vpc -> Dns -> Data -> Auth -> Eks -> Ingress puts every stack after its dependencies', () => {
    const order = STACK_KINDS as readonly string[];
    const graph = deps(dev);
    for (const [kind, before] of Object.entries(graph)) {
      for (const dep of before) expect(order.indexOf(dep)).toBeLessThan(order.indexOf(kind));
    }
  });
});

describe('tags', () => {
  test('every taggable resource carries the stage tag and the stage file tags', () => {
    let checked = 0;
    for (const kind of STACK_KINDS) {
      const resources = dev.template(kind).toJSON().Resources as Record<string, { Type: string; Properties?: { Tags?: unknown } }>;
      for (const [id, r] of Object.entries(resources)) {
        const tags = r.Properties?.Tags;
        if (!Array.isArray(tags)) continue;
        checked++;
        expect({ id, tags }).toEqual({
          id,
          tags: expect.arrayContaining([
            { Key: STAGE_TAG, Value: 'dev' },
            { Key: 'team', Value: 'ml-platform' },
          ]),
        });
      }
    }
    expect(checked).toBeGreaterThan(30);
    // Tag maps (not lists) on resources such as the EKS cluster and Cognito user pool.
    dev.template('auth').hasResourceProperties('AWS::Cognito::UserPool', { UserPoolTags: { [STAGE_TAG]: 'dev', team: 'ml-platform' } });
  });
});

describe('outputs contract (stage-outputs.ts OUTPUTS)', () => {
  test.each(STACK_KINDS.map((k) => [k]))('%s emits exactly its OUTPUTS', (kind) => {
    const outputs = Object.keys(dev.template(kind).toJSON().Outputs ?? {}).filter((k) => !k.startsWith('ExportsOutput'));
    const expected = outputsOfStack(kind).map((n) => OUTPUTS[n].outputKey);
    expect(outputs.sort()).toEqual([...expected].sort());
  });

  test('no output is missing across the stage', () => {
    const all = new Set(STACK_KINDS.flatMap((k) => Object.keys(dev.template(k).toJSON().Outputs ?? {}).map((o) => `${k}.${o}`)));
    const missing = Object.values(OUTPUTS).filter((o) => !all.has(`${o.stack}.${o.outputKey}`));
    expect(missing).toEqual([]);
  });
});

describe('hermetic synth (no credentials, no network, no lookups)', () => {
  const saved: Record<string, string | undefined> = {};
  let outRoot: string;
  let reports: Record<string, NagReport>;

  beforeAll(() => {
    for (const key of Object.keys(process.env)) {
      if (key.startsWith('AWS_') || key.startsWith('CDK_') || key === 'HOME') {
        saved[key] = process.env[key];
        delete process.env[key];
      }
    }
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'home-'));
    process.env.HOME = home;
    outRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-'));
    reports = {};
    const variants = [
      makeStageConfig({ name: 'same-account' }),
      makeStageConfig({
        name: 'cross',
        isProd: true,
        domain: {
          delegation: {
            mode: 'cross-account',
            parentHostedZoneId: 'Z0000000000EXAMPLE000',
            delegationRoleArn: 'arn:aws:iam::333333333333:role/delegate',
          },
        },
        network: { natGateways: 3, vpcEndpoints: ['s3', 'ecr.api', 'ecr.dkr', 'sts', 'logs', 'secretsmanager', 'eks-auth'] },
        cluster: {
          publicEndpoint: false,
          accessPrincipals: [{ arn: 'arn:aws:iam::222222222222:role/dev', access: 'edit', namespaces: ['metaflow-jobs'] }],
        },
        ingress: { allowedCidrs: ['198.51.100.0/24'] },
      }),
      makeStageConfig({ name: 'manual', domain: { delegation: { mode: 'manual' } }, network: { natGateways: 0 } }),
    ];
    for (const config of variants) {
      const assembly = synthStage(config, { outdir: outRoot });
      expect(fs.existsSync(path.join(assembly.directory, 'manifest.json'))).toBe(true);
      reports[config.name] = JSON.parse(fs.readFileSync(path.join(assembly.directory, NAG_REPORT_FILE), 'utf8'));
    }
  });

  afterAll(() => {
    for (const key of Object.keys(process.env))
      if (key.startsWith('AWS_') || key.startsWith('CDK_') || key === 'HOME') delete process.env[key];
    Object.assign(process.env, saved);
  });

  test('assemblies land in <outdir>/<stage>/ with one template per stack and no missing context', () => {
    for (const stage of ['same-account', 'cross', 'manual']) {
      const dir = path.join(outRoot, stage);
      const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
      expect(manifest.missing ?? []).toEqual([]);
      for (const kind of STACK_KINDS) expect(fs.existsSync(path.join(dir, `${stackName(stage, kind)}.template.json`))).toBe(true);
      expect(fs.existsSync(path.join(dir, 'cdk.context.json'))).toBe(false);
    }
    expect(fs.existsSync(path.join(process.cwd(), 'cdk.context.json'))).toBe(false);
  });

  test('cdk-nag AwsSolutions: zero unacknowledged findings on every variant', () => {
    for (const report of Object.values(reports)) expect(report.findings).toEqual([]);
  });

  test('every acknowledgement has a reason and matches a real finding (cdk-nag#2362)', () => {
    for (const report of Object.values(reports)) {
      expect(report.acknowledgements.length).toBeGreaterThan(10);
      for (const ack of report.acknowledgements) {
        expect({ ack: ack.ruleId, matched: ack.matched > 0 }).toEqual({ ack: ack.ruleId, matched: true });
        expect(ack.reason.length).toBeGreaterThan(20);
      }
    }
  });

  test('a lookup fails synthesis with a clear message', () => {
    const app = createStageApp({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'lookup-')) });
    const stack = new cdk.Stack(app, 'lookup', { env: { account: '111111111111', region: 'us-west-2' } });
    ec2.Vpc.fromLookup(stack, 'Vpc', { vpcId: 'vpc-123' });
    const assembly = app.synth();
    expect(() => assertHermetic('lookup', assembly)).toThrow(HermeticSynthError);
    expect(() => assertHermetic('lookup', assembly)).toThrow(
      /stage 'lookup': synthesis needs AWS lookups \(vpc-provider for .*\)\. Synthesis is hermetic/,
    );
  });
});
