import * as fs from 'node:fs';
import * as path from 'node:path';
import { classifyPath } from './affected';
import { shippedFiles, WorkspaceReader, workspaceAt } from './shipped-files';
import { TempRepo } from '@metaflow-gitops/testing/gitops';

/** A workspace held in memory: file path -> text. */
function memory(files: Record<string, unknown>): WorkspaceReader {
  return {
    read: (p) => (p in files ? JSON.stringify(files[p]) : undefined),
    subdirectories: (dir) => [
      ...new Set(
        Object.keys(files)
          .filter((p) => p.startsWith(`${dir}/`))
          .map((p) => p.slice(dir.length + 1).split('/'))
          .filter((parts) => parts.length > 1)
          .map((parts) => parts[0]),
      ),
    ],
  };
}

const NX = {
  namedInputs: {
    default: ['{projectRoot}/**/*', 'sharedGlobals'],
    sharedGlobals: ['{workspaceRoot}/package-lock.json'],
    production: ['default', '!{projectRoot}/**/*.test.ts', '!{projectRoot}/scripts/**'],
  },
};

function workspace(extra: Record<string, unknown> = {}): WorkspaceReader {
  return memory({
    'package.json': { workspaces: ['apps/*', 'libs/*', 'tools/*'] },
    'nx.json': NX,
    'apps/app/package.json': { name: '@w/app', dependencies: { '@w/core': '*' }, nx: { tags: ['type:app'] } },
    'libs/core/package.json': { name: '@w/core', dependencies: { '@w/base': '*' }, devDependencies: { '@w/helpers': '*' } },
    'libs/base/package.json': { name: '@w/base' },
    'libs/unused/package.json': { name: '@w/unused' },
    'tools/helpers/package.json': { name: '@w/helpers', dependencies: { '@w/core': '*' } },
    ...extra,
  });
}

describe('shippedFiles', () => {
  const ships = shippedFiles(workspace());

  it.each([
    ['apps/app/src/main.ts', true],
    ['libs/core/src/x.ts', true],
    ['libs/base/src/x.ts', true],
    ['package-lock.json', true],
    ['libs/core/src/x.test.ts', false],
    ['libs/core/scripts/bench.ts', false],
    ['libs/unused/src/x.ts', false],
    ['tools/helpers/src/double.ts', false],
    ['nx.json', false],
    ['docs/a.md', false],
  ])('%s: %s', (p, expected) => expect(ships(p)).toBe(expected));

  it('reads a project’s own named inputs before nx.json’s', () => {
    const own = shippedFiles(
      workspace({
        'libs/base/package.json': { name: '@w/base', nx: { namedInputs: { production: ['{projectRoot}/src/**/*'] } } },
      }),
    );
    expect(own('libs/base/src/x.ts')).toBe(true);
    expect(own('libs/base/cdk.json')).toBe(false);
    expect(own('libs/core/cdk.json')).toBe(true);
  });

  it('names what it cannot read', () => {
    expect(() => shippedFiles(memory({ 'package.json': { workspaces: [] } }))).toThrow(
      "nx.json not found: the shipped files are computed from nx.json and the projects' package.json",
    );
    expect(() => shippedFiles(workspace({ 'nx.json': { namedInputs: { production: ['default'] } } }))).toThrow(
      'nx.json namedInputs: "default" is not defined (used by production)',
    );
    expect(() =>
      shippedFiles(workspace({ 'nx.json': { namedInputs: { production: ['{projectRoot}/**/*', { runtime: 'node -v' }] } } })),
    ).toThrow('nx.json namedInputs.production: {"runtime":"node -v"} is not a file pattern');
    expect(() => shippedFiles(workspace({ 'nx.json': { namedInputs: { production: ['production'] } } }))).toThrow(
      'nx.json namedInputs: "production" refers to itself (production -> production)',
    );
  });

  it('reads a commit of a git repository', () => {
    const repo = new TempRepo();
    try {
      repo
        .write('package.json', JSON.stringify({ workspaces: ['apps/*'] }))
        .write('nx.json', JSON.stringify(NX))
        .write('apps/app/package.json', JSON.stringify({ name: '@w/app', nx: { tags: ['type:app'] } }))
        .write('apps/app/src/main.ts', 'x\n');
      const sha = repo.commit('workspace');
      const ships = shippedFiles(workspaceAt(repo.dir, sha));
      expect(ships('apps/app/src/main.ts')).toBe(true);
      expect(ships('apps/app/src/main.test.ts')).toBe(false);
      expect(ships('apps/other/src/main.ts')).toBe(false);
    } finally {
      repo.cleanup();
    }
  });
});

