import { ACTIONS_BOT, GitHubDouble } from '@metaflow-gitops/testing/gitops';
import { githubClient, githubContext } from '../pr/github';
import { HealthReport } from './report';
import { HEALTH_ISSUE_LABEL, healthIssueMarker } from './issue-body';
import { syncHealthIssue } from './issue';

const report = (kind: HealthReport['kind'], ...statuses: HealthReport['findings'][number]['status'][]): HealthReport => ({
  kind,
  stage: 'example',
  checkedAt: '2026-12-07T06:00:00.000Z',
  findings: statuses.map((status, i) => ({
    check: `${kind}-check-${i}`,
    status,
    summary: `${status} | seen`,
    fix: status === 'ok' ? undefined : `fix ${i}`,
    details: status === 'fail' ? ['line one', 'line two'] : undefined,
  })),
});

describe('the stage health issue against a GitHub API double', () => {
  let gh: GitHubDouble;
  const client = () =>
    githubClient(githubContext({ GITHUB_TOKEN: 'ghs_test', GITHUB_API_URL: gh.url }), () => undefined, { retryBaseMs: 1 });
  const target = { owner: 'acme', repo: 'platform' };
  const sync = (reports: HealthReport[]) =>
    syncHealthIssue(client(), target, 'example', reports, { runLink: 'https://github.com/acme/platform/actions/runs/9' });

  beforeEach(async () => {
    gh = await new GitHubDouble().start();
  });
  afterEach(() => gh.stop());

  it('opens one labelled issue when a report has a fail or unknown finding, listing each with its fix and details', async () => {
    const result = await sync([report('doctor', 'ok', 'fail'), report('drift', 'unknown')]);
    expect(result).toMatchObject({ action: 'opened', number: 1 });
    expect(gh.issues).toHaveLength(1);
    const [issue] = gh.issues;
    expect(issue).toMatchObject({
      title: 'Stage example: the health check found problems',
      labels: [HEALTH_ISSUE_LABEL],
      state: 'open',
      user: ACTIONS_BOT,
    });
    expect(issue.body.startsWith(healthIssueMarker('example'))).toBe(true);
    expect(issue.body).toContain('[the scheduled health workflow](https://github.com/acme/platform/actions/runs/9)');
    expect(issue.body).toContain('### `mfctl doctor` at 2026-12-07T06:00:00.000Z: 1 fail, 0 unknown, 1 ok');
    expect(issue.body).toContain('| ❌ fail | `doctor-check-1` | fail \\| seen | fix 1 |');
    expect(issue.body).toContain('| ❔ unknown | `drift-check-0` | unknown \\| seen | fix 0 |');
    expect(issue.body).toContain('```\nline one\nline two\n```');
    expect(issue.body).not.toContain('doctor-check-0');
  });

  it('updates the same issue on the next run instead of opening another, finding it on a later page', async () => {
    for (let i = 0; i < 120; i++) gh.seedIssue({ labels: [HEALTH_ISSUE_LABEL], body: `another stage ${i}`, user: ACTIONS_BOT });
    const first = await sync([report('doctor', 'fail')]);
    const second = await sync([report('doctor', 'unknown')]);
    expect(second).toEqual({ ...first, action: 'updated' });
    expect(gh.issues.filter((i) => i.body.includes(healthIssueMarker('example')))).toHaveLength(1);
    expect(gh.issues[first.number! - 1].body).toContain('❔ unknown');
    expect(
      gh.requests
        .filter((r) => r.method === 'GET' && r.path === '/repos/acme/platform/issues')
        .map((r) => [r.query.labels, r.query.state, r.query.page ?? '1']),
    ).toEqual([
      [HEALTH_ISSUE_LABEL, 'open', '1'],
      [HEALTH_ISSUE_LABEL, 'open', '2'],
      [HEALTH_ISSUE_LABEL, 'open', '1'],
      [HEALTH_ISSUE_LABEL, 'open', '2'],
    ]);
  });

  it('closes the issue with a comment once every finding is ok; with nothing open, does nothing', async () => {
    const opened = await sync([report('doctor', 'fail')]);
    const closed = await sync([report('doctor', 'ok'), report('drift', 'ok')]);
    expect(closed).toMatchObject({ action: 'closed', number: opened.number });
    expect(gh.issues[0]).toMatchObject({ state: 'closed', state_reason: 'completed' });
    expect(gh.comments.get(opened.number!)!.map((c) => c.body)).toEqual([
      'Every check of stage `example` is ok again (`mfctl doctor` at 2026-12-07T06:00:00.000Z, `mfctl drift` at 2026-12-07T06:00:00.000Z): [run](https://github.com/acme/platform/actions/runs/9). Closing.',
    ]);
    expect(await sync([report('doctor', 'ok')])).toEqual({ action: 'none' });
    // A problem after the close opens a new issue (the closed one is history).
    expect(await sync([report('doctor', 'fail')])).toMatchObject({ action: 'opened', number: 2 });
  });

  it("never rewrites or closes someone else's issue that carries the marker", async () => {
    gh.seedIssue({ labels: [HEALTH_ISSUE_LABEL], body: `${healthIssueMarker('example')}\npasted by a person` });
    expect(await sync([report('doctor', 'ok')])).toEqual({ action: 'none' });
    expect(await sync([report('doctor', 'fail')])).toMatchObject({ action: 'opened', number: 2 });
    expect(gh.issues[0]).toMatchObject({ state: 'open', body: `${healthIssueMarker('example')}\npasted by a person` });
  });

  it("another stage's issue is not this stage's", async () => {
    await syncHealthIssue(client(), target, 'other', [report('doctor', 'fail')]);
    expect(await sync([report('doctor', 'fail')])).toMatchObject({ action: 'opened', number: 2 });
  });
});
