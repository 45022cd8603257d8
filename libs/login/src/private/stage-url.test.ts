import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { findRepoRoot, stageUrlFromRepo } from './stage-url';

const repoRoot = resolve(__dirname, '../../../..');

describe('stageUrlFromRepo (--stage)', () => {
  test('resolves the stage URL from environments/<name>.yaml through the loader, from any subdirectory', () => {
    expect(findRepoRoot(join(repoRoot, 'libs', 'login', 'src'))).toBe(repoRoot);
    expect(stageUrlFromRepo('example', join(repoRoot, 'libs', 'login'))).toBe('https://example.metaflow.example.com');
  });

  test('an unknown stage is a usage error listing the known ones', () => {
    expect(() => stageUrlFromRepo('nope', repoRoot)).toThrow(
      /cannot load stage 'nope':\n {2}environments\/nope\.yaml:1:1: .*no stage "nope" \(known stages: .*example/,
    );
    expect(() => stageUrlFromRepo('nope', repoRoot)).toThrow(expect.objectContaining({ exitCode: 2 }));
  });

  test('an invalid stage file reports the loader diagnostics with file:line:col', () => {
    const root = mkdtempSync(join(tmpdir(), 'repo-'));
    mkdirSync(join(root, 'environments'));
    writeFileSync(join(root, 'nx.json'), '{}');
    writeFileSync(join(root, 'environments', 'broken.yaml'), 'accountId: "12"\nregion: us-west-2\n');
    expect(() => stageUrlFromRepo('broken', root)).toThrow(/cannot load stage 'broken':\n {2}environments\/broken\.yaml:\d+:\d+: /);
  });

  test('outside the repository it asks for the URL', () => {
    const dir = mkdtempSync(join(tmpdir(), 'norepo-'));
    expect(findRepoRoot(dir)).toBeUndefined();
    expect(() => stageUrlFromRepo('dev', dir)).toThrow('--stage works inside the metaflow-gitops repository');
  });
});
