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
if (!ready) process.stderr.write('SKIPPED pr-path.e2e.test.ts: mfctl synth/manifests are not in this tree\n');

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
      /\| example \| 111111111111 us-west-2 \| stage file environments\/example.yaml changed \| 0 \| 0 \| 0 \| 0 \| — \| \+0 ~\d+ -0 \| \$\d+ \| — \| /,
    );
    // A bigger pool limit changes no idle cost: the same figure at the base and the head.
    expect(ex.cost!.head.total).toBeGreaterThan(0);
    expect(ex.cost!.delta.change).toBe(0);
    expect(body).toContain('<b>Idle cost</b>');
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

  /** A branch from main with `edit` applied to stage files, diffed, commented, gated without the label. */
  async function scenario(
    name: string,
    edits: Record<string, (text: string) => string>,
  ): Promise<{ report: DiffReport; body: string; gate: { status: number; stderr: string } }> {
    git('checkout', '-q', '-b', name, 'origin/main');
    for (const [stage, edit] of Object.entries(edits)) {
      const file = path.join(repo, 'environments', `${stage}.yaml`);
      fs.writeFileSync(file, edit(fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : ''));
    }
    commitAll(name);
    const report = await diff(name);
    expect((await comment()).status).toBe(0);
    setLabels([]);
    gh.labels.set(42, []);
    const gate = await step(['gate', '--report', 'pr-diff/report.json', '--label', 'allow-destructive'], { GITHUB_TOKEN: 'ghs_e2e' });
    return { report, body: ours()[0].body, gate };
  }
  const replace = (from: RegExp | string, to: string) => (text: string) => {
    const next = text.replace(from, to);
    if (next === text) throw new Error(`the example stage file no longer has ${String(from)}: update this test`);
    return next;
  };

  it('6. a new VPC CIDR: the exports other stacks use, the database replaced through them; gate fails', async () => {
    const { report, body, gate } = await scenario('vpc-cidr', { example: replace('vpcCidr: 10.0.0.0/16', 'vpcCidr: 10.9.0.0/16') });
    const ex = report.stages[0];
    expect(report.destructive).toBe(true);
    const vpcExports = ex.crossStack.filter((c) => c.stack === 'example-vpc');
    expect(vpcExports.length).toBeGreaterThan(0);
    const importers = new Set(vpcExports.flatMap((c) => c.importers.map((i) => i.stack)));
    expect([...importers].sort()).toEqual(expect.arrayContaining(['example-data', 'example-eks']));
    // The data stack's template does not change, but its subnet group, hence its database, is replaced.
    const data = vpcExports.flatMap((c) => c.importers.filter((i) => i.stack === 'example-data').flatMap((i) => i.resources));
    expect(data).toContainEqual(expect.objectContaining({ type: 'AWS::RDS::DBSubnetGroup', replaced: true }));
    expect(ex.destructive).toContainEqual(
      expect.objectContaining({ stack: 'example-data', type: 'AWS::RDS::DBCluster', action: 'replace' }),
    );
    expect(body).toContain('CloudFormation **refuses** to update an export in use');
    expect(body).toContain('**Exports in use that change**');
    expect(body).toMatch(/`example-data` `MetadataDatabase` \(AWS::RDS::DBCluster\) would be \*\*REPLACED\*\*/);
    expect(gate.status).toBe(1);
    expect(gate.stderr).toMatch(/example: example-vpc export \S+ changes \(.*\) while .*example-data.* import it: CloudFormation refuses/);
  });

  it.each([
    ['region', 'region: us-west-2', 'region: us-east-2', '111111111111 us-west-2', '111111111111 us-east-2'],
    ['accountId', 'accountId: "111111111111"', 'accountId: "999999999999"', '111111111111 us-west-2', '999999999999 us-west-2'],
  ])('7. a new %s is a move: the old stage left behind with its data, a new stage; gate fails', async (field, from, to, was, now) => {
    const { report, body, gate } = await scenario(`move-${field}`, {
      example: replace(from, to),
    });
    const ex = report.stages[0];
    expect(ex.move).toEqual({
      from: { accountId: was.split(' ')[0], region: was.split(' ')[1] },
      to: { accountId: now.split(' ')[0], region: now.split(' ')[1] },
    });
    expect(report.removedStages).toEqual([
      expect.objectContaining({ stage: 'example', accountId: was.split(' ')[0], region: was.split(' ')[1] }),
    ]);
    // Compared with nothing: everything is new, nothing is "unchanged".
    expect(ex.stacks.every((st) => st.status === 'added')).toBe(true);
    expect(body).toContain(`| example (moved) | ${now} |`);
    expect(body).toContain('> - **example**: **moves** to another account or region');
    expect(body).toContain(`**Moved** from account ${was} to account ${now}`);
    expect(gate.status).toBe(1);
    expect(gate.stderr).toContain('stage example: moves to another account or region');
  });

  it('8. prod deploy role and GitHub environment: identity first, before and after; gate fails', async () => {
    const { report, body, gate } = await scenario('prod-identity', {
      'prod-example': (t) =>
        replace(
          'roleArn: arn:aws:iam::222222222222:role/metaflow-gitops-deploy-prod-example',
          'roleArn: arn:aws:iam::222222222222:role/someone-else',
        )(replace('githubEnvironment: prod-example', 'githubEnvironment: prod-example-fast')(t)),
    });
    const prod = report.stages[0];
    expect(prod.access.map((a) => [a.field, a.before, a.after, !!a.grants])).toEqual([
      [
        'deploy.roleArn',
        'arn:aws:iam::222222222222:role/metaflow-gitops-deploy-prod-example',
        'arn:aws:iam::222222222222:role/someone-else',
        true,
      ],
      ['deploy.githubEnvironment', 'prod-example', 'prod-example-fast', true],
    ]);
    expect(body).toContain(
      '| deploy.roleArn | arn:aws:iam::222222222222:role/metaflow-gitops-deploy-prod-example | arn:aws:iam::222222222222:role/someone-else | 🔑 a new identity deploys the stage and is cluster admin (EKS access entry) |',
    );
    expect(body).toContain(
      '| deploy.githubEnvironment | prod-example | prod-example-fast | 🔑 the GitHub environment decides who must approve deploys',
    );
    // The identity section comes before the stacks in the stage's block.
    const block = body.slice(body.indexOf('<b>prod-example</b>'));
    expect(block.indexOf('**Identity and access**')).toBeLessThan(block.indexOf('**Stacks**'));
    expect(body).toMatch(/\| prod-example \| 222222222222 eu-west-1 · prod · GPU \| .*🔑 access granted/);
    expect(gate.status).toBe(1);
    expect(gate.stderr).toContain('prod-example: deploy.githubEnvironment prod-example -> prod-example-fast');
  });

  it('9. ten new stages fit in one comment, not cut, each compact with its where and what', async () => {
    const stage = (i: number) =>
      [
        `accountId: "30000000000${i}"`,
        'region: us-west-2',
        'isProd: false',
        'domain:',
        '  parentDomain: metaflow.example.com',
        '  delegation:',
        '    mode: same-account',
        '    parentHostedZoneId: Z0000000000EXAMPLE000',
        'oidcConfig:',
        '  issuerUrl: https://idp.example.com',
        '',
      ].join('\n');
    const names = Array.from({ length: 10 }, (_, i) => `team-${i}`);
    const { report, body, gate } = await scenario('ten-stages', Object.fromEntries(names.map((n, i) => [n, () => stage(i)])));
    expect(report.stages.map((s) => [s.stage, s.change])).toEqual(names.map((n) => [n, 'added']));
    const r = await comment();
    expect(r.stderr).not.toContain('cut to fit');
    expect(body.length).toBeLessThan(65_536);
    expect(body).not.toContain('cut at a section boundary');
    for (const [i, n] of names.entries()) {
      expect(body).toMatch(new RegExp(`\\| ${n} \\(added\\) \\| 30000000000${i} us-west-2 \\|`));
      expect(body).toContain(`<b>${n}</b> 30000000000${i} us-west-2 — new: `);
    }
    // A new stage's IAM is new, not broadened; new stages need no acknowledgement.
    expect(body).not.toContain('IAM broadened');
    expect(report.destructive).toBe(false);
    expect(gate.status).toBe(0);
    console.log(`ten new stages: comment of ${body.length} characters`);
  });

  it('10. no worktree or scratch directory is left behind', async () => {
    expect(git('worktree', 'list').trim().split('\n')).toHaveLength(1);
  });
});
