import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../main';
import { captureIo } from '@metaflow-gitops/testing/cli';

const REPO = path.resolve(__dirname, '../../../..');
const BIN = path.join(REPO, 'apps/cli/bin/mfctl.js');

/** A temp workspace with a copy of the repo's stage files, so tests can break them. */
function workspace(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfctl-synth-'));
  fs.cpSync(path.join(REPO, 'environments'), path.join(dir, 'environments'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'nx.json'), '{}');
  return dir;
}

describe('mfctl synth', () => {
  let dir: string;
  let io: ReturnType<typeof captureIo>;
  let code: number;

  beforeAll(async () => {
    dir = workspace();
    io = captureIo({}, dir);
    code = await main(['synth', '--all'], io);
  });

  test('--all writes cdk.out/<stage>/ for each stage and exits 0', () => {
    expect(code).toBe(0);
    for (const stage of ['example', 'prod-example']) {
      expect(fs.existsSync(path.join(dir, 'cdk.out', stage, 'manifest.json'))).toBe(true);
      expect(fs.existsSync(path.join(dir, 'cdk.out', stage, `${stage}-eks.template.json`))).toBe(true);
    }
    expect(io.err()).toContain('synthesizing example ...');
  });

  test('prints the stacks in deploy order with resource counts and what they wait for', () => {
    const block = io.out().split('\n');
    const start = block.findIndex((l) => l.startsWith('example: cdk.out/example ('));
    expect(start).toBeGreaterThanOrEqual(0);
    const rows = block.slice(start + 1, start + 7);
    expect(rows.map((r) => r.trim().split(/\s+/).slice(0, 2))).toEqual([
      ['1.', 'example-vpc'],
      ['2.', 'example-dns'],
      ['3.', 'example-auth'],
      ['4.', 'example-data'],
      ['5.', 'example-eks'],
      ['6.', 'example-ingress'],
    ]);
    expect(rows[3]).toMatch(/example-data\s+\d+ resources {2}after example-vpc$/);
    expect(rows[5]).toMatch(/example-ingress\s+\d+ resources {2}after example-vpc, example-dns, example-eks$/);
  });

  test('an invalid stage prints located errors first and synthesizes nothing (exit 1)', async () => {
    const broken = workspace();
    const file = path.join(broken, 'environments/example.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('region: us-west-2', 'region: us-wset-2'));
    const bad = captureIo({}, broken);
    expect(await main(['synth', 'example'], bad)).toBe(1);
    expect(bad.err()).toMatch(/^environments\/example\.yaml:\d+:\d+: region: /m);
    expect(bad.err()).toContain('error: 1 error(s) in the stage file: fix them and run again');
    expect(fs.existsSync(path.join(broken, 'cdk.out'))).toBe(false);
  });

  test('unknown stage: exit 1 naming the known ones; stage and --all together: usage error', async () => {
    const unknown = captureIo({}, dir);
    expect(await main(['synth', 'nope'], unknown)).toBe(1);
    expect(unknown.err()).toContain("no stage 'nope'");
    expect(unknown.err()).toContain('stages: example, prod-example');
    const both = captureIo({}, dir);
    expect(await main(['synth', 'example', '--all'], both)).toBe(2);
    expect(both.err()).toContain('give a stage name or --all, not both');
  });

  test('--json describes each assembly', async () => {
    const json = captureIo({}, dir);
    expect(await main(['synth', 'example', '--json', '--out', 'out2'], json)).toBe(0);
    const [result] = JSON.parse(json.out());
    expect(result.stage).toBe('example');
    expect(result.assemblyDir).toBe(path.join(dir, 'out2', 'example'));
    expect(result.stacks.map((s: { stackName: string }) => s.stackName)).toEqual([
      'example-vpc',
      'example-dns',
      'example-auth',
      'example-data',
      'example-eks',
      'example-ingress',
    ]);
  });
});

describe('through the real bin, with no AWS environment at all', () => {
  test('mfctl synth prod-example exits 0 and writes the assembly', () => {
    const dir = workspace();
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_') && !k.startsWith('CDK_')));
    const r = spawnSync(process.execPath, [BIN, 'synth', 'prod-example'], { cwd: dir, env: { ...env, HOME: dir }, encoding: 'utf8' });
    expect(r.stderr).not.toContain('error');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^prod-example: cdk\.out\/prod-example \(/);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'cdk.out/prod-example/manifest.json'), 'utf8'));
    expect(manifest.missing ?? []).toEqual([]);
  });
});
