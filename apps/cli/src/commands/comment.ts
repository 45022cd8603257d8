import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  COMMENT_LIMIT,
  githubClient,
  githubContext,
  readCommentBody,
  readPullRequestEvent,
  runUrl,
  splitRepository,
  upsertStickyComment,
  writeStepSummary,
} from '@metaflow-gitops/gitops/github';
import { EXIT, UsageError, withContext } from '../errors';
import { Io } from '../io';

export interface CommentOptions {
  pr?: string;
  bodyFile: string;
  summary?: boolean;
  summaryOnly?: boolean;
  maxChars?: string;
  artifactUrl?: string;
}

/**
 * `mfctl comment`: posts or updates the sticky diff comment of a PR and writes the job summary.
 * A fork PR's read-only token is a warning, not a failure.
 */
export async function commentCommand(opts: CommentOptions, io: Io): Promise<number> {
  const ctx = githubContext(io.env);
  const limit = opts.maxChars === undefined ? COMMENT_LIMIT : Number(opts.maxChars);
  if (!Number.isInteger(limit) || limit < 1000 || limit > COMMENT_LIMIT)
    throw new UsageError(`--max-chars must be an integer from 1000 to ${COMMENT_LIMIT} (got '${opts.maxChars}')`);
  const file = path.resolve(io.cwd, opts.bodyFile);
  if (!fs.existsSync(file)) throw new UsageError(`--body-file ${opts.bodyFile} does not exist (write it with 'mfctl diff --out FILE')`);
  const body = readCommentBody(file, opts.bodyFile);
  const link = runUrl(ctx);
  // An empty value (the workflow's output when the upload did not run) means unknown.
  const artifactUrl = opts.artifactUrl || undefined;

  if (ctx.stepSummaryPath && opts.summary !== false) {
    const s = writeStepSummary(ctx.stepSummaryPath, body, link, { artifactUrl, commentLimit: limit });
    io.stderr(`mfctl comment: job summary written${s.truncated ? ' (cut to 1 MiB)' : ''}\n`);
  }

  if (opts.summaryOnly) {
    if (!ctx.stepSummaryPath) io.stderr('mfctl comment: --summary-only outside Actions (GITHUB_STEP_SUMMARY unset): nothing written\n');
    return EXIT.ok;
  }
  let pr: number | undefined;
  if (opts.pr !== undefined) {
    pr = Number(opts.pr);
    if (!Number.isInteger(pr) || pr <= 0) throw new UsageError(`--pr must be a pull request number (got '${opts.pr}')`);
  } else {
    pr = readPullRequestEvent(ctx.eventPath)?.number;
    if (pr === undefined)
      throw new UsageError('no pull request number: pass --pr N, or run in a pull_request workflow (GITHUB_EVENT_PATH)');
  }
  let target;
  try {
    target = { ...splitRepository(ctx.repository), pr };
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const warn = (m: string) => io.stdout(`::warning title=PR comment not posted::${m.replace(/\r?\n/g, ' ')}\n`);
  let result;
  try {
    result = await upsertStickyComment(
      githubClient(ctx, (m) => io.stderr(`mfctl comment: ${m}\n`)),
      target,
      body,
      { runLink: link, artifactUrl, warn, limit },
    );
  } catch (err) {
    throw withContext('could not post the PR comment', err);
  }
  if (result.action === 'skipped') io.stderr(`mfctl comment: not posted: ${result.reason}\n`);
  else
    io.stderr(
      `mfctl comment: ${result.action} comment ${result.commentId} on ${target.owner}/${target.repo}#${pr}${result.truncated ? ' (cut to fit; full diff in the job summary and artifact)' : ''}${result.url ? `: ${result.url}` : ''}\n`,
    );
  return EXIT.ok;
}
