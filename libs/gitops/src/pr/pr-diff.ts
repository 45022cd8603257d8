import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AffectedStage, findAffected } from './affected';
import { diffManifests, ManifestDiff, readManifestDir } from './manifest-diff';
import { AssemblyStack, CfnTemplate } from '../synth/stage-assembly';
import { mfctlRenderer, readStacks, RenderedStage, StageRenderer } from './render-tree';
import { DiffReport, REPORT_SCHEMA_VERSION, StageChecks, StageRemoval, StageReport } from './report';
import { addCounts, diffStack, emptyCounts, StackDiff } from './template-diff';
import { BaseTree, createBaseTree, credentialFreeEnv } from './worktree';

/** Runs the checks for one stage of the head tree (validation, cdk-nag, cfn-lint, limits). */
export type StageChecker = (stage: string, head: RenderedStage) => Promise<StageChecks>;

/** Where deployed templates come from for `--against deployed` (stack name -> template, absent = not deployed). */
export type DeployedTemplates = (stage: string, head: ReadonlyMap<string, AssemblyStack>) => Promise<Map<string, CfnTemplate>>;

export interface PrDiffOptions {
  readonly repoDir: string;
  /** The base branch ref, e.g. `origin/main`: the diff starts at its merge-base with HEAD. */
  readonly baseRef: string;
  readonly stages?: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly progress: (msg: string) => void;
  readonly render?: StageRenderer;
  readonly checks?: StageChecker;
  /** Diff against the deployed stacks instead of the base tree's synthesis. */
  readonly deployed?: DeployedTemplates;
  /** Keep the scratch directory (synth outputs, base worktree) for inspection. */
  readonly keep?: boolean;
}

const NO_CHECKS: StageChecks = { errors: 0, warnings: 0, findings: [], skipped: ['no checks configured'] };

function removal(stage: string): StageRemoval {
  return {
    stage,
    loses:
      'the stage leaves GitOps control; merging does not delete it, but nothing deploys or tears it down any more (run the teardown workflow first)',
  };
}

/** Runs `fn`, returning its error instead of throwing (one side failing must not hide the other). */
async function settle<T>(fn: () => Promise<T>): Promise<[T | undefined, Error | undefined]> {
  try {
    return [await fn(), undefined];
  } catch (err) {
    return [undefined, err as Error];
  }
}

/**
 * `mfctl diff`: which stages the PR affects, and for each the template diff per stack, the
 * manifests diff and the checks. Head is the working tree; base is a temporary git worktree at the
 * merge-base. Both are synthesized without credentials.
 */
export async function computePrDiff(opts: PrDiffOptions): Promise<DiffReport> {
  const started = Date.now();
  const affected = findAffected(opts.repoDir, opts.baseRef, { stages: opts.stages });
  const removedStages = affected.stages.filter((s) => s.change === 'removed').map((s) => removal(s.stage));
  const toDiff = affected.stages.filter((s) => s.change !== 'removed');
  opts.progress(
    `${affected.changedFiles.length} files changed since ${opts.baseRef} (${affected.baseSha.slice(0, 7)}); affected stages: ${affected.stages.map((s) => s.stage).join(', ') || 'none'}`,
  );

  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'mfctl-diff-'));
  const env = credentialFreeEnv(opts.env, scratch);
  const render = opts.render ?? mfctlRenderer;
  let base: BaseTree | undefined;
  const stages: StageReport[] = [];
  try {
    const needBase = toDiff.some((s) => s.change !== 'added');
    if (needBase) {
      const t0 = Date.now();
      base = await createBaseTree(opts.repoDir, affected.baseSha, scratch, opts.progress);
      opts.progress(
        `base worktree at ${affected.baseSha.slice(0, 7)} ready (dependencies ${base.deps}) in ${((Date.now() - t0) / 1000).toFixed(1)}s`,
      );
    }
    for (const s of toDiff) stages.push(await diffOneStage(s, opts, render, env, scratch, base));
    for (const s of affected.stages.filter((x) => x.change === 'removed')) {
      stages.push({
        stage: s.stage,
        change: 'removed',
        reasons: s.reasons,
        counts: emptyCounts(),
        stacks: [],
        checks: { ...NO_CHECKS, skipped: ['stage removed'] },
        destructive: [],
        errors: [],
        warnings: [],
      });
    }
  } finally {
    if (!opts.keep) {
      base?.remove();
      fs.rmSync(scratch, { recursive: true, force: true });
    } else {
      opts.progress(
        `scratch directory kept: ${scratch}${base ? ` (remove the base worktree with: git worktree remove --force ${base.dir})` : ''}`,
      );
    }
  }
  stages.sort((a, b) => a.stage.localeCompare(b.stage));
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    generatedAt: new Date().toISOString(),
    against: opts.deployed ? 'deployed' : 'base',
    base: { ref: opts.baseRef, sha: affected.baseSha },
    head: { sha: affected.headSha },
    changedFiles: affected.changedFiles.length,
    stages,
    unaffected: affected.unaffected,
    removedStages,
    destructive: removedStages.length > 0 || stages.some((s) => s.destructive.length > 0),
    durationSeconds: (Date.now() - started) / 1000,
  };
}

