import { Construct } from 'constructs';
import type { ISecurityPolicy } from '@kubernetes-models/envoy-gateway/gateway.envoyproxy.io/v1alpha1/SecurityPolicy';
import type { IAuthorization } from '@kubernetes-models/envoy-gateway/gateway.envoyproxy.io/v1alpha1/Authorization';
import type { IJWTClaim } from '@kubernetes-models/envoy-gateway/gateway.envoyproxy.io/v1alpha1/JWTClaim';
import { GATEWAY, GATEWAY_GROUPS_CLAIM, OAUTH2_CALLBACK_PATH } from '@metaflow-gitops/stage-config';
import { StageContext } from '../context';
import { typedObject } from '../private/api-object';

export const JWT_PROVIDER = 'cognito';

/**
 * Only tokens of the expected Cognito app client, of the access kind, and (when the stage lists
 * allowed groups) of a member of one of them. Claim checks instead of `audiences`: Cognito access
 * tokens carry `client_id`, not `aud`.
 */
export function allowOnly(ctx: StageContext, clientId: string): IAuthorization {
  const claims: IJWTClaim[] = [
    { name: 'client_id', values: [clientId] },
    { name: 'token_use', values: ['access'] },
  ];
  if (ctx.config.oidcConfig.allowedGroups.length > 0) {
    claims.push({ name: GATEWAY_GROUPS_CLAIM, valueType: 'StringArray', values: [...ctx.config.oidcConfig.allowedGroups] });
  }
  return {
    defaultAction: 'Deny',
    rules: [{ name: 'allowed-client-and-groups', action: 'Allow', principal: { jwt: { provider: JWT_PROVIDER, claims } } }],
  };
}

function jwtProvider(ctx: StageContext) {
  return { name: JWT_PROVIDER, issuer: ctx.outputs.issuerUrl, remoteJWKS: { uri: ctx.outputs.jwksUri } };
}

/**
 * Browser access (`/`, `/api/`): OIDC login against the stage's Cognito with the gateway's
 * confidential client. The redirect URL is an explicit https URL because TLS ends at the NLB and
 * Envoy sees `x-forwarded-proto: http` (envoyproxy/gateway #5418). The access token the login
 * produced is forwarded as `Authorization: Bearer`, validated against the JWKS and authorized on
 * its claims like the CLI's, so both paths enforce the same group rule (Envoy Gateway orders the
 * filters oauth2, then jwt_authn, then rbac, so the forwarded token is what gets authorized).
 *
 * CLI access (`/cli/`, and `/events/`, the Argo Events webhook): `Authorization: Bearer <Cognito
 * access token>` from metaflow-login, validated against the JWKS; no login redirect.
 */
export function addSecurityPolicies(scope: Construct, ctx: StageContext): void {
  typedObject<ISecurityPolicy>(scope, 'browser-policy', {
    apiVersion: 'gateway.envoyproxy.io/v1alpha1',
    kind: 'SecurityPolicy',
    metadata: { name: GATEWAY.policies.browser, namespace: GATEWAY.namespace },
    spec: {
      targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: GATEWAY.routes.ui }],
      oidc: {
        provider: { issuer: ctx.outputs.issuerUrl },
        clientID: ctx.outputs.gatewayClientId,
        clientSecret: { kind: 'Secret', name: GATEWAY.oidcClientSecret },
        redirectURL: `https://${ctx.host}${OAUTH2_CALLBACK_PATH}`,
        logoutPath: '/logout',
        scopes: ['openid', 'email', 'profile'],
        forwardAccessToken: true,
        refreshToken: true,
      },
      jwt: { providers: [jwtProvider(ctx)] },
      authorization: allowOnly(ctx, ctx.outputs.gatewayClientId),
    },
  });
  typedObject<ISecurityPolicy>(scope, 'cli-policy', {
    apiVersion: 'gateway.envoyproxy.io/v1alpha1',
    kind: 'SecurityPolicy',
    metadata: { name: GATEWAY.policies.cli, namespace: GATEWAY.namespace },
    spec: {
      targetRefs: [GATEWAY.routes.cli, GATEWAY.routes.events].map((name) => ({
        group: 'gateway.networking.k8s.io',
        kind: 'HTTPRoute',
        name,
      })),
      jwt: { providers: [jwtProvider(ctx)] },
      authorization: allowOnly(ctx, ctx.outputs.cliClientId),
    },
  });
}
