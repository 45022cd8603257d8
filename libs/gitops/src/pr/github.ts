import * as fs from 'node:fs';
import { Octokit } from '@octokit/rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { GitError } from '@metaflow-gitops/stage-config';

/** What Actions provides to a step, read once at the entry point and passed inward. */
export interface GitHubContext {
  readonly token?: string;
  /** `owner/name`. */
  readonly repository?: string;
  readonly apiUrl: string;
  readonly eventPath?: string;
  readonly serverUrl: string;
  readonly runId?: string;
  readonly stepSummaryPath?: string;
}

export function githubContext(env: NodeJS.ProcessEnv): GitHubContext {
  return {
    token: env.GITHUB_TOKEN || undefined,
    repository: env.GITHUB_REPOSITORY || undefined,
    apiUrl: env.GITHUB_API_URL || 'https://api.github.com',
    eventPath: env.GITHUB_EVENT_PATH || undefined,
    serverUrl: env.GITHUB_SERVER_URL || 'https://github.com',
    runId: env.GITHUB_RUN_ID || undefined,
    stepSummaryPath: env.GITHUB_STEP_SUMMARY || undefined,
  };
}

/** The workflow run's page (job summary and artifacts live there), when running in Actions. */
export function runUrl(ctx: GitHubContext): string | undefined {
  return ctx.repository && ctx.runId ? `${ctx.serverUrl}/${ctx.repository}/actions/runs/${ctx.runId}` : undefined;
}

export function splitRepository(repository: string | undefined): { owner: string; repo: string } {
  const m = /^([^/\s]+)\/([^/\s]+)$/.exec(repository ?? '');
  if (!m) throw new GitError(`GITHUB_REPOSITORY must be 'owner/name' (got ${repository === undefined ? 'nothing' : `'${repository}'`})`);
  return { owner: m[1], repo: m[2] };
}

/** The parts of a `pull_request` event payload we read. */
export interface PullRequestEvent {
  readonly number?: number;
  readonly labels: readonly string[];
  readonly isFork: boolean;
}

export function readPullRequestEvent(eventPath: string | undefined): PullRequestEvent | undefined {
  if (!eventPath) return undefined;
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(fs.readFileSync(eventPath, 'utf8'));
  } catch (err) {
    throw new GitError(`cannot read the event payload GITHUB_EVENT_PATH=${eventPath}: ${(err as Error).message}`);
  }
  const pr = (data.pull_request ?? undefined) as
    | { number?: number; labels?: { name?: string }[]; head?: { repo?: { full_name?: string } }; base?: { repo?: { full_name?: string } } }
    | undefined;
  if (!pr) return { number: typeof data.number === 'number' ? data.number : undefined, labels: [], isFork: false };
  return {
    number: pr.number ?? (typeof data.number === 'number' ? data.number : undefined),
    labels: (pr.labels ?? []).map((l) => l.name ?? '').filter(Boolean),
    isFork: !!pr.head?.repo?.full_name && pr.head.repo.full_name !== pr.base?.repo?.full_name,
  };
}

const RetryingOctokit = Octokit.plugin(retry, throttling);
export type GitHubClient = InstanceType<typeof RetryingOctokit>;

/**
 * An Octokit with the retry plugin (5xx and network errors) and the throttling plugin (primary and
 * secondary rate limits: wait and retry up to twice, then give up with the error).
 */
export function githubClient(ctx: GitHubContext, log: (msg: string) => void, opts: { retryBaseMs?: number } = {}): GitHubClient {
  if (!ctx.token) throw new GitError('GITHUB_TOKEN is not set: the workflow passes it with `env: GITHUB_TOKEN: ${{ github.token }}`');
  return new RetryingOctokit({
    auth: ctx.token,
    baseUrl: ctx.apiUrl.replace(/\/$/, ''),
    userAgent: 'metaflow-gitops-mfctl',
    log: { debug: () => undefined, info: () => undefined, warn: log, error: log },
    retry: { retryAfterBaseValue: opts.retryBaseMs ?? 1000 },
    throttle: {
      retryAfterBaseValue: opts.retryBaseMs ?? 1000,
      onRateLimit: (retryAfter, options, _octokit, retryCount) => {
        log(`GitHub rate limit on ${options.method} ${options.url}: retrying in ${retryAfter}s`);
        return retryCount < 2;
      },
      onSecondaryRateLimit: (retryAfter, options, _octokit, retryCount) => {
        log(`GitHub secondary rate limit on ${options.method} ${options.url}: retrying in ${retryAfter}s`);
        return retryCount < 2;
      },
    },
  });
}

/** Status of an Octokit RequestError, if it is one. */
export function httpStatus(err: unknown): number | undefined {
  const s = (err as { status?: unknown })?.status;
  return typeof s === 'number' ? s : undefined;
}
