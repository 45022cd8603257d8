import { NAMESPACES, SERVICE_ACCOUNTS, metadataServiceInternalUrl } from '@metaflow-gitops/stage-config';
import { makeStageConfig } from '@metaflow-gitops/testing/stage-config';
import { RenderedManifests, renderStageManifests } from '../render';
import { allObjects, component, findObject, sampleOutputs } from '@metaflow-gitops/testing/constructs/k8s';
import { SYNC_WAIT_ANNOTATION } from './migration-job';

type Env = { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } };
type Container = {
  name: string;
  image: string;
  command?: string[];
  env: Env[];
  resources: { requests: Record<string, string>; limits: Record<string, string> };
  readinessProbe?: { httpGet: { path: string } };
  livenessProbe?: { httpGet: { path: string } };
  ports?: { containerPort: number }[];
};
type Workload = {
  spec: {
    replicas?: number;
    template: { metadata: { labels: Record<string, string> }; spec: { serviceAccountName: string; containers: Container[] } };
  };
};

const config = makeStageConfig({ name: 'dev' });
const outputs = sampleOutputs('dev');
let rendered: RenderedManifests;
let prod: RenderedManifests;
let movedDatabase: RenderedManifests;
let again: RenderedManifests;

beforeAll(() => {
  rendered = renderStageManifests(config, outputs);
  prod = renderStageManifests(makeStageConfig({ name: 'prod', isProd: true }), sampleOutputs('prod'));
  again = renderStageManifests(config, outputs);
  movedDatabase = renderStageManifests(config, { ...outputs, databaseEndpoint: 'other.cluster-abc.us-west-2.rds.amazonaws.com' });
});

const container = (kind: string, name: string, r: RenderedManifests = rendered) =>
  findObject<Workload>(r, kind, name).spec.template.spec.containers[0];
const hasObject = (r: RenderedManifests, kind: string, name: string) =>
  allObjects(r).some((o) => o.kind === kind && o.metadata.name === name);
const migrationJob = (r: RenderedManifests) =>
  component(r, 'metaflow-migrations').find((o) => o.kind === 'Job')! as unknown as Workload & {
    metadata: { name: string; annotations: Record<string, string> };
  };

describe('metadata service', () => {
  it('serves on 8080 behind a Service whose name matches the internal URL', () => {
    const service = findObject<{ spec: { ports: { port: number }[]; selector: Record<string, string> } }>(
      rendered,
      'Service',
      'metaflow-metadata',
    );
    expect(service.metadata.namespace).toBe(NAMESPACES.metaflow);
    expect(service.spec.ports[0].port).toBe(8080);
    expect(metadataServiceInternalUrl()).toBe(`http://${service.metadata.name}.${service.metadata.namespace}.svc.cluster.local:8080`);
    expect(findObject<Workload>(rendered, 'Deployment', 'metaflow-metadata').spec.template.metadata.labels).toMatchObject(
      service.spec.selector,
    );
  });

  it('probes /ping for liveness and /healthcheck for readiness, with requests and limits', () => {
    const c = container('Deployment', 'metaflow-metadata');
    expect(c.livenessProbe!.httpGet.path).toBe('/ping');
    expect(c.readinessProbe!.httpGet.path).toBe('/healthcheck');
    expect(c.resources.requests).toEqual({ cpu: '100m', memory: '256Mi' });
    expect(c.resources.limits).toEqual({ cpu: '1', memory: '1Gi' });
    expect(container('Deployment', 'metaflow-metadata', prod).resources.requests).toEqual({ cpu: '250m', memory: '512Mi' });
    expect(container('Deployment', 'metaflow-metadata', prod).resources.limits).toEqual({ cpu: '1', memory: '1Gi' });
    expect(c.command).toEqual(['/opt/latest/bin/python3', '-m', 'services.metadata_service.server']);
  });

  it('keeps a pod through voluntary disruptions on prod', () => {
    const pdb = findObject<{ spec: { minAvailable: number; selector: { matchLabels: Record<string, string> } } }>(
      prod,
      'PodDisruptionBudget',
      'metaflow-metadata',
    );
    expect(pdb.spec.minAvailable).toBe(1);
    expect(findObject<Workload>(prod, 'Deployment', 'metaflow-metadata').spec.replicas).toBe(3);
    expect(findObject<Workload>(prod, 'Deployment', 'metaflow-metadata').spec.template.metadata.labels).toMatchObject(
      pdb.spec.selector.matchLabels,
    );
  });

  it('runs one replica on non-prod, with no PodDisruptionBudget that would block every node drain', () => {
    expect(findObject<Workload>(rendered, 'Deployment', 'metaflow-metadata').spec.replicas).toBe(1);
    expect(hasObject(rendered, 'PodDisruptionBudget', 'metaflow-metadata')).toBe(false);
  });

  it('spreads its replicas over the zones', () => {
    const spec = findObject<{
      spec: {
        template: {
          spec: { topologySpreadConstraints: { topologyKey: string; labelSelector: { matchLabels: Record<string, string> } }[] };
        };
      };
    }>(rendered, 'Deployment', 'metaflow-metadata').spec.template.spec;
    expect(spec.topologySpreadConstraints[0].topologyKey).toBe('topology.kubernetes.io/zone');
    expect(spec.topologySpreadConstraints[0].labelSelector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'metaflow-metadata' });
  });

  it('runs as the ServiceAccount the Eks stack gave a Pod Identity role', () => {
    expect(findObject<Workload>(rendered, 'Deployment', 'metaflow-metadata').spec.template.spec.serviceAccountName).toBe(
      SERVICE_ACCOUNTS.metadataService.name,
    );
    expect(findObject<Workload>(rendered, 'Deployment', 'metaflow-ui-backend').spec.template.spec.serviceAccountName).toBe(
      SERVICE_ACCOUNTS.uiBackend.name,
    );
  });
});

