import { makeStageConfig } from '@metaflow-gitops/testing/stage-config';
import { doctorContext } from '../doctor-context';
import { HttpAnswer, HttpGetOptions } from '../private/http';
import { metadataServiceCheck } from './metadata-service';

const config = makeStageConfig({ name: 'meta' });
const URL = 'https://meta.metaflow.example.com/cli/healthcheck';
const run = async (answer: HttpAnswer | Error, token?: string) => {
  const calls: [string, HttpGetOptions | undefined][] = [];
  const ctx = doctorContext(config, {
    token,
    httpGet: async (url, options) => {
      calls.push([url, options]);
      if (answer instanceof Error) throw answer;
      return answer;
    },
  });
  return { finding: [await metadataServiceCheck.run(ctx)].flat()[0], calls };
};

describe('metadata-service check', () => {
  it('with a token: ok on 200 {"status": "UP"} from the service, sending the token', async () => {
    const { finding, calls } = await run({ status: 200, headers: {}, body: '{"status": "UP"}' }, 'tok');
    expect(calls).toEqual([[URL, { headers: { authorization: 'Bearer tok' } }]]);
    expect(finding).toMatchObject({ status: 'ok' });
  });

  it('with a token: fails on a 502 or a DOWN database, and says a 401 needs a fresh token', async () => {
    expect((await run({ status: 502, headers: {}, body: 'upstream connect error' }, 'tok')).finding).toMatchObject({
      status: 'fail',
      fix: expect.stringContaining('kubectl -n metaflow logs deploy/metaflow-metadata'),
    });
    expect((await run({ status: 500, headers: {}, body: '{"status": "DOWN"}' }, 'tok')).finding.status).toBe('fail');
    expect((await run({ status: 401, headers: {}, body: 'Jwt is expired' }, 'tok')).finding.fix).toContain('metaflow-login token meta');
  });

  it("without a token: ok only on the gateway's 401 Bearer challenge, no token sent", async () => {
    const { finding, calls } = await run({ status: 401, headers: { 'www-authenticate': 'Bearer realm="http://meta"' }, body: '' });
    expect(calls).toEqual([[URL, {}]]);
    expect(finding).toMatchObject({ status: 'ok', summary: expect.stringContaining('set MFCTL_DOCTOR_TOKEN to reach the service itself') });
  });

  it('without a token: fails when the route answers without asking for one (or is missing)', async () => {
    expect((await run({ status: 200, headers: {}, body: '{"status": "UP"}' })).finding).toMatchObject({ status: 'fail' });
    expect((await run({ status: 404, headers: {}, body: '' })).finding).toMatchObject({
      status: 'fail',
      fix: expect.stringContaining('mfctl sync meta'),
    });
  });

  it('is unknown when nothing answers', async () => {
    expect((await run(new Error('The operation was aborted due to timeout'))).finding).toMatchObject({ status: 'unknown' });
  });
});
