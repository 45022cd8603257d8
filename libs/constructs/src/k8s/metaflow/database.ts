import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import type { IExternalSecret } from '@kubernetes-models/external-secrets/external-secrets.io/v1/ExternalSecret';
import { NAMESPACES } from '@metaflow-gitops/stage-config';
import { StageContext } from '../context';
import { typedObject } from '../private/api-object';
import { CLUSTER_SECRET_STORE } from '../secrets/cluster-secret-store';

/** Kubernetes Secret External Secrets keeps in sync with the database credentials in Secrets Manager. */
export const DATABASE_SECRET = 'metaflow-database';

/**
 * PostgreSQL >= 15 (Aurora) requires TLS: without an SSL mode the services get 502s
 * (metaflow-service#434). `require` encrypts without shipping the RDS CA bundle in the image.
 */
export const DATABASE_SSL_MODE = 'require';

/**
 * The `MF_METADATA_DB_*` settings of every Metaflow container. Host, port and name are not secret
 * (they come from the Data stack's outputs); the user and password only ever through `secretKeyRef`
 * (metaflow-tools#83: never a password in values or env literals).
 */
export function databaseEnv(ctx: StageContext): k8s.EnvVar[] {
  const fromSecret = (key: string): k8s.EnvVarSource => ({ secretKeyRef: { name: DATABASE_SECRET, key } });
  return [
    { name: 'MF_METADATA_DB_HOST', value: ctx.outputs.databaseEndpoint },
    { name: 'MF_METADATA_DB_PORT', value: ctx.outputs.databasePort },
    { name: 'MF_METADATA_DB_NAME', value: ctx.outputs.databaseName },
    { name: 'MF_METADATA_DB_USER', valueFrom: fromSecret('username') },
    { name: 'MF_METADATA_DB_PSWD', valueFrom: fromSecret('password') },
    { name: 'MF_METADATA_DB_SSL_MODE', value: DATABASE_SSL_MODE },
  ];
}

/**
 * The ExternalSecret that materializes the database credentials (the JSON secret RDS generates:
 * `username`, `password`, ...) as the `metaflow-database` Secret in the Metaflow namespace. The
 * secret's name is generated (it is retained on teardown), so it is referenced by its ARN.
 */
export function addDatabaseExternalSecret(scope: Construct, ctx: StageContext): void {
  typedObject<IExternalSecret>(scope, 'database-external-secret', {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name: DATABASE_SECRET, namespace: NAMESPACES.metaflow },
    spec: {
      refreshInterval: '1h',
      secretStoreRef: { kind: 'ClusterSecretStore', name: CLUSTER_SECRET_STORE },
      target: { name: DATABASE_SECRET, creationPolicy: 'Owner' },
      data: [
        { secretKey: 'username', remoteRef: { key: ctx.outputs.databaseSecretArn, property: 'username' } },
        { secretKey: 'password', remoteRef: { key: ctx.outputs.databaseSecretArn, property: 'password' } },
      ],
    },
  });
}
