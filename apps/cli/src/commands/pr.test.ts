import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { COMMENT_MARKER, DiffReport } from '@metaflow-gitops/gitops';
import { GitHubDouble, sampleReport, sampleStage, seedFakeRepo, TempRepo } from '@metaflow-gitops/testing/gitops';
import { main } from '../main';
import { captureIo } from '@metaflow-gitops/testing/cli';

const BIN = path.resolve(__dirname, '../../bin/mfctl.js');

describe('mfctl diff', () => {
  let repo: TempRepo;
  beforeAll(() => {
    repo = new TempRepo();
    seedFakeRepo(repo);
    repo.git('checkout', '-q', '-b', 'feature');
    repo.write('libs/lib/index.js', "exports.dbId = 'RenamedDb';\n").commit('rename');
  });
  afterAll(() => repo.cleanup());

  it('writes the markdown and the JSON report, progress on stderr', async () => {
    const io = captureIo({ ...process.env, GITHUB_BASE_REF: 'main' }, repo.dir);
    // GITHUB_BASE_REF=main makes the default base origin/main, which this repo lacks: pass --base.
    expect(await main(['diff', '--base', 'main', '--out', 'out/comment.md', '--json-out', 'out/report.json'], io)).toBe(0);
    const md = fs.readFileSync(path.join(repo.dir, 'out/comment.md'), 'utf8');
    expect(md.startsWith(COMMENT_MARKER)).toBe(true);
    expect(md).toContain('2 stages affected');
    expect(md).toContain('> [!CAUTION]');
    const report = JSON.parse(fs.readFileSync(path.join(repo.dir, 'out/report.json'), 'utf8')) as DiffReport;
    expect(report.stages.map((s) => [s.stage, s.counts.added, s.counts.orphaned])).toEqual([
      ['dev', 1, 1],
      ['prod', 1, 1],
    ]);
    expect(io.err()).toContain('mfctl diff: 2 stage(s) affected, DESTRUCTIVE changes present');
    expect(io.out()).toBe('');
  });

  it('prints JSON to stdout with --format json', async () => {
    const io = captureIo(process.env, repo.dir);
    expect(await main(['diff', '--base', 'main', '--format', 'json', '--stage', 'dev'], io)).toBe(0);
    expect((JSON.parse(io.out()) as DiffReport).stages.map((s) => s.stage)).toEqual(['dev']);
  });

  it.each([
    [['diff', '--format', 'yaml'], '--format must be markdown or json'],
    [['diff', '--against', 'live'], "--against only accepts 'deployed'"],
    [['diff', '--against', 'deployed'], 'needs AWS credentials'],
  ])('usage error: %j', async (argv, message) => {
    const io = captureIo({ PATH: process.env.PATH }, repo.dir);
    expect(await main(argv, io)).toBe(2);
    expect(io.err()).toContain(message);
  });

  it('--environments DIR: the stage files of that repository directory, at the base and the head', async () => {
    const other = new TempRepo();
    try {
      seedFakeRepo(other);
      other.git('mv', 'environments', 'stages');
      other.commit('stage files in stages/');
      other.git('checkout', '-q', '-b', 'feature');
      other.write('stages/dev.yaml', 'compute:\n  cpu:\n    maxCpu: 300\n').commit('bigger pool');
      const io = captureIo(process.env, other.dir);
      expect(await main(['diff', '--base', 'main', '--format', 'json', '--environments', 'stages'], io)).toBe(0);
      const report = JSON.parse(io.out()) as DiffReport;
      expect(report.stages.map((s) => [s.stage, s.reasons])).toEqual([['dev', ['stage file `stages/dev.yaml` changed']]]);
      expect(report.unaffected).toEqual(['prod']);
      expect(report.stages[0].manifests!.objects[0].patch).toContain("-    cpu: '100'\n+    cpu: '300'");
      const outside = captureIo(process.env, other.dir);
      expect(await main(['diff', '--base', 'main', '--environments', os.tmpdir()], outside)).toBe(2);
      expect(outside.err()).toContain('is not a directory inside the repository');
    } finally {
      other.cleanup();
    }
  });

  it('exits 1 naming an unknown base', async () => {
    const io = captureIo(process.env, repo.dir);
    expect(await main(['diff', '--base', 'origin/nope'], io)).toBe(1);
    expect(io.err()).toContain("'origin/nope' is not a commit");
  });
});

