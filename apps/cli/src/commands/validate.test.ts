import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../main';
import { captureIo } from '@metaflow-gitops/testing/cli';
import { TempRepo } from '@metaflow-gitops/testing/gitops';
import { minimalStageText } from '@metaflow-gitops/testing/stage-config';
import { githubAnnotation } from './validate';

const REPO = path.resolve(__dirname, '../../../..');
const BIN = path.join(REPO, 'apps/cli/bin/mfctl.js');

/** A temp dir holding a copy of the repo's stage files under environments/. */
function copyOfStages(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfctl-validate-'));
  fs.cpSync(path.join(REPO, 'environments'), path.join(dir, 'environments'), { recursive: true });
  return dir;
}

function breakExample(dir: string): void {
  const file = path.join(dir, 'environments/example.yaml');
  const text = fs
    .readFileSync(file, 'utf8')
    .replace('accountId: "111111111111"', 'accountId: 111111111111')
    .replace('region: us-west-2', 'region: us-wset-2');
  fs.writeFileSync(file, text);
}

/** Line and column (1-based) of `needle`'s value in the file. */
function where(dir: string, needle: string): string {
  const lines = fs.readFileSync(path.join(dir, 'environments/example.yaml'), 'utf8').split('\n');
  const line = lines.findIndex((l) => l.startsWith(needle));
  return `${line + 1}:${needle.length + 1}`;
}

describe('mfctl validate', () => {
  let dir: string;
  beforeEach(() => (dir = copyOfStages()));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("exits 0 on the repo's stages with a summary", async () => {
    const io = captureIo({}, REPO);
    expect(await main(['validate'], io)).toBe(0);
    expect(io.out()).toMatch(/^\d+ stages checked: (\d+) valid, 0 invalid \(0 errors, \d+ warnings?\)\n$/);
    expect(io.err()).toBe('');
  });

  it('exits 1 with every error located on stderr', async () => {
    breakExample(dir);
    const io = captureIo({}, dir);
    expect(await main(['validate', '--environments', 'environments'], io)).toBe(1);
    const lines = io.err().trim().split('\n');
    expect(lines).toEqual([
      `environments/example.yaml:${where(dir, 'accountId: ')}: accountId: must be a string, but YAML reads the unquoted 111111111111 as the number 111111111111 (fix: quote it: "111111111111")`,
      expect.stringMatching(
        new RegExp(
          `^environments/example\\.yaml:${where(dir, 'region: ')}: region: the string "us-wset-2" is not allowed \\(fix: did you mean "us-west-2"\\?`,
        ),
      ),
      '2 stages checked: 1 valid, 1 invalid (2 errors, 0 warnings)',
    ]);
    expect(io.out()).toBe('');
  });

  it('prints GitHub annotations when GITHUB_ACTIONS=true', async () => {
    breakExample(dir);
    const io = captureIo({ GITHUB_ACTIONS: 'true' }, dir);
    expect(await main(['validate'], io)).toBe(1);
    const annotations = io
      .err()
      .split('\n')
      .filter((l) => l.startsWith('::'));
    expect(annotations).toHaveLength(2);
    const [line, col] = where(dir, 'accountId: ').split(':');
    expect(annotations[0]).toBe(
      `::error file=environments/example.yaml,line=${line},col=${col},title=accountId::must be a string, but YAML reads the unquoted 111111111111 as the number 111111111111 (fix: quote it: "111111111111")`,
    );
  });

  it('escapes annotation properties and data', () => {
    expect(
      githubAnnotation({ severity: 'warning', file: 'a,b:c.yaml', line: 1, column: 2, path: 'x', message: '50%\nnext', fix: 'f' }),
    ).toBe('::warning file=a%2Cb%3Ac.yaml,line=1,col=2,title=x::50%25%0Anext (fix: f)');
  });

  it('prints stages and diagnostics as JSON with --json', async () => {
    breakExample(dir);
    const io = captureIo({}, dir);
    expect(await main(['validate', '--json'], io)).toBe(1);
    const out = JSON.parse(io.out());
    expect(out.ok).toBe(false);
    expect(out.stages.map((s: { name: string }) => s.name)).toEqual(['prod-example']);
    expect(out.diagnostics).toEqual([
      expect.objectContaining({ severity: 'error', file: 'environments/example.yaml', path: 'accountId' }),
      expect.objectContaining({ severity: 'error', file: 'environments/example.yaml', path: 'region' }),
    ]);
  });

  it('exits 2 when the directory does not exist, 1 when it has no stages', async () => {
    const io = captureIo({}, dir);
    expect(await main(['validate', '--environments', 'nope'], io)).toBe(2);
    expect(io.err()).toContain('does not exist');
    fs.mkdirSync(path.join(dir, 'empty'));
    const io2 = captureIo({}, dir);
    expect(await main(['validate', '--environments', 'empty'], io2)).toBe(1);
    expect(io2.err()).toContain('no stage files');
  });

  it('exits 2 on an unknown option', async () => {
    const io = captureIo({}, dir);
    expect(await main(['validate', '--strict'], io)).toBe(2);
  });

  describe('through the real bin', () => {
    it("exits 0 on the repo's stages", () => {
      const run = spawnSync(process.execPath, [BIN, 'validate'], { cwd: REPO, encoding: 'utf8' });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(run.stdout).toContain('0 invalid');
    });

    it('exits 1 on a broken copy with located errors', () => {
      breakExample(dir);
      const run = spawnSync(process.execPath, [BIN, 'validate', '--environments', path.join(dir, 'environments')], {
        cwd: REPO,
        encoding: 'utf8',
      });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(`environments/example.yaml:${where(dir, 'accountId: ')}: accountId: must be a string`);
      expect(run.stderr).toContain(`environments/example.yaml:${where(dir, 'region: ')}: region: the string "us-wset-2" is not allowed`);
    });
  });
});

