import { Construct } from 'constructs';
import type { IHTTPRouteFilter } from '@kubernetes-models/envoy-gateway/gateway.envoyproxy.io/v1alpha1/HTTPRouteFilter';
import { DISCOVERY_PATH, GATEWAY, buildDiscoveryDocument } from '@metaflow-gitops/stage-config';
import { StageContext } from '../context';
import { typedObject } from '../private/api-object';
import { stageRoute } from '../gateway/routes';

const FILTER = 'metaflow-discovery-document';

/**
 * The public discovery document at DISCOVERY_PATH, answered by Envoy itself (a direct response: no
 * pod to run, nothing to scale). Its route has an Exact match, which wins over the UI route's `/`
 * prefix, and no SecurityPolicy: the login CLI reads it before it has a token. It holds no secret
 * (see DiscoveryDocument).
 */
export function addDiscoveryRoute(scope: Construct, ctx: StageContext): void {
  const body = JSON.stringify(buildDiscoveryDocument(ctx.config, ctx.outputs), null, 2);
  typedObject<IHTTPRouteFilter>(scope, 'discovery-filter', {
    apiVersion: 'gateway.envoyproxy.io/v1alpha1',
    kind: 'HTTPRouteFilter',
    metadata: { name: FILTER, namespace: GATEWAY.namespace },
    spec: { directResponse: { statusCode: 200, contentType: 'application/json', body: { type: 'Inline', inline: body } } },
  });
  stageRoute(scope, 'discovery-route', GATEWAY.routes.discovery, ctx, [
    {
      matches: [{ path: { type: 'Exact', value: DISCOVERY_PATH } }],
      filters: [{ type: 'ExtensionRef', extensionRef: { group: 'gateway.envoyproxy.io', kind: 'HTTPRouteFilter', name: FILTER } }],
    },
  ]);
}
