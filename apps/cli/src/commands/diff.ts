import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  awsDeployedTemplates,
  computePrDiff,
  DeployedTemplates,
  headStageChecker,
  inProcessRenderer,
  githubContext,
  renderMarkdown,
  runUrl,
  StageChecker,
  StageRenderer,
} from '@metaflow-gitops/gitops';
import { EXIT, UsageError } from '../errors';
import { Io } from '../io';
import { environmentsDir, findRepoRoot } from '../repo';

export interface DiffOptions {
  base?: string;
  stage?: string[];
  format?: string;
  out?: string;
  jsonOut?: string;
  against?: string;
  label?: string;
  keep?: boolean;
  checks?: boolean;
  environments?: string;
}

/** Seams for tests and for wiring the checks; the CLI uses the defaults. */
export interface DiffDeps {
  render?: StageRenderer;
  checks?: StageChecker;
  deployed?: (io: Io) => DeployedTemplates;
}

/** `origin/<base branch>` in a pull_request run, else `origin/main` (or `main` without a remote). */
function defaultBase(io: Io, repo: string): string {
  if (io.env.GITHUB_BASE_REF) return `origin/${io.env.GITHUB_BASE_REF}`;
  return fs.existsSync(path.join(repo, '.git')) && hasRef(repo, 'origin/main') ? 'origin/main' : 'main';
}

function hasRef(repo: string, ref: string): boolean {
  try {
    execFileSync('git', ['rev-parse', '--verify', '--quiet', ref], { cwd: repo, stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether this mfctl is the diffed repository's own (its bundle or sources lie inside it): only then
 * may it render that repository's trees itself instead of running the tree's own mfctl.
 */
function isOwnMfctl(repoDir: string): boolean {
  const rel = path.relative(fs.realpathSync(repoDir), fs.realpathSync(__dirname));
  return !rel.startsWith('..') && !path.isAbsolute(rel);
}

function hasAwsCredentials(env: NodeJS.ProcessEnv): boolean {
  return !!(
    env.AWS_ACCESS_KEY_ID ||
    env.AWS_PROFILE ||
    env.AWS_WEB_IDENTITY_TOKEN_FILE ||
    env.AWS_CONTAINER_CREDENTIALS_FULL_URI ||
    env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI
  );
}

/** `mfctl diff`: what merging this branch would change, per affected stage. Exit 1 when a stage's diff could not be computed. */
export async function diffCommand(opts: DiffOptions, io: Io, deps: DiffDeps = {}): Promise<number> {
  const format = opts.format ?? 'markdown';
  if (format !== 'markdown' && format !== 'json') throw new UsageError(`--format must be markdown or json (got '${format}')`);
  if (opts.against !== undefined && opts.against !== 'deployed')
    throw new UsageError(`--against only accepts 'deployed' (got '${opts.against}')`);
  let deployed: DeployedTemplates | undefined;
  if (opts.against === 'deployed') {
    if (!hasAwsCredentials(io.env))
      throw new UsageError(
        '--against deployed reads the deployed stacks and needs AWS credentials (AWS_PROFILE, AWS_ACCESS_KEY_ID or a web identity); without them, diff against the base branch (the default)',
      );
    deployed = (deps.deployed ?? ((i: Io) => awsDeployedTemplates(i.env)))(io);
  }
  const repoDir = findRepoRoot(io.cwd);
  const environments = environmentsDir(io.cwd, opts.environments);
  // Base and head stage files are read from git at that path: it must lie inside the repository.
  const environmentsInRepo = path.relative(
    fs.realpathSync(repoDir),
    fs.existsSync(environments) ? fs.realpathSync(environments) : environments,
  );
  if (environmentsInRepo === '' || environmentsInRepo.startsWith('..') || path.isAbsolute(environmentsInRepo))
    throw new UsageError(
      `--environments ${opts.environments} is not a directory inside the repository ${repoDir}: the base's stage files are read from git, so pass a directory of this repository`,
    );
  const baseRef = opts.base ?? defaultBase(io, repoDir);
  const renderHere = !deps.render && isOwnMfctl(repoDir);
  const report = await computePrDiff({
    repoDir,
    baseRef,
    stages: opts.stage,
    environments: environmentsInRepo.split(path.sep).join('/'),
    env: io.env,
    progress: (m) => io.stderr(`mfctl diff: ${m}\n`),
    render: deps.render,
    // The head, and a base shipping the same code, are rendered by this process; rendered bases are kept in tmp/.
    renderHere: renderHere ? inProcessRenderer : undefined,
    cacheDir: renderHere ? path.join(repoDir, 'tmp', 'mfctl-diff') : undefined,
    checks: deps.checks ?? headStageChecker(environments, { templateChecks: opts.checks !== false, env: io.env, baseRef }),
    deployed,
    keep: opts.keep,
  });
  const text =
    format === 'json'
      ? `${JSON.stringify(report, null, 2)}\n`
      : renderMarkdown(report, { ackLabel: opts.label, runUrl: runUrl(githubContext(io.env)) });
  if (opts.out) {
    fs.mkdirSync(path.dirname(path.resolve(io.cwd, opts.out)), { recursive: true });
    fs.writeFileSync(path.resolve(io.cwd, opts.out), text);
  } else io.stdout(text);
  if (opts.jsonOut) {
    fs.mkdirSync(path.dirname(path.resolve(io.cwd, opts.jsonOut)), { recursive: true });
    fs.writeFileSync(path.resolve(io.cwd, opts.jsonOut), `${JSON.stringify(report, null, 2)}\n`);
  }
  const failed = report.stages.filter((s) => s.errors.length > 0);
  io.stderr(
    `mfctl diff: ${report.stages.length} stage(s) affected, ${report.destructive ? 'DESTRUCTIVE changes present' : 'no destructive changes'}, ${report.durationSeconds.toFixed(1)}s${failed.length ? `; diff failed for ${failed.map((s) => s.stage).join(', ')}` : ''}\n`,
  );
  return failed.length > 0 ? EXIT.failure : EXIT.ok;
}