describe('mfctl validate --base: a Kubernetes version change against the stage file at the merge-base', () => {
  let repo: TempRepo;
  const stage = (version: string) => minimalStageText('cluster:', `  kubernetesVersion: "${version}"`);
  beforeEach(() => {
    repo = new TempRepo('mfctl-validate-base-');
    repo.write('environments/dev.yaml', stage('1.33')).commit('dev on 1.33');
    repo.git('branch', 'base');
  });
  afterEach(() => repo.cleanup());

  it('two minor versions up is an error located at the field; one up passes', async () => {
    repo.write('environments/dev.yaml', stage('1.35')).commit('jump');
    const io = captureIo({}, repo.dir);
    expect(await main(['validate', '--base', 'base'], io)).toBe(1);
    expect(io.err()).toContain(
      'environments/dev.yaml:9:22: cluster.kubernetesVersion: jumps from 1.33 to 1.35: EKS updates one minor version at a time (fix: upgrade to 1.34 first',
    );
    // Without --base nothing is compared.
    expect(await main(['validate'], captureIo({}, repo.dir))).toBe(0);
    repo.write('environments/dev.yaml', stage('1.34'));
    expect(await main(['validate', '--base', 'base'], captureIo({}, repo.dir))).toBe(0);
  });

  it('a downgrade is an error; a stage the base does not have may start on any version', async () => {
    repo.write('environments/dev.yaml', stage('1.32')).write('environments/new.yaml', stage('1.35'));
    const io = captureIo({}, repo.dir);
    expect(await main(['validate', '--base', 'base', '--json'], io)).toBe(1);
    const errors = JSON.parse(io.out()).diagnostics.filter((d: { severity: string }) => d.severity === 'error');
    expect(errors).toEqual([
      expect.objectContaining({
        file: 'environments/dev.yaml',
        path: 'cluster.kubernetesVersion',
        message: expect.stringMatching(/cannot downgrade/),
      }),
    ]);
  });

  it('names an unknown base ref', async () => {
    const io = captureIo({}, repo.dir);
    expect(await main(['validate', '--base', 'no-such-ref'], io)).toBe(1);
    expect(io.err()).toContain("'no-such-ref' is not a commit");
  });
});
