import { Construct } from 'constructs';
import { METADATA_SERVICE, NAMESPACES, SERVICE_ACCOUNTS } from '@metaflow-gitops/stage-config';
import { StageContext } from '../context';
import { addHttpWorkload } from '../private/workload';
import { databaseEnv } from './database';
import { METAFLOW_SERVICE_IMAGE, SERVICE_PYTHON } from './images';

/**
 * The metadata service: `/ping` answers without the database (liveness: a database blip must not
 * restart every pod), `/healthcheck` runs `SELECT 1` (readiness: no traffic without a database).
 * Prod runs three replicas and keeps one through voluntary disruptions; a non-prod stage runs one,
 * sized for an idle service, and no PodDisruptionBudget (with one replica it would block every
 * node drain until the node's termination grace period is up).
 */
export function addMetadataService(scope: Construct, ctx: StageContext): void {
  addHttpWorkload(scope, {
    name: METADATA_SERVICE.name,
    namespace: NAMESPACES.metaflow,
    serviceAccountName: SERVICE_ACCOUNTS.metadataService.name,
    image: METAFLOW_SERVICE_IMAGE,
    command: [SERVICE_PYTHON, '-m', 'services.metadata_service.server'],
    port: METADATA_SERVICE.port,
    readinessPath: '/healthcheck',
    livenessPath: '/ping',
    env: [...databaseEnv(ctx), { name: 'MF_METADATA_PORT', value: String(METADATA_SERVICE.port) }],
    requests: ctx.config.isProd ? { cpu: '250m', memory: '512Mi' } : { cpu: '100m', memory: '256Mi' },
    limits: { cpu: '1', memory: '1Gi' },
    replicas: ctx.config.isProd ? 3 : 1,
    minAvailable: ctx.config.isProd ? 1 : undefined,
  });
}
