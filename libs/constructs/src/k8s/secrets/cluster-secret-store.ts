import { Construct } from 'constructs';
import type { IClusterSecretStore } from '@kubernetes-models/external-secrets/external-secrets.io/v1/ClusterSecretStore';
import { StageContext } from '../context';
import { typedObject } from '../private/api-object';

export const CLUSTER_SECRET_STORE = 'aws-secrets-manager';

/**
 * Secrets Manager in the stage's region. No `auth` block: the External Secrets controller's
 * ServiceAccount has a Pod Identity role (Eks stack) scoped to the stage's secrets, and the AWS SDK
 * picks those credentials up by itself (https://external-secrets.io/latest/provider/aws-secrets-manager/).
 */
export function addClusterSecretStore(scope: Construct, ctx: StageContext): void {
  typedObject<IClusterSecretStore>(scope, 'cluster-secret-store', {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ClusterSecretStore',
    metadata: { name: CLUSTER_SECRET_STORE },
    spec: { provider: { aws: { service: 'SecretsManager', region: ctx.config.region } } },
  });
}
