import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import * as yaml from 'js-yaml';
import type { DiscoveryDocument } from './discovery';
import { awsProfileName } from './private/aws-config';
import { LoginError } from './private/errors';
import { replaceFile } from './private/files';

/** The kubeconfig file to write: the first entry of `KUBECONFIG` (as kubectl does), else `~/.kube/config`. */
export function kubeconfigPath(env: NodeJS.ProcessEnv): string {
  const first = env.KUBECONFIG?.split(delimiter).find((p) => p !== '');
  return first ?? join(env.HOME ?? homedir(), '.kube', 'config');
}

interface Named {
  name: string;
  [key: string]: unknown;
}

interface Kubeconfig {
  apiVersion?: string;
  kind?: string;
  clusters?: Named[];
  users?: Named[];
  contexts?: Named[];
  'current-context'?: string;
  [key: string]: unknown;
}

/** Context (and cluster and user entry) name of a stage: the EKS cluster name, `metaflow-<stage>`. */
export function contextName(doc: DiscoveryDocument): string {
  return doc.clusterName;
}

/** The three entries of a stage: cluster (endpoint + CA), user (exec plugin `aws eks get-token`), context. */
export function stageEntries(doc: DiscoveryDocument): { cluster: Named; user: Named; context: Named } {
  const name = contextName(doc);
  return {
    cluster: {
      name,
      cluster: { server: doc.clusterEndpoint, 'certificate-authority-data': doc.clusterCertificateAuthorityData },
    },
    user: {
      name,
      user: {
        exec: {
          apiVersion: 'client.authentication.k8s.io/v1beta1',
          command: 'aws',
          // `--output json` whatever the user's AWS CLI default output is: kubectl parses JSON only.
          args: ['eks', 'get-token', '--cluster-name', doc.clusterName, '--region', doc.region, '--output', 'json'],
          // The stage's AWS profile (metaflow-login aws-credentials) when the stage publishes its
          // data-scientist role; otherwise whatever AWS identity kubectl's environment has.
          ...(doc.dataScientistRoleArn ? { env: [{ name: 'AWS_PROFILE', value: awsProfileName(doc.stage) }] } : {}),
          interactiveMode: 'IfAvailable',
        },
      },
    },
    context: { name, context: { cluster: name, user: name, namespace: doc.kubernetesNamespace } },
  };
}

function upsert(list: Named[] | null | undefined, entry: Named): Named[] {
  const out = (list ?? []).filter((e) => e.name !== entry.name);
  out.push(entry);
  return out;
}

/**
 * Adds (or replaces) the stage's cluster, user and context and makes it the current context, keeping
 * every other entry as it was. Written atomically with mode 0600.
 */
export function mergeKubeconfig(path: string, doc: DiscoveryDocument): { context: string } {
  if (!doc.clusterEndpoint || !doc.clusterCertificateAuthorityData) {
    const missing = [!doc.clusterEndpoint && 'clusterEndpoint', !doc.clusterCertificateAuthorityData && 'clusterCertificateAuthorityData']
      .filter(Boolean)
      .join(' and ');
    throw new LoginError(
      `the stage's discovery document has no ${missing} (a stage deployed before they were published), so no kubeconfig context was written. ` +
        `Use: aws eks update-kubeconfig --name ${doc.clusterName} --region ${doc.region} --alias ${contextName(doc)}`,
    );
  }
  let current: Kubeconfig = {};
  if (existsSync(path)) {
    const text = readFileSync(path, 'utf8');
    try {
      current = (yaml.load(text) as Kubeconfig | null) ?? {};
    } catch (err) {
      const e = err as { reason?: string; mark?: { line: number }; message: string };
      const why = e.reason ? `${e.reason} at line ${(e.mark?.line ?? 0) + 1}` : e.message;
      throw new LoginError(`cannot parse ${path} (${why}); not touching it. Fix it or pass --no-kubeconfig.`);
    }
    if (typeof current !== 'object' || Array.isArray(current))
      throw new LoginError(`${path} is not a kubeconfig; not touching it. Pass --no-kubeconfig.`);
    for (const key of ['clusters', 'users', 'contexts'] as const) {
      const list = current[key] as unknown;
      if (list !== undefined && list !== null && !Array.isArray(list)) {
        throw new LoginError(
          `${path}: '${key}' is not a list, so this is not a kubeconfig kubectl reads; not touching it. Fix it or pass --no-kubeconfig.`,
        );
      }
    }
  }
  const { cluster, user, context } = stageEntries(doc);
  const next: Kubeconfig = {
    ...current,
    apiVersion: current.apiVersion ?? 'v1',
    kind: current.kind ?? 'Config',
    clusters: upsert(current.clusters, cluster),
    users: upsert(current.users, user),
    contexts: upsert(current.contexts, context),
    'current-context': context.name,
  };
  replaceFile(path, yaml.dump(next, { lineWidth: -1, noRefs: true }));
  return { context: context.name };
}
