import * as fs from 'node:fs';
import * as path from 'node:path';

/** The repository root: the nearest ancestor of `cwd` holding nx.json (or cwd itself). */
export function findRepoRoot(cwd: string): string {
  let dir = path.resolve(cwd);
  for (;;) {
    if (fs.existsSync(path.join(dir, 'nx.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve(cwd);
    dir = parent;
  }
}

/** `--environments DIR`, or the repo's `environments/`. */
export function environmentsDir(cwd: string, flag: string | undefined): string {
  return flag ? path.resolve(cwd, flag) : path.join(findRepoRoot(cwd), 'environments');
}
