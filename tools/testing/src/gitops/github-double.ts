import * as http from 'node:http';
import { AddressInfo } from 'node:net';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly body?: unknown;
  readonly authorization?: string;
}

/** A GitHub account as the REST API shows it on a comment (`user`). */
export interface DoubleUser {
  login: string;
  id: number;
  type: 'Bot' | 'User';
}

export interface DoubleComment {
  id: number;
  body: string;
  user: DoubleUser;
}

/** What the Actions token (an installation token of the GitHub Actions app) acts as. */
export const ACTIONS_BOT: DoubleUser = { login: 'github-actions[bot]', id: 41898282, type: 'Bot' };

/** An issue as the double keeps it (REST shows `labels` as objects, `html_url`). */
export interface DoubleIssue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  state_reason?: string | null;
  labels: string[];
  user: DoubleUser;
}

export interface DoubleRun {
  id: number;
  head_sha: string;
  status: string;
  conclusion: string | null;
  event: string;
  head_branch: string;
}

/**
 * A local stand-in for the few GitHub endpoints mfctl uses (issues and their comments, labels, pull requests,
 * workflow runs, and GraphQL `viewer` for the token's own account), honouring pagination with Link
 * headers as api.github.com does. Comments are written as the account of the token that writes
 * them (`identities`, else the Actions bot). It records every request. Point `GITHUB_API_URL` at `url`.
 */
const SOMEONE: DoubleUser = { login: 'someone', id: 500, type: 'User' };

export class GitHubDouble {
  readonly requests: RecordedRequest[] = [];
  readonly comments = new Map<number, DoubleComment[]>();
  readonly labels = new Map<number, string[]>();
  /** Issues of the repository (numbers from 1; comments on them live in `comments`). */
  readonly issues: DoubleIssue[] = [];
  runs: DoubleRun[] = [];
  /** Answer comment writes with 403, as GitHub does for a read-only token (a fork PR's, or a workflow without `pull-requests: write`). */
  readOnly = false;
  /** Pull requests whose head is in a fork (GET /repos/{owner}/{repo}/pulls/{n} says so). */
  readonly forks = new Set<number>();
  /** Accounts of tokens (the value after `token `/`bearer ` in Authorization); any other token is the Actions bot. */
  readonly identities = new Map<string, DoubleUser>();
  /** Fail the next N requests with a 502 (exercises the retry plugin). */
  failNext = 0;
  private nextId = 1000;
  private server?: http.Server;
  url = '';

