import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  DiscoveryError,
  fetchDiscovery,
  MAX_DISCOVERY_BYTES,
  stageDiscoveryUrl,
  validateDiscovery,
  type DiscoveryDocument,
} from './discovery';

const valid: DiscoveryDocument = {
  schemaVersion: 1,
  stage: 'dev',
  issuer: 'https://cognito-idp.us-west-2.amazonaws.com/us-west-2_AbCdEf123',
  cliClientId: '4example0client0id',
  redirectPorts: [53682, 53683],
  redirectPath: '/callback',
  scopes: ['openid', 'email', 'profile'],
  cognitoDomain: 'https://metaflow-dev-123456789012.auth.us-west-2.amazoncognito.com',
  defaultDatastore: 's3',
  serviceUrl: 'https://dev.metaflow.example.com/cli/',
  serviceInternalUrl: 'http://metaflow-metadata.metaflow.svc.cluster.local:8080',
  datastoreSysrootS3: 's3://metaflow-dev-123456789012/metaflow',
  datatoolsS3Root: 's3://metaflow-dev-123456789012/data',
  kubernetesNamespace: 'metaflow-jobs',
  kubernetesServiceAccount: 'metaflow-task',
  argoEvents: {
    eventBus: 'default',
    eventSource: 'metaflow-webhook',
    event: 'metaflow-event',
    serviceAccount: 'argo-events-sensor',
    webhookUrl: 'http://webhook.metaflow-jobs.svc:12000/metaflow-event',
  },
  region: 'us-west-2',
  clusterName: 'metaflow-dev',
  uiUrl: 'https://dev.metaflow.example.com/',
};

function issuesOf(doc: unknown): string[] {
  try {
    validateDiscovery(doc, 'https://dev.metaflow.example.com/.well-known/metaflow-gitops.json');
  } catch (err) {
    if (err instanceof DiscoveryError) return err.issues.map((i) => `${i.path}: ${i.message}`);
    throw err;
  }
  return [];
}

