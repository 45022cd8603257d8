import { createServer, type Server } from 'node:http';
import { startAuthProxy, type AuthProxy } from './proxy';

describe('startAuthProxy', () => {
  let upstream: Server;
  let base: string;
  const seen: { method?: string; url?: string; authorization?: string; body: string }[] = [];
  let proxy: AuthProxy | undefined;

  beforeAll(async () => {
    upstream = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, authorization: req.headers.authorization, body });
        if (req.headers.authorization !== 'Bearer fresh') {
          res.writeHead(401).end('expired');
          return;
        }
        res.writeHead(201, { 'content-type': 'application/json', 'x-upstream': 'yes' }).end(JSON.stringify({ echo: body }));
      });
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(upstream.address() as { port: number }).port}/cli/`;
  });

  afterEach(async () => {
    await proxy?.close();
    seen.length = 0;
  });

  afterAll(() => new Promise<void>((r) => upstream.close(() => r())));

  test('adds the bearer token, keeps the service path prefix, method, body and response', async () => {
    proxy = await startAuthProxy(base, async () => 'fresh');
    expect(proxy.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/[A-Za-z0-9_-]{32}\/$/);
    const res = await fetch(`${proxy.url}flows/HelloFlow/runs?x=1`, {
      method: 'POST',
      body: '{"a":1}',
      headers: { authorization: 'Bearer user-supplied' },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-upstream')).toBe('yes');
    expect(await res.json()).toEqual({ echo: '{"a":1}' });
    expect(seen).toEqual([{ method: 'POST', url: '/cli/flows/HelloFlow/runs?x=1', authorization: 'Bearer fresh', body: '{"a":1}' }]);
  });

  test('requests without the secret path prefix are refused and never forwarded', async () => {
    proxy = await startAuthProxy(base, async () => 'fresh');
    const { origin } = new URL(proxy.url);
    const res = await fetch(`${origin}/flows`);
    expect(res.status).toBe(403);
    const guessed = await fetch(`${origin}/wrong-prefix/flows`);
    expect(guessed.status).toBe(403);
    expect(seen).toEqual([]);
  });

  test('a 401 is retried once with a force-refreshed token, replaying the body', async () => {
    const calls: boolean[] = [];
    proxy = await startAuthProxy(base, async (force) => {
      calls.push(force);
      return force ? 'fresh' : 'stale';
    });
    const res = await fetch(`${proxy.url}ping`, { method: 'PUT', body: 'payload' });
    expect(res.status).toBe(201);
    expect(calls).toEqual([false, true]);
    expect(seen.map((s) => [s.authorization, s.body])).toEqual([
      ['Bearer stale', 'payload'],
      ['Bearer fresh', 'payload'],
    ]);
  });

  test('a failing token refresh becomes a 502 with the reason', async () => {
    proxy = await startAuthProxy(base, async () => {
      throw new Error("the session of stage 'dev' has expired");
    });
    const res = await fetch(`${proxy.url}ping`);
    expect(res.status).toBe(502);
    expect(await res.text()).toBe("metaflow-login exec proxy: the session of stage 'dev' has expired\n");
  });
});
