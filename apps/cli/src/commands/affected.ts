import {
  AffectedStage,
  allStagesAt,
  findAffected,
  githubClient,
  githubContext,
  lastSuccessfulDeploy,
  resolveCommit,
  splitRepository,
  stagesAt,
} from '@metaflow-gitops/gitops';
import {
  clusterName,
  formatDiagnostic,
  healthRoleName,
  loadStages,
  stageNameOfFile,
  syncRunnerProjectName,
} from '@metaflow-gitops/stage-config';
import { CliError, EXIT, UsageError } from '../errors';
import { Io } from '../io';
import { environmentsDir, findRepoRoot } from '../repo';

export interface AffectedOptions {
  base?: string;
  sinceLastDeploy?: boolean;
  workflow?: string;
  branch?: string;
  stage?: string[];
  /** Every stage of the repository (the scheduled health workflow). */
  all?: boolean;
  json?: boolean;
  matrix?: boolean;
  environments?: string;
}

/** One deploy job: what the workflow's matrix needs to assume the role and pick the environment. */
export interface DeployTarget {
  stage: string;
  region: string;
  account: string;
  role: string;
  /** The stage's read-only role (`mfctl bootstrap`), for the scheduled health workflow. */
  healthRole: string;
  environment: string;
  prod: boolean;
  /** EKS cluster name, for the kubeconfig `mfctl sync` uses. */
  cluster: string;
  /**
   * `runs-on` label prefix of the stage's in-VPC CodeBuild runner (`codebuild-<project>`; the
   * workflow appends `-<run id>-<run attempt>`), or '' when sync runs on a GitHub-hosted runner.
   */
  syncRunner: string;
}

/**
 * `mfctl affected`: the stages a change affects, and why. For deploys (`--since-last-deploy`) the
 * base is the last successful deploy run on the branch; `--matrix` prints the deploy matrix.
 */
export async function affectedCommand(opts: AffectedOptions, io: Io): Promise<number> {
  if (opts.base && opts.sinceLastDeploy) throw new UsageError('--base and --since-last-deploy are exclusive');
  const repoDir = findRepoRoot(io.cwd);
  let stages: AffectedStage[];
  let baseSha: string | undefined;
  let why: string;
  try {
    const head = resolveCommit(repoDir, 'HEAD');
    if (opts.all) {
      if (opts.base || opts.sinceLastDeploy || opts.stage?.length)
        throw new UsageError('--all takes no --base, --since-last-deploy or --stage');
      why = 'every stage';
      stages = allStagesAt(repoDir, head, 'every stage requested');
    } else if (opts.stage?.length && !opts.base && !opts.sinceLastDeploy) {
      const known = stagesAt(repoDir, head);
      const unknown = opts.stage.filter((s) => !known.includes(s));
      if (unknown.length)
        throw new UsageError(`unknown stage ${unknown.map((s) => `'${s}'`).join(', ')} (stages: ${known.join(', ') || 'none'})`);
      stages = opts.stage.map((stage) => ({ stage, change: 'changed', reasons: ['requested'] }));
      why = 'stages requested by name';
    } else if (opts.sinceLastDeploy) {
      const ctx = githubContext(io.env);
      if (!ctx.token)
        throw new UsageError(
          '--since-last-deploy asks the GitHub API for the last successful deploy run: set GITHUB_TOKEN (actions: read)',
        );
      const target = { ...splitRepository(ctx.repository), workflow: opts.workflow ?? 'deploy.yml', branch: opts.branch ?? 'main' };
      const last = await lastSuccessfulDeploy(
        githubClient(ctx, (m) => io.stderr(`mfctl affected: ${m}\n`)),
        target,
        repoDir,
        head,
      );
      why = last.reason;
      if (last.sha) {
        const r = findAffected(repoDir, last.sha, { stages: opts.stage });
        stages = [...r.stages];
        baseSha = r.baseSha;
      } else {
        stages = allStagesAt(repoDir, head, last.reason).filter((s) => !opts.stage?.length || opts.stage.includes(s.stage));
      }
    } else {
      const r = findAffected(repoDir, opts.base ?? 'origin/main', { stages: opts.stage });
      stages = [...r.stages];
      baseSha = r.baseSha;
      why = `changes since the merge-base with ${opts.base ?? 'origin/main'}`;
    }
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError((err as Error).message);
  }
  io.stderr(
    `mfctl affected: ${why}${baseSha ? ` (base ${baseSha.slice(0, 7)})` : ''}: ${stages.map((s) => s.stage).join(', ') || 'no stage'}\n`,
  );

  if (opts.matrix) {
    const deployable = stages.filter((s) => s.change !== 'removed');
    const loaded = loadStages(environmentsDir(repoDir, opts.environments));
    const targets: DeployTarget[] = [];
    const problems: string[] = [];
    for (const s of deployable) {
      const c = loaded.stages.find((x) => x.name === s.stage);
      if (!c) {
        problems.push(
          ...loaded.diagnostics.filter((d) => d.severity === 'error' && stageNameOfFile(d.file) === s.stage).map(formatDiagnostic),
        );
        if (!problems.length) problems.push(`stage ${s.stage} could not be loaded`);
        continue;
      }
      targets.push({
        stage: c.name,
        region: c.region,
        account: c.accountId,
        role: c.deploy.roleArn,
        healthRole: `arn:aws:iam::${c.accountId}:role/${healthRoleName(c.name)}`,
        environment: c.deploy.githubEnvironment,
        prod: c.isProd,
        cluster: clusterName(c.name),
        syncRunner: c.deploy.syncRunner ? `codebuild-${syncRunnerProjectName(c.name)}` : '',
      });
    }
    if (problems.length) {
      io.stderr(`${problems.join('\n')}\n`);
      throw new CliError('an affected stage is invalid: nothing is deployed');
    }
    io.stdout(`${JSON.stringify({ include: targets })}\n`);
    return EXIT.ok;
  }
  if (opts.json) {
    io.stdout(`${JSON.stringify({ base: baseSha ?? null, reason: why, stages }, null, 2)}\n`);
    return EXIT.ok;
  }
  for (const s of stages)
    io.stdout(`${s.stage}${s.change === 'changed' ? '' : ` (${s.change})`}: ${s.reasons.join('; ').replace(/`/g, '')}\n`);
  return EXIT.ok;
}
