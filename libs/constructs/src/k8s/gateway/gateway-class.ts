import { Construct } from 'constructs';
import type { IGatewayClass } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/GatewayClass';
import { GATEWAY, NAMESPACES } from '@metaflow-gitops/stage-config';
import { typedObject } from '../private/api-object';

/** The Envoy Gateway class, parameterized by the NLB EnvoyProxy. */
export function addGatewayClass(scope: Construct): void {
  typedObject<IGatewayClass>(scope, 'gateway-class', {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'GatewayClass',
    metadata: { name: GATEWAY.className },
    spec: {
      controllerName: 'gateway.envoyproxy.io/gatewayclass-controller',
      parametersRef: { group: 'gateway.envoyproxy.io', kind: 'EnvoyProxy', name: GATEWAY.envoyProxy, namespace: NAMESPACES.envoyGateway },
    },
  });
}
