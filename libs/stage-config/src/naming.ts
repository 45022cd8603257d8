/**
 * Every name derived from a stage, in one place: stack names, hostnames, the
 * Kubernetes namespaces and ServiceAccounts that the CDK side gives Pod Identity roles and the
 * cdk8s side runs workloads as, and the AWS resource names with length limits.
 */

/** The six stacks of a stage, in an order that puts every stack after the stacks it depends on. */
export const STACK_KINDS = ['vpc', 'dns', 'data', 'auth', 'eks', 'ingress'] as const;
export type StackKind = (typeof STACK_KINDS)[number];

/** CloudFormation stack name, e.g. `dev-vpc`. */
export function stackName(stage: string, kind: StackKind): string {
  return `${stage}-${kind}`;
}

/** Prefix of the names this product gives AWS and IdP resources. */
export const NAME_PREFIX = 'metaflow';

/** Default OIDC client id and Cognito IdP name: `<prefix>-<stage>`. */
export function defaultOidcName(stage: string): string {
  return `${NAME_PREFIX}-${stage}`;
}

/** Default deploy role name (created by `mfctl bootstrap`). */
export function deployRoleName(stage: string): string {
  return `${NAME_PREFIX}-gitops-deploy-${stage}`;
}

/** Read-only role of the scheduled health workflow (created by `mfctl bootstrap` beside the deploy role). */
export function healthRoleName(stage: string): string {
  return `${NAME_PREFIX}-gitops-health-${stage}`;
}

/** Public host of the stage: `<stage>.<parentDomain>`. */
export function stageHost(stage: string, parentDomain: string): string {
  return `${stage}.${parentDomain}`;
}

/** EKS cluster name. */
export function clusterName(stage: string): string {
  return `${NAME_PREFIX}-${stage}`;
}

/**
 * The CodeBuild project of the stage's in-VPC GitHub Actions runner. A workflow job runs on it
 * with `runs-on: codebuild-<project>-${{ github.run_id }}-${{ github.run_attempt }}`.
 */
export function syncRunnerProjectName(stage: string): string {
  return `${NAME_PREFIX}-${stage}-sync`;
}

/** Cognito hosted-UI domain prefix (must be unique per region across all accounts). */
export function cognitoDomainPrefix(stage: string, accountId: string): string {
  return `${NAME_PREFIX}-${stage}-${accountId}`;
}

/** Secrets Manager name of the IdP client secret (filled by the operator): `<clientId>/federate-client-secret`. */
export function idpClientSecretName(clientId: string): string {
  return `${clientId}/federate-client-secret`;
}

/** Secrets Manager name of the gateway's confidential Cognito client secret. */
export function gatewayClientSecretName(stage: string): string {
  return `${NAME_PREFIX}/${stage}/gateway-client`;
}

/** Metaflow's database name. */
export const DATABASE_NAME = 'metaflow';

/** Well-known path of the public discovery document the login CLI reads. */
export const DISCOVERY_PATH = '/.well-known/metaflow-gitops.json';

/** URL paths on the stage host: the static UI, the UI backend, the metadata service for the CLI. */
export const STAGE_PATHS = { ui: '/', api: '/api/', cli: '/cli/', events: '/events/' } as const;

/** Loopback ports registered as redirect URIs on the CLI's Cognito client; the CLI takes a free one. */
export const CLI_REDIRECT_PORTS = [53682, 53683, 53684, 53685] as const;
export const CLI_REDIRECT_PATH = '/callback';

export function cliRedirectUris(): string[] {
  return CLI_REDIRECT_PORTS.map((port) => `http://localhost:${port}${CLI_REDIRECT_PATH}`);
}

