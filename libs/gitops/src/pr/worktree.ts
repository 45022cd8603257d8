import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { git } from './git';
import { GitError } from '@metaflow-gitops/stage-config';

const execFileAsync = promisify(execFile);

/** The environment for code synthesized from a tree: no AWS credentials, no GitHub token. */
export function credentialFreeEnv(env: NodeJS.ProcessEnv, scratchDir: string): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) {
    if (k.startsWith('AWS_') || k === 'GITHUB_TOKEN' || k.startsWith('ACTIONS_ID_TOKEN_') || k === 'ACTIONS_RUNTIME_TOKEN') continue;
    out[k] = v;
  }
  // Nothing on disk either: point the SDK's config and credential files at files that do not exist.
  out.AWS_CONFIG_FILE = path.join(scratchDir, 'no-aws-config');
  out.AWS_SHARED_CREDENTIALS_FILE = path.join(scratchDir, 'no-aws-credentials');
  out.AWS_EC2_METADATA_DISABLED = 'true';
  return out;
}

/**
 * Gives a base worktree the head's installed dependencies without copying them: a real
 * `node_modules` directory whose entries link to the head's, except the workspace packages
 * (`@metaflow-gitops/*`), which are linked to the BASE tree's own libs and apps — linking the
 * whole directory would make the base run the head's libraries.
 */
export function linkNodeModules(headRoot: string, baseRoot: string): void {
  const src = path.join(headRoot, 'node_modules');
  const dst = path.join(baseRoot, 'node_modules');
  if (!fs.existsSync(src)) throw new GitError(`${src} does not exist: run npm ci first`);
  fs.mkdirSync(dst, { recursive: true });
  for (const entry of fs.readdirSync(src, { withFileTypes: true })) {
    if (entry.name === '@metaflow-gitops' || entry.name === '.bin') continue;
    fs.symlinkSync(path.join(src, entry.name), path.join(dst, entry.name));
  }
  const ws = path.join(src, '@metaflow-gitops');
  if (fs.existsSync(ws)) {
    fs.mkdirSync(path.join(dst, '@metaflow-gitops'));
    for (const name of fs.readdirSync(ws)) {
      const link = path.join(ws, name);
      const target = path.resolve(ws, fs.readlinkSync(link));
      const rel = path.relative(headRoot, target);
      if (rel.startsWith('..')) throw new GitError(`workspace package ${name} links outside the repository (${target})`);
      const baseTarget = path.join(baseRoot, rel);
      if (fs.existsSync(baseTarget))
        fs.symlinkSync(path.relative(path.join(dst, '@metaflow-gitops'), baseTarget), path.join(dst, '@metaflow-gitops', name));
    }
  }
  // Dependencies npm nested inside a workspace package (a version differing from the root's).
  for (const group of ['libs', 'apps']) {
    const dir = path.join(headRoot, group);
    if (!fs.existsSync(dir)) continue;
    for (const pkg of fs.readdirSync(dir)) {
      const nested = path.join(dir, pkg, 'node_modules');
      const basePkg = path.join(baseRoot, group, pkg);
      if (fs.existsSync(nested) && fs.existsSync(basePkg) && !fs.existsSync(path.join(basePkg, 'node_modules'))) {
        fs.symlinkSync(nested, path.join(basePkg, 'node_modules'));
      }
    }
  }
}

export interface BaseTree {
  readonly dir: string;
  /**
   * How dependencies were provided: linked from head (same lockfile), installed with npm ci, none
   * (`stage-files`: only `environments/`, rendered with the running code).
   */
  readonly deps: 'linked' | 'npm-ci' | 'none' | 'stage-files';
  remove(): void;
}

/**
 * Checks out `commit` in a temporary git worktree under `parent` and gives it dependencies:
 * linked from the head when the lockfile is unchanged, else a fresh `npm ci`.
 */
export async function createBaseTree(
  repoDir: string,
  commit: string,
  parent: string,
  progress: (m: string) => void,
  needsDeps = true,
): Promise<BaseTree> {
  const dir = path.join(parent, 'base');
  git(repoDir, ['worktree', 'add', '--detach', '--force', dir, commit]);
  const remove = () => {
    // Remove our node_modules links first (rmSync unlinks symlinks, it never follows them), so the
    // worktree removal below can never reach into the head's dependencies.
    fs.rmSync(path.join(dir, 'node_modules'), { recursive: true, force: true });
    for (const group of ['libs', 'apps']) {
      const g = path.join(dir, group);
      for (const pkg of fs.existsSync(g) ? fs.readdirSync(g) : []) {
        const nm = path.join(g, pkg, 'node_modules');
        if (fs.lstatSync(nm, { throwIfNoEntry: false })?.isSymbolicLink()) fs.unlinkSync(nm);
      }
    }
    try {
      git(repoDir, ['worktree', 'remove', '--force', dir]);
    } catch {
      fs.rmSync(dir, { recursive: true, force: true });
      git(repoDir, ['worktree', 'prune']);
    }
  };
  if (!needsDeps) return { dir, deps: 'none', remove };
  try {
    const lockChanged = git(repoDir, ['diff', '--name-only', commit, 'HEAD', '--', 'package-lock.json']).trim() !== '';
    if (!lockChanged) {
      linkNodeModules(repoDir, dir);
      return { dir, deps: 'linked', remove };
    }
    progress('package-lock.json changed since the base: installing the base dependencies with npm ci');
    await execFileAsync('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: dir, maxBuffer: 64 * 1024 * 1024 });
    return { dir, deps: 'npm-ci', remove };
  } catch (err) {
    remove();
    throw err;
  }
}

/**
 * Only the stage files (`environments`, repo-relative) of `commit`, extracted under `parent` with
 * `git archive`: the base tree when the base ships the head's code, so the running code renders it
 * (no worktree, no dependencies, no second mfctl).
 */
export function stageFilesTree(repoDir: string, commit: string, parent: string, environments = 'environments'): BaseTree {
  const dir = path.join(parent, 'base-stage-files');
  fs.mkdirSync(dir, { recursive: true });
  const tar = execFileSync('git', ['archive', '--format=tar', commit, '--', environments], {
    cwd: repoDir,
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  execFileSync('tar', ['-x', '-C', dir], { input: tar, stdio: ['pipe', 'ignore', 'pipe'] });
  return { dir, deps: 'stage-files', remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Builds the base tree's mfctl bundle with its own `tools/build-cli.mjs` when it has one, so its
 * mfctl runs compiled instead of through tsx. Returns false (the bin then falls back to the
 * sources) when the tree has no build script or the build fails.
 */
export async function buildTreeCli(dir: string): Promise<boolean> {
  const script = path.join(dir, 'tools', 'build-cli.mjs');
  if (!fs.existsSync(script)) return false;
  try {
    await execFileAsync(process.execPath, [script, 'apps/cli'], { cwd: dir, maxBuffer: 64 * 1024 * 1024 });
    return true;
  } catch {
    return false;
  }
}
