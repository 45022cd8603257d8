import { StageConfig } from './stage-config';
import {
  ARGO_EVENTS,
  BUCKET_PREFIXES,
  CLI_REDIRECT_PATH,
  CLI_REDIRECT_PORTS,
  DISCOVERY_PATH,
  NAMESPACES,
  SERVICE_ACCOUNTS,
  STAGE_PATHS,
  TASK_IMAGE,
  argoEventsPublicWebhookUrl,
  argoEventsWebhookUrl,
  metadataServiceInternalUrl,
  stageHost,
  taskImageRegistry,
} from './naming';
import { StageOutputs } from './stage-outputs';

/** Version of the discovery document's shape; bump it on any incompatible change. */
export const DISCOVERY_SCHEMA_VERSION = 1;

/**
 * The public, unauthenticated JSON document served at `https://<stage host>/.well-known/metaflow-gitops.json`
 * (DISCOVERY_PATH). The manifests render it; the login CLI reads it to run the OIDC login and write
 * the Metaflow profile. It carries no secret: everything here is already visible to anyone who can
 * reach the login page (the CLI client is a public PKCE client). Flat, so a reader can ignore what it
 * does not know; new fields are added, never renamed. Documented in docs/manifests.md.
 */
export interface DiscoveryDocument {
  /** Shape version, DISCOVERY_SCHEMA_VERSION. */
  readonly schemaVersion: typeof DISCOVERY_SCHEMA_VERSION;
  /** Stage name (`environments/<stage>.yaml`). */
  readonly stage: string;
  /** AWS region of the stage. */
  readonly region: string;
  /** EKS cluster name. */
  readonly clusterName: string;
  /** OIDC issuer (Cognito: `https://cognito-idp.<region>.amazonaws.com/<poolId>`); `<issuer>/.well-known/openid-configuration` lists the endpoints. */
  readonly issuer: string;
  /** Public (PKCE) Cognito app client of the CLI. */
  readonly cliClientId: string;
  /** Loopback ports registered as redirect URIs on the CLI client (`http://localhost:<port><redirectPath>`): take a free one. */
  readonly redirectPorts: readonly number[];
  /** Path of the loopback redirect URIs. */
  readonly redirectPath: string;
  /** Scopes the CLI client may request. */
  readonly scopes: readonly string[];
  /** Cognito hosted-UI base URL (the authorize and token endpoints live under it). */
  readonly cognitoDomain: string;
  /** `METAFLOW_SERVICE_URL`: the metadata service through the gateway (`https://<host>/cli/`), Bearer token required. */
  readonly serviceUrl: string;
  /** `METAFLOW_SERVICE_INTERNAL_URL`: what pods and workflows use; never carries a user's token. */
  readonly serviceInternalUrl: string;
  /** `METAFLOW_UI_URL`. */
  readonly uiUrl: string;
  /** `METAFLOW_DEFAULT_DATASTORE`. */
  readonly defaultDatastore: 's3';
  /** `METAFLOW_DATASTORE_SYSROOT_S3`: `s3://<bucket>/metaflow`. */
  readonly datastoreSysrootS3: string;
  /** `METAFLOW_DATATOOLS_S3ROOT`: `s3://<bucket>/data`. */
  readonly datatoolsS3Root: string;
  /** `METAFLOW_KUBERNETES_NAMESPACE`. */
  readonly kubernetesNamespace: string;
  /** `METAFLOW_KUBERNETES_SERVICE_ACCOUNT`. */
  readonly kubernetesServiceAccount: string;
  /**
   * `METAFLOW_KUBERNETES_CONTAINER_IMAGE`: the default image of `@kubernetes` and Argo Workflows steps,
   * pulled through the stage's ECR cache of ECR Public (TASK_IMAGE). Optional in the type because
   * stages deployed before it was published do not serve it.
   */
  readonly taskImage?: string;
  /**
   * The stage's pull-through cache of ECR Public (`<account>.dkr.ecr.<region>.amazonaws.com/<prefix>`):
   * `<taskImageRegistry>/<ECR Public repository>:<tag>` pulls any ECR Public image through it.
   * Optional, as `taskImage`.
   */
  readonly taskImageRegistry?: string;
  /** `METAFLOW_ARGO_EVENTS_*`. */
  readonly argoEvents: {
    /** `METAFLOW_ARGO_EVENTS_EVENT_BUS`. */
    readonly eventBus: string;
    /** `METAFLOW_ARGO_EVENTS_EVENT_SOURCE`. */
    readonly eventSource: string;
    /** `METAFLOW_ARGO_EVENTS_EVENT`. */
    readonly event: string;
    /** `METAFLOW_ARGO_EVENTS_SERVICE_ACCOUNT`. */
    readonly serviceAccount: string;
    /** `METAFLOW_ARGO_EVENTS_INTERNAL_WEBHOOK_URL`: the in-cluster URL pods publish to. */
    readonly webhookUrl: string;
    /**
     * `METAFLOW_ARGO_EVENTS_WEBHOOK_URL` on laptops: `https://<host>/events/metaflow-event`, through the
     * gateway, Bearer token required like `serviceUrl`. Optional in the type because stages deployed
     * before it was published do not serve it.
     */
    readonly publicWebhookUrl?: string;
  };
  /**
   * EKS API endpoint (`https://<id>.<suffix>.<region>.eks.amazonaws.com`), for the kubeconfig context
   * metaflow-login writes. Public, like the cluster name: it grants nothing without an IAM identity
   * that has an access entry. Published even when the endpoint is private
   * (`cluster.publicEndpoint: false`): it then resolves and answers inside the VPC (VPN). Optional
   * in the type because stages deployed before it was published do not serve it.
   */
  readonly clusterEndpoint?: string;
  /**
   * Base64 PEM of the cluster CA (`certificate-authority-data` of a kubeconfig): a public
   * certificate that lets kubectl verify the endpoint, not a credential. Optional, as `clusterEndpoint`.
   */
  readonly clusterCertificateAuthorityData?: string;
  /**
   * The stage's data-scientist role (Eks stack output `DataScientistRoleArn`): metaflow-login assumes
   * it with the user's Cognito ID token (`AssumeRoleWithWebIdentity`) for the `metaflow-<stage>` AWS
   * profile. Optional, as `clusterEndpoint`: without it the login writes no AWS profile.
   */
  readonly dataScientistRoleArn?: string;
}