describe('this repository', () => {
  const root = path.resolve(__dirname, '../../../..');
  const onDisk: WorkspaceReader = {
    read: (p) => (fs.existsSync(path.join(root, p)) ? fs.readFileSync(path.join(root, p), 'utf8') : undefined),
    subdirectories: (dir) =>
      fs.existsSync(path.join(root, dir))
        ? fs
            .readdirSync(path.join(root, dir), { withFileTypes: true })
            .filter((e) => e.isDirectory())
            .map((e) => e.name)
        : [],
  };
  const ships = shippedFiles(onDisk);

  // What a pull request deploys: test code, tools, benches and docs never deploy a stage.
  it.each([
    ['libs/gitops/src/testing/github-double.ts', { kind: 'none' }],
    ['libs/stage-config/src/testing/fixtures.ts', { kind: 'none' }],
    ['libs/constructs/src/k8s/testing/find.ts', { kind: 'none' }],
    ['libs/gitops/src/rehearsal/moto_launcher.py', { kind: 'none' }],
    ['apps/cli/src/rehearsal/run.ts', { kind: 'none' }],
    ['libs/gitops/scripts/bench-diff.ts', { kind: 'none' }],
    ['libs/constructs/scripts/bench-synth.ts', { kind: 'none' }],
    ['libs/login/test/harness.ts', { kind: 'none' }],
    ['libs/constructs/src/aws/data/data-stack.test.ts', { kind: 'none' }],
    ['libs/gitops/jest.config.js', { kind: 'none' }],
    ['jest.preset.js', { kind: 'none' }],
    ['eslint.config.mjs', { kind: 'none' }],
    ['tools/workspace/src/boundaries.test.ts', { kind: 'none' }],
    ['tools/jest-summary-reporter.js', { kind: 'none' }],
    ['docs/pull-requests.md', { kind: 'none' }],
    ['libs/constructs/README.md', { kind: 'none' }],
    ['README.md', { kind: 'none' }],
    ['.github/workflows/deploy.yml', { kind: 'none' }],
    ['environments/README.md', { kind: 'none' }],
    ['environments/nested/dev.yaml', { kind: 'none' }],
    ['libs/constructs/src/aws/data/data-stack.ts', { kind: 'shared' }],
    ['libs/constructs/src/k8s/render.ts', { kind: 'shared' }],
    ['libs/stage-config/schema/stage.schema.json', { kind: 'shared' }],
    ['libs/gitops/src/pr/affected.ts', { kind: 'shared' }],
    ['libs/login/src/main.ts', { kind: 'shared' }],
    ['apps/cli/src/main.ts', { kind: 'shared' }],
    ['apps/infra/cdk.json', { kind: 'shared' }],
    ['apps/k8s-manifests/src/main.ts', { kind: 'shared' }],
    ['package-lock.json', { kind: 'shared' }],
    ['package.json', { kind: 'shared' }],
    ['tsconfig.base.json', { kind: 'shared' }],
    ['environments/example.yaml', { kind: 'stage', stage: 'example' }],
    ['environments/prod-eu.yml', { kind: 'stage', stage: 'prod-eu' }],
  ])('%s', (p, effect) => expect(classifyPath(p, ships)).toEqual(effect));

  /** Every source file of the repository, outside node_modules and build output. */
  function sources(dir: string): string[] {
    return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
      const rel = dir ? `${dir}/${e.name}` : e.name;
      if (e.isDirectory()) return ['node_modules', '.git', '.nx', 'tmp', 'cdk.out', 'dist'].includes(e.name) ? [] : sources(rel);
      return /\.(ts|mts|js|mjs)$/.test(e.name) ? [rel] : [];
    });
  }

  // The shipped set follows package.json `dependencies`: a shipped file that imports a workspace
  // package its project does not list would leave that package's changes undeployed.
  it('lists in dependencies every workspace package a shipped file imports', () => {
    const packages = ['apps', 'libs', 'tools'].flatMap((d) => onDisk.subdirectories(d).map((p) => `${d}/${p}`));
    const manifests = packages
      .filter((p) => fs.existsSync(path.join(root, p, 'package.json')))
      .map((p) => ({ root: p, pkg: JSON.parse(fs.readFileSync(path.join(root, p, 'package.json'), 'utf8')) }));
    const workspaceNames = new Set(manifests.map((m) => m.pkg.name as string));
    const undeclared: string[] = [];
    let checked = 0;
    for (const file of sources('').filter(ships)) {
      const owner = manifests.find((m) => file.startsWith(`${m.root}/`));
      if (!owner) continue;
      checked += 1;
      const text = fs.readFileSync(path.join(root, file), 'utf8');
      for (const [, name] of text.matchAll(/from '(@[^/']+\/[^/']+)[^']*'/g)) {
        if (workspaceNames.has(name) && name !== owner.pkg.name && !(name in (owner.pkg.dependencies ?? {})))
          undeclared.push(`${file} imports ${name}: add it to ${owner.root}/package.json dependencies`);
      }
    }
    expect(checked).toBeGreaterThan(50);
    expect(undeclared).toEqual([]);
  });
});
