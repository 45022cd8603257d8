import * as kplus from 'cdk8s-plus-30';
import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { METADATA_SERVICE, NAMESPACES } from '@metaflow-gitops/stage-config';
import { UI_BACKEND, UI_BACKEND_PORT } from '../metaflow/ui-backend';
import { UI_STATIC, UI_STATIC_PORT } from '../metaflow/ui-static';

const fromNamespace = (name: string): k8s.NetworkPolicyPeer => ({
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } },
});
const tcp = (port: number): k8s.NetworkPolicyPort => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) });

/**
 * Who may reach the Metaflow services. The metadata service's in-cluster URL (which carries no
 * user token) is open to the jobs namespace (task pods) and the gateway's proxies only; the UI to
 * the gateway only; the migration Job to nobody. Enforced by the VPC CNI's network policy agent
 * (enabled in the same component).
 */
export function addNetworkPolicies(scope: Construct): void {
  const namespace = NAMESPACES.metaflow;
  new k8s.KubeNetworkPolicy(scope, 'netpol-metadata', {
    metadata: { name: `${METADATA_SERVICE.name}-ingress`, namespace },
    spec: {
      podSelector: { matchLabels: { 'app.kubernetes.io/name': METADATA_SERVICE.name } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [fromNamespace(NAMESPACES.jobs), fromNamespace(NAMESPACES.envoyGateway)], ports: [tcp(METADATA_SERVICE.port)] }],
    },
  });
  new k8s.KubeNetworkPolicy(scope, 'netpol-ui', {
    metadata: { name: 'metaflow-ui-ingress', namespace },
    spec: {
      podSelector: { matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: [UI_BACKEND, UI_STATIC] }] },
      policyTypes: ['Ingress'],
      ingress: [{ from: [fromNamespace(NAMESPACES.envoyGateway)], ports: [tcp(UI_BACKEND_PORT), tcp(UI_STATIC_PORT)] }],
    },
  });
  new k8s.KubeNetworkPolicy(scope, 'netpol-migrate', {
    metadata: { name: 'metaflow-migrate-ingress', namespace },
    spec: { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'metaflow-migrate' } }, policyTypes: ['Ingress'] },
  });
}

/** EKS Auto Mode enforces NetworkPolicies once the VPC CNI's network policy controller is enabled. */
export function addNetworkPolicyController(scope: Construct): void {
  new kplus.ConfigMap(scope, 'vpc-cni-config', {
    metadata: { name: 'amazon-vpc-cni', namespace: 'kube-system' },
    data: { 'enable-network-policy-controller': 'true' },
  });
}
