import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AffectedStage, ENVIRONMENTS, findAffected } from './affected';
import { diffManifests, ManifestDiff, ManifestObject, readManifestDir } from './manifest-diff';
import { AssemblyStack, CfnTemplate } from '../synth/stage-assembly';
import { mfctlRenderer, readStacks, RenderedStage, StageRenderer } from './render-tree';
import { loadStages } from '@metaflow-gitops/stage-config';
import { crossStackImpacts } from './cross-stack';
import { DiffReport, REPORT_SCHEMA_VERSION, StageChecks, StageRemoval, StageReport, stageNeedsAck } from './report';
import { StageCost, stageCost } from './stage-cost';
import { accessChanges, kubernetesUpgrade, StageFacts, stageFacts, StageMove, stageMove } from './stage-facts';
import { addCounts, diffStack, emptyCounts, StackDiff } from './template-diff';
import { BaseTree, buildTreeCli, createBaseTree, credentialFreeEnv, stageFilesTree } from './worktree';

/** Runs the checks for one stage of the head tree (validation, cdk-nag, cfn-lint, limits). */
export type StageChecker = (stage: string, head: RenderedStage) => Promise<StageChecks>;

/** Where deployed templates come from for `--against deployed` (stack name -> template, absent = not deployed). */
export type DeployedTemplates = (stage: string, head: ReadonlyMap<string, AssemblyStack>) => Promise<Map<string, CfnTemplate>>;

export interface PrDiffOptions {
  readonly repoDir: string;
  /** The base branch ref, e.g. `origin/main`: the diff starts at its merge-base with HEAD. */
  readonly baseRef: string;
  readonly stages?: readonly string[];
  /** The stage files' directory, relative to `repoDir`. @default `environments` */
  readonly environments?: string;
  readonly env: NodeJS.ProcessEnv;
  readonly progress: (msg: string) => void;
  /** Renders a tree with that tree's own code. @default `mfctlRenderer` (the tree's mfctl) */
  readonly render?: StageRenderer;
  /**
   * Renders a tree's stage files with the running code (`inProcessRenderer`). When given, the head
   * is rendered with it, and so is the base when it ships the same code as the head (only stage
   * files, docs or tests changed): no base worktree, no second mfctl.
   */
  readonly renderHere?: StageRenderer;
  /**
   * Directory keeping rendered bases between runs, by base commit and stage (`<dir>/<sha>/<stage>/`),
   * so a second diff against the same base skips it. Only the newest base commit is kept.
   */
  readonly cacheDir?: string;
  readonly checks?: StageChecker;
  /** Diff against the deployed stacks instead of the base tree's synthesis. */
  readonly deployed?: DeployedTemplates;
  /** Keep the scratch directory (synth outputs, base worktree) for inspection. */
  readonly keep?: boolean;
}

const NO_CHECKS: StageChecks = { errors: 0, warnings: 0, findings: [], skipped: ['no checks configured'] };

function removal(stage: string, facts: StageFacts | undefined): StageRemoval {
  return {
    stage,
    loses:
      'the stage leaves GitOps control; merging does not delete it, but nothing deploys or tears it down any more (run the teardown workflow first)',
    ...(facts ? { accountId: facts.accountId, region: facts.region } : {}),
  };
}

function moveRemoval(stage: string, move: StageMove): StageRemoval {
  const { from, to } = move;
  return {
    stage,
    accountId: from.accountId,
    region: from.region,
    loses: `the stage moves from account ${from.accountId} ${from.region} to account ${to.accountId} ${to.region}: merging deploys a NEW, empty stage there and leaves the old one running, unmanaged, with its data (database, artifact bucket, user pool); back up and run the teardown workflow for the old one first, or keep the account and region`,
  };
}

/** The loaded stages of a directory of stage files, by name (invalid files left out). */
function factsOf(dir: string): Map<string, StageFacts> {
  if (!fs.existsSync(dir)) return new Map();
  return new Map(loadStages(dir).stages.map((c) => [c.name, stageFacts(c)]));
}

