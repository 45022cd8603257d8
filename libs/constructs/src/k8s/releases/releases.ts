import { BUCKET_PREFIXES, NAMESPACES, SERVICE_ACCOUNTS, externalDnsOwnerId } from '@metaflow-gitops/stage-config';
import { StageContext } from '../context';
import { JETSTREAM_VERSION } from '../argo/event-bus';
import { PLATFORM_PLACEMENT } from '../compute/platform-pool';
import { HelmRelease, HelmValues } from './helm-release';

/**
 * Pinned charts (chart version, with the application version it ships). Bump them here, one at a
 * time, in a pull request: the manifest diff shows the change per stage.
 */
export const CHARTS = {
  /** Kyverno 1.17.x */
  kyverno: { chart: 'kyverno', repository: 'https://kyverno.github.io/kyverno/', version: '3.7.2' },
  /** External Secrets 0.20.x (serves `external-secrets.io/v1`) */
  externalSecrets: { chart: 'external-secrets', repository: 'https://charts.external-secrets.io', version: '0.20.4' },
  /** Envoy Gateway (bundles the Gateway API CRDs) */
  envoyGateway: { chart: 'gateway-helm', repository: 'oci://docker.io/envoyproxy', version: 'v1.7.4' },
  /** ExternalDNS */
  externalDns: { chart: 'external-dns', repository: 'https://kubernetes-sigs.github.io/external-dns/', version: '1.21.1' },
  /** Argo Workflows 4.0.x */
  argoWorkflows: { chart: 'argo-workflows', repository: 'https://argoproj.github.io/argo-helm', version: '1.0.19' },
  /** Argo Events 1.9.x */
  argoEvents: { chart: 'argo-events', repository: 'https://argoproj.github.io/argo-helm', version: '2.4.23' },
} as const;

/** Chart values that put a component's pods on the platform nodes. */
const onPlatform = { ...PLATFORM_PLACEMENT };

/** Resource requests in chart values (Helm merges them into the chart's defaults, whose limits stay). */
const requests = (cpu: string, memory: string) => ({ resources: { requests: { cpu, memory } } });

/**
 * Kyverno's four controllers, on the platform nodes. On a non-prod stage, where they mostly idle,
 * they request less than the chart's defaults (100m CPU each; 128Mi for the admission controller,
 * 64Mi for the others).
 */
function kyvernoValues(isProd: boolean): HelmValues {
  const small = (cpu: string, memory: string) => (isProd ? {} : requests(cpu, memory));
  return {
    admissionController: { replicas: isProd ? 3 : 1, ...onPlatform, ...(isProd ? {} : { container: requests('50m', '128Mi') }) },
    backgroundController: { ...onPlatform, ...small('25m', '64Mi') },
    cleanupController: { ...onPlatform, ...small('25m', '64Mi') },
    reportsController: { ...onPlatform, ...small('25m', '64Mi') },
  };
}

/**
 * The third-party controllers of a stage, in install order: every release comes after the ones
 * whose CRDs it (or the components) use. Kyverno first so its policies exist before any workload
 * pod; Envoy Gateway (Gateway API CRDs) before ExternalDNS, which watches HTTPRoutes.
 */
export function stageReleases(ctx: StageContext): HelmRelease[] {
  const { config, outputs, host } = ctx;
  return [
    {
      name: 'kyverno',
      namespace: NAMESPACES.kyverno,
      ...CHARTS.kyverno,
      crds: true,
      values: kyvernoValues(config.isProd),
    },
    {
      name: 'external-secrets',
      namespace: NAMESPACES.externalSecrets,
      ...CHARTS.externalSecrets,
      crds: true,
      values: {
        installCRDs: true,
        serviceAccount: { create: true, name: SERVICE_ACCOUNTS.externalSecrets.name },
        ...onPlatform,
        webhook: onPlatform,
        certController: onPlatform,
      },
    },
    {
      name: 'envoy-gateway',
      namespace: NAMESPACES.envoyGateway,
      ...CHARTS.envoyGateway,
      crds: true,
      // Non-prod: the controller requests 50m/128Mi instead of the chart's 100m/256Mi.
      values: {
        deployment: config.isProd
          ? { replicas: 2, pod: onPlatform }
          : { replicas: 1, pod: onPlatform, envoyGateway: requests('50m', '128Mi') },
      },
    },
    {
      name: 'external-dns',
      namespace: NAMESPACES.externalDns,
      ...CHARTS.externalDns,
      values: {
        provider: { name: 'aws' },
        sources: ['gateway-httproute'],
        domainFilters: [host],
        txtOwnerId: externalDnsOwnerId(config.name),
        policy: 'sync',
        registry: 'txt',
        extraArgs: [`--zone-id-filter=${outputs.hostedZoneId}`, '--aws-zone-type=public'],
        env: [{ name: 'AWS_DEFAULT_REGION', value: config.region }],
        serviceAccount: { create: true, name: SERVICE_ACCOUNTS.externalDns.name },
        ...onPlatform,
      },
    },
    {
      name: 'argo-workflows',
      namespace: NAMESPACES.argo,
      ...CHARTS.argoWorkflows,
      crds: true,
      values: {
        crds: { install: true },
        controller: {
          workflowNamespaces: [NAMESPACES.jobs],
          serviceAccount: { create: true, name: SERVICE_ACCOUNTS.argoController.name },
          replicas: config.isProd ? 2 : 1,
          ...onPlatform,
        },
        server: {
          serviceAccount: { create: true, name: SERVICE_ACCOUNTS.argoServer.name },
          authModes: ['client'],
          ...onPlatform,
        },
        workflow: { serviceAccount: { create: false } },
        // The wait/init containers Argo adds must declare requests too (Kyverno requires them in the jobs namespace).
        executor: { resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '500m', memory: '256Mi' } } },
        useStaticCredentials: false,
        artifactRepository: {
          archiveLogs: true,
          s3: {
            bucket: outputs.artifactBucketName,
            endpoint: 's3.amazonaws.com',
            region: config.region,
            // The chart renders `keyFormat` (not `keyPrefix`) into the controller ConfigMap; Argo's default format is
            // `{{workflow.name}}/{{pod.name}}`, kept under the prefix the Pod Identity policies allow.
            keyFormat: `${BUCKET_PREFIXES.argo}/{{workflow.name}}/{{pod.name}}`,
            useSDKCreds: true,
          },
        },
      },
    },
    {
      name: 'argo-events',
      namespace: NAMESPACES.argoEvents,
      ...CHARTS.argoEvents,
      crds: true,
      values: {
        crds: { install: true },
        controller: { replicas: 1, ...onPlatform },
        // The EventBus asks for JETSTREAM_VERSION: list exactly that version with pinned images, so the
        // controller config never resolves a `latest`.
        configs: {
          jetstream: {
            versions: [
              {
                version: JETSTREAM_VERSION,
                natsImage: `nats:${JETSTREAM_VERSION}`,
                metricsExporterImage: 'natsio/prometheus-nats-exporter:0.14.0',
                configReloaderImage: 'natsio/nats-server-config-reloader:0.14.0',
                startCommand: '/nats-server',
              },
            ],
          },
        },
      },
    },
  ];
}
