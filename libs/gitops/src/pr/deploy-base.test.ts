import { GitHubDouble, TempRepo } from '@metaflow-gitops/testing/gitops';
import { lastSuccessfulDeploy } from './deploy-base';
import { githubClient, githubContext } from './github';
import { deploySummaryMarkdown } from './deploy-summary';

describe('lastSuccessfulDeploy', () => {
  let gh: GitHubDouble;
  let repo: TempRepo;
  let c1: string, c2: string, c3: string;
  const target = { owner: 'acme', repo: 'platform', workflow: 'deploy.yml', branch: 'main' };
  const client = () => githubClient(githubContext({ GITHUB_TOKEN: 't', GITHUB_API_URL: gh.url }), () => undefined, { retryBaseMs: 1 });
  const run = (id: number, sha: string, conclusion: string, event = 'push') => ({
    id,
    head_sha: sha,
    status: 'completed',
    conclusion,
    event,
    head_branch: 'main',
  });

  beforeAll(async () => {
    gh = await new GitHubDouble().start();
    repo = new TempRepo();
    c1 = repo.write('a', '1').commit('c1');
    c2 = repo.write('a', '2').commit('c2');
    c3 = repo.write('a', '3').commit('c3');
  });
  afterAll(async () => {
    await gh.stop();
    repo.cleanup();
  });

  it('uses the newest successful push run, skipping failures, cancellations and dispatches', async () => {
    gh.runs = [run(9, c3, 'success', 'workflow_dispatch'), run(8, c2, 'cancelled'), run(7, c2, 'failure'), run(6, c1, 'success')];
    const base = await lastSuccessfulDeploy(client(), target, repo.dir, c3);
    expect(base).toEqual({ sha: c1, reason: `last successful deploy: run 6 at ${c1.slice(0, 7)}` });
    const q = gh.requests.at(-1)!;
    expect(q.path).toBe('/repos/acme/platform/actions/workflows/deploy.yml/runs');
    expect(q.query).toMatchObject({ branch: 'main', event: 'push', status: 'success' });
  });

  it('deploys everything when there is no successful run, or its commit is not in the history', async () => {
    gh.runs = [];
    expect((await lastSuccessfulDeploy(client(), target, repo.dir, c3)).sha).toBeUndefined();
    gh.runs = [run(5, 'f'.repeat(40), 'success')];
    const base = await lastSuccessfulDeploy(client(), target, repo.dir, c3);
    expect(base.sha).toBeUndefined();
    expect(base.reason).toContain('not in this history');
  });
});

describe('deploySummaryMarkdown', () => {
  it('puts the stage URLs first, then every output per stack, and names missing outputs', () => {
    const md = deploySummaryMarkdown(
      'dev',
      { 'dev-ingress': { UiUrl: 'https://dev.example.com/', ServiceUrl: 'https://dev.example.com/api/' }, 'dev-vpc': { VpcId: 'vpc-1' } },
      { sha: 'abcdef0123', runUrl: 'https://gh/run/1' },
    );
    expect(
      md.startsWith(
        '## Deployed `dev` at `abcdef0`\n\n- Metaflow UI: https://dev.example.com/\n- Metadata service for the Metaflow CLI: https://dev.example.com/api/\n',
      ),
    ).toBe(true);
    expect(md).toContain('| VpcId | vpc-1 |');
    expect(md).toMatch(/Missing outputs: .*`HostedZoneId`/);
    expect(md).not.toMatch(/Missing outputs: .*`UiUrl`/);
    expect(md).toContain('`outputs-dev` artifact');
  });
});
