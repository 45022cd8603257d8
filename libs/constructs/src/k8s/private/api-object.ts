import { ApiObject, ApiObjectProps } from 'cdk8s';
import { Construct } from 'constructs';

/** The shape every typed Kubernetes model shares (`@kubernetes-models/*` interfaces and our own CRD props). */
export interface KubeModel {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
}

/**
 * Adds a typed object to a chart. `T` is the model interface of the kind (e.g. `ISecurityPolicy`),
 * so a misspelt or mistyped field fails `tsc`; the object is emitted exactly as given.
 */
export function typedObject<T extends KubeModel>(scope: Construct, id: string, object: T): ApiObject {
  return new ApiObject(scope, id, object as unknown as ApiObjectProps);
}
