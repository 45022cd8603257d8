import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as yaml from 'js-yaml';
import type { DiscoveryDocument } from './discovery';
import { kubeconfigPath, mergeKubeconfig } from './kubeconfig';

const doc = {
  stage: 'dev',
  region: 'eu-west-1',
  clusterName: 'metaflow-dev',
  kubernetesNamespace: 'metaflow-jobs',
  clusterEndpoint: 'https://EXAMPLE.gr7.eu-west-1.eks.amazonaws.com',
  clusterCertificateAuthorityData: 'Q0EK',
} as DiscoveryDocument;

type Named = { name: string; [k: string]: unknown };
const load = (path: string) =>
  yaml.load(readFileSync(path, 'utf8')) as {
    clusters: Named[];
    users: Named[];
    contexts: Named[];
    'current-context': string;
    preferences?: unknown;
  };

describe('kubeconfigPath', () => {
  test('first KUBECONFIG entry, else ~/.kube/config', () => {
    expect(kubeconfigPath({ KUBECONFIG: '/a/config:/b/config', HOME: '/home/u' })).toBe('/a/config');
    expect(kubeconfigPath({ HOME: '/home/u' })).toBe('/home/u/.kube/config');
    expect(kubeconfigPath({ KUBECONFIG: '', HOME: '/home/u' })).toBe('/home/u/.kube/config');
  });
});

describe('mergeKubeconfig', () => {
  test('creates a new file with mode 0600', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'kc-')), 'nested', 'config');
    expect(mergeKubeconfig(path, doc)).toEqual({ context: 'metaflow-dev' });
    const kc = load(path);
    expect(kc['current-context']).toBe('metaflow-dev');
    expect(kc.clusters).toEqual([{ name: 'metaflow-dev', cluster: { server: doc.clusterEndpoint, 'certificate-authority-data': 'Q0EK' } }]);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(kc.users).toEqual([
      {
        name: 'metaflow-dev',
        user: {
          exec: {
            apiVersion: 'client.authentication.k8s.io/v1beta1',
            command: 'aws',
            args: ['eks', 'get-token', '--cluster-name', 'metaflow-dev', '--region', 'eu-west-1', '--output', 'json'],
            interactiveMode: 'IfAvailable',
          },
        },
      },
    ]);
    expect(kc.contexts).toEqual([
      { name: 'metaflow-dev', context: { cluster: 'metaflow-dev', user: 'metaflow-dev', namespace: 'metaflow-jobs' } },
    ]);
  });

  test('replaces the stage entries in place of duplicates and keeps everything else', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'kc-')), 'config');
    writeFileSync(
      path,
      yaml.dump({
        apiVersion: 'v1',
        kind: 'Config',
        preferences: { colors: true },
        clusters: [
          { name: 'prod', cluster: { server: 'https://prod' } },
          { name: 'metaflow-dev', cluster: { server: 'https://old' } },
        ],
        users: [{ name: 'prod', user: { token: 't' } }],
        contexts: [{ name: 'prod', context: { cluster: 'prod', user: 'prod' } }],
        'current-context': 'prod',
      }),
    );
    mergeKubeconfig(path, doc);
    mergeKubeconfig(path, doc);
    const kc = load(path);
    expect(kc.clusters.map((c) => c.name)).toEqual(['prod', 'metaflow-dev']);
    expect(kc.clusters[1]).toMatchObject({ cluster: { server: doc.clusterEndpoint } });
    expect(kc.users).toEqual([{ name: 'prod', user: { token: 't' } }, expect.objectContaining({ name: 'metaflow-dev' })]);
    expect(kc.contexts.map((c) => c.name)).toEqual(['prod', 'metaflow-dev']);
    expect(kc.preferences).toEqual({ colors: true });
    expect(kc['current-context']).toBe('metaflow-dev');
  });

  test('refuses to touch a file it cannot parse', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'kc-')), 'config');
    writeFileSync(path, 'clusters: [unclosed\n');
    expect(() => mergeKubeconfig(path, doc)).toThrow(
      /^cannot parse .*config \(unexpected end of the stream within a flow collection at line 2\); not touching it/,
    );
    expect(readFileSync(path, 'utf8')).toBe('clusters: [unclosed\n');
  });

  test('without endpoint and CA in the document (older stage) it says how to get a context instead and writes nothing', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'kc-')), 'config');
    expect(() => mergeKubeconfig(path, { ...doc, clusterEndpoint: undefined, clusterCertificateAuthorityData: undefined })).toThrow(
      "the stage's discovery document has no clusterEndpoint and clusterCertificateAuthorityData (a stage deployed before they were published), so no kubeconfig context was written. " +
        'Use: aws eks update-kubeconfig --name metaflow-dev --region eu-west-1 --alias metaflow-dev',
    );
    expect(() => mergeKubeconfig(path, { ...doc, clusterCertificateAuthorityData: undefined })).toThrow(
      /has no clusterCertificateAuthorityData \(/,
    );
    expect(existsSync(path)).toBe(false);
  });

  test('refuses a file whose clusters/users/contexts are not lists', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'kc-')), 'config');
    writeFileSync(path, 'apiVersion: v1\nkind: Config\nusers:\n  alice: {}\n');
    expect(() => mergeKubeconfig(path, doc)).toThrow(
      `${path}: 'users' is not a list, so this is not a kubeconfig kubectl reads; not touching it.`,
    );
    expect(readFileSync(path, 'utf8')).toBe('apiVersion: v1\nkind: Config\nusers:\n  alice: {}\n');
  });

  test('an empty file or empty lists are fine', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'kc-')), 'config');
    writeFileSync(path, 'apiVersion: v1\nkind: Config\nclusters:\nusers: []\n');
    mergeKubeconfig(path, doc);
    const kc = load(path);
    expect(kc.clusters.map((c) => c.name)).toEqual(['metaflow-dev']);
    expect(kc.users.map((c) => c.name)).toEqual(['metaflow-dev']);
  });
});
