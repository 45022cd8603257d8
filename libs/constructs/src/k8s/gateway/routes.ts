import { Construct } from 'constructs';
import type { IHTTPRoute } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute';
import { GATEWAY, METADATA_SERVICE, STAGE_PATHS } from '@metaflow-gitops/stage-config';
import { StageContext } from '../context';
import { typedObject } from '../private/api-object';
import { UI_BACKEND, UI_BACKEND_PORT } from '../metaflow/ui-backend';
import { UI_STATIC, UI_STATIC_PORT } from '../metaflow/ui-static';

/** The Gateway's TLS-offloaded listener, which every route attaches to. */
export function parentRef() {
  return {
    group: 'gateway.networking.k8s.io',
    kind: 'Gateway',
    name: GATEWAY.name,
    namespace: GATEWAY.namespace,
    sectionName: GATEWAY.tlsListener,
  };
}

type RouteRules = NonNullable<IHTTPRoute['spec']>['rules'];

/** An HTTPRoute on the stage host, attached to the Gateway's listener. */
export function stageRoute(scope: Construct, id: string, name: string, ctx: StageContext, rules: RouteRules): void {
  typedObject<IHTTPRoute>(scope, id, {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name, namespace: GATEWAY.namespace },
    spec: { parentRefs: [parentRef()], hostnames: [ctx.host], rules },
  });
}

/**
 * The stage host's routes: `/` the static UI and `/api/` the UI backend (one route, one browser
 * login), `/cli/` the metadata service for the Metaflow CLI (its own route: Bearer tokens, no
 * login redirect), with the prefix rewritten so the service sees `/`.
 */
export function addRoutes(scope: Construct, ctx: StageContext): void {
  stageRoute(scope, 'route-ui', GATEWAY.routes.ui, ctx, [
    {
      matches: [{ path: { type: 'PathPrefix', value: STAGE_PATHS.api } }],
      backendRefs: [{ name: UI_BACKEND, port: UI_BACKEND_PORT }],
    },
    {
      matches: [{ path: { type: 'PathPrefix', value: STAGE_PATHS.ui } }],
      backendRefs: [{ name: UI_STATIC, port: UI_STATIC_PORT }],
    },
  ]);
  stageRoute(scope, 'route-cli', GATEWAY.routes.cli, ctx, [
    {
      matches: [{ path: { type: 'PathPrefix', value: STAGE_PATHS.cli } }],
      filters: [{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' } } }],
      backendRefs: [{ name: METADATA_SERVICE.name, port: METADATA_SERVICE.port }],
    },
  ]);
}
