import { Construct } from 'constructs';
import type { IGateway } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/Gateway';
import { GATEWAY } from '@metaflow-gitops/stage-config';
import { StageContext } from '../context';
import { typedObject } from '../private/api-object';

/**
 * The stage's Gateway: one listener, port 443, plain HTTP here because the NLB terminated TLS in
 * front of it. There is no port 80: the Ingress stack's security group admits 443 only. Only routes
 * of the Gateway's own namespace attach.
 */
export function addGateway(scope: Construct, ctx: StageContext): void {
  typedObject<IGateway>(scope, 'gateway', {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name: GATEWAY.name, namespace: GATEWAY.namespace },
    spec: {
      gatewayClassName: GATEWAY.className,
      listeners: [
        { name: GATEWAY.tlsListener, protocol: 'HTTP', port: 443, hostname: ctx.host, allowedRoutes: { namespaces: { from: 'Same' } } },
      ],
    },
  });
}
