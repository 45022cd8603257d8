import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { synthStage } from '@metaflow-gitops/constructs';
import { makeStageConfig } from '@metaflow-gitops/testing/stage-config';
import { readAssembly } from '../synth/stage-assembly';
import { planDeployWaves } from '../deploy/waves';
import { cfnLintVersion } from './cfn-lint';
import { runChecks } from './run-checks';
import { CheckResult } from './types';

const CFN_LINT = cfnLintVersion();
if (!CFN_LINT) process.stderr.write('cfn-lint is not installed: the cfn-lint cases below are SKIPPED (pip install cfn-lint)\n');
const withCfnLint = CFN_LINT ? test : test.skip;

let root: string;
let same: string;
let cross: string;

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'checks-'));
  same = synthStage(makeStageConfig({ name: 'dev' }), { outdir: root }).directory;
  cross = synthStage(
    makeStageConfig({
      name: 'prod',
      isProd: true,
      domain: {
        delegation: { mode: 'cross-account', parentHostedZoneId: 'Z0PARENT', delegationRoleArn: 'arn:aws:iam::333333333333:role/delegate' },
      },
    }),
    { outdir: root },
  ).directory;
});

/** A copy of an assembly to break on purpose. */
function copyOf(dir: string): string {
  const target = fs.mkdtempSync(path.join(root, 'broken-'));
  fs.cpSync(dir, target, { recursive: true });
  return target;
}

function editTemplate(dir: string, stack: string, edit: (t: { Resources: Record<string, unknown>; Metadata?: unknown }) => void): void {
  const file = path.join(dir, `${stack}.template.json`);
  const template = JSON.parse(fs.readFileSync(file, 'utf8'));
  edit(template);
  fs.writeFileSync(file, JSON.stringify(template, undefined, 1));
}

const check = (checks: CheckResult[], name: string) => checks.find((c) => c.name === name)!;

describe('a freshly synthesized stage', () => {
  withCfnLint('passes every check, with cfn-lint really run on the six templates', async () => {
    const report = await runChecks({ assemblyDir: same });
    expect(report.checks.map((c) => [c.name, c.status])).toEqual([
      ['cdk-nag', 'pass'],
      ['cfn-lint', 'pass'],
      ['template-limits', 'pass'],
      ['custom-resources', 'pass'],
      // The deployability rules on the stages are asserted by deployability.test.ts (known blockers listed there).
      ['deployability', expect.stringMatching(/^(pass|fail)$/)],
    ]);
    expect(check(report.checks, 'cfn-lint').notes[0]).toMatch(/^cfn-lint \d+\.\d+\.\d+: 6 templates, 0 errors/);
    expect(check(report.checks, 'cdk-nag').notes.every((n) => /^acknowledged AwsSolutions-\S+ at dev-\S+: .{20,}/.test(n))).toBe(true);
  });

  test('cross-account delegation: its custom resource is listed as unavoidable, not a failure', async () => {
    const result = check((await runChecks({ assemblyDir: cross, cfnLint: false })).checks, 'custom-resources');
    expect(result.status).toBe('pass');
    expect(result.notes).toEqual([expect.stringMatching(/^prod-dns\/Delegation\S+ \(Custom::CrossAccountZoneDelegation\): unavoidable: /)]);
  });

  test('the assembly reader: stacks wave by wave, dependencies by stack name, templates parsed', async () => {
    const stacks = readAssembly(same);
    expect(planDeployWaves(stacks)).toEqual([['dev-vpc', 'dev-dns', 'dev-auth'], ['dev-data'], ['dev-eks'], ['dev-ingress']]);
    expect(stacks.map((s) => s.name)).toEqual(['dev-vpc', 'dev-dns', 'dev-auth', 'dev-data', 'dev-eks', 'dev-ingress']);
    expect(stacks.find((s) => s.name === 'dev-ingress')!.dependsOn).toEqual(['dev-eks', 'dev-vpc', 'dev-dns']);
    for (const s of stacks) {
      const text = fs.readFileSync(path.join(same, `${s.name}.template.json`), 'utf8');
      expect([s.id, s.templatePath, s.templateBytes, s.template]).toEqual([
        s.name,
        path.join(same, s.templateFile),
        Buffer.byteLength(text),
        JSON.parse(text),
      ]);
    }
  });
});

