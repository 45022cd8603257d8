import { Construct } from 'constructs';
import { NAMESPACES, STAGE_PATHS } from '@metaflow-gitops/stage-config';
import { StageContext } from '../context';
import { addHttpWorkload } from '../private/workload';
import { databaseEnv } from './database';
import { METAFLOW_UI_IMAGE } from './images';

export const UI_STATIC = 'metaflow-ui';
export const UI_STATIC_PORT = 3000;

/**
 * The static UI (nginx). `METAFLOW_SERVICE` tells it where the UI backend is: the same host under
 * `/api` (no trailing slash: the UI appends paths that start with `/`), so the browser's gateway
 * session cookie covers both. It runs as its own ServiceAccount, with no AWS role and no API token.
 * nginx does not read the database settings; the SSL mode is carried anyway so that every container
 * of the release has it (a service without it answers 502 when the database requires SSL:
 * https://github.com/Netflix/metaflow-service/issues/434).
 */
export function addUiStatic(scope: Construct, ctx: StageContext): void {
  addHttpWorkload(scope, {
    name: UI_STATIC,
    namespace: NAMESPACES.metaflow,
    serviceAccountName: UI_STATIC,
    image: METAFLOW_UI_IMAGE,
    port: UI_STATIC_PORT,
    readinessPath: '/',
    env: [
      { name: 'METAFLOW_SERVICE', value: `https://${ctx.host}${STAGE_PATHS.api.replace(/\/$/, '')}` },
      ...databaseEnv(ctx).filter((e) => e.name === 'MF_METADATA_DB_SSL_MODE'),
    ],
    requests: { cpu: '50m', memory: '64Mi' },
    limits: { cpu: '250m', memory: '256Mi' },
    replicas: ctx.config.isProd ? 2 : 1,
  });
}