describe('mfctl comment and gate', () => {
  let gh: GitHubDouble;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfctl-pr-'));
  const file = (name: string, text: string) => (fs.writeFileSync(path.join(dir, name), text), path.join(dir, name));
  const event = (labels: string[]) =>
    file(
      'event.json',
      JSON.stringify({ action: 'synchronize', number: 12, pull_request: { number: 12, labels: labels.map((name) => ({ name })) } }),
    );
  const env = (extra: Record<string, string> = {}) => ({
    GITHUB_TOKEN: 'ghs_x',
    GITHUB_REPOSITORY: 'acme/platform',
    GITHUB_API_URL: gh.url,
    GITHUB_EVENT_PATH: event([]),
    ...extra,
  });

  beforeEach(async () => (gh = await new GitHubDouble().start()));
  afterEach(() => gh.stop());
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('comment: creates, then updates in place; PR number from the event; job summary written', async () => {
    const body = file('body.md', `${COMMENT_MARKER}\n## plan v1\n`);
    const summary = file('summary.md', '');
    let io = captureIo(env({ GITHUB_STEP_SUMMARY: summary }), dir);
    expect(await main(['comment', '--body-file', body], io)).toBe(0);
    expect(io.err()).toMatch(/created comment \d+ on acme\/platform#12/);
    file('body.md', `${COMMENT_MARKER}\n## plan v2\n`);
    io = captureIo(env(), dir);
    expect(await main(['comment', '--body-file', 'body.md', '--no-summary'], io)).toBe(0);
    expect(io.err()).toMatch(/updated comment \d+/);
    expect(gh.comments.get(12)!.map((c) => c.body)).toEqual([`${COMMENT_MARKER}\n## plan v2\n`]);
    expect(fs.readFileSync(summary, 'utf8')).toBe(`${COMMENT_MARKER}\n## plan v1\n\n`);
  });

  it('comment --summary-only calls no API', async () => {
    const summary = file('summary2.md', '');
    const io = captureIo(env({ GITHUB_STEP_SUMMARY: summary }), dir);
    expect(await main(['comment', '--body-file', file('b.md', 'x\n'), '--summary-only'], io)).toBe(0);
    expect(gh.requests).toEqual([]);
    expect(fs.readFileSync(summary, 'utf8')).toBe('x\n\n');
  });

  it('comment on a fork PR (403): a warning annotation, exit 0', async () => {
    gh.readOnly = true;
    gh.forks.add(12);
    const io = captureIo(env(), dir);
    expect(await main(['comment', '--pr', '12', '--body-file', file('c.md', 'x\n')], io)).toBe(0);
    expect(io.out()).toMatch(/^::warning title=PR comment not posted::GitHub refused the comment \(403/);
  });

  it('comment usage errors', async () => {
    let io = captureIo(env(), dir);
    expect(await main(['comment', '--body-file', 'missing.md'], io)).toBe(2);
    io = captureIo({ GITHUB_TOKEN: 'x', GITHUB_REPOSITORY: 'acme/platform' }, dir);
    expect(await main(['comment', '--body-file', file('d.md', 'x')], io)).toBe(2);
    expect(io.err()).toContain('no pull request number');
    io = captureIo(env({ GITHUB_REPOSITORY: 'nope' }), dir);
    expect(await main(['comment', '--pr', '3', '--body-file', file('e.md', 'x')], io)).toBe(2);
    expect(io.err()).toContain("GITHUB_REPOSITORY must be 'owner/name'");
  });

  const destructive = () => file('report.json', JSON.stringify(sampleReport([sampleStage('dev', { destructive: true })])));

  it('gate: fails without the label (labels from the API), passes once the label is on the PR', async () => {
    const report = destructive();
    let io = captureIo(env({ GITHUB_EVENT_PATH: event(['allow-destructive']) }), dir);
    // The API is the truth (the event payload of a re-run is stale): no label there yet.
    expect(await main(['gate', '--report', report], io)).toBe(1);
    expect(io.err()).toContain('labels from the GitHub API: none');
    expect(io.err()).toContain('DatabaseCluster5B53A178 (AWS::RDS::DBCluster) would be orphaned');
    gh.labels.set(12, ['allow-destructive']);
    io = captureIo(env(), dir);
    expect(await main(['gate', '--report', report], io)).toBe(0);
    expect(io.out()).toContain("acknowledged by the 'allow-destructive' label");
  });

  it('gate: falls back to the event labels without a token', async () => {
    const report = destructive();
    let io = captureIo({ GITHUB_EVENT_PATH: event(['allow-destructive']) }, dir);
    expect(await main(['gate', '--report', report], io)).toBe(0);
    io = captureIo({ GITHUB_EVENT_PATH: event([]), GITHUB_ACTIONS: 'true' }, dir);
    expect(await main(['gate', '--report', report], io)).toBe(1);
    expect(io.out()).toMatch(/^::error title=Destructive changes need acknowledgement::/);
  });

  it('gate: usage errors for a missing or foreign report', async () => {
    let io = captureIo({}, dir);
    expect(await main(['gate', '--report', 'nope.json'], io)).toBe(2);
    io = captureIo({}, dir);
    expect(await main(['gate', '--report', file('x.json', '{"a":1}')], io)).toBe(1);
    expect(io.err()).toContain('is not a metaflow-gitops diff report');
  });

  it('gate through the real bin', () => {
    const report = destructive();
    const run = spawnSync(process.execPath, [BIN, 'gate', '--report', report], {
      env: { PATH: process.env.PATH, GITHUB_EVENT_PATH: event([]) },
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("does not carry the 'allow-destructive' label");
  });
});

describe('mfctl deploy-summary', () => {
  it('appends the URLs and outputs to the job summary', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfctl-ds-'));
    fs.writeFileSync(path.join(dir, 'nx.json'), '{}');
    fs.mkdirSync(path.join(dir, 'dist/outputs'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'dist/outputs/dev.json'), JSON.stringify({ 'dev-ingress': { UiUrl: 'https://dev.example.com/' } }));
    const summary = path.join(dir, 'summary.md');
    const io = captureIo({ GITHUB_STEP_SUMMARY: summary }, dir);
    expect(await main(['deploy-summary', 'dev'], io)).toBe(0);
    expect(fs.readFileSync(summary, 'utf8')).toContain('- Metaflow UI: https://dev.example.com/');
    const missing = captureIo({}, dir);
    expect(await main(['deploy-summary', 'prod'], missing)).toBe(1);
    expect(missing.err()).toContain("'mfctl deploy prod' writes it");
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
