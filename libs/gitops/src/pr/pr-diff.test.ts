import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { seedFakeRepo, TempRepo } from '@metaflow-gitops/testing/gitops';
import { computePrDiff } from './pr-diff';
import { StageRenderer } from './render-tree';

// Real git and subprocesses on a shared machine: well above jest's 5 s default.
jest.setTimeout(60_000);

/**
 * The engine against a small repository whose own `apps/cli/bin/mfctl.js` stands in for the real
 * synth (the end-to-end test in apps/cli runs the real one): real git, a real base worktree, real
 * dependency linking, real subprocesses.
 */
describe('computePrDiff (git worktree, linked dependencies, subprocess synth)', () => {
  let repo: TempRepo;
  const progress: string[] = [];
  const run = (stages?: string[]) =>
    computePrDiff({
      repoDir: repo.dir,
      baseRef: 'main',
      env: { ...process.env, AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', GITHUB_TOKEN: 'ghs_x' },
      progress: (m) => progress.push(m),
      stages,
    });

  beforeEach(() => {
    repo = new TempRepo();
    seedFakeRepo(repo);
    repo.git('checkout', '-q', '-b', 'feature');
    progress.length = 0;
  });
  afterEach(() => repo.cleanup());

  it('a node pool change: one stage, manifests changed, no stack change, nothing destructive', async () => {
    repo.write('environments/dev.yaml', 'compute:\n  cpu:\n    maxCpu: 200\n').commit('bigger pool');
    const r = await run();
    expect(r.stages.map((s) => [s.stage, s.change])).toEqual([['dev', 'changed']]);
    expect(r.unaffected).toEqual(['prod']);
    const dev = r.stages[0];
    expect(dev.errors).toEqual([]);
    expect(dev.stacks.map((s) => [s.stack, s.status])).toEqual([
      ['dev-vpc', 'unchanged'],
      ['dev-data', 'unchanged'],
    ]);
    expect(dev.manifests).toMatchObject({ added: 0, changed: 1, removed: 0 });
    expect(dev.manifests!.objects[0].id).toBe('karpenter.sh/NodePool -/cpu');
    expect(dev.manifests!.objects[0].patch).toContain("-    cpu: '100'\n+    cpu: '200'");
    expect(r.destructive).toBe(false);
    expect(progress.some((m) => /dependencies linked/.test(m))).toBe(true);
  });

  it('a renamed database in shared code: every stage, destructive, base synthesized by the base code', async () => {
    repo.write('libs/lib/index.js', "exports.dbId = 'MetadataDatabaseABCD1234';\n").commit('rename the database construct');
    const r = await run();
    expect(r.stages.map((s) => s.stage)).toEqual(['dev', 'prod']);
    expect(r.stages[0].reasons).toEqual(['shared code changed: `libs/lib/index.js`']);
    for (const s of r.stages) {
      expect(s.counts).toMatchObject({ added: 1, orphaned: 1 });
      expect(s.destructive).toEqual([
        expect.objectContaining({ stack: `${s.stage}-data`, logicalId: 'DatabaseCluster5B53A178', action: 'orphan' }),
      ]);
    }
    expect(r.destructive).toBe(true);
  });

  it('docs only: no stage, no worktree', async () => {
    repo.write('docs/readme.md', 'hello\n').commit('docs');
    const r = await run();
    expect(r.stages).toEqual([]);
    expect(r.unaffected).toEqual(['dev', 'prod']);
    expect(progress.some((m) => m.includes('base worktree'))).toBe(false);
  });

  it('a deleted stage file is flagged removed (destructive) without synthesizing it; a new stage is all additions', async () => {
    repo.remove('environments/prod.yaml').write('environments/qa.yaml', 'compute:\n  cpu:\n    maxCpu: 10\n').commit('replace prod by qa');
    const r = await run();
    expect(r.stages.map((s) => [s.stage, s.change])).toEqual([
      ['prod', 'removed'],
      ['qa', 'added'],
    ]);
    expect(r.removedStages.map((x) => x.stage)).toEqual(['prod']);
    expect(r.stages[1].counts).toMatchObject({ added: 3, destroyed: 0 });
    expect(r.stages[1].manifests).toMatchObject({ added: 1 });
    expect(r.destructive).toBe(true);
  });

  it('records a head synth failure as an error and a base failure as a warning', async () => {
    repo.write('environments/dev.yaml', 'broken\n').commit('break dev');
    let r = await run();
    expect(r.stages[0].errors[0]).toMatch(/^head: mfctl synth dev --out .* failed:\nenvironments\/dev.yaml:1:1: broken stage/);

    repo.write('environments/dev.yaml', 'compute:\n  cpu:\n    maxCpu: 1\n').commit('fix dev');
    repo.git('checkout', '-q', 'main');
    repo.write('environments/dev.yaml', 'broken\n').commit('main broke dev');
    repo.git('checkout', '-q', '-b', 'fix', 'main');
    repo.write('environments/dev.yaml', 'compute:\n  cpu:\n    maxCpu: 1\n').commit('fix on top of broken main');
    r = await run();
    expect(r.stages[0].errors).toEqual([]);
    expect(r.stages[0].warnings[0]).toContain('base could not be synthesized');
    expect(r.stages[0].counts.added).toBe(3);
  });

  it('cleans up: no worktree left, the head node_modules intact', async () => {
    repo.write('environments/dev.yaml', 'compute:\n  cpu:\n    maxCpu: 300\n').commit('x');
    await run();
    expect(repo.git('worktree', 'list').trim().split('\n')).toHaveLength(1);
    expect(fs.readFileSync(path.join(repo.dir, 'node_modules/leftpad/index.js'), 'utf8')).toContain('String(n)');
    expect(fs.readlinkSync(path.join(repo.dir, 'node_modules/@metaflow-gitops/lib'))).toBe('../../libs/lib');
  });

  it('installs the base dependencies with npm ci when the lockfile changed', async () => {
    // A real npm workspace with only local dependencies, so npm ci needs no registry.
    const npm = (...args: string[]) =>
      execFileSync('npm', [...args, '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: repo.dir, stdio: 'ignore' });
    fs.rmSync(path.join(repo.dir, 'node_modules'), { recursive: true, force: true });
    repo
      .write('vendor/leftpad/package.json', '{"name":"leftpad","version":"1.0.0","main":"index.js"}\n')
      .write('vendor/leftpad/index.js', 'module.exports = (n) => String(n);\n')
      .write(
        'package.json',
        '{"name":"fake","version":"1.0.0","private":true,"workspaces":["libs/*"],"dependencies":{"leftpad":"file:vendor/leftpad"}}\n',
      );
    npm('install');
    repo.commit('real npm workspace');
    repo.git('branch', '-f', 'main', 'HEAD');
    repo.write(
      'package.json',
      '{"name":"fake","version":"1.0.1","private":true,"workspaces":["libs/*"],"dependencies":{"leftpad":"file:vendor/leftpad"}}\n',
    );
    npm('install');
    repo.write('libs/lib/index.js', "exports.dbId = 'Renamed';\n").commit('bump the version, rename the database');
    expect(repo.git('diff', '--name-only', 'main', 'HEAD')).toContain('package-lock.json');
    const r = await run(['dev']);
    expect(progress.join('\n')).toContain('package-lock.json changed since the base: installing the base dependencies with npm ci');
    expect(progress.join('\n')).toMatch(/dependencies npm-ci/);
    expect(r.stages[0].errors).toEqual([]);
    expect(r.stages[0].destructive.map((d) => d.logicalId)).toEqual(['DatabaseCluster5B53A178']);
  }, 120_000);
});

describe('computePrDiff with the running code (renderHere) and a cache of rendered bases', () => {
  let repo: TempRepo;
  const progress: string[] = [];
  const trees: string[] = [];
  // Stands in for the in-process renderer: the head's own mfctl run on another tree's stage files.
  const renderHere: StageRenderer = async (tree, stage, out, env) => {
    trees.push(tree);
    const bin = path.join(repo.dir, 'apps/cli/bin/mfctl.js');
    for (const [cmd, dir] of [
      ['synth', out.cdkDir],
      ['manifests', out.k8sDir],
    ])
      execFileSync(process.execPath, [bin, cmd, stage, '--out', dir], { cwd: tree, env, stdio: 'pipe' });
  };
  const run = (cacheDir?: string) =>
    computePrDiff({ repoDir: repo.dir, baseRef: 'main', env: process.env, progress: (m) => progress.push(m), renderHere, cacheDir });

  beforeEach(() => {
    repo = new TempRepo();
    seedFakeRepo(repo);
    repo.git('checkout', '-q', '-b', 'feature');
    progress.length = 0;
    trees.length = 0;
  });
  afterEach(() => repo.cleanup());

  it('a stage file change: head and base stage files rendered here, no base worktree', async () => {
    repo.write('environments/dev.yaml', 'compute:\n  cpu:\n    maxCpu: 200\n').commit('bigger pool');
    const r = await run();
    expect(trees.map((t) => path.basename(t))).toEqual([path.basename(repo.dir), 'base-stage-files']);
    expect(progress.some((m) => m.includes('base worktree'))).toBe(false);
    expect(r.stages[0].manifests!.objects[0].patch).toContain("-    cpu: '100'\n+    cpu: '200'");
  });

  it('a shared code change: the base still rendered by its own code in a worktree', async () => {
    repo.write('libs/lib/index.js', "exports.dbId = 'MetadataDatabaseABCD1234';\n").commit('rename the database construct');
    const r = await run();
    expect(trees).toEqual([repo.dir, repo.dir]);
    expect(progress.some((m) => /base worktree at \w+ ready \(dependencies linked\)/.test(m))).toBe(true);
    expect(r.stages[0].destructive.map((d) => d.logicalId)).toEqual(['DatabaseCluster5B53A178']);
  });

  it('an uncommitted shipped change counts as shared code: the base gets its own code', async () => {
    repo.write('environments/dev.yaml', 'compute:\n  cpu:\n    maxCpu: 200\n').commit('bigger pool');
    repo.write('libs/lib/index.js', "exports.dbId = 'MetadataDatabaseABCD1234';\n");
    const r = await run();
    expect(trees).toEqual([repo.dir]);
    expect(r.stages[0].destructive.map((d) => d.logicalId)).toEqual(['DatabaseCluster5B53A178']);
  });

  it('a second run against the same base takes the base from the cache; another base commit replaces it', async () => {
    const cache = path.join(repo.dir, 'tmp', 'diff-cache');
    repo.write('environments/dev.yaml', 'compute:\n  cpu:\n    maxCpu: 200\n').commit('bigger pool');
    const first = await run(cache);
    trees.length = 0;
    progress.length = 0;
    const second = await run(cache);
    expect(trees.map((t) => path.basename(t))).toEqual([path.basename(repo.dir)]);
    expect(progress).toContain('dev: synthesizing head (base from the cache)');
    expect(second.stages).toEqual(first.stages);
    const oldBase = first.base.sha;
    expect(fs.readdirSync(cache)).toEqual([oldBase]);

    repo.git('checkout', '-q', 'main');
    repo.write('environments/dev.yaml', 'compute:\n  cpu:\n    maxCpu: 150\n').commit('main moved');
    repo.git('checkout', '-q', 'feature');
    repo.git('rebase', '-q', '-X', 'theirs', 'main');
    const third = await run(cache);
    expect(third.base.sha).not.toBe(oldBase);
    expect(third.stages[0].manifests!.objects[0].patch).toContain("-    cpu: '150'\n+    cpu: '200'");
    expect(fs.readdirSync(cache)).toEqual([third.base.sha]);
  });
});
