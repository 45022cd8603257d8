import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ACTIONS_BOT, GitHubDouble } from '@metaflow-gitops/testing/gitops';
import { prepareCommentBody, upsertStickyComment, writeStepSummary } from './comment';
import { githubClient, githubContext, readPullRequestEvent } from './github';
import { COMMENT_MARKER } from './report';
import { COMMENT_LIMIT, sectionBoundary } from './truncate';
import { isGitError, type GitError } from '@metaflow-gitops/stage-config';

describe('sticky comment against a GitHub API double', () => {
  let gh: GitHubDouble;
  const warnings: string[] = [];
  const client = () =>
    githubClient(githubContext({ GITHUB_TOKEN: 'ghs_test', GITHUB_API_URL: gh.url }), (m) => warnings.push(m), { retryBaseMs: 1 });
  const target = { owner: 'acme', repo: 'platform', pr: 7 };

  beforeEach(async () => {
    gh = await new GitHubDouble().start();
    warnings.length = 0;
  });
  afterEach(() => gh.stop());

  it('creates the comment, then finds it on a later page and updates it in place', async () => {
    gh.seedComments(7, 130);
    const first = await upsertStickyComment(client(), target, `${COMMENT_MARKER}\nfirst`, { warn: (m) => warnings.push(m) });
    expect(first.action).toBe('created');
    const second = await upsertStickyComment(client(), target, `${COMMENT_MARKER}\nsecond`, { warn: (m) => warnings.push(m) });
    expect(second).toMatchObject({ action: 'updated', commentId: first.commentId });
    const mine = gh.comments.get(7)!.filter((c) => c.body.includes(COMMENT_MARKER));
    expect(mine).toHaveLength(1);
    expect(mine[0].body).toBe(`${COMMENT_MARKER}\nsecond`);
    // 131 comments at 100 per page: the second listing had to read page 2 to find ours.
    const lists = gh.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/issues/7/comments'));
    expect(lists.map((r) => r.query.page ?? '1')).toEqual(['1', '2', '1', '2']);
    expect(gh.requests.find((r) => r.method === 'PATCH')!.path).toBe(`/repos/acme/platform/issues/comments/${first.commentId}`);
    expect(gh.requests[0].authorization).toBe('token ghs_test');
  });

  it("never takes over a human's comment that carries the marker", async () => {
    gh.seedComments(7, 1, () => `${COMMENT_MARKER}\nfake plan: nothing destructive`);
    const r = await upsertStickyComment(client(), target, `${COMMENT_MARKER}\nreal plan`, { warn: () => undefined });
    expect(r.action).toBe('created');
    expect(gh.comments.get(7)!.map((c) => [c.user.type, c.body])).toEqual([
      ['User', `${COMMENT_MARKER}\nfake plan: nothing destructive`],
      ['Bot', `${COMMENT_MARKER}\nreal plan`],
    ]);
  });

  it('adds the marker when the body lacks it', async () => {
    await upsertStickyComment(client(), target, 'plain', { warn: () => undefined });
    expect(gh.comments.get(7)![0].body).toBe(`${COMMENT_MARKER}\nplain`);
  });

  it('retries a 502 from the API', async () => {
    gh.failNext = 1;
    const r = await upsertStickyComment(client(), target, 'x', { warn: () => undefined });
    expect(r.action).toBe('created');
    // The first request (the listing) got the 502 and was sent again.
    expect(gh.requests.slice(0, 2).map((q) => `${q.method} ${q.path.split('?')[0]}`)).toEqual([
      'GET /repos/acme/platform/issues/7/comments',
      'GET /repos/acme/platform/issues/7/comments',
    ]);
  });

  it('asks whose token it is only when a comment carries the marker (no GraphQL write spacing on a first post)', async () => {
    await upsertStickyComment(client(), target, `${COMMENT_MARKER}\nfirst`, { warn: () => undefined });
    expect(gh.requests.filter((q) => q.path === '/graphql')).toEqual([]);
    const r = await upsertStickyComment(client(), target, `${COMMENT_MARKER}\nsecond`, { warn: () => undefined });
    expect(r.action).toBe('updated');
    expect(gh.requests.filter((q) => q.path === '/graphql')).toHaveLength(1);
  });

  it("never takes over another app's bot comment that carries the marker", async () => {
    const otherApp = { login: 'other-app[bot]', id: 4242, type: 'Bot' as const };
    gh.seedComments(7, 1, () => `${COMMENT_MARKER}\nother app's plan`, otherApp);
    const r = await upsertStickyComment(client(), target, `${COMMENT_MARKER}\nreal plan`, { warn: () => undefined });
    expect(r.action).toBe('created');
    expect(gh.comments.get(7)!.map((c) => [c.user.login, c.body])).toEqual([
      ['other-app[bot]', `${COMMENT_MARKER}\nother app's plan`],
      [ACTIONS_BOT.login, `${COMMENT_MARKER}\nreal plan`],
    ]);
    expect(gh.requests.filter((q) => q.method === 'PATCH')).toEqual([]);
  });

  it("finds its own comment by the token's account, a user's personal token too", async () => {
    gh.identities.set('ghp_alice', { login: 'alice', id: 77, type: 'User' });
    const alice = () =>
      githubClient(githubContext({ GITHUB_TOKEN: 'ghp_alice', GITHUB_API_URL: gh.url }), () => undefined, { retryBaseMs: 1 });
    // The Actions bot's comment on the same PR is not alice's.
    await upsertStickyComment(client(), target, `${COMMENT_MARKER}\nbot`, { warn: () => undefined });
    const first = await upsertStickyComment(alice(), target, `${COMMENT_MARKER}\nv1`, { warn: () => undefined });
    const second = await upsertStickyComment(alice(), target, `${COMMENT_MARKER}\nv2`, { warn: () => undefined });
    expect(first.action).toBe('created');
    expect(second).toMatchObject({ action: 'updated', commentId: first.commentId });
    expect(gh.comments.get(7)!.map((c) => [c.user.login, c.body])).toEqual([
      [ACTIONS_BOT.login, `${COMMENT_MARKER}\nbot`],
      ['alice', `${COMMENT_MARKER}\nv2`],
    ]);
  });

  it('degrades to a warning on a 403 for a PR from a fork (read-only token)', async () => {
    gh.readOnly = true;
    gh.forks.add(7);
    const r = await upsertStickyComment(client(), target, 'x', { warn: (m) => warnings.push(m) });
    expect(r.action).toBe('skipped');
    expect(warnings.join('\n')).toContain('read-only token');
    expect(gh.comments.get(7)).toBeUndefined();
  });

  it('fails loudly on a 403 for a PR that is not from a fork (token without pull-requests: write)', async () => {
    gh.readOnly = true;
    const err = await upsertStickyComment(client(), target, 'x', { warn: (m) => warnings.push(m) }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isGitError(err)).toBe(true);
    expect((err as Error).message).toBe(
      'GitHub refused to write the comment on acme/platform#7 as github-actions[bot] (403: Resource not accessible by integration), and the pull request is not from a fork',
    );
    expect((err as GitError).fix).toContain('pull-requests: write');
    expect(warnings.join('\n')).not.toContain('read-only token');
  });

  it('cuts an oversized body at a section boundary', async () => {
    const body = [
      COMMENT_MARKER,
      '\nsummary\n',
      ...Array.from({ length: 40 }, (_, i) => `${sectionBoundary(0)}section ${i} ${'x'.repeat(2000)}\n`),
    ].join('');
    const r = await upsertStickyComment(client(), target, body, { warn: () => undefined, limit: 20_000, runLink: 'http://run/1' });
    expect(r.truncated).toBe(true);
    const posted = gh.comments.get(7)![0].body;
    expect(posted.length).toBeLessThanOrEqual(20_000);
    expect(posted).toContain('section 8 ');
    expect(posted).not.toContain('section 9 ');
    expect(posted).toContain('31 sections not shown');
  });
});

