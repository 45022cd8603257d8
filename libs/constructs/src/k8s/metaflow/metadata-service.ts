import { Construct } from 'constructs';
import { NAMESPACES, SERVICE_ACCOUNTS } from '@metaflow-gitops/stage-config';
import { StageContext } from '../context';
import { addHttpWorkload } from '../private/workload';
import { databaseEnv } from './database';
import { METAFLOW_SERVICE_IMAGE, SERVICE_PYTHON } from './images';

/** Name of the Deployment and Service; `metadataServiceInternalUrl()` points at it. */
export const METADATA_SERVICE = 'metaflow-metadata';
export const METADATA_SERVICE_PORT = 8080;

/**
 * The metadata service: `/ping` answers without the database (liveness: a database blip must not
 * restart every pod), `/healthcheck` runs `SELECT 1` (readiness: no traffic without a database).
 */
export function addMetadataService(scope: Construct, ctx: StageContext): void {
  addHttpWorkload(scope, {
    name: METADATA_SERVICE,
    namespace: NAMESPACES.metaflow,
    serviceAccountName: SERVICE_ACCOUNTS.metadataService.name,
    image: METAFLOW_SERVICE_IMAGE,
    command: [SERVICE_PYTHON, '-m', 'services.metadata_service.server'],
    port: METADATA_SERVICE_PORT,
    readinessPath: '/healthcheck',
    livenessPath: '/ping',
    env: [...databaseEnv(ctx), { name: 'MF_METADATA_PORT', value: String(METADATA_SERVICE_PORT) }],
    requests: { cpu: '250m', memory: '512Mi' },
    limits: { cpu: '1', memory: '1Gi' },
    replicas: ctx.config.isProd ? 3 : 2,
    minAvailable: 1,
  });
}
