import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../main';
import { captureIo } from '@metaflow-gitops/testing/cli';

const REPO = path.resolve(__dirname, '../../../..');
const HAS_CFN_LINT = spawnSync('cfn-lint', ['--version']).status === 0;
if (!HAS_CFN_LINT)
  process.stderr.write('cfn-lint is not installed: mfctl check reports it as SKIPPED; the cfn-lint assertions below are skipped too\n');

function workspace(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfctl-check-'));
  fs.cpSync(path.join(REPO, 'environments'), path.join(dir, 'environments'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'nx.json'), '{}');
  return dir;
}

describe('mfctl check', () => {
  let dir: string;
  let json: {
    ok: boolean;
    stages: {
      stage: string;
      ok: boolean;
      checks: { name: string; status: string; findings: { location?: string }[]; notes: string[] }[];
    }[];
  };
  let code: number;
  let text: ReturnType<typeof captureIo>;

  // Three stage checks with the real cfn-lint: minutes on a loaded 2-core machine.
  beforeAll(async () => {
    dir = workspace();
    const io = captureIo({ PATH: process.env.PATH }, dir);
    code = await main(['check', '--all', '--json'], io);
    json = JSON.parse(io.out());
    text = captureIo({ PATH: process.env.PATH }, dir);
    await main(['check', 'example'], text);
  }, 300_000);

  test('both example stages pass every check (exit 0)', () => {
    expect(code).toBe(0);
    expect(json.stages.map((s) => [s.stage, s.ok])).toEqual([
      ['example', true],
      ['prod-example', true],
    ]);
    for (const stage of json.stages) {
      expect(stage.checks.map((c) => c.name)).toEqual(['cdk-nag', 'cfn-lint', 'template-limits', 'custom-resources', 'deployability']);
      expect(stage.checks.every((c) => c.findings.length === 0)).toBe(true);
    }
  });

  (HAS_CFN_LINT ? test : test.skip)('cfn-lint really ran', () => {
    for (const stage of json.stages)
      expect(stage.checks[1]).toMatchObject({ status: 'pass', notes: [expect.stringMatching(/^cfn-lint .*: 6 templates, 0 errors/)] });
  });

  test('the prod-like stage lists its one unavoidable custom resource', () => {
    const prod = json.stages.find((s) => s.stage === 'prod-example')!;
    expect(prod.checks[3].notes).toEqual([expect.stringContaining('Custom::CrossAccountZoneDelegation): unavoidable')]);
  });

  test('human output names each check and its status', () => {
    expect(text.out()).toMatch(new RegExp(`^example: all checks passed\\n {2}cdk-nag {11}pass\\n {2}cfn-lint {10}(pass|SKIPPED)`));
    expect(text.out()).toMatch(/\n {2}deployability {5}pass\n/);
    expect(text.out()).toMatch(/\(\d+ cdk-nag acknowledgements, each with a reason/);
  });

  test('a missing cfn-lint is shown as SKIPPED, not hidden', async () => {
    const io = captureIo({ PATH: '/nonexistent' }, dir);
    expect(await main(['check', 'example', '--out', 'cdk.out.nolint'], io)).toBe(0);
    expect(io.out()).toContain("cfn-lint          SKIPPED ('cfn-lint' is not installed");
  });

  test('stage errors fail before any check (exit 1)', async () => {
    const broken = workspace();
    const file = path.join(broken, 'environments/prod-example.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('natGateways: 3', 'natGateways: -1'));
    const io = captureIo({ PATH: process.env.PATH }, broken);
    expect(await main(['check', 'prod-example'], io)).toBe(1);
    expect(io.err()).toMatch(/^environments\/prod-example\.yaml:\d+:\d+: network\.natGateways: /m);
    expect(io.out()).toBe('');
  });
});