/** Kubernetes namespaces. */
export const NAMESPACES = {
  /** Metaflow services: metadata service, UI backend, UI static, migrations. */
  metaflow: 'metaflow',
  /** Where Metaflow task pods and Argo workflows run (users submit here). */
  jobs: 'metaflow-jobs',
  argo: 'argo',
  argoEvents: 'argo-events',
  externalSecrets: 'external-secrets',
  externalDns: 'external-dns',
  kyverno: 'kyverno',
  envoyGateway: 'envoy-gateway-system',
} as const;

export interface ServiceAccountRef {
  readonly namespace: string;
  readonly name: string;
}

/**
 * ServiceAccounts shared by both sides: the Eks stack creates one Pod Identity role and association
 * per entry; the manifests run the matching workloads as these accounts.
 */
export const SERVICE_ACCOUNTS = {
  /** Metadata service and DB migrations: no AWS access beyond what External Secrets provides. */
  metadataService: { namespace: NAMESPACES.metaflow, name: 'metaflow-metadata' },
  /** UI backend: reads the artifact bucket. */
  uiBackend: { namespace: NAMESPACES.metaflow, name: 'metaflow-ui-backend' },
  /** Metaflow task pods and Argo workflow pods: read/write the artifact bucket. */
  task: { namespace: NAMESPACES.jobs, name: 'metaflow-task' },
  /** Argo Events sensors: submit workflows; no AWS access. */
  argoEventsSensor: { namespace: NAMESPACES.jobs, name: 'argo-events-sensor' },
  /** Argo Workflows server and controller: Argo's artifact prefix only. */
  argoServer: { namespace: NAMESPACES.argo, name: 'argo-workflows-server' },
  argoController: { namespace: NAMESPACES.argo, name: 'argo-workflows-controller' },
  /** External Secrets: reads the stage's secrets only. */
  externalSecrets: { namespace: NAMESPACES.externalSecrets, name: 'external-secrets' },
  /** ExternalDNS: changes the stage's hosted zone only. */
  externalDns: { namespace: NAMESPACES.externalDns, name: 'external-dns' },
} as const satisfies Record<string, ServiceAccountRef>;

export type ServiceAccountKey = keyof typeof SERVICE_ACCOUNTS;

/** S3 key prefixes in the artifact bucket. */
export const BUCKET_PREFIXES = {
  /** `METAFLOW_DATASTORE_SYSROOT_S3` */
  metaflow: 'metaflow',
  /** `METAFLOW_DATATOOLS_S3ROOT` */
  data: 'data',
  /** Argo Workflows artifact repository and archived logs. */
  argo: 'argo-artifacts',
} as const;

/** The metadata service: name of its Deployment and Service, and the port it listens on. */
export const METADATA_SERVICE = { name: 'metaflow-metadata', port: 8080 } as const;

/** In-cluster URL of the metadata service (what pods use; never carries a user's token). */
export function metadataServiceInternalUrl(): string {
  return `http://${METADATA_SERVICE.name}.${NAMESPACES.metaflow}.svc.cluster.local:${METADATA_SERVICE.port}`;
}

/** Names of the gateway objects, shared by the charts and the network policies. */
export const GATEWAY = {
  className: 'metaflow',
  envoyProxy: 'metaflow-nlb',
  name: 'metaflow',
  namespace: NAMESPACES.metaflow,
  /** Plain HTTP listener behind the NLB's TLS listener (TLS is terminated on the NLB with ACM). */
  tlsListener: 'https',
  routes: { ui: 'metaflow-ui', cli: 'metaflow-cli', discovery: 'metaflow-discovery', events: 'metaflow-events' },
  policies: { browser: 'metaflow-browser-oidc', cli: 'metaflow-cli-jwt' },
  /** Secret (synced by External Secrets) holding the gateway's Cognito client secret under `client-secret`. */
  oidcClientSecret: 'metaflow-gateway-oidc',
} as const;

/** Cognito app client name: the gateway's confidential client (browser logins) or the CLI's public one. */
export function cognitoClientName(stage: string, client: 'gateway' | 'cli'): string {
  return `${stage}-${client}`;
}

