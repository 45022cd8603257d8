import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { randomBytes } from 'node:crypto';

/** Headers that belong to one hop and are not forwarded (RFC 9110 section 7.6.1). */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'authorization',
  'content-length',
]);

/** Largest request body buffered (for the one retry after a 401); metadata requests are small. */
const MAX_BODY = 16 * 1024 * 1024;

export interface AuthProxy {
  /** `http://127.0.0.1:<port>/<secret>/`: what the child process gets as `METAFLOW_SERVICE_URL`. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * A loopback reverse proxy to the stage's public metadata service URL that adds
 * `Authorization: Bearer <fresh token>` to each request. The local Metaflow client talks to it, so
 * the token never enters the client's environment or configuration: the Kubernetes and Argo plugins
 * copy `METAFLOW_SERVICE_HEADERS` into every pod and workflow template, and pods use the in-cluster
 * URL anyway. Tokens are refreshed as they near expiry, so long runs outlive the 1-hour token.
 * The URL carries a random path prefix: other local users' processes, which can reach 127.0.0.1
 * too, cannot use the proxy to act as this user.
 */
export async function startAuthProxy(target: string, getToken: (force: boolean) => Promise<string>): Promise<AuthProxy> {
  const base = new URL(target);
  const basePath = base.pathname.replace(/\/$/, '');
  const send = base.protocol === 'https:' ? httpsRequest : httpRequest;
  const prefix = `/${randomBytes(24).toString('base64url')}`;

  function forward(req: IncomingMessage, path: string, body: Buffer, token: string): Promise<IncomingMessage> {
    const headers: IncomingHttpHeaders = {};
    for (const [k, v] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(k)) headers[k] = v;
    headers.authorization = `Bearer ${token}`;
    headers['content-length'] = String(body.length);
    return new Promise((resolve, reject) => {
      const upstream = send(
        {
          protocol: base.protocol,
          hostname: base.hostname,
          port: base.port || undefined,
          method: req.method,
          path: `${basePath}${path}`,
          headers,
        },
        resolve,
      );
      upstream.once('error', reject);
      upstream.end(body);
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    if (!url.startsWith(`${prefix}/`)) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('metaflow-login exec proxy: unknown path\n');
      return;
    }
    const path = url.slice(prefix.length);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY) {
        res.writeHead(413).end('request body too large for metaflow-login exec proxy\n');
        return;
      }
      chunks.push(chunk as Buffer);
    }
    const body = Buffer.concat(chunks);
    let upstream = await forward(req, path, body, await getToken(false));
    if (upstream.statusCode === 401) {
      // The token may have been revoked or the clocks disagree: one retry with a refreshed token.
      upstream.resume();
      upstream = await forward(req, path, body, await getToken(true));
    }
    const headers: IncomingHttpHeaders = {};
    for (const [k, v] of Object.entries(upstream.headers)) if (!HOP_BY_HOP.has(k) || k === 'content-length') headers[k] = v;
    res.writeHead(upstream.statusCode ?? 502, headers);
    upstream.pipe(res);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`metaflow-login exec proxy: ${err.message}\n`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}${prefix}/`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