async function diffOneStage(
  s: AffectedStage,
  opts: PrDiffOptions,
  render: StageRenderer,
  env: NodeJS.ProcessEnv,
  scratch: string,
  base: BaseTree | undefined,
): Promise<StageReport> {
  const t0 = Date.now();
  const out = (side: string): RenderedStage => ({
    cdkDir: path.join(scratch, side, s.stage, 'cdk'),
    k8sDir: path.join(scratch, side, s.stage, 'k8s'),
  });
  const headOut = out('head-out');
  const baseOut = out('base-out');
  opts.progress(`${s.stage}: synthesizing head${base && s.change !== 'added' ? ' and base' : ''}`);
  const [[, headErr], [, baseErr]] = await Promise.all([
    settle(() => render(opts.repoDir, s.stage, headOut, env)),
    base && s.change !== 'added'
      ? settle(() => render(base.dir, s.stage, baseOut, env))
      : Promise.resolve([undefined, undefined] as [undefined, undefined]),
  ]);
  const errors: string[] = [];
  const warnings: string[] = [];
  if (headErr) errors.push(`head: ${headErr.message}`);
  if (baseErr) warnings.push(`base could not be synthesized, so everything is compared with nothing: ${baseErr.message}`);

  const headStacks = headErr ? new Map<string, AssemblyStack>() : readStacks(headOut.cdkDir);
  const headTemplates = new Map([...headStacks].map(([name, st]) => [name, st.template]));
  let before = new Map<string, CfnTemplate>();
  // Stacks in the head's deploy order, then the ones only the base has (removed) in the base's.
  let baseOrder: string[] = [];
  if (opts.deployed && !headErr) {
    try {
      before = await opts.deployed(s.stage, headStacks);
    } catch (err) {
      errors.push(`deployed stacks: ${(err as Error).message}`);
    }
  } else if (base && !baseErr && s.change !== 'added') {
    const baseStacks = readStacks(baseOut.cdkDir);
    baseOrder = [...baseStacks.keys()];
    before = new Map([...baseStacks].map(([name, st]) => [name, st.template]));
  }
  const stacks: StackDiff[] = [];
  if (!headErr) {
    const names = [...new Set([...headTemplates.keys(), ...baseOrder])];
    for (const name of names) stacks.push(diffStack(name, before.get(name), headTemplates.get(name)));
  }
  let manifests: ManifestDiff | undefined;
  if (!headErr) {
    try {
      manifests = diffManifests(
        base && !baseErr && s.change !== 'added' ? readManifestDir(baseOut.k8sDir) : new Map(),
        readManifestDir(headOut.k8sDir),
      );
    } catch (err) {
      errors.push(`manifests: ${(err as Error).message}`);
    }
  }
  let checks: StageChecks = NO_CHECKS;
  if (opts.checks && !headErr) {
    try {
      checks = await opts.checks(s.stage, headOut);
    } catch (err) {
      errors.push(`checks: ${(err as Error).message}`);
    }
  }
  const counts = stacks.reduce((acc, st) => addCounts(acc, st.counts), emptyCounts());
  opts.progress(
    `${s.stage}: ${counts.added} to add, ${counts.updated} to update, ${counts.replaced} to replace, ${counts.destroyed + counts.orphaned} to destroy/orphan (${((Date.now() - t0) / 1000).toFixed(1)}s)`,
  );
  return {
    stage: s.stage,
    change: s.change,
    reasons: s.reasons,
    counts,
    stacks,
    manifests,
    checks,
    destructive: stacks.flatMap((st) => st.destructive),
    errors,
    warnings,
  };
}
