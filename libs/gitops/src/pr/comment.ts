import * as fs from 'node:fs';
import { COMMENT_MARKER } from './report';
import { COMMENT_LIMIT, cutAtSections, SUMMARY_LIMIT_BYTES, utf8Bytes } from './truncate';
import { GitError, printable } from '@metaflow-gitops/stage-config';
import { GitHubClient, httpStatus } from './github';

export interface StickyCommentResult {
  readonly action: 'created' | 'updated' | 'skipped';
  readonly commentId?: number;
  readonly url?: string;
  readonly truncated: boolean;
  /** Why nothing was posted (fork PR with a read-only token...). */
  readonly reason?: string;
}

/** The `pr-diff` artifact, linked when its URL is known (`actions/upload-artifact`'s `artifact-url` output). */
function artifactLink(artifactUrl: string | undefined): string {
  return artifactUrl ? `[\`pr-diff\` artifact](${artifactUrl})` : '`pr-diff` artifact';
}

/** The note appended where a body was cut. */
export function cutNote(where: string, omitted: number, runLink: string | undefined, artifactUrl?: string): string {
  const link = runLink ? `[the workflow run](${runLink})` : 'the workflow run';
  return `> [!NOTE]\n> ${where} was cut at a section boundary to fit GitHub's limit: ${omitted} section${omitted === 1 ? '' : 's'} not shown. The full diff is in the job summary and in the ${artifactLink(artifactUrl)} (markdown and JSON) of ${link}.`;
}

/** Makes sure the body carries the marker (first line) and fits in a comment. */
export function prepareCommentBody(
  body: string,
  runLink: string | undefined,
  limit = COMMENT_LIMIT,
  artifactUrl?: string,
): { body: string; truncated: boolean } {
  const marked = body.includes(COMMENT_MARKER) ? body : `${COMMENT_MARKER}\n${body}`;
  const cut = cutAtSections(marked, limit, (n) => cutNote('This comment', n, runLink, artifactUrl));
  return { body: cut.text, truncated: cut.truncated };
}

/**
 * The account the token acts as. GraphQL `viewer` answers for every kind of token: a user's, and an
 * app installation's such as the Actions token (`github-actions[bot]`); REST `GET /user` refuses
 * installation tokens and `GET /app` wants the app's own JWT. `databaseId` is the REST `user.id`.
 */
export async function tokenAccount(octokit: GitHubClient): Promise<{ login: string; id: number }> {
  const res = await octokit.graphql<{ viewer: { login: string; databaseId: number } }>('query { viewer { login databaseId } }');
  return { login: res.viewer.login, id: res.viewer.databaseId };
}

/** True when the PR's head is in another repository (or in a fork that was deleted). */
async function isForkPr(octokit: GitHubClient, target: { owner: string; repo: string; pr: number }): Promise<boolean> {
  const pr = await octokit.rest.pulls.get({ owner: target.owner, repo: target.repo, pull_number: target.pr });
  return pr.data.head.repo?.full_name !== pr.data.base.repo.full_name;
}

/**
 * Creates or updates the one comment of this tool on a PR. The comment is found by its hidden
 * marker among ALL the PR's comments (paged: a busy PR has more than one page) written by the
 * account of the token in use; when several carry it, the oldest is kept up to date. Anyone can
 * paste the marker (a person, another app's bot), and editing their comment would let them show
 * "our" plan as theirs, or change it afterwards. A 403 on writing is expected only on a PR from a
 * fork (its token is read-only): then the job summary carries the diff and this is a warning.
 * Any other 403 (the workflow's token lacks `pull-requests: write`) is an error: the plan would
 * silently never be posted.
 */
export async function upsertStickyComment(
  octokit: GitHubClient,
  target: { owner: string; repo: string; pr: number },
  body: string,
  opts: { runLink?: string; artifactUrl?: string; limit?: number; warn: (msg: string) => void },
): Promise<StickyCommentResult> {
  const prepared = prepareCommentBody(body, opts.runLink, opts.limit, opts.artifactUrl);
  const comments = await octokit.paginate(octokit.rest.issues.listComments, {
    owner: target.owner,
    repo: target.repo,
    issue_number: target.pr,
    per_page: 100,
  });
  const marked = comments.filter((c) => c.body?.includes(COMMENT_MARKER));
  // Whose comment is ours is asked only when one carries the marker: the identity is a GraphQL
  // query, which Octokit's throttling spaces a second apart from the comment's write.
  const me = marked.length > 0 ? await tokenAccount(octokit) : undefined;
  const mine = marked.filter((c) => me !== undefined && c.user?.id === me.id).sort((a, b) => a.id - b.id)[0];
  try {
    if (mine) {
      const res = await octokit.rest.issues.updateComment({
        owner: target.owner,
        repo: target.repo,
        comment_id: mine.id,
        body: prepared.body,
      });
      return { action: 'updated', commentId: res.data.id, url: res.data.html_url, truncated: prepared.truncated };
    }
    const res = await octokit.rest.issues.createComment({
      owner: target.owner,
      repo: target.repo,
      issue_number: target.pr,
      body: prepared.body,
    });
    return { action: 'created', commentId: res.data.id, url: res.data.html_url, truncated: prepared.truncated };
  } catch (err) {
    if (httpStatus(err) !== 403) throw err;
    const said = printable((err as Error).message);
    if (await isForkPr(octokit, target)) {
      const reason = `GitHub refused the comment (403: ${said}). A pull request from a fork gets a read-only token: the diff is in the job summary instead.`;
      opts.warn(reason);
      return { action: 'skipped', truncated: prepared.truncated, reason };
    }
    throw new GitError(
      `GitHub refused to write the comment on ${target.owner}/${target.repo}#${target.pr} as ${printable((me ?? (await tokenAccount(octokit))).login)} (403: ${said}), ` +
        'and the pull request is not from a fork',
      {
        cause: err,
        fix: 'give the workflow job `permissions: pull-requests: write` (or use a token that may comment on this repository)',
      },
    );
  }
}

/**
 * Appends the body to the step's job summary (cut to GitHub's 1 MiB per step). When the PR comment
 * has to be cut (`commentLimit`), the summary starts by linking the full report, the artifact.
 */
export function writeStepSummary(
  summaryPath: string,
  body: string,
  runLink: string | undefined,
  opts: { artifactUrl?: string; commentLimit?: number } = {},
): { truncated: boolean } {
  const commentCut = body.length > (opts.commentLimit ?? COMMENT_LIMIT);
  const lead = commentCut
    ? `> [!IMPORTANT]\n> The PR comment is cut to fit GitHub's limit of ${opts.commentLimit ?? COMMENT_LIMIT} characters. The full report (markdown and the JSON the gate reads) is the ${artifactLink(opts.artifactUrl)} of this run; the full diff follows.\n\n`
    : '';
  const cut = cutAtSections(
    body,
    SUMMARY_LIMIT_BYTES - 1024 - utf8Bytes(lead),
    (n) => cutNote('This summary', n, runLink, opts.artifactUrl),
    utf8Bytes,
  );
  fs.appendFileSync(summaryPath, `${lead}${cut.text}\n`);
  return { truncated: cut.truncated };
}
