import { Construct } from 'constructs';
import type { IExternalSecret } from '@kubernetes-models/external-secrets/external-secrets.io/v1/ExternalSecret';
import { GATEWAY } from '@metaflow-gitops/stage-config';
import { StageContext } from '../context';
import { typedObject } from '../private/api-object';
import { CLUSTER_SECRET_STORE } from './cluster-secret-store';

/**
 * The gateway's Cognito client secret, synced from Secrets Manager (`gatewayClientSecretArn`, the
 * Auth stack's JSON secret `{ "client-id", "client-secret" }`) into the key Envoy Gateway reads,
 * `client-secret`.
 */
export function addGatewayClientSecret(scope: Construct, ctx: StageContext): void {
  typedObject<IExternalSecret>(scope, 'gateway-client-secret', {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name: GATEWAY.oidcClientSecret, namespace: GATEWAY.namespace },
    spec: {
      refreshInterval: '1h',
      secretStoreRef: { kind: 'ClusterSecretStore', name: CLUSTER_SECRET_STORE },
      target: { name: GATEWAY.oidcClientSecret, creationPolicy: 'Owner' },
      data: [{ secretKey: 'client-secret', remoteRef: { key: ctx.outputs.gatewayClientSecretArn, property: 'client-secret' } }],
    },
  });
}
