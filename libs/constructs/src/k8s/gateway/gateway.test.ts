import { DISCOVERY_PATH, buildDiscoveryDocument } from '@metaflow-gitops/stage-config';
import { makeStageConfig } from '@metaflow-gitops/testing/stage-config';
import { RenderedManifests, renderStageManifests } from '../render';
import { findObject, sampleOutputs } from '@metaflow-gitops/testing/constructs/k8s';

type Claim = { name: string; values: string[]; valueType?: string };
type Policy = {
  spec: {
    targetRefs: { kind: string; name: string }[];
    oidc?: {
      provider: { issuer: string };
      clientID: string;
      clientSecret: { name: string };
      redirectURL: string;
      forwardAccessToken: boolean;
    };
    jwt: { providers: { name: string; issuer: string; remoteJWKS: { uri: string }; audiences?: string[] }[] };
    authorization: { defaultAction: string; rules: { action: string; principal: { jwt: { provider: string; claims: Claim[] } } }[] };
  };
};
type Rule = {
  matches?: { path: { type: string; value: string } }[];
  backendRefs?: { name: string; namespace?: string; port: number }[];
  filters?: Record<string, unknown>[];
};
type Route = { spec: { hostnames: string[]; parentRefs: { name: string; sectionName: string }[]; rules: Rule[] } };

const outputs = sampleOutputs('dev');
const config = makeStageConfig({
  name: 'dev',
  ingress: { allowedCidrs: ['203.0.113.0/24', '198.51.100.0/24'] },
  oidcConfig: { allowedGroups: ['ml-platform', 'data-science'] },
});
const openConfig = makeStageConfig({ name: 'dev', oidcConfig: { allowedGroups: [] } });
let rendered: RenderedManifests;
let open: RenderedManifests;

beforeAll(() => {
  rendered = renderStageManifests(config, outputs);
  open = renderStageManifests(openConfig, outputs);
});

const claims = (p: Policy) => Object.fromEntries(p.spec.authorization.rules[0].principal.jwt.claims.map((c) => [c.name, c]));

describe('load balancer', () => {
  const proxy = () =>
    findObject<{
      spec: {
        provider: {
          kubernetes: {
            envoyService: {
              type: string;
              loadBalancerClass: string;
              loadBalancerSourceRanges: string[];
              annotations: Record<string, string>;
            };
          };
        };
      };
    }>(rendered, 'EnvoyProxy', 'metaflow-nlb').spec.provider.kubernetes.envoyService;

  it('is an Auto Mode NLB restricted to the allowed source CIDRs', () => {
    expect(proxy().type).toBe('LoadBalancer');
    expect(proxy().loadBalancerClass).toBe('eks.amazonaws.com/nlb');
    expect(proxy().loadBalancerSourceRanges).toEqual(['203.0.113.0/24', '198.51.100.0/24']);
    expect(proxy().annotations['service.beta.kubernetes.io/aws-load-balancer-security-groups']).toBe(outputs.loadBalancerSecurityGroupId);
  });

  it('terminates TLS on 443 with the stage certificate', () => {
    expect(proxy().annotations['service.beta.kubernetes.io/aws-load-balancer-ssl-cert']).toBe(outputs.certificateArn);
    expect(proxy().annotations['service.beta.kubernetes.io/aws-load-balancer-ssl-ports']).toBe('443');
    expect(proxy().annotations['service.beta.kubernetes.io/aws-load-balancer-scheme']).toBe('internet-facing');
  });

  type ProxyKubernetes = {
    envoyPDB?: { minAvailable: number };
    envoyDeployment: { replicas: number; container?: { resources: { requests: Record<string, string> } } };
  };
  const kubernetes = (r: RenderedManifests) =>
    findObject<{ spec: { provider: { kubernetes: ProxyKubernetes } } }>(r, 'EnvoyProxy', 'metaflow-nlb').spec.provider.kubernetes;

  it('keeps an Envoy replica through voluntary disruptions on prod, with the default requests', () => {
    const k = kubernetes(renderStageManifests(makeStageConfig({ name: 'prod', isProd: true }), sampleOutputs('prod')));
    expect(k.envoyPDB!.minAvailable).toBe(1);
    expect(k.envoyDeployment.replicas).toBe(3);
    expect(k.envoyDeployment.container).toBeUndefined();
  });

  it('runs one small Envoy replica on non-prod, with no PodDisruptionBudget that would block every node drain', () => {
    const k = kubernetes(rendered);
    expect(k.envoyPDB).toBeUndefined();
    expect(k.envoyDeployment).toMatchObject({ replicas: 1, container: { resources: { requests: { cpu: '50m', memory: '128Mi' } } } });
  });

  it('is the parameters of the GatewayClass the Gateway uses', () => {
    const gc = findObject<{ spec: { controllerName: string; parametersRef: { kind: string; name: string } } }>(
      rendered,
      'GatewayClass',
      'metaflow',
    );
    expect(gc.spec.controllerName).toBe('gateway.envoyproxy.io/gatewayclass-controller');
    expect(gc.spec.parametersRef).toMatchObject({ kind: 'EnvoyProxy', name: 'metaflow-nlb' });
    const gw = findObject<{ spec: { gatewayClassName: string; listeners: { name: string; port: number; hostname: string }[] } }>(
      rendered,
      'Gateway',
      'metaflow',
    );
    expect(gw.spec.gatewayClassName).toBe('metaflow');
    // 443 only: the Ingress stack's security group admits nothing else.
    expect(gw.spec.listeners.map((l) => [l.name, l.port, l.hostname])).toEqual([['https', 443, 'dev.metaflow.example.com']]);
  });
});

