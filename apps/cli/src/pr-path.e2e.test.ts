import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { COMMENT_MARKER, DiffReport } from '@metaflow-gitops/gitops';
import { copyRepository, GitHubDouble } from '@metaflow-gitops/testing/gitops';

/**
 * The PR path end to end, with the commands the pr workflow runs (`.github/workflows/pr.yml`),
 * through the real bin, in a temporary copy of this repository (its own git history, the installed
 * dependencies linked in) against a local double of the GitHub API. The base and head are
 * synthesized for real by each tree's own `mfctl synth` and `mfctl manifests`.
 */
const ROOT = path.resolve(__dirname, '../../..');
const ready = ['apps/cli/src/commands/synth.ts', 'apps/cli/src/commands/manifests.ts'].every((f) => fs.existsSync(path.join(ROOT, f)));
if (!ready) console.warn('SKIPPED pr-path.e2e.test.ts: mfctl synth/manifests are not in this tree');

const DATA_STACK = 'libs/constructs/src/aws/data/data-stack.ts';
const DB_ID = /databaseCluster: '(\w+)'/;

(ready ? describe : describe.skip)('PR path end to end (real synth, GitHub API double)', () => {
  jest.setTimeout(600_000);
  let tmp: string;
  let repo: string;
  let gh: GitHubDouble;
  let eventPath: string;
  let summaryPath: string;
  const timings: Record<string, number> = {};

  let git: (...args: string[]) => string;
  let commitAll: (message: string) => void;
  const setLabels = (labels: string[]) =>
    fs.writeFileSync(
      eventPath,
      JSON.stringify({
        action: 'synchronize',
        number: 42,
        pull_request: {
          number: 42,
          labels: labels.map((name) => ({ name })),
          base: { ref: 'main', repo: { full_name: 'acme/platform' } },
          head: { repo: { full_name: 'acme/platform' } },
        },
      }),
    );

  /**
   * One workflow step: `npx mfctl ...` with the environment Actions gives a pull_request run. Async:
   * the GitHub API double answers from this process.
   */
  function step(args: string[], extraEnv: Record<string, string> = {}): Promise<{ status: number; stdout: string; stderr: string }> {
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? tmp,
      GITHUB_ACTIONS: 'true',
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_BASE_REF: 'main',
      GITHUB_REPOSITORY: 'acme/platform',
      GITHUB_API_URL: gh.url,
      GITHUB_SERVER_URL: 'https://github.example',
      GITHUB_RUN_ID: '1001',
      GITHUB_STEP_SUMMARY: summaryPath,
      NX_DAEMON: 'false',
      ...extraEnv,
    };
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [path.join(repo, 'apps/cli/bin/mfctl.js'), ...args], { cwd: repo, env });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('error', reject);
      child.on('close', (code) => resolve({ status: code ?? -1, stdout, stderr }));
    });
  }

  async function diff(label: string): Promise<DiffReport> {
    const t0 = Date.now();
    const r = await step(['diff', '--out', 'pr-diff/comment.md', '--json-out', 'pr-diff/report.json']);
    timings[label] = (Date.now() - t0) / 1000;
    expect({ status: r.status, stderr: r.status === 0 ? '' : r.stderr }).toEqual({ status: 0, stderr: '' });
    return JSON.parse(fs.readFileSync(path.join(repo, 'pr-diff/report.json'), 'utf8')) as DiffReport;
  }
  const comment = (extra: string[] = []) =>
    step(['comment', '--body-file', 'pr-diff/comment.md', '--no-summary', ...extra], { GITHUB_TOKEN: 'ghs_e2e' });
  const ours = () => (gh.comments.get(42) ?? []).filter((c) => c.body.includes(COMMENT_MARKER));

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mfctl-e2e-'));
    repo = path.join(tmp, 'repo');
    ({ git, commitAll } = copyRepository(ROOT, repo));
    git('checkout', '-q', '-b', 'feature');
    gh = await new GitHubDouble().start();
    eventPath = path.join(tmp, 'event.json');
    summaryPath = path.join(tmp, 'summary.md');
    fs.writeFileSync(summaryPath, '');
    setLabels([]);
  });

  afterAll(async () => {
    await gh?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    console.log(`mfctl diff wall time (s): ${JSON.stringify(timings)}`);
  });

  it('1. a node pool change: one stage, the NodePool diff, comment created, gate passes', async () => {
    const file = path.join(repo, 'environments/example.yaml');
    const text = fs.readFileSync(file, 'utf8');
    const m = /maxCpu: (\d+)/.exec(text)!;
    fs.writeFileSync(file, text.replace(m[0], `maxCpu: ${Number(m[1]) + 64}`));
    commitAll('example: bigger CPU node pool');

    const report = await diff('one stage (first run)');
    expect(report.stages.map((s) => [s.stage, s.change, s.reasons])).toEqual([
      ['example', 'changed', ['stage file `environments/example.yaml` changed']],
    ]);
    expect(report.unaffected).toEqual(['prod-example']);
    const ex = report.stages[0];
    expect(ex.errors).toEqual([]);
    expect(ex.stacks.map((s) => s.stack)).toEqual([
      'example-vpc',
      'example-dns',
      'example-auth',
      'example-data',
      'example-eks',
      'example-ingress',
    ]);
    expect(report.destructive).toBe(false);
    // The same checks as `mfctl check`, on the head's assembly.
    expect(ex.checks.outcomes!.map((o) => o.name)).toEqual([
      'validate',
      'cdk-nag',
      'cfn-lint',
      'template-limits',
      'custom-resources',
      'deployability',
    ]);
    expect(
      ex.checks
        .outcomes!.slice(0, 5)
        .filter((o) => o.name !== 'cfn-lint')
        .map((o) => o.status),
    ).toEqual(['pass', 'pass', 'pass', 'pass']);
    // Deployability findings on the example stages are the known blockers (libs/gitops deployability.test.ts).
    expect(ex.checks.findings.filter((f) => f.severity === 'error' && f.source !== 'deployability')).toEqual([]);
    const nodePool = ex.manifests!.objects.find((o) => o.id.startsWith('karpenter.sh/NodePool'))!;
    expect(nodePool.action).toBe('changed');
    expect(nodePool.patch).toContain(`-    cpu: '${m[1]}'`);
    expect(nodePool.patch).toContain(`+    cpu: '${Number(m[1]) + 64}'`);

    expect((await step(['comment', '--body-file', 'pr-diff/comment.md', '--summary-only'])).status).toBe(0);
    expect(fs.readFileSync(summaryPath, 'utf8')).toContain(
      '| example | 111111111111 us-west-2 | stage file environments/example.yaml changed |',
    );
    const r = await comment();
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/created comment \d+ on acme\/platform#42/);
    expect(ours()).toHaveLength(1);
    const body = ours()[0].body;
    expect(body).toMatch(
      /\| example \| 111111111111 us-west-2 \| stage file environments\/example.yaml changed \| 0 \| 0 \| 0 \| 0 \| — \| \+0 ~\d+ -0 \| — \| /,
    );
    expect(body).toContain('[Workflow run](https://github.example/acme/platform/actions/runs/1001)');
    expect(body).not.toContain('DESTRUCTIVE');
    expect(body).toMatch(/\| cdk-nag \| ✅ pass \| \d+ acknowledged \|/);
    expect(
      (await step(['gate', '--report', 'pr-diff/report.json', '--label', 'allow-destructive'], { GITHUB_TOKEN: 'ghs_e2e' })).status,
    ).toBe(0);
  });

  it('2. renaming the database: destructive, the comment updated in place, gate fails then passes with the label', async () => {
    const file = path.join(repo, DATA_STACK);
    const text = fs.readFileSync(file, 'utf8');
    const id = DB_ID.exec(text);
    if (!id) throw new Error(`${DATA_STACK} no longer pins the database logical id as \`databaseCluster: '...'\`: update this test`);
    fs.writeFileSync(file, text.replace(id[0], `databaseCluster: '${id[1]}Renamed'`));
    commitAll('data: rename the database');

    const report = await diff('two stages (shared code)');
    expect(report.stages.map((s) => s.stage)).toEqual(['example', 'prod-example']);
    expect(report.destructive).toBe(true);
    for (const s of report.stages) {
      expect(s.destructive).toContainEqual(
        expect.objectContaining({ stack: `${s.stage}-data`, logicalId: id[1], type: 'AWS::RDS::DBCluster', action: 'orphan' }),
      );
      expect(s.counts.added).toBeGreaterThanOrEqual(1);
    }

    const firstId = ours()[0].id;
    const r = await comment();
    expect(r.stderr).toContain(`updated comment ${firstId}`);
    expect(gh.comments.get(42)).toHaveLength(1);
    const body = ours()[0].body;
    expect(body).toContain('> [!CAUTION]');
    expect(body).toContain(`\`example-data\` \`${id[1]}\` (AWS::RDS::DBCluster) would be **ORPHANED**`);
    expect(body).toContain(`rename of the logical ID to \`${id[1]}Renamed\``);
    const ex = report.stages[0].counts;
    expect(body).toContain(
      `| example | 111111111111 us-west-2 | stage file environments/example.yaml changed; shared code changed: ${DATA_STACK} | ${ex.added} | ${ex.updated} | ${ex.replaced} | ${ex.destroyed + ex.orphaned} |`,
    );

    const denied = await step(['gate', '--report', 'pr-diff/report.json', '--label', 'allow-destructive'], { GITHUB_TOKEN: 'ghs_e2e' });
    expect(denied.status).toBe(1);
    expect(denied.stderr).toContain("does not carry the 'allow-destructive' label");
    expect(denied.stderr).toContain(`example: example-data ${id[1]} (AWS::RDS::DBCluster) would be orphaned`);
    expect(denied.stdout).toContain('::error title=Destructive changes need acknowledgement::');

    // A maintainer adds the label: the labeled event carries it and the API returns it.
    setLabels(['allow-destructive']);
    gh.labels.set(42, ['allow-destructive']);
    const allowed = await step(['gate', '--report', 'pr-diff/report.json', '--label', 'allow-destructive'], { GITHUB_TOKEN: 'ghs_e2e' });
    expect(allowed.status).toBe(0);
    expect(allowed.stdout).toContain("Destructive or access-granting changes acknowledged by the 'allow-destructive' label");
  });

  it('3. an oversized diff is cut at a section boundary with a pointer to the full diff', async () => {
    const full = fs.readFileSync(path.join(repo, 'pr-diff/comment.md'), 'utf8');
    const r = await comment(['--max-chars', '3000']);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('(cut to fit; full diff in the job summary and artifact)');
    expect(gh.comments.get(42)).toHaveLength(1);
    const body = ours()[0].body;
    expect(full.length).toBeGreaterThan(3000);
    expect(body.length).toBeLessThanOrEqual(3000);
    expect(body.startsWith(COMMENT_MARKER)).toBe(true);
    expect(body).toContain('> [!CAUTION]');
    expect(body).toContain("was cut at a section boundary to fit GitHub's limit");
    expect(body).toContain(
      '`pr-diff` artifact (markdown and JSON) of [the workflow run](https://github.example/acme/platform/actions/runs/1001)',
    );
    expect(body.match(/<details/g)?.length ?? 0).toBe(body.match(/<\/details>/g)?.length ?? 0);
    // Cut exactly at a section boundary of the full body: what precedes the closing tags and the
    // note is a prefix of it, followed there by a boundary marker.
    const kept = body.slice(0, body.indexOf('> [!NOTE]')).replace(/(<\/details>\n)*\n$/, '');
    expect(full.startsWith(kept)).toBe(true);
    expect(full.slice(kept.length).startsWith('<!-- mfg:section depth=')).toBe(true);
  });

  it('4. a docs-only change affects no stage', async () => {
    git('checkout', '-q', '-b', 'docs-only', 'origin/main');
    fs.appendFileSync(path.join(repo, 'docs/pull-requests.md'), '\nA clarification.\n');
    commitAll('docs: clarify');
    const report = await diff('docs only');
    expect(report.stages).toEqual([]);
    expect(report.unaffected).toEqual(['example', 'prod-example']);
    expect(report.destructive).toBe(false);
    expect((await comment()).status).toBe(0);
    expect(ours()[0].body).toContain('No stage is affected');
    setLabels([]);
    gh.labels.set(42, []);
    expect((await step(['gate', '--report', 'pr-diff/report.json'], { GITHUB_TOKEN: 'ghs_e2e' })).status).toBe(0);
  });

  it('5. no worktree or scratch directory is left behind', async () => {
    expect(git('worktree', 'list').trim().split('\n')).toHaveLength(1);
  });
});
