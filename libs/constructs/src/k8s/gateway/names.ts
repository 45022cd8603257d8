import { NAMESPACES } from '@metaflow-gitops/stage-config';

/** Names of the gateway objects, shared by the charts and the network policies. */
export const GATEWAY = {
  className: 'metaflow',
  envoyProxy: 'metaflow-nlb',
  name: 'metaflow',
  namespace: NAMESPACES.metaflow,
  /** Plain HTTP listener behind the NLB's TLS listener (TLS is terminated on the NLB with ACM). */
  tlsListener: 'https',
  routes: { ui: 'metaflow-ui', cli: 'metaflow-cli', discovery: 'metaflow-discovery' },
  policies: { browser: 'metaflow-browser-oidc', cli: 'metaflow-cli-jwt' },
  /** Secret (synced by External Secrets) holding the gateway's Cognito client secret under `client-secret`. */
  oidcClientSecret: 'metaflow-gateway-oidc',
} as const;
