import { execFileSync } from 'node:child_process';
import { GitError } from '@metaflow-gitops/stage-config';

/** Runs git in `cwd` and returns its stdout (trailing newline kept); throws with git's stderr on failure. */
export function git(cwd: string, args: readonly string[]): string {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new GitError(`git ${args.join(' ')} failed: ${(e.stderr ?? e.message).trim()}`);
  }
}

/** The commit a ref points to, or throws naming the ref. */
export function resolveCommit(cwd: string, ref: string): string {
  try {
    return git(cwd, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).trim();
  } catch {
    throw new GitError(`'${ref}' is not a commit in this repository (fetch it first, e.g. with fetch-depth: 0)`);
  }
}

export function mergeBase(cwd: string, a: string, b: string): string {
  return git(cwd, ['merge-base', a, b]).trim();
}

/** True when `ancestor` is reachable from `descendant`. */
export function isAncestor(cwd: string, ancestor: string, descendant: string): boolean {
  try {
    git(cwd, ['merge-base', '--is-ancestor', ancestor, descendant]);
    return true;
  } catch {
    return false;
  }
}
