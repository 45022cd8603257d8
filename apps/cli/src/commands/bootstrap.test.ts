import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolveRepository } from './bootstrap';

describe('resolveRepository', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfctl-bootstrap-'));
  const git = (...args: string[]) => spawnSync('git', args, { cwd: dir, encoding: 'utf8' });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('takes --repo as given', () => {
    expect(resolveRepository('acme/platform', dir)).toBe('acme/platform');
  });

  it('rejects a --repo that is not <org>/<name> as a usage error', () => {
    expect(() => resolveRepository('platform', dir)).toThrow("--repo must be <org>/<name> (got 'platform')");
  });

  it('reads the origin remote, and asks for --repo without one', () => {
    git('init', '-q');
    expect(() => resolveRepository(undefined, dir)).toThrow('no origin remote');
    git('remote', 'add', 'origin', 'git@github.com:acme/metaflow-platform.git');
    expect(resolveRepository(undefined, dir)).toBe('acme/metaflow-platform');
  });
});