/** Tag key carrying the stage name on every resource. */
export const STAGE_TAG = 'metaflow-gitops:stage';

/**
 * Argo Events objects Metaflow's `@trigger`/`@trigger_on_finish` use (its `ARGO_EVENTS_*` config keys:
 * https://github.com/Netflix/metaflow/blob/master/metaflow/metaflow_config.py). They live in the jobs namespace because Metaflow creates its sensors there and a
 * sensor only reads the EventBus of its own namespace.
 */
export const ARGO_EVENTS = {
  eventBus: 'default',
  eventSource: 'metaflow-webhook',
  event: 'metaflow-event',
  webhookPort: 12000,
  webhookPath: '/metaflow-event',
} as const;

/** In-cluster URL of the Argo Events webhook (`METAFLOW_ARGO_EVENTS_WEBHOOK_URL`). */
export function argoEventsWebhookUrl(): string {
  return `http://${argoEventsWebhookService()}.${NAMESPACES.jobs}.svc.cluster.local:${ARGO_EVENTS.webhookPort}${ARGO_EVENTS.webhookPath}`;
}

/** Name of the Service Argo Events creates for the webhook EventSource (`<eventsource>-eventsource-svc`). */
export function argoEventsWebhookService(): string {
  return `${ARGO_EVENTS.eventSource}-eventsource-svc`;
}

/**
 * Public URL of the Argo Events webhook, through the gateway under `/events/` with the same JWT check
 * as `/cli/` (`METAFLOW_ARGO_EVENTS_WEBHOOK_URL` on laptops; pods keep the in-cluster URL).
 */
export function argoEventsPublicWebhookUrl(host: string): string {
  return `https://${host}${STAGE_PATHS.events.replace(/\/$/, '')}${ARGO_EVENTS.webhookPath}`;
}

/**
 * The default image of Metaflow steps, pulled through an ECR pull-through cache rule of the stage's
 * own registry (created by the Eks stack) from ECR Public, which needs no credentials and mirrors
 * the Docker official images under `docker/library/`: no Docker Hub rate limit, and nodes pull it
 * from ECR like every other image. `cachePrefix` is the rule's repository prefix.
 */
export const TASK_IMAGE = {
  cachePrefix: 'metaflow-ecr-public',
  upstreamRegistryUrl: 'public.ecr.aws',
  image: 'docker/library/python:3.12',
} as const;

/** The stage's private ECR registry host, `<account>.dkr.ecr.<region>.amazonaws.com`. */
export function ecrRegistryHost(accountId: string, region: string): string {
  return `${accountId}.dkr.ecr.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`;
}

/** Where images of ECR Public are pulled through the stage's cache: `<registry>/<cachePrefix>`. */
export function taskImageRegistry(accountId: string, region: string): string {
  return `${ecrRegistryHost(accountId, region)}/${TASK_IMAGE.cachePrefix}`;
}

/** Path where the gateway's OIDC filter receives the authorization code (an explicit https URL). */
export const OAUTH2_CALLBACK_PATH = '/oauth2/callback';

/**
 * Kubernetes group of the people who submit Metaflow runs: the Eks stack's access entries map
 * `edit` principals and the data-scientist role to it; the manifests bind the run-submitter ClusterRole
 * to it in the jobs namespace.
 */
export const METAFLOW_USERS_GROUP = 'metaflow-users';

/**
 * Token claim the gateway checks against `oidcConfig.allowedGroups`. Cognito puts the user's
 * Cognito groups in `cognito:groups` in both ID and access tokens; IdP groups reach it through the
 * Auth stack's group mapping (a federated user's IdP groups are not Cognito groups by themselves).
 */
export const GATEWAY_GROUPS_CLAIM = 'cognito:groups';

/** ExternalDNS TXT owner id: records of other stages (or other tools) sharing a zone are never touched. */
export function externalDnsOwnerId(stage: string): string {
  return `${NAME_PREFIX}-gitops-${stage}`;
}