  async start(): Promise<this> {
    const server = http.createServer((req, res) => this.handle(req, res));
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Seeds an issue (open, unlabelled, by someone else unless given) and returns it. */
  seedIssue(issue: Partial<DoubleIssue> = {}): DoubleIssue {
    const seeded: DoubleIssue = {
      number: this.issues.length + 1,
      title: 'an issue',
      body: '',
      state: 'open',
      labels: [],
      user: SOMEONE,
      ...issue,
    };
    this.issues.push(seeded);
    return seeded;
  }

  private issueJson(i: DoubleIssue): unknown {
    return { ...i, labels: i.labels.map((name) => ({ name })), html_url: `${this.url}/issues/${i.number}` };
  }

  /** Seeds `n` comments from other users on a PR (to force paging). */
  seedComments(pr: number, n: number, body = (i: number) => `comment ${i}`, user: DoubleUser = SOMEONE): void {
    const list = this.comments.get(pr) ?? [];
    for (let i = 0; i < n; i++) list.push({ id: this.nextId++, body: body(i), user });
    this.comments.set(pr, list);
  }

  private identity(authorization: string | undefined): DoubleUser {
    const token = /^(?:token|bearer) (.+)$/i.exec(authorization ?? '')?.[1];
    return (token && this.identities.get(token)) || ACTIONS_BOT;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', this.url);
      const body = raw ? JSON.parse(raw) : undefined;
      this.requests.push({
        method: req.method ?? '',
        path: u.pathname,
        query: Object.fromEntries(u.searchParams),
        body,
        authorization: req.headers.authorization,
      });
      const send = (status: number, data: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
        res.end(JSON.stringify(data));
      };
      if (this.failNext > 0) {
        this.failNext--;
        return send(502, { message: 'Bad Gateway' });
      }
      let m: RegExpExecArray | null;
      if (u.pathname === '/graphql' && req.method === 'POST') {
        if (!/\bviewer\b/.test(String(body?.query))) return send(200, { errors: [{ message: 'the double answers only viewer' }] });
        const me = this.identity(req.headers.authorization);
        return send(200, { data: { viewer: { login: me.login, databaseId: me.id } } });
      }
      if ((m = /^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)$/.exec(u.pathname)) && req.method === 'GET') {
        const base = `${m[1]}/${m[2]}`;
        const pr = Number(m[3]);
        const head = this.forks.has(pr) ? `contributor/${m[2]}` : base;
        return send(200, { number: pr, head: { repo: { full_name: head } }, base: { repo: { full_name: base } } });
      }
      if ((m = /^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/.exec(u.pathname))) {
        const pr = Number(m[1]);
        const list = this.comments.get(pr) ?? [];
        if (req.method === 'GET') return this.page(u, list, send);
        if (req.method === 'POST') {
          if (this.readOnly) return send(403, { message: 'Resource not accessible by integration' });
          const c = { id: this.nextId++, body: body.body, user: this.identity(req.headers.authorization) };
          this.comments.set(pr, [...list, c]);
          return send(201, { ...c, html_url: `${this.url}/pr/${pr}#issuecomment-${c.id}` });
        }
      }
      if ((m = /^\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/.exec(u.pathname)) && req.method === 'PATCH') {
        if (this.readOnly) return send(403, { message: 'Resource not accessible by integration' });
        const id = Number(m[1]);
        for (const [pr, list] of this.comments) {
          const c = list.find((x) => x.id === id);
          if (c) {
            c.body = body.body;
            return send(200, { ...c, html_url: `${this.url}/pr/${pr}#issuecomment-${c.id}` });
          }
        }
        return send(404, { message: 'Not Found' });
      }
      if (/^\/repos\/[^/]+\/[^/]+\/issues$/.test(u.pathname)) {
        if (req.method === 'GET') {
          const state = u.searchParams.get('state') ?? 'open';
          const labels = (u.searchParams.get('labels') ?? '').split(',').filter(Boolean);
          const found = this.issues.filter((i) => (state === 'all' || i.state === state) && labels.every((l) => i.labels.includes(l)));
          return this.page(
            u,
            found.map((i) => this.issueJson(i)),
            send,
          );
        }
        if (req.method === 'POST') {
          if (this.readOnly) return send(403, { message: 'Resource not accessible by integration' });
          const issue = this.seedIssue({
            title: body.title,
            body: body.body ?? '',
            labels: body.labels ?? [],
            user: this.identity(req.headers.authorization),
          });
          return send(201, this.issueJson(issue));
        }
      }
      if ((m = /^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)$/.exec(u.pathname)) && req.method === 'PATCH') {
        if (this.readOnly) return send(403, { message: 'Resource not accessible by integration' });
        const number = Number(m[1]);
        const issue = this.issues.find((i) => i.number === number);
        if (!issue) return send(404, { message: 'Not Found' });
        for (const key of ['title', 'body', 'state', 'state_reason'] as const)
          if (body[key] !== undefined) Object.assign(issue, { [key]: body[key] });
        return send(200, this.issueJson(issue));
      }
      if ((m = /^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/labels$/.exec(u.pathname)) && req.method === 'GET') {
        return this.page(
          u,
          (this.labels.get(Number(m[1])) ?? []).map((name, i) => ({ id: i + 1, name })),
          send,
        );
      }
      if ((m = /^\/repos\/[^/]+\/[^/]+\/actions\/workflows\/([^/]+)\/runs$/.exec(u.pathname)) && req.method === 'GET') {
        const q = u.searchParams;
        const runs = this.runs.filter(
          (r) =>
            (!q.get('branch') || r.head_branch === q.get('branch')) &&
            (!q.get('event') || r.event === q.get('event')) &&
            (!q.get('status') || r.conclusion === q.get('status') || r.status === q.get('status')),
        );
        const perPage = Number(q.get('per_page') ?? 30);
        return send(200, { total_count: runs.length, workflow_runs: runs.slice(0, perPage) });
      }
      send(404, { message: `Not Found: ${req.method} ${u.pathname}` });
    });
  }

  private page(u: URL, list: unknown[], send: (s: number, d: unknown, h?: Record<string, string>) => void): void {
    const perPage = Number(u.searchParams.get('per_page') ?? 30);
    const page = Number(u.searchParams.get('page') ?? 1);
    const items = list.slice((page - 1) * perPage, page * perPage);
    const headers: Record<string, string> = {};
    if (page * perPage < list.length) {
      const next = new URL(u.toString());
      next.searchParams.set('page', String(page + 1));
      headers.link = `<${next.toString()}>; rel="next"`;
    }
    send(200, items, headers);
  }
}