describe('database settings', () => {
  it('point at the Data stack outputs, with credentials from the synced Secret', () => {
    const env = Object.fromEntries(container('Deployment', 'metaflow-metadata').env.map((e) => [e.name, e]));
    expect(env.MF_METADATA_DB_HOST.value).toBe(outputs.databaseEndpoint);
    expect(env.MF_METADATA_DB_PORT.value).toBe('5432');
    expect(env.MF_METADATA_DB_USER.valueFrom).toEqual({ secretKeyRef: { name: 'metaflow-database', key: 'username' } });
    expect(env.MF_METADATA_DB_PSWD.valueFrom).toEqual({ secretKeyRef: { name: 'metaflow-database', key: 'password' } });
  });

  it('set the PostgreSQL SSL mode on every container that connects to the database', () => {
    const containers = [
      container('Deployment', 'metaflow-metadata'),
      container('Deployment', 'metaflow-ui-backend'),
      migrationJob(rendered).spec.template.spec.containers[0],
    ];
    for (const c of containers) expect(c.env).toContainEqual({ name: 'MF_METADATA_DB_SSL_MODE', value: 'require' });
  });

  it('are not given to the static UI, which is nginx and reads none of them', () => {
    expect(container('Deployment', 'metaflow-ui').env.map((e) => e.name)).toEqual(['METAFLOW_SERVICE']);
  });

  it('are synced from the stage database secret by External Secrets', () => {
    const es = findObject<{
      spec: {
        secretStoreRef: { kind: string };
        target: { name: string };
        data: { secretKey: string; remoteRef: { key: string; property: string } }[];
      };
    }>(rendered, 'ExternalSecret', 'metaflow-database');
    expect(es.metadata.namespace).toBe(NAMESPACES.metaflow);
    expect(es.spec.secretStoreRef.kind).toBe('ClusterSecretStore');
    expect(es.spec.target.name).toBe('metaflow-database');
    expect(es.spec.data).toEqual([
      { secretKey: 'username', remoteRef: { key: outputs.databaseSecretArn, property: 'username' } },
      { secretKey: 'password', remoteRef: { key: outputs.databaseSecretArn, property: 'password' } },
    ]);
  });
});

describe('one release', () => {
  it('runs the metadata service, the migrations and the UI backend from the same image tag', () => {
    const images = new Set([
      container('Deployment', 'metaflow-metadata').image,
      container('Deployment', 'metaflow-ui-backend').image,
      migrationJob(rendered).spec.template.spec.containers[0].image,
    ]);
    expect(images.size).toBe(1);
    expect([...images][0]).toMatch(/^public\.ecr\.aws\/outerbounds\/metaflow_metadata_service:v\d+\.\d+\.\d+$/);
  });

  it('sizes the UI backend for an idle UI on non-prod and keeps its prod requests, replicas and PodDisruptionBudget', () => {
    expect(container('Deployment', 'metaflow-ui-backend').resources.requests).toEqual({ cpu: '100m', memory: '512Mi' });
    expect(container('Deployment', 'metaflow-ui-backend', prod).resources.requests).toEqual({ cpu: '500m', memory: '1Gi' });
    expect(container('Deployment', 'metaflow-ui-backend', prod).resources.limits).toEqual({ cpu: '2', memory: '4Gi' });
    expect(findObject<Workload>(prod, 'Deployment', 'metaflow-ui-backend').spec.replicas).toBe(2);
    expect(hasObject(prod, 'PodDisruptionBudget', 'metaflow-ui-backend')).toBe(true);
  });

  it('serves the UI backend on 8083 under /api with its health on /api/ping', () => {
    const c = container('Deployment', 'metaflow-ui-backend');
    expect(c.ports![0].containerPort).toBe(8083);
    expect(c.readinessProbe!.httpGet.path).toBe('/api/ping');
    const env = Object.fromEntries(c.env.map((e) => [e.name, e.value]));
    expect(env.PATH_PREFIX).toBe('/api');
    expect(env.METAFLOW_DATASTORE_SYSROOT_S3).toBe(`s3://${outputs.artifactBucketName}/metaflow`);
    expect(env.ORIGIN_TO_ALLOW_CORS_FROM).toBe('https://dev.metaflow.example.com');
    // The service reads the datastore root through the Metaflow client (METAFLOW_DATASTORE_SYSROOT_S3) only.
    expect(Object.keys(env)).not.toContain('MF_DATASTORE_ROOT');
  });

  it('serves the static UI on 3000, pointed at the UI backend on the stage host', () => {
    const c = container('Deployment', 'metaflow-ui');
    expect(c.ports![0].containerPort).toBe(3000);
    expect(c.env).toContainEqual({ name: 'METAFLOW_SERVICE', value: 'https://dev.metaflow.example.com/api' });
    expect(c.image).toMatch(/^public\.ecr\.aws\/outerbounds\/metaflow_ui:v\d+\.\d+\.\d+$/);
  });
});

