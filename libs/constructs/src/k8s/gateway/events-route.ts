import { Construct } from 'constructs';
import type { IReferenceGrant } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1beta1/ReferenceGrant';
import { ARGO_EVENTS, GATEWAY, NAMESPACES, STAGE_PATHS, argoEventsWebhookService } from '@metaflow-gitops/stage-config';
import { StageContext } from '../context';
import { typedObject } from '../private/api-object';
import { stageRoute } from './routes';

/**
 * The Argo Events webhook on the stage host, for `ArgoEvent(...).publish()` from a laptop:
 * `https://<host>/events/metaflow-event` reaches the webhook EventSource's Service in the jobs
 * namespace, with the prefix rewritten to `/`. The CLI's SecurityPolicy covers this route too
 * (the same Bearer token check as `/cli/`). A route in the gateway's namespace may only send to a
 * Service in another namespace that a ReferenceGrant there allows: this one allows exactly the
 * webhook Service.
 */
export function addEventsRoute(scope: Construct, ctx: StageContext): void {
  const service = argoEventsWebhookService();
  stageRoute(scope, 'route-events', GATEWAY.routes.events, ctx, [
    {
      matches: [{ path: { type: 'PathPrefix', value: STAGE_PATHS.events } }],
      filters: [{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' } } }],
      backendRefs: [{ name: service, namespace: NAMESPACES.jobs, port: ARGO_EVENTS.webhookPort }],
    },
  ]);
  typedObject<IReferenceGrant>(scope, 'events-reference-grant', {
    apiVersion: 'gateway.networking.k8s.io/v1beta1',
    kind: 'ReferenceGrant',
    metadata: { name: GATEWAY.routes.events, namespace: NAMESPACES.jobs },
    spec: {
      from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: GATEWAY.namespace }],
      to: [{ group: '', kind: 'Service', name: service }],
    },
  });
}
