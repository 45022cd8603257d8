import { asArray, at, isObject } from './private/json';

/**
 * A workload that connects to the metadata database but lets it pause says so with this
 * annotation (value `"true"`) on its metadata: it holds no connection while idle. Without it, any
 * running workload that is given the database host holds one.
 */
export const RELEASES_IDLE_CONNECTIONS = 'cost.metaflow-gitops/releases-idle-db-connections';

/** The environment variable through which the Metaflow services get the database host. */
const DATABASE_HOST_ENV = 'MF_METADATA_DB_HOST';

/**
 * The always-on workloads of the rendered manifests that keep a connection to the database open
 * while idle: running Deployments and StatefulSets with a container given the database host
 * (`MF_METADATA_DB_HOST`), unless annotated `RELEASES_IDLE_CONNECTIONS: "true"`. The Metaflow UI
 * backend keeps a `LISTEN` connection for its live updates and the metadata service keeps a
 * connection pool, so either one running keeps Aurora Serverless v2 from pausing:
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2-auto-pause.html
 */
export function databaseConnectionHolders(objects: readonly unknown[]): string[] {
  return objects.filter(isObject).flatMap((o) => {
    if (o.kind !== 'Deployment' && o.kind !== 'StatefulSet') return [];
    const replicas = at(o, 'spec.replicas');
    if (replicas === 0) return [];
    const annotations = at(o, 'metadata.annotations');
    if (isObject(annotations) && annotations[RELEASES_IDLE_CONNECTIONS] === 'true') return [];
    const containers = [...asArray(at(o, 'spec.template.spec.containers')), ...asArray(at(o, 'spec.template.spec.initContainers'))];
    const connects = containers.some((c) => asArray(at(c, 'env')).some((e) => at(e, 'name') === DATABASE_HOST_ENV));
    return connects ? [`${String(o.kind)} ${String(at(o, 'metadata.namespace') ?? '-')}/${String(at(o, 'metadata.name'))}`] : [];
  });
}
