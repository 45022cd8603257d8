import * as kplus from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { NAMESPACES, SERVICE_ACCOUNTS, ServiceAccountKey } from '@metaflow-gitops/stage-config';
import { UI_STATIC } from './ui-static';

/**
 * The ServiceAccounts this repo runs workloads as. Names come from SERVICE_ACCOUNTS, which the Eks
 * stack gives Pod Identity roles; the Helm releases create their own controllers' accounts with the
 * same names (see releases).
 */
export const OWN_SERVICE_ACCOUNTS: readonly ServiceAccountKey[] = ['metadataService', 'uiBackend', 'task', 'argoEventsSensor'];

export function addServiceAccounts(scope: Construct): void {
  for (const key of OWN_SERVICE_ACCOUNTS) {
    const sa = SERVICE_ACCOUNTS[key];
    // Kept mounted: Argo's executor and the sensors call the API with it.
    new kplus.ServiceAccount(scope, `sa-${key}`, { metadata: { name: sa.name, namespace: sa.namespace }, automountToken: true });
  }
  // The static UI needs neither AWS nor the Kubernetes API.
  new kplus.ServiceAccount(scope, 'sa-ui-static', { metadata: { name: UI_STATIC, namespace: NAMESPACES.metaflow }, automountToken: false });
}