/** The base's stage files, extracted from git (none when the base has no such directory). */
function baseStageDir(repoDir: string, sha: string, parent: string, environments: string): string {
  try {
    return path.join(stageFilesTree(repoDir, sha, parent, environments).dir, environments);
  } catch {
    return path.join(parent, 'none');
  }
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
 * manifests diff and the checks. Head is the working tree; base is the merge-base: its stage files
 * rendered with the running code when it ships the head's code (`renderHere`), else a temporary git
 * worktree rendered by its own mfctl without credentials. Synthesis is hermetic (no AWS call).
 */
export async function computePrDiff(opts: PrDiffOptions): Promise<DiffReport> {
  const started = Date.now();
  const environments = opts.environments ?? ENVIRONMENTS;
  const affected = findAffected(opts.repoDir, opts.baseRef, { stages: opts.stages, environments });
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'mfctl-diff-'));
  // The stage files as loaded at the base and at the head: identity, access and moves.
  const baseFacts = factsOf(baseStageDir(opts.repoDir, affected.baseSha, path.join(scratch, 'facts'), environments));
  const headFacts = factsOf(path.join(opts.repoDir, environments));
  const moves = new Map(
    affected.stages.flatMap((s): [string, StageMove][] => {
      const move = s.change === 'changed' ? stageMove(baseFacts.get(s.stage), headFacts.get(s.stage)) : undefined;
      return move ? [[s.stage, move]] : [];
    }),
  );
  const removedStages = [
    ...affected.stages.filter((s) => s.change === 'removed').map((s) => removal(s.stage, baseFacts.get(s.stage))),
    ...[...moves].map(([stage, move]) => moveRemoval(stage, move)),
  ];
  const toDiff = affected.stages.filter((s) => s.change !== 'removed');
  opts.progress(
    `${affected.changedFiles.length} files changed since ${opts.baseRef} (${affected.baseSha.slice(0, 7)}); affected stages: ${affected.stages.map((s) => s.stage).join(', ') || 'none'}`,
  );

  const env = credentialFreeEnv(opts.env, scratch);
  const ownCode = opts.render ?? mfctlRenderer;
  // The base is synthesized by the head's code when it ships the same code.
  const baseHere = opts.renderHere !== undefined && affected.shippedChanges.length === 0;
  const renderers: Renderers = { head: opts.renderHere ?? ownCode, base: baseHere ? (opts.renderHere ?? ownCode) : ownCode };
  const cache = opts.cacheDir ? baseCache(opts.cacheDir, affected.baseSha) : undefined;
  let base: BaseTree | undefined;
  const stages: StageReport[] = [];
  try {
    const needBase = toDiff.some((s) => s.change !== 'added' && !moves.has(s.stage) && !cache?.has(s.stage));
    if (needBase && baseHere) {
      base = stageFilesTree(opts.repoDir, affected.baseSha, scratch, environments);
      opts.progress(`base stage files at ${affected.baseSha.slice(0, 7)} rendered with this code (no shipped file changed)`);
    } else if (needBase) {
      const t0 = Date.now();
      base = await createBaseTree(opts.repoDir, affected.baseSha, scratch, opts.progress);
      const built = base.deps !== 'none' && (await buildTreeCli(base.dir));
      opts.progress(
        `base worktree at ${affected.baseSha.slice(0, 7)} ready (dependencies ${base.deps}${built ? ', mfctl bundle built' : ''}) in ${((Date.now() - t0) / 1000).toFixed(1)}s`,
      );
    }
    for (const s of toDiff) {
      const facts = headFacts.get(s.stage);
      const move = moves.get(s.stage);
      const before = s.change === 'added' || move ? undefined : baseFacts.get(s.stage);
      const upgrade = kubernetesUpgrade(before, facts);
      const identity = {
        facts,
        move,
        access: facts ? accessChanges(before, facts) : [],
        ...(upgrade ? { kubernetesUpgrade: upgrade } : {}),
      };
      stages.push({
        ...(await diffOneStage(s, opts, renderers, env, scratch, move ? undefined : base, cache, !move, new Date(started))),
        ...identity,
      });
    }
    for (const s of affected.stages.filter((x) => x.change === 'removed')) {
      stages.push({
        stage: s.stage,
        change: 'removed',
        reasons: s.reasons,
        facts: baseFacts.get(s.stage),
        access: [],
        crossStack: [],
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
        `scratch directory kept: ${scratch}${base && base.deps !== 'stage-files' ? ` (remove the base worktree with: git worktree remove --force ${base.dir})` : ''}`,
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
    destructive: removedStages.length > 0 || stages.some(stageNeedsAck),
    durationSeconds: (Date.now() - started) / 1000,
  };
}

interface Renderers {
  readonly head: StageRenderer;
  readonly base: StageRenderer;
}

/** Rendered bases kept between runs: `<dir>/<base sha>/<stage>/{cdk,k8s}`, complete once `done` exists. */
interface BaseCache {
  has(stage: string): boolean;
  out(stage: string): RenderedStage;
  /** Copies a successful rendering in, dropping the renderings of other base commits. */
  keep(stage: string, rendered: RenderedStage): void;
}

function baseCache(dir: string, sha: string): BaseCache {
  const root = path.join(dir, sha);
  const out = (stage: string): RenderedStage => ({ cdkDir: path.join(root, stage, 'cdk'), k8sDir: path.join(root, stage, 'k8s') });
  return {
    has: (stage) => fs.existsSync(path.join(root, stage, 'done')),
    out,
    keep: (stage, rendered) => {
      for (const other of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
        if (other !== sha) fs.rmSync(path.join(dir, other), { recursive: true, force: true });
      }
      const target = out(stage);
      fs.rmSync(path.join(root, stage), { recursive: true, force: true });
      fs.cpSync(rendered.cdkDir, target.cdkDir, { recursive: true });
      fs.cpSync(rendered.k8sDir, target.k8sDir, { recursive: true });
      fs.writeFileSync(path.join(root, stage, 'done'), '');
    },
  };
}

async function diffOneStage(
  s: AffectedStage,
  opts: PrDiffOptions,
  render: Renderers,
  env: NodeJS.ProcessEnv,
  scratch: string,
  base: BaseTree | undefined,
  cache: BaseCache | undefined,
  /** False for a moved stage: its head is a new stage, compared with nothing. */
  compare: boolean,
  /** Date the idle cost is priced on (both sides). */
  date: Date,
): Promise<Omit<StageReport, 'access'>> {
  const t0 = Date.now();
  const out = (side: string): RenderedStage => ({
    cdkDir: path.join(scratch, side, s.stage, 'cdk'),
    k8sDir: path.join(scratch, side, s.stage, 'k8s'),
  });
  const headOut = out('head-out');
  const cachedOut = compare && s.change !== 'added' && cache?.has(s.stage) ? cache.out(s.stage) : undefined;
  const baseTree = compare && s.change !== 'added' && !cachedOut ? base : undefined;
  const hasBase = cachedOut !== undefined || baseTree !== undefined;
  const baseOut = cachedOut ?? out('base-out');
  opts.progress(`${s.stage}: synthesizing head${cachedOut ? ' (base from the cache)' : baseTree ? ' and base' : ''}`);
  const renderBase = async (): Promise<[void, Error | undefined]> => {
    if (!baseTree) return [undefined, undefined];
    const [, err] = await settle(() => render.base(baseTree.dir, s.stage, baseOut, env, opts.environments ?? ENVIRONMENTS));
    if (!err) cache?.keep(s.stage, baseOut);
    return [undefined, err];
  };
  // A base rendered by its own mfctl runs while the head renders here; one rendered here runs after
  // the head, while the head's checks (cfn-lint, a subprocess) run.
  const baseFirst = base?.deps !== 'stage-files' ? renderBase() : undefined;
  const [, headErr] = await settle(() => render.head(opts.repoDir, s.stage, headOut, env, opts.environments ?? ENVIRONMENTS));
  const checker = opts.checks;
  const checking = checker && !headErr ? settle(() => checker(s.stage, headOut)) : undefined;
  const [, baseErr] = await (baseFirst ?? renderBase());
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
  } else if (hasBase && !baseErr) {
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
  let cost: StageCost | undefined;
  if (!headErr) {
    try {
      const baseObjects: Map<string, ManifestObject> = hasBase && !baseErr ? readManifestDir(baseOut.k8sDir) : new Map();
      const headObjects = readManifestDir(headOut.k8sDir);
      manifests = diffManifests(baseObjects, headObjects);
      // The base side's cost only from a base rendering (its templates and manifests), not from deployed stacks.
      const baseSide = hasBase && !baseErr && !opts.deployed ? { stacks: readStacks(baseOut.cdkDir), objects: baseObjects } : undefined;
      cost = stageCost({ stacks: headStacks, objects: headObjects }, baseSide, date);
    } catch (err) {
      errors.push(`manifests: ${(err as Error).message}`);
    }
  }
  let checks: StageChecks = NO_CHECKS;
  if (checking) {
    const [result, err] = await checking;
    if (err) errors.push(`checks: ${err.message}`);
    else if (result) checks = result;
  }
  const counts = stacks.reduce((acc, st) => addCounts(acc, st.counts), emptyCounts());
  const cross = crossStackImpacts(before, headTemplates, stacks);
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
    ...(cost ? { cost } : {}),
    crossStack: cross.impacts,
    destructive: [...stacks.flatMap((st) => st.destructive), ...cross.destructive],
    errors,
    warnings,
  };
}
