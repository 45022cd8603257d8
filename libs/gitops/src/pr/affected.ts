import { stageNameOfFile } from '@metaflow-gitops/stage-config';
import { git, mergeBase, resolveCommit } from './git';
import { shippedFiles, workspaceAt } from './shipped-files';

export type FileStatus = 'added' | 'modified' | 'deleted';

export interface ChangedFile {
  readonly path: string;
  readonly status: FileStatus;
}

/** Why a stage is in the list, and what the PR does to its file. */
export interface AffectedStage {
  readonly stage: string;
  /** `added`: new stage file; `removed`: stage file deleted; `changed`: anything else that affects it. */
  readonly change: 'added' | 'changed' | 'removed';
  /** Human-readable reasons, most specific first. */
  readonly reasons: readonly string[];
}

export interface AffectedResult {
  readonly baseRef: string;
  /** The merge-base of the base ref and head: what the PR is compared with. */
  readonly baseSha: string;
  readonly headSha: string;
  readonly changedFiles: readonly ChangedFile[];
  readonly stages: readonly AffectedStage[];
  /** Stages present in head that the change does not affect. */
  readonly unaffected: readonly string[];
  /**
   * Files the product ships that differ between the base and the working tree (committed or not):
   * empty when the base's code is the head's, so the base can be synthesized by the head's code.
   */
  readonly shippedChanges: readonly string[];
}

/** The default directory of the stage files, relative to the repository root (`--environments` changes it). */
export const ENVIRONMENTS = 'environments';

/** The stage a repo-relative path defines: a stage file directly under `environments`, named as the loader names it. */
function stageOfPath(path: string, environments: string): string | undefined {
  return path.startsWith(`${environments}/`) && !path.slice(environments.length + 1).includes('/') ? stageNameOfFile(path) : undefined;
}

export type FileEffect = { kind: 'stage'; stage: string } | { kind: 'shared' } | { kind: 'none' };

/**
 * What changing one repo-relative path affects: its stage for a stage file, every stage for a file
 * the product ships (`ships`, see `shippedFiles`), nothing otherwise (docs, tests, tools, workflows).
 */
export function classifyPath(path: string, ships: (path: string) => boolean, environments = ENVIRONMENTS): FileEffect {
  const stage = stageOfPath(path, environments);
  if (stage) return { kind: 'stage', stage };
  return ships(path) ? { kind: 'shared' } : { kind: 'none' };
}

/** Stage names defined by the `<environments>/*.yaml` files at `commit`. */
export function stagesAt(repoDir: string, commit: string, environments = ENVIRONMENTS): string[] {
  const out = git(repoDir, ['ls-tree', '--name-only', `${commit}`, `${environments}/`]);
  return out
    .split('\n')
    .map((p) => stageOfPath(p.trim(), environments))
    .filter((s): s is string => !!s)
    .sort();
}

/** Files changed between two commits (renames reported as a deletion plus an addition). */
export function changedFilesBetween(repoDir: string, from: string, to: string): ChangedFile[] {
  const out = git(repoDir, ['diff', '--name-status', '--no-renames', '-z', from, to]);
  const parts = out.split('\0').filter((p) => p.length > 0);
  const files: ChangedFile[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const code = parts[i][0];
    const status: FileStatus = code === 'A' ? 'added' : code === 'D' ? 'deleted' : 'modified';
    files.push({ path: parts[i + 1], status });
  }
  return files;
}

function summarizePaths(paths: readonly string[], max = 3): string {
  const shown = paths.slice(0, max).map((p) => `\`${p}\``);
  return paths.length > max ? `${shown.join(', ')} (+${paths.length - max} more)` : shown.join(', ');
}

/**
 * The pure part: which stages a set of changed files affects, and why. `headStages` are the stages
 * that exist after the change; deleted stage files add their stage as `removed`. `ships` tells the
 * files the product ships (see `shippedFiles`).
 */
