import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { linkNodeModules } from '@metaflow-gitops/gitops';

/**
 * Copies a repository's files (tracked and new, not ignored; regular files only) into `dest` as a
 * fresh git repository whose `main` is pushed to a bare `origin` next to it, with the installed
 * dependencies linked in (workspace packages pointing at the copy). Returns a git helper.
 */
export function copyRepository(root: string, dest: string): { git: (...args: string[]) => string; commitAll: (message: string) => void } {
  const files = execFileSync('git', ['ls-files', '-z', '-co', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
    .split('\0')
    .filter(Boolean);
  for (const f of files) {
    if (f.split('/').includes('node_modules') || !fs.lstatSync(path.join(root, f), { throwIfNoEntry: false })?.isFile()) continue;
    fs.mkdirSync(path.dirname(path.join(dest, f)), { recursive: true });
    fs.copyFileSync(path.join(root, f), path.join(dest, f));
  }
  linkNodeModules(root, dest);
  const origin = `${dest}-origin.git`;
  execFileSync('git', ['init', '-q', '--bare', '-b', 'main', origin]);
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dest, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const commitAll = (message: string) => {
    git('add', '-A');
    git('commit', '-q', '-m', message);
    git('push', '-q', 'origin', 'HEAD');
  };
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 'test@example.com');
  git('config', 'user.name', 'test');
  git('config', 'commit.gpgsign', 'false');
  git('remote', 'add', 'origin', origin);
  fs.appendFileSync(path.join(dest, '.git/info/exclude'), 'node_modules\npr-diff/\n');
  commitAll('base');
  git('fetch', '-q', 'origin');
  return { git, commitAll };
}