describe('event and summary', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfg-event-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads the PR number, labels and fork flag from the event payload', () => {
    const p = path.join(dir, 'event.json');
    fs.writeFileSync(
      p,
      JSON.stringify({
        number: 9,
        pull_request: {
          number: 9,
          labels: [{ name: 'allow-destructive' }],
          head: { repo: { full_name: 'fork/platform' } },
          base: { repo: { full_name: 'acme/platform' } },
        },
      }),
    );
    expect(readPullRequestEvent(p)).toEqual({ number: 9, labels: ['allow-destructive'], isFork: true });
    expect(readPullRequestEvent(undefined)).toBeUndefined();
    expect(() => readPullRequestEvent(path.join(dir, 'missing.json'))).toThrow('cannot read the event payload');
  });

  it('appends to the job summary, cut to 1 MiB', () => {
    const p = path.join(dir, 'summary.md');
    fs.writeFileSync(p, 'before\n');
    const big = Array.from({ length: 30 }, (_, i) => `${sectionBoundary(0)}s${i} ${'é'.repeat(30_000)}\n`).join('');
    expect(writeStepSummary(p, big, undefined)).toEqual({ truncated: true });
    const text = fs.readFileSync(p, 'utf8');
    expect(text.startsWith('before\n')).toBe(true);
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(1024 * 1024);
    expect(text).toContain('This summary was cut');
  });
});

describe('the full report when the comment is cut', () => {
  const big = `${COMMENT_MARKER}\n${sectionBoundary(0)}${'x'.repeat(70_000)}\n${sectionBoundary(0)}tail\n`;
  const url = 'https://github.example/acme/platform/actions/runs/7/artifacts/99';

  it('the job summary starts by linking the artifact when the comment would be cut, not otherwise', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'summary-'));
    const file = path.join(dir, 'summary.md');
    fs.writeFileSync(file, '');
    writeStepSummary(file, big, 'https://run', { artifactUrl: url });
    const text = fs.readFileSync(file, 'utf8');
    expect(text.startsWith('> [!IMPORTANT]\n> The PR comment is cut')).toBe(true);
    expect(text).toContain(`[\`pr-diff\` artifact](${url})`);
    expect(text).toContain('x'.repeat(70_000));
    fs.writeFileSync(file, '');
    writeStepSummary(file, `${COMMENT_MARKER}\nsmall\n`, 'https://run', { artifactUrl: url });
    expect(fs.readFileSync(file, 'utf8')).toBe(`${COMMENT_MARKER}\nsmall\n\n`);
  });

  it('the cut comment links the artifact itself', () => {
    const { body, truncated } = prepareCommentBody(big, 'https://run', COMMENT_LIMIT, url);
    expect(truncated).toBe(true);
    expect(body).toContain(`full diff is in the job summary and in the [\`pr-diff\` artifact](${url})`);
  });
});
