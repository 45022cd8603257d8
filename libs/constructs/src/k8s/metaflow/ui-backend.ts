import { Construct } from 'constructs';
import { BUCKET_PREFIXES, NAMESPACES, SERVICE_ACCOUNTS, STAGE_PATHS } from '@metaflow-gitops/stage-config';
import { StageContext } from '../context';
import { addHttpWorkload } from '../private/workload';
import { databaseEnv } from './database';
import { METAFLOW_SERVICE_IMAGE, SERVICE_PYTHON } from './images';

export const UI_BACKEND = 'metaflow-ui-backend';
export const UI_BACKEND_PORT = 8083;

/**
 * The UI backend (same image as the metadata service), served under `/api` on the stage host. It
 * reads artifacts from the bucket with its own Pod Identity role (SERVICE_ACCOUNTS.uiBackend).
 */
export function addUiBackend(scope: Construct, ctx: StageContext): void {
  const datastoreRoot = `s3://${ctx.outputs.artifactBucketName}/${BUCKET_PREFIXES.metaflow}`;
  addHttpWorkload(scope, {
    name: UI_BACKEND,
    namespace: NAMESPACES.metaflow,
    serviceAccountName: SERVICE_ACCOUNTS.uiBackend.name,
    image: METAFLOW_SERVICE_IMAGE,
    command: [SERVICE_PYTHON, '-m', 'services.ui_backend_service.ui_server'],
    port: UI_BACKEND_PORT,
    readinessPath: '/api/ping',
    env: [
      ...databaseEnv(ctx),
      { name: 'UI_ENABLED', value: '0' },
      { name: 'PATH_PREFIX', value: STAGE_PATHS.api.replace(/\/$/, '') },
      { name: 'METAFLOW_DEFAULT_DATASTORE', value: 's3' },
      { name: 'METAFLOW_DATASTORE_SYSROOT_S3', value: datastoreRoot },
      { name: 'ORIGIN_TO_ALLOW_CORS_FROM', value: `https://${ctx.host}` },
      { name: 'AWS_DEFAULT_REGION', value: ctx.config.region },
      { name: 'AWS_REGION', value: ctx.config.region },
    ],
    // Non-prod: sized for an idle UI (one user at a time); the limits stay for a burst of artifact loads.
    requests: ctx.config.isProd ? { cpu: '500m', memory: '1Gi' } : { cpu: '100m', memory: '512Mi' },
    limits: { cpu: '2', memory: '4Gi' },
    replicas: ctx.config.isProd ? 2 : 1,
    minAvailable: ctx.config.isProd ? 1 : undefined,
  });
}