export function affectedStages(
  files: readonly ChangedFile[],
  headStages: readonly string[],
  ships: (path: string) => boolean,
  requested: readonly string[] = [],
  environments = ENVIRONMENTS,
): { stages: AffectedStage[]; unaffected: string[] } {
  const shared = files.filter((f) => classifyPath(f.path, ships, environments).kind === 'shared').map((f) => f.path);
  const byStage = new Map<string, { change: AffectedStage['change']; reasons: string[] }>();
  const entry = (stage: string) => {
    let e = byStage.get(stage);
    if (!e) byStage.set(stage, (e = { change: 'changed', reasons: [] }));
    return e;
  };
  for (const f of files) {
    const effect = classifyPath(f.path, ships, environments);
    if (effect.kind !== 'stage') continue;
    const e = entry(effect.stage);
    if (f.status === 'deleted') {
      // A rename between .yml and .yaml deletes one file and adds the other: the stage stays.
      if (!headStages.includes(effect.stage)) e.change = 'removed';
      e.reasons.push(`stage file \`${f.path}\` deleted`);
    } else {
      if (f.status === 'added' && e.change !== 'removed') e.change = 'added';
      e.reasons.push(`stage file \`${f.path}\` ${f.status === 'added' ? 'added' : 'changed'}`);
    }
  }
  if (shared.length > 0) {
    for (const stage of headStages) entry(stage).reasons.push(`shared code changed: ${summarizePaths(shared)}`);
  }
  for (const stage of requested) {
    if (!byStage.has(stage)) entry(stage).reasons.push('requested with --stage');
  }
  let stages = [...byStage.entries()].map(([stage, e]) => ({ stage, change: e.change, reasons: e.reasons }));
  if (requested.length > 0) stages = stages.filter((s) => requested.includes(s.stage));
  stages.sort((a, b) => a.stage.localeCompare(b.stage));
  const listed = new Set(stages.map((s) => s.stage));
  return { stages, unaffected: headStages.filter((s) => !listed.has(s)) };
}

/**
 * Stages affected between the merge-base of `baseRef` and `headRef`, read from git. `environments`
 * is the stage files' directory relative to the repository root (default `environments`).
 */
export function findAffected(
  repoDir: string,
  baseRef: string,
  opts: { headRef?: string; stages?: readonly string[]; environments?: string } = {},
): AffectedResult {
  const environments = opts.environments ?? ENVIRONMENTS;
  const headSha = resolveCommit(repoDir, opts.headRef ?? 'HEAD');
  resolveCommit(repoDir, baseRef);
  const baseSha = mergeBase(repoDir, baseRef, headSha);
  const changedFiles = changedFilesBetween(repoDir, baseSha, headSha);
  const headStages = stagesAt(repoDir, headSha, environments);
  // A file counts when it ships before or after the change (a change to nx.json can move it).
  const [before, after] = [baseSha, headSha].map((sha) => shippedFiles(workspaceAt(repoDir, sha)));
  const ships = (path: string) => before(path) || after(path);
  const { stages, unaffected } = affectedStages(changedFiles, headStages, ships, opts.stages ?? [], environments);
  const shippedChanges = [...new Set([...changedFiles.map((f) => f.path), ...uncommittedFiles(repoDir)])]
    .filter((p) => classifyPath(p, ships, environments).kind === 'shared')
    .sort();
  return { baseRef, baseSha, headSha, changedFiles, stages, unaffected, shippedChanges };
}

/** Paths the working tree changes against HEAD: modified, deleted, staged and untracked (not ignored) files. */
function uncommittedFiles(repoDir: string): string[] {
  const out = git(repoDir, ['status', '--porcelain=v1', '-z', '--no-renames', '--untracked-files=all']);
  return out
    .split('\0')
    .filter((e) => e.length > 3)
    .map((e) => e.slice(3));
}

/** Every stage of `commit`, for a first deploy (no earlier successful deploy to diff from). */
export function allStagesAt(repoDir: string, commit: string, reason: string): AffectedStage[] {
  return stagesAt(repoDir, commit).map((stage) => ({ stage, change: 'changed' as const, reasons: [reason] }));
}