describe('static UI under the restricted container security context', () => {
  type Pod = {
    securityContext: Record<string, unknown>;
    volumes: { name: string; emptyDir?: object; configMap?: { name: string } }[];
    containers: (Container & {
      args: string[];
      securityContext: { capabilities: { drop: string[]; add?: string[] }; allowPrivilegeEscalation: boolean };
      volumeMounts: { name: string; mountPath: string }[];
    })[];
  };
  const pod = () => findObject<{ spec: { template: { spec: Pod } } }>(rendered, 'Deployment', 'metaflow-ui').spec.template.spec;
  const nginxConf = () => findObject<{ data: Record<string, string> }>(rendered, 'ConfigMap', 'metaflow-ui-nginx').data['nginx.conf'];
  const mountOf = (name: string) => pod().containers[0].volumeMounts.find((m) => m.name === name)?.mountPath;

  it('runs nginx as the unprivileged nginx user with every capability dropped and none added', () => {
    expect(pod().securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 101, runAsGroup: 101 });
    const c = pod().containers[0];
    expect(c.securityContext.capabilities).toEqual({ drop: ['ALL'] });
    expect(c.securityContext.allowPrivilegeEscalation).toBe(false);
  });

  it('starts nginx through the image entrypoint with a main configuration a non-root master can run', () => {
    const c = pod().containers[0];
    expect(c.command).toBeUndefined();
    // The entrypoint renders the image's server template only when the first argument is `nginx`.
    expect(c.args.slice(0, 3)).toEqual(['nginx', '-c', `${mountOf('nginx-config')}/nginx.conf`]);
    const conf = nginxConf();
    expect(conf).not.toMatch(/^\s*user\s/m);
    expect(conf).toMatch(/^pid \/tmp\//m);
    for (const temp of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'])
      expect(conf).toMatch(new RegExp(`^\\s*${temp}_temp_path /tmp/`, 'm'));
    expect(conf).toContain('include /etc/nginx/conf.d/*.conf;');
  });

  it('gives the entrypoint a writable conf.d for the rendered server block', () => {
    expect(pod().volumes.find((v) => v.name === 'nginx-conf-d')).toEqual({ name: 'nginx-conf-d', emptyDir: {} });
    expect(mountOf('nginx-conf-d')).toBe('/etc/nginx/conf.d');
  });
});

describe('migration job', () => {
  it('runs goose through run_goose.py on every database, not only an empty one', () => {
    const c = migrationJob(rendered).spec.template.spec.containers[0];
    expect(c.command).toEqual(['/opt/latest/bin/python3', '/root/run_goose.py']);
    expect(c.command).not.toContain('--only-if-empty-db');
  });

  it('is not disrupted by node consolidation while it runs', () => {
    const template = migrationJob(rendered).spec.template as unknown as { metadata: { annotations: Record<string, string> } };
    expect(template.metadata.annotations['karpenter.sh/do-not-disrupt']).toBe('true');
  });

  it('tells the sync to wait for it before the services roll', () => {
    expect(migrationJob(rendered).metadata.annotations[SYNC_WAIT_ANNOTATION]).toBe('complete');
  });

  it('is named after a hash of the release and its settings', () => {
    expect(migrationJob(rendered).metadata.name).toMatch(/^metaflow-migrate-[0-9a-f]{10}$/);
    expect(migrationJob(again).metadata.name).toBe(migrationJob(rendered).metadata.name);
    expect(migrationJob(movedDatabase).metadata.name).not.toBe(migrationJob(rendered).metadata.name);
  });
});
