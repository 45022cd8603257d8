import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { boundedGet } from './http';

describe('boundedGet', () => {
  let server: http.Server;
  let base = '';
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/slow') return; // never answers
      if (req.url === '/moved') res.writeHead(302, { location: 'https://elsewhere.example/' }).end();
      else res.writeHead(401, { 'WWW-Authenticate': 'Bearer' }).end(JSON.stringify({ auth: req.headers.authorization ?? null }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('returns status, lowercase headers and body, sending the given headers', async () => {
    expect(await boundedGet(`${base}/`, { headers: { authorization: 'Bearer t' } })).toEqual({
      status: 401,
      headers: expect.objectContaining({ 'www-authenticate': 'Bearer' }),
      body: '{"auth":"Bearer t"}',
    });
  });

  it('does not follow a redirect', async () => {
    expect((await boundedGet(`${base}/moved`)).status).toBe(302);
  });

  it('gives up at its deadline', async () => {
    await expect(boundedGet(`${base}/slow`, { timeoutMs: 200 })).rejects.toThrow(/timeout|aborted/i);
  });
});
