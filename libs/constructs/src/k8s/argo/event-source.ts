import { Construct } from 'constructs';
import { ARGO_EVENTS, NAMESPACES } from '@metaflow-gitops/stage-config';
import { PLATFORM_PLACEMENT } from '../compute/platform-pool';
import { typedObject } from '../private/api-object';
import { EventSource } from './argo-events-types';

/**
 * The webhook EventSource Metaflow publishes events to (`METAFLOW_ARGO_EVENTS_WEBHOOK_URL`, port
 * 12000, path `/metaflow-event`). Pods reach it in-cluster; laptops through the gateway's `/events/`
 * route (gateway/events-route.ts), which requires a token like `/cli/`.
 */
export function addWebhookEventSource(scope: Construct): void {
  typedObject<EventSource>(scope, 'event-source', {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'EventSource',
    metadata: { name: ARGO_EVENTS.eventSource, namespace: NAMESPACES.jobs },
    spec: {
      eventBusName: ARGO_EVENTS.eventBus,
      template: { ...PLATFORM_PLACEMENT },
      service: { ports: [{ port: ARGO_EVENTS.webhookPort, targetPort: ARGO_EVENTS.webhookPort, protocol: 'TCP' }] },
      webhook: {
        [ARGO_EVENTS.event]: { port: String(ARGO_EVENTS.webhookPort), endpoint: ARGO_EVENTS.webhookPath, method: 'POST' },
      },
    },
  });
}
