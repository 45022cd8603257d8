import { GitHubClient } from '../pr/github';
import { tokenAccount } from '../pr/comment';
import { HealthReport } from './report';
import { HEALTH_ISSUE_LABEL, healthIssueBody, healthIssueMarker, healthIssueTitle, needsAttention } from './issue-body';

export interface HealthIssueResult {
  readonly action: 'opened' | 'updated' | 'closed' | 'none';
  readonly number?: number;
  readonly url?: string;
}

/**
 * Keeps one GitHub issue per stage in step with its health reports: opened (labelled) when a report
 * has a `fail` or `unknown` finding, its body replaced on later runs, closed with a comment once
 * every finding is `ok`. The issue is found among the OPEN issues with the label (paged) by its
 * hidden marker AND its author being the token's account: anyone can paste a marker into an
 * issue, and it must not get ours closed or rewritten.
 */
export async function syncHealthIssue(
  octokit: GitHubClient,
  target: { owner: string; repo: string },
  stage: string,
  reports: readonly HealthReport[],
  opts: { runLink?: string } = {},
): Promise<HealthIssueResult> {
  const marker = healthIssueMarker(stage);
  const open = await octokit.paginate(octokit.rest.issues.listForRepo, {
    owner: target.owner,
    repo: target.repo,
    labels: HEALTH_ISSUE_LABEL,
    state: 'open',
    per_page: 100,
  });
  const marked = open.filter((i) => !i.pull_request && i.body?.includes(marker));
  const me = marked.length > 0 ? await tokenAccount(octokit) : undefined;
  const ours = marked.filter((i) => me !== undefined && i.user?.id === me.id).sort((a, b) => a.number - b.number)[0];

  if (needsAttention(reports)) {
    const body = healthIssueBody(stage, reports, opts.runLink);
    if (ours) {
      const res = await octokit.rest.issues.update({ owner: target.owner, repo: target.repo, issue_number: ours.number, body });
      return { action: 'updated', number: res.data.number, url: res.data.html_url };
    }
    const res = await octokit.rest.issues.create({
      owner: target.owner,
      repo: target.repo,
      title: healthIssueTitle(stage),
      body,
      labels: [HEALTH_ISSUE_LABEL],
    });
    return { action: 'opened', number: res.data.number, url: res.data.html_url };
  }
  if (!ours) return { action: 'none' };
  const when = reports.map((r) => `\`mfctl ${r.kind}\` at ${r.checkedAt}`).join(', ');
  await octokit.rest.issues.createComment({
    owner: target.owner,
    repo: target.repo,
    issue_number: ours.number,
    body: `Every check of stage \`${stage}\` is ok again (${when})${opts.runLink ? `: [run](${opts.runLink})` : ''}. Closing.`,
  });
  const res = await octokit.rest.issues.update({
    owner: target.owner,
    repo: target.repo,
    issue_number: ours.number,
    state: 'closed',
    state_reason: 'completed',
  });
  return { action: 'closed', number: res.data.number, url: res.data.html_url };
}
