import { Construct } from 'constructs';
import { ARGO_EVENTS, NAMESPACES } from '@metaflow-gitops/stage-config';
import { StageContext } from '../context';
import { PLATFORM_PLACEMENT } from '../compute/platform-pool';
import { typedObject } from '../private/api-object';
import { EventBus } from './argo-events-types';

/** JetStream server version of the EventBus; the argo-events release lists it with pinned images. */
export const JETSTREAM_VERSION = '2.10.10';

/**
 * The EventBus `default` in the jobs namespace, where Metaflow creates its sensors. Prod runs 3
 * replicas (a JetStream quorum); a non-prod stage runs one, which Argo Events allows since v1.9
 * (https://github.com/argoproj/argo-events/releases/tag/v1.9.0): events are lost while it restarts.
 */
export function addEventBus(scope: Construct, ctx: StageContext): void {
  typedObject<EventBus>(scope, 'event-bus', {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'EventBus',
    metadata: { name: ARGO_EVENTS.eventBus, namespace: NAMESPACES.jobs },
    spec: { jetstream: { version: JETSTREAM_VERSION, replicas: ctx.config.isProd ? 3 : 1, ...PLATFORM_PLACEMENT } },
  });
}
