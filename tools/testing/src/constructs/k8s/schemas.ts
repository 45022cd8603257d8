import { Namespace } from 'kubernetes-models/v1/Namespace';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { Service } from 'kubernetes-models/v1/Service';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { ExternalSecret } from '@kubernetes-models/external-secrets/external-secrets.io/v1/ExternalSecret';
import { ClusterSecretStore } from '@kubernetes-models/external-secrets/external-secrets.io/v1/ClusterSecretStore';
import { Gateway } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/Gateway';
import { GatewayClass } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/GatewayClass';
import { HTTPRoute } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute';
import { ReferenceGrant } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1beta1/ReferenceGrant';
import { EnvoyProxy } from '@kubernetes-models/envoy-gateway/gateway.envoyproxy.io/v1alpha1/EnvoyProxy';
import { SecurityPolicy } from '@kubernetes-models/envoy-gateway/gateway.envoyproxy.io/v1alpha1/SecurityPolicy';
import { HTTPRouteFilter } from '@kubernetes-models/envoy-gateway/gateway.envoyproxy.io/v1alpha1/HTTPRouteFilter';
import { NodePool } from '@kubernetes-models/karpenter/karpenter.sh/v1/NodePool';
import { ClusterPolicy } from '@kubernetes-models/kyverno/kyverno.io/v1/ClusterPolicy';
import { KubeObject } from '@metaflow-gitops/constructs/k8s';

/** A model class of `kubernetes-models` / `@kubernetes-models/*`: its `validate()` runs the kind's JSON schema. */
interface ModelClass {
  readonly apiVersion: string;
  readonly kind: string;
  new (data: never): { validate(): void };
}

const MODELS: readonly ModelClass[] = [
  Namespace,
  ServiceAccount,
  Service,
  ConfigMap,
  Deployment,
  Job,
  PodDisruptionBudget,
  Role,
  RoleBinding,
  ClusterRole,
  ClusterRoleBinding,
  NetworkPolicy,
  ExternalSecret,
  ClusterSecretStore,
  Gateway,
  GatewayClass,
  HTTPRoute,
  ReferenceGrant,
  EnvoyProxy,
  SecurityPolicy,
  HTTPRouteFilter,
  NodePool,
  ClusterPolicy,
] as unknown as ModelClass[];

/**
 * Kinds we render that no published schema covers (no `@kubernetes-models` package exists for Argo
 * Events or the EKS Auto Mode NodeClass); they are typed by our own props interfaces instead. A
 * test pins this list so a new kind cannot slip through unvalidated.
 */
export const KINDS_WITHOUT_SCHEMA = ['argoproj.io/v1alpha1/EventBus', 'argoproj.io/v1alpha1/EventSource', 'eks.amazonaws.com/v1/NodeClass'];

const byKey = new Map(MODELS.map((m) => [`${m.apiVersion}/${m.kind}`, m]));

export function kindKey(o: Pick<KubeObject, 'apiVersion' | 'kind'>): string {
  return `${o.apiVersion}/${o.kind}`;
}

export function hasSchema(o: Pick<KubeObject, 'apiVersion' | 'kind'>): boolean {
  return byKey.has(kindKey(o));
}

/** Validates one object against its kind's schema; returns the error message, or undefined when valid. */
export function schemaErrors(o: KubeObject): string | undefined {
  const Model = byKey.get(kindKey(o));
  if (!Model) return `no schema for ${kindKey(o)}`;
  try {
    new Model(o as never).validate();
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}
