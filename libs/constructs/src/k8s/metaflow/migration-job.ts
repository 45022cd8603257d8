import { createHash } from 'node:crypto';
import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { NAMESPACES, SERVICE_ACCOUNTS } from '@metaflow-gitops/stage-config';
import { StageContext } from '../context';
import { PLATFORM_PLACEMENT } from '../compute/platform-pool';
import { CONTAINER_SECURITY, resources } from '../private/workload';
import { databaseEnv } from './database';
import { METAFLOW_SERVICE_IMAGE, SERVICE_PYTHON } from './images';

/** Annotation telling the sync step to wait for this Job to complete before applying later components. */
export const SYNC_WAIT_ANNOTATION = 'metaflow-gitops/sync-wait';

/**
 * The schema migration Job. `run_goose.py` (goose up) is idempotent, and it runs on every change of
 * the release or the database settings, never only on an empty database (the Helm chart's
 * `onlyIfDbEmpty` default never upgrades an existing one). Jobs are immutable, so its name carries
 * a hash of the image and the settings: a changed release gets a fresh Job, an unchanged sync
 * re-applies the same (completed) one.
 */
export function addMigrationJob(scope: Construct, ctx: StageContext): string {
  const env = databaseEnv(ctx);
  const command = [SERVICE_PYTHON, '/root/run_goose.py'];
  const hash = createHash('sha256')
    .update(JSON.stringify({ image: METAFLOW_SERVICE_IMAGE, command, env }))
    .digest('hex')
    .slice(0, 10);
  const name = `metaflow-migrate-${hash}`;
  const labels = { 'app.kubernetes.io/name': 'metaflow-migrate' };
  new k8s.KubeJob(scope, 'migration-job', {
    metadata: { name, namespace: NAMESPACES.metaflow, labels, annotations: { [SYNC_WAIT_ANNOTATION]: 'complete' } },
    spec: {
      backoffLimit: 4,
      activeDeadlineSeconds: 1800,
      template: {
        // It runs on the platform nodes, whose underused nodes are consolidated: never in the middle of a migration.
        metadata: { labels, annotations: { 'karpenter.sh/do-not-disrupt': 'true' } },
        spec: {
          restartPolicy: 'Never',
          serviceAccountName: SERVICE_ACCOUNTS.metadataService.name,
          ...PLATFORM_PLACEMENT,
          securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name: 'migrate',
              image: METAFLOW_SERVICE_IMAGE,
              command,
              env,
              resources: resources({ requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } }),
              securityContext: CONTAINER_SECURITY,
            },
          ],
        },
      },
    },
  });
  return name;
}
