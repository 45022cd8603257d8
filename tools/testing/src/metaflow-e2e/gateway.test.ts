import { createServer, type Server } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { DISCOVERY_PATH } from '@metaflow-gitops/stage-config';
import { StageGateway, type RenderedCliRoute } from './gateway';

let jwks: Server;
let backend: Server;
let gateway: StageGateway;
let sign: (claims: JWTPayload, issuer?: string) => Promise<string>;
const seen: { path?: string; authorization?: string }[] = [];
const listen = (s: Server) => new Promise<number>((r) => s.listen(0, '127.0.0.1', () => r((s.address() as { port: number }).port)));

beforeAll(async () => {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k', alg: 'RS256', use: 'sig' };
  jwks = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })));
  const issuer = `http://127.0.0.1:${await listen(jwks)}`;
  sign = (claims, iss = issuer) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'k' }).setIssuer(iss).setExpirationTime('5m').sign(privateKey);
  backend = createServer((req, res) => {
    seen.push({ path: req.url, authorization: req.headers.authorization });
    res.end('backend');
  });
  const backendPort = await listen(backend);
  const rendered: RenderedCliRoute = {
    securityPolicy: {
      spec: {
        jwt: { providers: [{ name: 'cognito', issuer, remoteJWKS: { uri: `${issuer}/jwks` } }] },
        authorization: {
          defaultAction: 'Deny',
          rules: [
            {
              action: 'Allow',
              principal: {
                jwt: {
                  provider: 'cognito',
                  claims: [
                    { name: 'client_id', values: ['cli'] },
                    { name: 'groups', valueType: 'StringArray', values: ['ml-platform'] },
                  ],
                },
              },
            },
          ],
        },
      },
    },
    route: {
      spec: {
        rules: [
          {
            matches: [{ path: { type: 'PathPrefix', value: '/cli/' } }],
            filters: [{ type: 'URLRewrite', urlRewrite: { path: { replacePrefixMatch: '/' } } }],
          },
        ],
      },
    },
  };
  gateway = new StageGateway(rendered, `http://127.0.0.1:${backendPort}`);
  gateway.discoveryDocument = { stage: 'dev' };
  await gateway.start();
});

afterAll(async () => {
  await gateway.stop();
  await new Promise((r) => jwks.close(r));
  await new Promise((r) => backend.close(r));
});

const get = (path: string, token?: string) =>
  fetch(`${gateway.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

it('serves the discovery document without a token', async () => {
  expect(await (await get(DISCOVERY_PATH)).json()).toEqual({ stage: 'dev' });
});

it('answers 401 without a token or with one the provider did not sign', async () => {
  expect((await get('/cli/flows')).status).toBe(401);
  expect((await get('/cli/flows', await sign({ client_id: 'cli', groups: ['ml-platform'] }, 'http://other-issuer'))).status).toBe(401);
});

it('answers 403 when no Allow rule matches the claims', async () => {
  expect((await get('/cli/flows', await sign({ client_id: 'other', groups: ['ml-platform'] }))).status).toBe(403);
  expect((await get('/cli/flows', await sign({ client_id: 'cli', groups: ['analysts'] }))).status).toBe(403);
});

it('passes an allowed request to the backend with the prefix rewritten', async () => {
  seen.length = 0;
  const res = await get('/cli/flows/X/runs', await sign({ client_id: 'cli', groups: ['other', 'ml-platform'] }));
  expect(res.status).toBe(200);
  expect(await res.text()).toBe('backend');
  expect(seen).toEqual([{ path: '/flows/X/runs', authorization: expect.stringMatching(/^Bearer /) }]);
  expect(gateway.requests.at(-1)).toEqual({ path: '/cli/flows/X/runs', status: 200 });
});

it('has no route for other paths', async () => {
  expect((await get('/api/flows')).status).toBe(404);
});