describe('routes', () => {
  it('sends / to the static UI and /api/ to the UI backend', () => {
    const route = findObject<Route>(rendered, 'HTTPRoute', 'metaflow-ui');
    expect(route.spec.hostnames).toEqual(['dev.metaflow.example.com']);
    expect(route.spec.rules.map((r) => [r.matches![0].path.value, r.backendRefs![0].name, r.backendRefs![0].port])).toEqual([
      ['/api/', 'metaflow-ui-backend', 8083],
      ['/', 'metaflow-ui', 3000],
    ]);
  });

  it('sends /cli/ to the metadata service with the prefix rewritten to /', () => {
    const [rule] = findObject<Route>(rendered, 'HTTPRoute', 'metaflow-cli').spec.rules;
    expect(rule.matches![0].path).toEqual({ type: 'PathPrefix', value: '/cli/' });
    expect(rule.backendRefs).toEqual([{ name: 'metaflow-metadata', port: 8080 }]);
    expect(rule.filters).toEqual([{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' } } }]);
  });

  it('sends /events/ to the Argo Events webhook Service in the jobs namespace, rewritten to its endpoint', () => {
    const route = findObject<Route>(rendered, 'HTTPRoute', 'metaflow-events');
    const [rule] = route.spec.rules;
    expect(route.spec.hostnames).toEqual(['dev.metaflow.example.com']);
    expect(rule.matches![0].path).toEqual({ type: 'PathPrefix', value: '/events/' });
    expect(rule.filters).toEqual([{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' } } }]);
    // The public URL's path after the rewrite is the webhook's endpoint; the backend is the Service of the in-cluster URL.
    const publicUrl = new URL(buildDiscoveryDocument(config, outputs).argoEvents.publicWebhookUrl!);
    const internalUrl = new URL(buildDiscoveryDocument(config, outputs).argoEvents.webhookUrl);
    expect(publicUrl.host).toBe('dev.metaflow.example.com');
    expect(publicUrl.pathname.replace(/^\/events\//, '/')).toBe(internalUrl.pathname);
    const [service, namespace] = internalUrl.hostname.split('.');
    expect(rule.backendRefs).toEqual([{ name: service, namespace, port: Number(internalUrl.port) }]);
  });

  it('let only the events route reach only the webhook Service across namespaces', () => {
    const grant = findObject<{
      metadata: { namespace: string };
      spec: { from: { kind: string; namespace: string }[]; to: { group: string; kind: string; name: string }[] };
    }>(rendered, 'ReferenceGrant', 'metaflow-events');
    const [backend] = findObject<Route>(rendered, 'HTTPRoute', 'metaflow-events').spec.rules[0].backendRefs!;
    expect(grant.metadata.namespace).toBe(backend.namespace);
    expect(grant.spec.from).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'metaflow' }]);
    expect(grant.spec.to).toEqual([{ group: '', kind: 'Service', name: backend.name }]);
  });

  it('attach every route to the TLS-offloaded listener of the stage Gateway', () => {
    for (const name of ['metaflow-ui', 'metaflow-cli', 'metaflow-discovery', 'metaflow-events']) {
      expect(findObject<Route>(rendered, 'HTTPRoute', name).spec.parentRefs).toEqual([
        { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'metaflow', namespace: 'metaflow', sectionName: 'https' },
      ]);
    }
  });
});

describe('browser login', () => {
  const policy = () => findObject<Policy>(rendered, 'SecurityPolicy', 'metaflow-browser-oidc');

  it('covers the UI route with OIDC against the stage Cognito', () => {
    expect(policy().spec.targetRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'metaflow-ui' }]);
    expect(policy().spec.oidc!.provider.issuer).toBe(outputs.issuerUrl);
    expect(policy().spec.oidc!.clientID).toBe(outputs.gatewayClientId);
  });

  it('redirects to an explicit https callback (TLS ends at the NLB)', () => {
    expect(policy().spec.oidc!.redirectURL).toBe('https://dev.metaflow.example.com/oauth2/callback');
  });

  it('reads the client secret from the Secret External Secrets syncs, under client-secret', () => {
    expect(policy().spec.oidc!.clientSecret.name).toBe('metaflow-gateway-oidc');
    const es = findObject<{ spec: { data: { secretKey: string; remoteRef: { key: string; property: string } }[] } }>(
      rendered,
      'ExternalSecret',
      'metaflow-gateway-oidc',
    );
    expect(es.spec.data).toEqual([
      { secretKey: 'client-secret', remoteRef: { key: outputs.gatewayClientSecretArn, property: 'client-secret' } },
    ]);
  });

  it('authorizes the forwarded access token of the gateway client for the allowed groups only', () => {
    expect(policy().spec.oidc!.forwardAccessToken).toBe(true);
    expect(policy().spec.authorization.defaultAction).toBe('Deny');
    expect(claims(policy())).toEqual({
      client_id: { name: 'client_id', values: [outputs.gatewayClientId] },
      token_use: { name: 'token_use', values: ['access'] },
      'cognito:groups': { name: 'cognito:groups', valueType: 'StringArray', values: ['ml-platform', 'data-science'] },
    });
  });
});

describe('CLI bearer tokens', () => {
  const policy = () => findObject<Policy>(rendered, 'SecurityPolicy', 'metaflow-cli-jwt');

  it('validate against the Cognito JWKS on /cli/ and /events/ without a login redirect', () => {
    expect(policy().spec.targetRefs.map((t) => t.name)).toEqual(['metaflow-cli', 'metaflow-events']);
    expect(policy().spec.oidc).toBeUndefined();
    expect(policy().spec.jwt.providers).toEqual([{ name: 'cognito', issuer: outputs.issuerUrl, remoteJWKS: { uri: outputs.jwksUri } }]);
  });

  it('check client_id instead of aud (Cognito access tokens carry no aud) and the allowed groups', () => {
    expect(policy().spec.jwt.providers[0].audiences).toBeUndefined();
    expect(claims(policy()).client_id.values).toEqual([outputs.cliClientId]);
    expect(claims(policy())['cognito:groups'].values).toEqual(['ml-platform', 'data-science']);
  });

  it('only check the client when the stage allows every authenticated user', () => {
    const p = findObject<Policy>(open, 'SecurityPolicy', 'metaflow-cli-jwt');
    expect(Object.keys(claims(p)).sort()).toEqual(['client_id', 'token_use']);
  });
});

describe('discovery document', () => {
  it('is answered at the well-known path, unauthenticated, with the shared document shape', () => {
    const route = findObject<Route>(rendered, 'HTTPRoute', 'metaflow-discovery');
    expect(route.spec.rules[0].matches).toEqual([{ path: { type: 'Exact', value: DISCOVERY_PATH } }]);
    const policies = [
      findObject<Policy>(rendered, 'SecurityPolicy', 'metaflow-browser-oidc'),
      findObject<Policy>(rendered, 'SecurityPolicy', 'metaflow-cli-jwt'),
    ];
    expect(policies.flatMap((p) => p.spec.targetRefs.map((t) => t.name))).not.toContain('metaflow-discovery');
    const filter = findObject<{ spec: { directResponse: { statusCode: number; contentType: string; body: { inline: string } } } }>(
      rendered,
      'HTTPRouteFilter',
      'metaflow-discovery-document',
    );
    expect(filter.spec.directResponse.contentType).toBe('application/json');
    expect(JSON.parse(filter.spec.directResponse.body.inline)).toEqual(buildDiscoveryDocument(config, outputs));
  });

  it('publishes the cluster endpoint and CA data from the Eks stack outputs (for the login kubeconfig)', () => {
    const body = findObject<{ spec: { directResponse: { body: { inline: string } } } }>(
      rendered,
      'HTTPRouteFilter',
      'metaflow-discovery-document',
    ).spec.directResponse.body.inline;
    const doc = JSON.parse(body) as { clusterEndpoint?: string; clusterCertificateAuthorityData?: string };
    expect(doc.clusterEndpoint).toBe(outputs.clusterEndpoint);
    expect(doc.clusterCertificateAuthorityData).toBe(outputs.clusterCertificateAuthorityData);
    expect(Buffer.from(doc.clusterCertificateAuthorityData ?? '', 'base64').toString()).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
  });

  it('holds no secret reference', () => {
    const body = findObject<{ spec: { directResponse: { body: { inline: string } } } }>(
      rendered,
      'HTTPRouteFilter',
      'metaflow-discovery-document',
    ).spec.directResponse.body.inline;
    for (const value of [outputs.gatewayClientSecretArn, outputs.databaseSecretArn, outputs.gatewayClientId])
      expect(body).not.toContain(value);
  });
});
