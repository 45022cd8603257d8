// The GitHub side of PR delivery (posting the sticky comment, the job summary, the event context) as a
// light entry point: `mfctl comment` loads this without the synthesis, diff and deploy code.
export { upsertStickyComment, writeStepSummary } from './pr/comment';
export { githubClient, githubContext, readPullRequestEvent, runUrl, splitRepository } from './pr/github';
export { MAX_COMMENT_BODY_BYTES, readCommentBody } from './pr/comment-body';
export { COMMENT_LIMIT } from './pr/truncate';
export { syncHealthIssue } from './health/issue';
export { parseHealthReport } from './health/parse-report';
