import { Construct } from 'constructs';
import { ARGO_EVENTS, NAMESPACES } from '@metaflow-gitops/stage-config';
import { typedObject } from '../private/api-object';
import { EventBus } from './argo-events-types';

/** JetStream server version of the EventBus; the argo-events release lists it with pinned images. */
export const JETSTREAM_VERSION = '2.10.10';

/** The EventBus `default` in the jobs namespace, where Metaflow creates its sensors (3 replicas: a JetStream quorum). */
export function addEventBus(scope: Construct): void {
  typedObject<EventBus>(scope, 'event-bus', {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'EventBus',
    metadata: { name: ARGO_EVENTS.eventBus, namespace: NAMESPACES.jobs },
    spec: { jetstream: { version: JETSTREAM_VERSION, replicas: 3 } },
  });
}