describe('validateDiscovery', () => {
  test('accepts a complete document and ignores unknown fields', () => {
    expect(issuesOf(valid)).toEqual([]);
    expect(issuesOf({ ...valid, futureField: { x: 1 } })).toEqual([]);
    expect(validateDiscovery(valid, 'u')).toBe(valid);
  });

  test.each<[string, unknown, string[]]>([
    ['not an object', [1, 2], ['(document): must be a JSON object']],
    ['missing issuer', { ...valid, issuer: undefined }, ['issuer: missing (a non-empty string is required)']],
    ['http issuer off loopback', { ...valid, issuer: 'http://idp.example.com' }, ['issuer: must use https:, got "http://idp.example.com"']],
    ['relative service URL', { ...valid, serviceUrl: '/cli/' }, ['serviceUrl: must be an absolute URL, got "/cli/"']],
    ['empty ports', { ...valid, redirectPorts: [] }, ['redirectPorts: must be a non-empty array of port numbers']],
    [
      'bad port',
      { ...valid, redirectPorts: [53682, 'x', 70000] },
      [
        'redirectPorts[1]: must be an integer port between 1024 and 65535, got "x"',
        'redirectPorts[2]: must be an integer port between 1024 and 65535, got 70000',
      ],
    ],
    [
      'bucket URL',
      { ...valid, datatoolsS3Root: 'https://bucket.s3.amazonaws.com/data' },
      ['datatoolsS3Root: must be an s3://<bucket>/<prefix> URL, got "https://bucket.s3.amazonaws.com/data"'],
    ],
    [
      'namespace',
      { ...valid, kubernetesNamespace: 'Metaflow_Jobs' },
      ['kubernetesNamespace: must be a Kubernetes namespace name, got "Metaflow_Jobs"'],
    ],
    ['region', { ...valid, region: 'oregon' }, ['region: must be an AWS region such as us-west-2, got "oregon"']],
    ['stage name', { ...valid, stage: 'Dev Stage' }, ['stage: must be a stage name (lowercase letters, digits, hyphens), got "Dev Stage"']],
    [
      'argo events missing',
      { ...valid, argoEvents: undefined },
      ['argoEvents: missing (an object with eventBus, eventSource, event, serviceAccount, webhookUrl)'],
    ],
    ['no schema version', { ...valid, schemaVersion: undefined }, ['schemaVersion: missing (a positive integer is required)']],
    ['no scopes', { ...valid, scopes: undefined }, ['scopes: must be a non-empty array of scope names, got undefined']],
    [
      'argo events field',
      { ...valid, argoEvents: { ...valid.argoEvents, eventBus: 3 } },
      ['argoEvents.eventBus: must be a non-empty string, got 3'],
    ],
    ['cluster endpoint', { ...valid, clusterEndpoint: 'not a url' }, ['clusterEndpoint: must be an absolute URL, got "not a url"']],
    [
      'http cluster endpoint',
      { ...valid, clusterEndpoint: 'http://ABC.gr7.us-west-2.eks.amazonaws.com' },
      ['clusterEndpoint: must use https:, got "http://ABC.gr7.us-west-2.eks.amazonaws.com"'],
    ],
    [
      'CA data not base64',
      { ...valid, clusterCertificateAuthorityData: 'not base64!' },
      ['clusterCertificateAuthorityData: must be the base64 of a PEM certificate (-----BEGIN CERTIFICATE-----...), got "not base64!"'],
    ],
    [
      'CA data not a certificate',
      { ...valid, clusterCertificateAuthorityData: Buffer.from('hello').toString('base64') },
      ['clusterCertificateAuthorityData: must be the base64 of a PEM certificate (-----BEGIN CERTIFICATE-----...), got "aGVsbG8="'],
    ],
    [
      'CA data empty',
      { ...valid, clusterCertificateAuthorityData: '' },
      ['clusterCertificateAuthorityData: must be a non-empty string, got ""'],
    ],
    [
      'CA data a placeholder',
      { ...valid, clusterCertificateAuthorityData: '<pending:clusterCertificateAuthorityData>' },
      [
        'clusterCertificateAuthorityData: must be the base64 of a PEM certificate (-----BEGIN CERTIFICATE-----...), got "<pending:clusterCertificateAuthorityData..."',
      ],
    ],
    [
      'newer schema',
      { ...valid, schemaVersion: 2 },
      ['schemaVersion: is 2, newer than this metaflow-login understands (1): upgrade metaflow-login'],
    ],
    ['scopes without openid', { ...valid, scopes: ['email'] }, ['scopes: must include openid, got ["email"]']],
    [
      'redirect path',
      { ...valid, redirectPath: 'callback' },
      ['redirectPath: must be an absolute URL path such as /callback, got "callback"'],
    ],
    [
      'datastore',
      { ...valid, defaultDatastore: 'local' },
      ['defaultDatastore: must be "s3" (the only datastore this platform provides), got "local"'],
    ],
    [
      'several at once',
      { ...valid, cliClientId: '', uiUrl: 'ftp://x' },
      ['cliClientId: must be a non-empty string, got ""', 'uiUrl: must use https:, got "ftp://x"'],
    ],
  ])('%s', (_name, doc, expected) => {
    expect(issuesOf(doc)).toEqual(expected);
  });

  test('cluster endpoint and CA data: optional (older stages), accepted when well-formed', () => {
    expect(valid.clusterEndpoint).toBeUndefined();
    const ca = Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n').toString('base64');
    expect(
      issuesOf({
        ...valid,
        clusterEndpoint: 'https://ABCDEF0123456789.gr7.us-west-2.eks.amazonaws.com',
        clusterCertificateAuthorityData: ca,
      }),
    ).toEqual([]);
  });

  test('http is fine for loopback and in-cluster URLs', () => {
    expect(issuesOf({ ...valid, issuer: 'http://localhost:8080', serviceUrl: 'http://127.0.0.1:9000/cli/' })).toEqual([]);
  });

  test('the error message lists every issue and says what to check', () => {
    expect(() => validateDiscovery({ ...valid, region: '', stage: '' }, 'https://x/.well-known/metaflow-gitops.json')).toThrow(
      /invalid discovery document at https:\/\/x\/\.well-known\/metaflow-gitops\.json:\n {2}stage: .*\n {2}region: .*\nThe stage publishes this document/,
    );
  });
});

describe('stageDiscoveryUrl', () => {
  test('appends the well-known path to the stage URL', () => {
    expect(stageDiscoveryUrl('https://dev.metaflow.example.com')).toBe('https://dev.metaflow.example.com/.well-known/metaflow-gitops.json');
    expect(stageDiscoveryUrl('https://dev.metaflow.example.com/some/path')).toBe(
      'https://dev.metaflow.example.com/.well-known/metaflow-gitops.json',
    );
  });

  test('refuses plain http off loopback and non-URLs (usage errors)', () => {
    expect(() => stageDiscoveryUrl('http://dev.metaflow.example.com')).toThrow(
      "stage URL must use https: 'http://dev.metaflow.example.com'",
    );
    expect(() => stageDiscoveryUrl('dev')).toThrow(expect.objectContaining({ exitCode: 2 }));
  });
});

describe('fetchDiscovery', () => {
  it('refuses a document larger than the bound without reading it all', async () => {
    let sent = 0;
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const more = () => {
        while (sent < 300 * 1024 * 1024 && res.write(chunk)) sent += chunk.length;
        if (sent >= 300 * 1024 * 1024) res.end();
      };
      res.on('drain', more);
      res.on('close', () => res.off('drain', more));
      more();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/metaflow-gitops.json`;
      const error = await fetchDiscovery(url).catch((err: unknown) => err);
      expect(error).toBeInstanceOf(DiscoveryError);
      expect((error as DiscoveryError).issues).toEqual([
        { path: '(document)', message: `is larger than ${MAX_DISCOVERY_BYTES} bytes (a stage's document is about 2 KB)` },
      ]);
      expect(sent).toBeLessThan(64 * 1024 * 1024);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