describe('each check fails on what it is for', () => {
  withCfnLint('cfn-lint errors are findings with file and line', async () => {
    const dir = copyOf(same);
    editTemplate(dir, 'dev-ingress', (t) => {
      t.Resources.Broken = { Type: 'AWS::SNS::Topic', Properties: { NotAProperty: 1 } };
    });
    const result = check((await runChecks({ assemblyDir: dir })).checks, 'cfn-lint');
    expect(result.status).toBe('fail');
    expect(result.findings).toEqual([
      expect.objectContaining({
        stack: 'dev-ingress',
        rule: 'E3002',
        location: expect.stringMatching(/^dev-ingress\.template\.json:\d+$/),
      }),
    ]);
  });

  withCfnLint("cfn-lint knows the gateway client's ClientSecret attribute (a wrong one is an error)", async () => {
    const dir = copyOf(same);
    const file = path.join(dir, 'dev-auth.template.json');
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toContain('"ClientSecret"');
    fs.writeFileSync(file, text.replace('"ClientSecret"', '"ClientSecretValue"'));
    const result = check((await runChecks({ assemblyDir: dir })).checks, 'cfn-lint');
    expect(result.findings).toEqual([
      expect.objectContaining({
        stack: 'dev-auth',
        rule: 'E1022',
        message: "'ClientSecretValue' is not one of ['ClientSecret', 'Name', 'ClientId'] in ['us-west-2']",
      }),
    ]);
  });

  test('a missing cfn-lint is a visible skip, not a pass', async () => {
    const report = await runChecks({ assemblyDir: same, cfnLint: { command: 'cfn-lint-not-installed-here' } });
    const result = check(report.checks, 'cfn-lint');
    expect(result.status).toBe('skipped');
    expect(result.reason).toContain("'cfn-lint-not-installed-here' is not installed");
  });

  test('over 500 resources or over 1 MB fails the limits check', async () => {
    const dir = copyOf(same);
    editTemplate(dir, 'dev-vpc', (t) => {
      for (let i = Object.keys(t.Resources).length; i <= 500; i++) t.Resources[`Topic${i}`] = { Type: 'AWS::SNS::Topic' };
    });
    editTemplate(dir, 'dev-auth', (t) => {
      t.Metadata = { padding: 'x'.repeat(1_100_000) };
    });
    const result = check((await runChecks({ assemblyDir: dir, cfnLint: false })).checks, 'template-limits');
    expect(result.status).toBe('fail');
    expect(result.findings.map((f) => [f.stack, f.rule])).toEqual([
      ['dev-vpc', 'max-resources'],
      ['dev-auth', 'max-bodyBytes'],
    ]);
  });

  test('an unknown custom resource fails', async () => {
    const dir = copyOf(same);
    editTemplate(dir, 'dev-data', (t) => {
      t.Resources.Emptier = { Type: 'Custom::S3AutoDeleteObjects', Properties: { ServiceToken: 'arn' } };
    });
    const result = check((await runChecks({ assemblyDir: dir, cfnLint: false })).checks, 'custom-resources');
    expect(result.findings).toEqual([
      { stack: 'dev-data', rule: 'custom-resource', message: expect.stringContaining('Custom::S3AutoDeleteObjects'), location: 'Emptier' },
    ]);
  });

  test('an unacknowledged cdk-nag finding and a stale acknowledgement both fail', async () => {
    const dir = copyOf(same);
    const file = path.join(dir, 'nag-report.json');
    const report = JSON.parse(fs.readFileSync(file, 'utf8'));
    report.findings.push({
      ruleId: 'AwsSolutions-S10',
      description: 'no TLS',
      severity: 'error',
      constructPath: 'dev-data/Artifacts/Resource',
    });
    report.acknowledgements[0].matched = 0;
    fs.writeFileSync(file, JSON.stringify(report));
    const result = check((await runChecks({ assemblyDir: dir, cfnLint: false })).checks, 'cdk-nag');
    expect(result.status).toBe('fail');
    expect(result.findings.map((f) => f.rule)).toEqual(['AwsSolutions-S10', 'stale-acknowledgement']);
  });

  test('an assembly without a nag report (synthesized another way) fails', async () => {
    const dir = copyOf(same);
    fs.rmSync(path.join(dir, 'nag-report.json'));
    expect(check((await runChecks({ assemblyDir: dir, cfnLint: false })).checks, 'cdk-nag').findings[0].rule).toBe('nag-report-missing');
  });
});
