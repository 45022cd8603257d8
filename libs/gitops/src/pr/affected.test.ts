import { affectedStages, classifyPath, findAffected } from './affected';
import { TempRepo } from '@metaflow-gitops/testing/gitops';
import { isGitError } from '@metaflow-gitops/stage-config';
import { thrownBy } from '@metaflow-gitops/testing/errors';

/** Stand-in for `shippedFiles` (this repository's table is in shipped-files.test.ts): code ships, its tests do not. */
const ships = (p: string) => (/^(libs|apps)\//.test(p) && !p.endsWith('.test.ts')) || p === 'package.json';

describe('classifyPath', () => {
  it.each([
    ['environments/dev.yaml', { kind: 'stage', stage: 'dev' }],
    ['environments/prod-eu.yml', { kind: 'stage', stage: 'prod-eu' }],
    // Named as the loader names it: the loader then reports the invalid name, and the deploy stops.
    ['environments/Dev.yaml', { kind: 'stage', stage: 'Dev' }],
    ['libs/a.ts', { kind: 'shared' }],
    ['libs/a.test.ts', { kind: 'none' }],
    ['environments/README.md', { kind: 'none' }],
    ['environments/nested/dev.yaml', { kind: 'none' }],
    ['docs/x.yaml', { kind: 'none' }],
  ])('%s', (p, effect) => expect(classifyPath(p, ships)).toEqual(effect));
});

describe('affectedStages', () => {
  const stages = ['dev', 'prod'];

  it('a stage file change affects that stage only', () => {
    const r = affectedStages([{ path: 'environments/dev.yaml', status: 'modified' }], stages, ships);
    expect(r.stages).toEqual([{ stage: 'dev', change: 'changed', reasons: ['stage file `environments/dev.yaml` changed'] }]);
    expect(r.unaffected).toEqual(['prod']);
  });

  it('shared code affects every stage, naming the files', () => {
    const r = affectedStages(
      [
        { path: 'libs/a.ts', status: 'modified' },
        { path: 'libs/b.ts', status: 'modified' },
        { path: 'apps/c.ts', status: 'added' },
        { path: 'package.json', status: 'modified' },
      ],
      stages,
      ships,
    );
    expect(r.stages.map((s) => s.stage)).toEqual(['dev', 'prod']);
    expect(r.stages[0].reasons).toEqual(['shared code changed: `libs/a.ts`, `libs/b.ts`, `apps/c.ts` (+1 more)']);
    expect(r.unaffected).toEqual([]);
  });

  it('docs only affects nothing', () => {
    const r = affectedStages([{ path: 'docs/x.md', status: 'modified' }], stages, ships);
    expect(r.stages).toEqual([]);
    expect(r.unaffected).toEqual(['dev', 'prod']);
  });

  it('a deleted stage file flags the stage as removed; a new one as added', () => {
    const r = affectedStages(
      [
        { path: 'environments/old.yaml', status: 'deleted' },
        { path: 'environments/new.yaml', status: 'added' },
      ],
      ['dev', 'new'],
      ships,
    );
    expect(r.stages).toEqual([
      { stage: 'new', change: 'added', reasons: ['stage file `environments/new.yaml` added'] },
      { stage: 'old', change: 'removed', reasons: ['stage file `environments/old.yaml` deleted'] },
    ]);
  });

  it('--stage restricts the list and forces a stage in', () => {
    const r = affectedStages([{ path: 'environments/dev.yaml', status: 'modified' }], stages, ships, ['prod']);
    expect(r.stages).toEqual([{ stage: 'prod', change: 'changed', reasons: ['requested with --stage'] }]);
  });
});

describe('findAffected (git)', () => {
  let repo: TempRepo;
  beforeAll(() => {
    repo = new TempRepo();
    repo
      .write('package.json', JSON.stringify({ workspaces: ['libs/*'] }))
      .write('nx.json', JSON.stringify({ namedInputs: { production: ['{projectRoot}/**/*', '!{projectRoot}/**/*.test.ts'] } }))
      .write('libs/x/package.json', JSON.stringify({ name: 'x', nx: { tags: ['type:app'] } }))
      .write('environments/dev.yaml', 'a: 1\n')
      .write('environments/prod.yaml', 'a: 1\n')
      .write('libs/x/x.ts', 'x\n')
      .write('docs/a.md', 'a\n');
    repo.commit('base');
    repo.git('checkout', '-q', '-b', 'feature');
  });
  afterAll(() => repo.cleanup());

  it('compares with the merge-base, not the moving tip of the base branch', () => {
    repo.write('environments/dev.yaml', 'a: 2\n');
    const head = repo.commit('dev change');
    repo.git('checkout', '-q', 'main');
    repo.write('libs/x/x.ts', 'y\n');
    repo.commit('main moves on: shared code');
    repo.git('checkout', '-q', 'feature');
    const r = findAffected(repo.dir, 'main');
    expect(r.headSha).toBe(head);
    expect(r.changedFiles).toEqual([{ path: 'environments/dev.yaml', status: 'modified' }]);
    expect(r.stages.map((s) => s.stage)).toEqual(['dev']);
    expect(r.unaffected).toEqual(['prod']);
  });

  it('ignores files that do not ship, and counts files that shipped before the change', () => {
    repo.git('checkout', '-q', '-b', 'tests-only', 'main');
    repo.write('libs/x/x.test.ts', 'test\n');
    repo.commit('a test');
    expect(findAffected(repo.dir, 'main').stages).toEqual([]);
    repo.write(
      'nx.json',
      JSON.stringify({ namedInputs: { production: ['{projectRoot}/**/*', '!{projectRoot}/**/*.test.ts', '!{projectRoot}/x.ts'] } }),
    );
    repo.write('libs/x/x.ts', 'z\n');
    repo.commit('x.ts no longer ships');
    expect(findAffected(repo.dir, 'main').stages.map((s) => s.reasons)).toEqual([
      ['shared code changed: `libs/x/x.ts`'],
      ['shared code changed: `libs/x/x.ts`'],
    ]);
    repo.git('checkout', '-q', 'feature');
  });

  it('names an unknown base ref', () => {
    const err = thrownBy(() => findAffected(repo.dir, 'origin/nope'));
    expect(isGitError(err)).toBe(true);
    expect(err.message).toBe("'origin/nope' is not a commit in this repository (fetch it first, e.g. with fetch-depth: 0)");
  });
});
