import type { DiscoveryDocument } from '../discovery';
import { stagePaths, writePrivateFile } from './files';

/**
 * The Metaflow profile of a stage, as Metaflow reads `config_<profile>.json`
 * (`metaflow/metaflow_config.py`: every key is `METAFLOW_<NAME>`). Holds no credential:
 * `METAFLOW_SERVICE_URL` is the public `/cli/` URL for the local client, `METAFLOW_SERVICE_INTERNAL_URL`
 * is what the Kubernetes and Argo plugins give pods, and `METAFLOW_SERVICE_HEADERS` is deliberately
 * absent (those plugins copy it into every pod and workflow template).
 */
export function buildProfile(doc: DiscoveryDocument): Record<string, string> {
  return {
    METAFLOW_DEFAULT_DATASTORE: doc.defaultDatastore,
    METAFLOW_DATASTORE_SYSROOT_S3: doc.datastoreSysrootS3,
    METAFLOW_DATATOOLS_S3ROOT: doc.datatoolsS3Root,
    METAFLOW_DEFAULT_METADATA: 'service',
    METAFLOW_SERVICE_URL: doc.serviceUrl,
    METAFLOW_SERVICE_INTERNAL_URL: doc.serviceInternalUrl,
    METAFLOW_KUBERNETES_NAMESPACE: doc.kubernetesNamespace,
    METAFLOW_KUBERNETES_SERVICE_ACCOUNT: doc.kubernetesServiceAccount,
    // The stage's cached task image (older stages publish none: Metaflow then picks python:<local version>).
    ...(doc.taskImage ? { METAFLOW_KUBERNETES_CONTAINER_IMAGE: doc.taskImage } : {}),
    METAFLOW_ARGO_EVENTS_EVENT_BUS: doc.argoEvents.eventBus,
    METAFLOW_ARGO_EVENTS_EVENT_SOURCE: doc.argoEvents.eventSource,
    METAFLOW_ARGO_EVENTS_EVENT: doc.argoEvents.event,
    METAFLOW_ARGO_EVENTS_SERVICE_ACCOUNT: doc.argoEvents.serviceAccount,
    // Laptops publish through the gateway (with a token); pods get the internal URL from Metaflow.
    METAFLOW_ARGO_EVENTS_WEBHOOK_URL: doc.argoEvents.publicWebhookUrl ?? doc.argoEvents.webhookUrl,
    METAFLOW_ARGO_EVENTS_INTERNAL_WEBHOOK_URL: doc.argoEvents.webhookUrl,
    // Defense in depth: if a user ever exports headers with a token, Argo templates still skip them.
    METAFLOW_ARGO_WORKFLOWS_ENV_VARS_TO_SKIP: 'METAFLOW_SERVICE_HEADERS',
    METAFLOW_UI_URL: doc.uiUrl,
    METAFLOW_AWS_SECRETS_MANAGER_DEFAULT_REGION: doc.region,
  };
}

function shSingleQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** `env.sh`: selects the stage's profile (`METAFLOW_HOME`, `METAFLOW_PROFILE`). Never holds a token. */
export function buildEnvSh(home: string, stage: string): string {
  return [
    `# Written by metaflow-login for stage '${stage}'. Selects the Metaflow profile; holds no credential.`,
    '# Run flows through `metaflow-login exec <stage> -- python flow.py ...`: it gives the local Metaflow',
    '# client a fresh token through a loopback proxy, so no token lands in your shell or in your pods.',
    `export METAFLOW_HOME=${shSingleQuote(home)}`,
    `export METAFLOW_PROFILE=${shSingleQuote(stage)}`,
    '',
  ].join('\n');
}

/** Writes `config_<stage>.json` and `env.sh` (files 0600, directory 0700). Returns their paths. */
export function writeProfile(home: string, doc: DiscoveryDocument): { profile: string; envSh: string } {
  const paths = stagePaths(home, doc.stage);
  writePrivateFile(paths.profile, `${JSON.stringify(buildProfile(doc), null, 2)}\n`);
  writePrivateFile(paths.envSh, buildEnvSh(home, doc.stage));
  return { profile: paths.profile, envSh: paths.envSh };
}
