import { buildDiscoveryDocument, placeholderOutputs } from '@metaflow-gitops/stage-config';
import { makeStageConfig } from '@metaflow-gitops/testing/stage-config';
import { doctorContext } from '../doctor-context';
import { HttpAnswer } from '../private/http';
import { discoveryCheck } from './discovery';

// HTTPS is replaced by a stand-in GET (the check's `httpGet`); private/http.test.ts tests the real one.
const config = makeStageConfig({ name: 'disc' });
const outputs = { ...placeholderOutputs(), clusterName: 'metaflow-disc', artifactBucketName: 'disc-data-artifacts' };
const run = async (answer: (url: string) => Promise<HttpAnswer>) => {
  const urls: string[] = [];
  const ctx = doctorContext(config, { outputs: async () => outputs, httpGet: async (url) => (urls.push(url), answer(url)) });
  return { findings: [await discoveryCheck.run(ctx)].flat(), urls };
};
const json = (doc: unknown): HttpAnswer => ({ status: 200, headers: {}, body: JSON.stringify(doc) });

describe('discovery check', () => {
  it('is ok when the served document is the one the outputs make', async () => {
    const { findings, urls } = await run(async () => json(buildDiscoveryDocument(config, outputs)));
    expect(urls).toEqual(['https://disc.metaflow.example.com/.well-known/metaflow-gitops.json']);
    expect(findings).toEqual([expect.objectContaining({ status: 'ok' })]);
  });

  it('fails naming each field that differs (a sync missed after a deploy)', async () => {
    const stale = { ...buildDiscoveryDocument(config, outputs), clusterName: 'metaflow-old', taskImage: undefined };
    const [f] = (await run(async () => json(stale))).findings;
    expect(f).toMatchObject({ status: 'fail', summary: expect.stringContaining('differs from the stack outputs in 2 fields') });
    expect(f.details).toEqual([
      'clusterName: served "metaflow-old", outputs say "metaflow-disc"',
      expect.stringMatching(/^taskImage: served \(nothing\), outputs say /),
    ]);
    expect(f.fix).toContain('mfctl sync disc');
  });

  it('fails on a non-200 answer and on a body that is not JSON', async () => {
    expect((await run(async () => ({ status: 503, headers: {}, body: 'no healthy upstream' }))).findings[0]).toMatchObject({
      status: 'fail',
      summary: 'https://disc.metaflow.example.com/.well-known/metaflow-gitops.json answered 503',
    });
    expect((await run(async () => ({ status: 200, headers: {}, body: '<html>' }))).findings[0]).toMatchObject({ status: 'fail' });
  });

  it('is unknown, never ok, when there is no answer (DNS, TLS, timeout)', async () => {
    const [f] = (await run(async () => Promise.reject(new TypeError('fetch failed', { cause: { code: 'ENOTFOUND' } })))).findings;
    expect(f).toMatchObject({ status: 'unknown', summary: expect.stringContaining('fetch failed (ENOTFOUND)') });
  });
});
