import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { DISCOVERY_PATH } from '@metaflow-gitops/stage-config';

interface ClaimRule {
  readonly name: string;
  readonly values: readonly string[];
  readonly valueType?: 'String' | 'StringArray';
}

/** The parts of the rendered SecurityPolicy (Envoy Gateway) and HTTPRoute this stand-in reads. */
export interface RenderedCliRoute {
  readonly securityPolicy: {
    readonly spec: {
      readonly jwt: {
        readonly providers: readonly { readonly name: string; readonly issuer: string; readonly remoteJWKS: { readonly uri: string } }[];
      };
      readonly authorization: {
        readonly defaultAction: string;
        readonly rules: readonly {
          readonly action: string;
          readonly principal: { readonly jwt: { readonly provider: string; readonly claims: readonly ClaimRule[] } };
        }[];
      };
    };
  };
  readonly route: {
    readonly spec: {
      readonly rules: readonly {
        readonly matches: readonly { readonly path: { readonly type: string; readonly value: string } }[];
        readonly filters?: readonly {
          readonly type: string;
          readonly urlRewrite?: { readonly path?: { readonly replacePrefixMatch?: string } };
        }[];
      }[];
    };
  };
}

export interface GatewayRequest {
  readonly path: string;
  readonly status: number;
}

function claimMatches(payload: JWTPayload, rule: ClaimRule): boolean {
  const value = payload[rule.name];
  if (rule.valueType === 'StringArray') return Array.isArray(value) && value.some((v) => rule.values.includes(String(v)));
  return typeof value === 'string' && rule.values.includes(value);
}

/**
 * The stage's host on loopback, as far as the CLI path needs it: the discovery document at its
 * path, and the metadata service route with the rendered policy applied as Envoy Gateway applies
 * it: no or an unverifiable bearer token (signature from the provider's JWKS, issuer, expiry) is
 * 401, a token no Allow rule's claims match is 403, else the route's prefix is rewritten and the
 * request passed to the backend.
 */
export class StageGateway {
  readonly requests: GatewayRequest[] = [];
  discoveryDocument: unknown;
  private server?: Server;
  private port = 0;

  constructor(
    private readonly rendered: RenderedCliRoute,
    private readonly backend: string,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The path prefix the route matches (`/cli/`). */
  get prefix(): string {
    const [rule] = this.rendered.route.spec.rules;
    const [match] = rule.matches;
    if (match.path.type !== 'PathPrefix') throw new Error(`route match type ${match.path.type} is not emulated`);
    return match.path.value;
  }

  private rewrite(path: string): string {
    const replace = this.rendered.route.spec.rules[0].filters?.find((f) => f.type === 'URLRewrite')?.urlRewrite?.path?.replacePrefixMatch;
    return replace === undefined ? path : `${replace}${path.slice(this.prefix.length)}`;
  }

  private async authorize(req: IncomingMessage): Promise<number> {
    const { jwt, authorization } = this.rendered.securityPolicy.spec;
    const auth = req.headers.authorization;
    const token = auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length) : undefined;
    if (!token) return 401;
    for (const provider of jwt.providers) {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, createRemoteJWKSet(new URL(provider.remoteJWKS.uri)), { issuer: provider.issuer }));
      } catch {
        continue;
      }
      const allowed = authorization.rules.some(
        (r) =>
          r.action === 'Allow' &&
          r.principal.jwt.provider === provider.name &&
          r.principal.jwt.claims.every((c) => claimMatches(payload, c)),
      );
      return allowed || authorization.defaultAction === 'Allow' ? 200 : 403;
    }
    return 401;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = req.url ?? '/';
    const answer = (status: number, body: string, type = 'text/plain') => {
      this.requests.push({ path, status });
      res.writeHead(status, { 'content-type': type }).end(body);
    };
    if (path === DISCOVERY_PATH) return answer(200, JSON.stringify(this.discoveryDocument), 'application/json');
    if (!path.startsWith(this.prefix)) return answer(404, 'no route\n');
    const status = await this.authorize(req);
    if (status !== 200) return answer(status, status === 401 ? 'Jwt is missing or invalid\n' : 'RBAC: access denied\n');
    const target = new URL(this.backend);
    const upstream = request({
      hostname: target.hostname,
      port: target.port,
      method: req.method,
      path: this.rewrite(path),
      headers: { ...req.headers, host: target.host },
    });
    upstream.once('response', (up) => {
      this.requests.push({ path, status: up.statusCode ?? 502 });
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.once('error', (err) => answer(502, `upstream: ${err.message}\n`));
    req.pipe(upstream);
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((err: Error) => {
        if (!res.headersSent) res.writeHead(500);
        res.end(String(err));
      });
    });
    this.server = server;
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    this.port = (server.address() as { port: number }).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    await new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  }
}
