import { GitHubClient } from './github';
import { isAncestor } from './git';

export interface DeployBase {
  /** The commit the last successful deploy ran on, when usable as a diff base. */
  readonly sha?: string;
  /** Why this base (or why none: every stage is deployed). */
  readonly reason: string;
}

/**
 * What to deploy is computed from the last SUCCESSFUL deploy run on the branch, not from HEAD~1:
 * a per-stage concurrency group keeps one pending run and cancels older pending ones, so an
 * intermediate merge's deploy can be skipped; diffing from the last success folds its changes into
 * the next run. Only `push` runs count: a manual single-stage dispatch proves nothing about the
 * other stages.
 */
export async function lastSuccessfulDeploy(
  octokit: GitHubClient,
  target: { owner: string; repo: string; workflow: string; branch: string },
  repoDir: string,
  head: string,
): Promise<DeployBase> {
  const res = await octokit.rest.actions.listWorkflowRuns({
    owner: target.owner,
    repo: target.repo,
    workflow_id: target.workflow,
    branch: target.branch,
    event: 'push',
    status: 'success',
    per_page: 10,
  });
  const runs = res.data.workflow_runs;
  if (runs.length === 0) return { reason: `no successful ${target.workflow} run on ${target.branch} yet: deploying every stage` };
  for (const run of runs) {
    if (run.head_sha === head) return { sha: head, reason: `run ${run.id} already deployed ${head.slice(0, 7)}` };
    if (isAncestor(repoDir, run.head_sha, head))
      return { sha: run.head_sha, reason: `last successful deploy: run ${run.id} at ${run.head_sha.slice(0, 7)}` };
  }
  return {
    reason: `the last successful deploy's commit ${runs[0].head_sha.slice(0, 7)} is not in this history (force-push or shallow clone): deploying every stage`,
  };
}
