import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Chart, Yaml } from 'cdk8s';
import { Construct } from 'constructs';
import { PLACEHOLDER_PREFIX, StageConfig, StageOutputs } from '@metaflow-gitops/stage-config';
import { StageContext, stageContext, stageLabels } from './context';
import { addEventBus } from './argo/event-bus';
import { addWebhookEventSource } from './argo/event-source';
import { addSensorRbac } from './argo/sensor-rbac';
import { addUserRbac } from './argo/user-rbac';
import { addWorkflowRbac } from './argo/workflow-rbac';
import { addNodeClass } from './compute/node-class';
import { addNodePools } from './compute/node-pools';
import { addPlatformNodePool } from './compute/platform-pool';
import { addStepDisruptionBudget } from './compute/step-disruption-budget';
import { addDiscoveryRoute } from './discovery/discovery-route';
import { addEnvoyProxy } from './gateway/envoy-proxy';
import { addEventsRoute } from './gateway/events-route';
import { addGateway } from './gateway/gateway';
import { addGatewayClass } from './gateway/gateway-class';
import { addRoutes } from './gateway/routes';
import { addSecurityPolicies } from './gateway/security-policy';
import { addDatabaseExternalSecret } from './metaflow/database';
import { addMetadataService } from './metaflow/metadata-service';
import { addMigrationJob } from './metaflow/migration-job';
import { addServiceAccounts } from './metaflow/service-accounts';
import { addUiBackend } from './metaflow/ui-backend';
import { addUiStatic } from './metaflow/ui-static';
import { addNamespaces } from './namespaces/namespaces';
import { addKyvernoPolicies } from './policy/kyverno-policies';
import { addNetworkPolicies, addNetworkPolicyController } from './policy/network-policies';
import { addClusterSecretStore } from './secrets/cluster-secret-store';
import { addGatewayClientSecret } from './secrets/gateway-client-secret';
import { HelmRelease } from './releases/helm-release';
import { stageReleases } from './releases/releases';

/** A rendered Kubernetes object: plain JSON with apiVersion, kind and metadata. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly annotations?: Readonly<Record<string, string>>;
    readonly [key: string]: unknown;
  };
  readonly [key: string]: unknown;
}

export interface RenderedComponent {
  readonly name: string;
  readonly objects: KubeObject[];
}

/**
 * Everything a stage's cluster needs. Apply order: the releases (in order), then the components
 * (in order); a Job annotated `metaflow-gitops/sync-wait: complete` must complete before the next
 * component is applied (the migrations, before the services roll).
 */
export interface RenderedManifests {
  readonly components: RenderedComponent[];
  readonly releases: HelmRelease[];
}

type ComponentBuilder = (chart: Construct, ctx: StageContext) => void;

/** The components, in apply order: each is one cdk8s chart and one file. */
const COMPONENTS: ReadonlyArray<readonly [string, ComponentBuilder]> = [
  [
    'namespaces',
    (c) => {
      addNamespaces(c);
    },
  ],
  [
    'compute',
    (c, ctx) => {
      addNodeClass(c, ctx);
      addNodePools(c, ctx);
      addPlatformNodePool(c, ctx);
      addStepDisruptionBudget(c);
    },
  ],
  [
    'secrets',
    (c, ctx) => {
      addClusterSecretStore(c, ctx);
      addDatabaseExternalSecret(c, ctx);
      addGatewayClientSecret(c, ctx);
    },
  ],
  [
    'policy',
    (c) => {
      addNetworkPolicyController(c);
      addKyvernoPolicies(c);
      addNetworkPolicies(c);
    },
  ],
  [
    'service-accounts',
    (c) => {
      addServiceAccounts(c);
    },
  ],
  [
    'argo',
    (c, ctx) => {
      addWorkflowRbac(c);
      addSensorRbac(c);
      addUserRbac(c);
      addEventBus(c, ctx);
      addWebhookEventSource(c);
    },
  ],
  [
    'metaflow-migrations',
    (c, ctx) => {
      addMigrationJob(c, ctx);
    },
  ],
  [
    'metaflow',
    (c, ctx) => {
      addMetadataService(c, ctx);
      addUiBackend(c, ctx);
      addUiStatic(c, ctx);
    },
  ],
  [
    'gateway',
    (c, ctx) => {
      addEnvoyProxy(c, ctx);
      addGatewayClass(c);
      addGateway(c, ctx);
      addRoutes(c, ctx);
      addEventsRoute(c, ctx);
      addSecurityPolicies(c, ctx);
    },
  ],
  [
    'discovery',
    (c, ctx) => {
      addDiscoveryRoute(c, ctx);
    },
  ],
];

/** Renders a stage's manifests and release list from its config and deployed (or placeholder) outputs. */
export function renderStageManifests(config: StageConfig, outputs: StageOutputs): RenderedManifests {
  const ctx = stageContext(config, outputs);
  const app = new App();
  const components = COMPONENTS.map(([name, build]) => {
    const chart = new Chart(app, name, { labels: stageLabels(ctx), disableResourceNameHashes: true });
    build(chart, ctx);
    return { name, objects: chart.toJson() as KubeObject[] };
  });
  return { components, releases: stageReleases(ctx) };
}

const GENERATED = '# Generated by metaflow-gitops (mfctl manifests). Do not edit.';
const PLACEHOLDER_NOTE =
  '# PLACEHOLDERS: the stage is not deployed yet; values written <pending:NAME> are stack outputs\n' +
  '# that only exist after its first deploy. Do not apply these files.';

/** True when the render used placeholder outputs anywhere (the stage is not deployed yet). */
export function hasPlaceholders(rendered: RenderedManifests): boolean {
  return JSON.stringify(rendered).includes(PLACEHOLDER_PREFIX);
}

/**
 * Writes one YAML file per component (`<component>.yaml`, objects in apply order) plus the release
 * list as `releases.json` and `releases.yaml`. When the render used placeholder outputs, every YAML
 * file starts with a PLACEHOLDERS warning (one set of manifests: a file without a placeholder is
 * still part of a render that must not be applied). YAML files of an earlier render that this one no
 * longer produces (a removed component) are deleted; files this function did not write (no
 * generated header) are never touched. Returns the paths written.
 */
export function writeManifests(rendered: RenderedManifests, dir: string): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const header = hasPlaceholders(rendered) ? `${GENERATED}\n${PLACEHOLDER_NOTE}\n` : `${GENERATED}\n`;
  const written: string[] = [];
  const write = (file: string, text: string) => {
    const target = path.join(dir, file);
    fs.writeFileSync(target, text);
    written.push(target);
  };
  for (const component of rendered.components) {
    const body = Yaml.stringify(...component.objects);
    write(`${component.name}.yaml`, header + body);
  }
  write('releases.json', `${JSON.stringify(rendered.releases, null, 2)}\n`);
  const releasesYaml = Yaml.stringify(rendered.releases);
  write('releases.yaml', header + releasesYaml);
  const keep = new Set(written.map((p) => path.basename(p)));
  for (const entry of fs.readdirSync(dir)) {
    const file = path.join(dir, entry);
    if (keep.has(entry) || !entry.endsWith('.yaml') || !fs.statSync(file).isFile()) continue;
    if (fs.readFileSync(file, 'utf8').startsWith(GENERATED)) fs.rmSync(file);
  }
  return written;
}
