/**
 * Typed props for the Argo Events kinds we render (`argoproj.io/v1alpha1`). No
 * `@kubernetes-models/*` package exists for Argo Events, so these cover the fields we use, after the
 * CRDs of Argo Events v1.9 (EventBus `spec.jetstream`, EventSource `spec.webhook`).
 */
export interface ObjectMeta {
  readonly name: string;
  readonly namespace: string;
  readonly labels?: Readonly<Record<string, string>>;
}

/** A pod toleration (`core/v1`). */
export interface Toleration {
  readonly key: string;
  readonly operator: 'Exists' | 'Equal';
  readonly value?: string;
  readonly effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

export interface JetStreamBus {
  /** JetStream version; must be one the Argo Events controller's config lists. */
  readonly version: string;
  /** Number of JetStream StatefulSet replicas (3 for a quorum). */
  readonly replicas?: number;
  /** Node selector and tolerations of the JetStream pods. */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  readonly tolerations?: readonly Toleration[];
}

export interface EventBus {
  readonly apiVersion: 'argoproj.io/v1alpha1';
  readonly kind: 'EventBus';
  readonly metadata: ObjectMeta;
  readonly spec: { readonly jetstream: JetStreamBus };
}

export interface WebhookEventSourceEntry {
  /** Port the event source listens on, as a string (the CRD types it so). */
  readonly port: string;
  readonly endpoint: string;
  readonly method: 'POST' | 'GET' | 'PUT';
}

export interface EventSourceServicePort {
  readonly port: number;
  readonly targetPort: number;
  readonly protocol?: 'TCP';
}

export interface EventSource {
  readonly apiVersion: 'argoproj.io/v1alpha1';
  readonly kind: 'EventSource';
  readonly metadata: ObjectMeta;
  readonly spec: {
    readonly eventBusName: string;
    /** Pod template of the event source's Deployment (the fields we set). */
    readonly template?: { readonly nodeSelector?: Readonly<Record<string, string>>; readonly tolerations?: readonly Toleration[] };
    readonly service: { readonly ports: readonly EventSourceServicePort[] };
    readonly webhook: Readonly<Record<string, WebhookEventSourceEntry>>;
  };
}