/** The public URL of the discovery document of a stage. */
export function discoveryUrl(config: Pick<StageConfig, 'name' | 'domain'>): string {
  return `https://${stageHost(config.name, config.domain.parentDomain)}${DISCOVERY_PATH}`;
}

/** Builds the discovery document of a stage from its config and deployed outputs. */
export function buildDiscoveryDocument(config: StageConfig, outputs: StageOutputs): DiscoveryDocument {
  const host = stageHost(config.name, config.domain.parentDomain);
  const bucket = outputs.artifactBucketName;
  return {
    schemaVersion: DISCOVERY_SCHEMA_VERSION,
    stage: config.name,
    region: config.region,
    clusterName: outputs.clusterName,
    issuer: outputs.issuerUrl,
    cliClientId: outputs.cliClientId,
    redirectPorts: [...CLI_REDIRECT_PORTS],
    redirectPath: CLI_REDIRECT_PATH,
    scopes: ['openid', 'email', 'profile'],
    cognitoDomain: outputs.cognitoDomain,
    serviceUrl: `https://${host}${STAGE_PATHS.cli}`,
    serviceInternalUrl: metadataServiceInternalUrl(),
    uiUrl: `https://${host}${STAGE_PATHS.ui}`,
    defaultDatastore: 's3',
    datastoreSysrootS3: `s3://${bucket}/${BUCKET_PREFIXES.metaflow}`,
    datatoolsS3Root: `s3://${bucket}/${BUCKET_PREFIXES.data}`,
    kubernetesNamespace: NAMESPACES.jobs,
    kubernetesServiceAccount: SERVICE_ACCOUNTS.task.name,
    taskImage: `${taskImageRegistry(config.accountId, config.region)}/${TASK_IMAGE.image}`,
    taskImageRegistry: taskImageRegistry(config.accountId, config.region),
    argoEvents: {
      eventBus: ARGO_EVENTS.eventBus,
      eventSource: ARGO_EVENTS.eventSource,
      event: ARGO_EVENTS.event,
      serviceAccount: SERVICE_ACCOUNTS.argoEventsSensor.name,
      webhookUrl: argoEventsWebhookUrl(),
      publicWebhookUrl: argoEventsPublicWebhookUrl(host),
    },
    // Published whatever cluster.publicEndpoint says: a private endpoint is reachable over VPN.
    clusterEndpoint: outputs.clusterEndpoint,
    clusterCertificateAuthorityData: outputs.clusterCertificateAuthorityData,
    dataScientistRoleArn: outputs.dataScientistRoleArn,
  };
}
