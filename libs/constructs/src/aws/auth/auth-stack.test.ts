import * as vm from 'node:vm';
import { Match } from 'aws-cdk-lib/assertions';
import {
  GATEWAY_GROUPS_CLAIM,
  cliRedirectUris,
  gatewayClientSecretName,
  idpClientSecretName,
  isInternalError,
} from '@metaflow-gitops/stage-config';
import { thrownBy } from '@metaflow-gitops/testing/errors';
import { makeStageConfig } from '@metaflow-gitops/testing/stage-config';
import { buildTestStage, BuiltStage } from '@metaflow-gitops/testing/constructs/aws';
import { IDP_CLIENT_SECRET_PLACEHOLDER } from './auth-stack';
import { groupGateSource } from './private/group-gate-source';

let dev: BuiltStage;
let prod: BuiltStage;

beforeAll(() => {
  dev = buildTestStage(makeStageConfig({ name: 'dev' }));
  prod = buildTestStage(makeStageConfig({ name: 'prod', isProd: true }));
});

const resources = (s: BuiltStage) =>
  s.template('auth').toJSON().Resources as Record<string, { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string }>;

test('user pool: no self sign-up, pinned id, retained, deletion protection on prod', () => {
  const pool = resources(dev).UserPool;
  expect(pool.Type).toBe('AWS::Cognito::UserPool');
  expect(pool.DeletionPolicy).toBe('Retain');
  expect(pool.Properties.AdminCreateUserConfig).toEqual({ AllowAdminCreateUserOnly: true });
  expect(pool.Properties.DeletionProtection).toBe('INACTIVE');
  expect(resources(prod).UserPool.Properties.DeletionProtection).toBe('ACTIVE');
});

test('OIDC IdP federated with the stage issuer; the client secret is a placeholder, never the real one', () => {
  dev.template('auth').hasResourceProperties('AWS::Cognito::UserPoolIdentityProvider', {
    ProviderName: 'metaflow-dev',
    ProviderType: 'OIDC',
    ProviderDetails: {
      client_id: 'metaflow-dev',
      client_secret: IDP_CLIENT_SECRET_PLACEHOLDER,
      oidc_issuer: 'https://idp.example.com',
      authorize_scopes: 'openid email profile',
      attributes_request_method: 'GET',
    },
    AttributeMapping: { email: 'email', 'custom:groups': 'groups' },
  });
});

test('the secret the operator fills is named <clientId>/federate-client-secret and has a random placeholder', () => {
  dev.template('auth').hasResourceProperties('AWS::SecretsManager::Secret', {
    Name: idpClientSecretName('metaflow-dev'),
    GenerateSecretString: { SecretStringTemplate: '{}', GenerateStringKey: 'FEDERATE_CLIENT_SECRET' },
  });
});

test('gateway client: confidential, code flow, callback on the stage host, token lifetimes', () => {
  dev.template('auth').hasResourceProperties('AWS::Cognito::UserPoolClient', {
    ClientName: 'dev-gateway',
    GenerateSecret: true,
    AllowedOAuthFlows: ['code'],
    AllowedOAuthFlowsUserPoolClient: true,
    AllowedOAuthScopes: ['openid', 'email', 'profile'],
    CallbackURLs: ['https://dev.metaflow.example.com/oauth2/callback'],
    LogoutURLs: ['https://dev.metaflow.example.com/'],
    SupportedIdentityProviders: [{ Ref: Match.stringLikeRegexp('^CompanyIdp') }],
    AccessTokenValidity: 60,
    IdTokenValidity: 60,
    RefreshTokenValidity: 43200,
    TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'minutes' },
    ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
  });
});

test('CLI client: public (no secret), code + PKCE on the registered loopback ports', () => {
  dev.template('auth').hasResourceProperties('AWS::Cognito::UserPoolClient', {
    ClientName: 'dev-cli',
    GenerateSecret: false,
    AllowedOAuthFlows: ['code'],
    CallbackURLs: cliRedirectUris(),
  });
  expect(cliRedirectUris().every((u) => u.startsWith('http://localhost:'))).toBe(true);
});

test('the gateway client secret reaches Secrets Manager through Fn::GetAtt ClientSecret, no custom resource', () => {
  dev.template('auth').hasResourceProperties('AWS::SecretsManager::Secret', {
    Name: gatewayClientSecretName('dev'),
    SecretString: {
      'Fn::Join': [
        '',
        [
          '{"client-id":"',
          { Ref: Match.stringLikeRegexp('^GatewayClient') },
          '","client-secret":"',
          { 'Fn::GetAtt': [Match.stringLikeRegexp('^GatewayClient'), 'ClientSecret'] },
          '"}',
        ],
      ],
    },
  });
  const types = Object.values(resources(dev)).map((r) => r.Type);
  expect(types.filter((t) => t.startsWith('Custom::'))).toEqual([]);
});

test('hosted domain from the naming module', () => {
  dev.template('auth').hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'metaflow-dev-111111111111' });
  expect(dev.template('auth').toJSON().Outputs.CognitoDomain.Value).toEqual({
    'Fn::Join': ['', ['https://', { Ref: expect.stringMatching(/^UserPoolHostedDomain/) }, '.auth.us-west-2.amazoncognito.com']],
  });
});

test('kill-switch role may only sign out and disable users of this pool', () => {
  dev.template('auth').hasResourceProperties('AWS::IAM::Role', {
    Policies: [
      {
        PolicyName: 'revoke',
        PolicyDocument: {
          Statement: [
            {
              Action: ['cognito-idp:AdminUserGlobalSignOut', 'cognito-idp:AdminDisableUser'],
              Effect: 'Allow',
              Resource: { 'Fn::GetAtt': ['UserPool', 'Arn'] },
            },
          ],
          Version: '2012-10-17',
        },
      },
    ],
  });
});

test('Federate outputs carry pre-filled commands', () => {
  const outputs = dev.template('auth').toJSON().Outputs;
  expect(outputs.FederateClientId.Value).toBe('metaflow-dev');
  expect(outputs.FederateSecretStoreCommand.Value).toBe(
    `aws secretsmanager put-secret-value --secret-id metaflow-dev/federate-client-secret --secret-string '{"FEDERATE_CLIENT_SECRET": "<YOUR_SECRET>"}' --region us-west-2`,
  );
  const update = JSON.stringify(outputs.FederateCognitoUpdateCommand.Value);
  expect(update).toContain('aws cognito-idp update-identity-provider --user-pool-id ');
  expect(update).toContain('--provider-name metaflow-dev');
  expect(update).toContain('\\"client_secret\\":\\"<YOUR_SECRET>\\"');
  expect(update).toContain('{"Ref":"UserPool"}');
  expect(JSON.stringify(outputs.FederateRedirectUri.Value)).toContain('/oauth2/idpresponse');
});

test('the group gate runs as the V2 pre-token trigger with the stage groups baked in', () => {
  dev.template('auth').hasResourceProperties('AWS::Cognito::UserPool', {
    LambdaConfig: {
      PreTokenGenerationConfig: { LambdaArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^GroupGate'), 'Arn'] }, LambdaVersion: 'V2_0' },
    },
  });
  dev.template('auth').hasResourceProperties('AWS::Lambda::Function', {
    Runtime: 'nodejs24.x',
    Code: { ZipFile: groupGateSource(['ml-platform']) },
  });
});

describe('group gate behaviour (the exact Lambda source)', () => {
  type Event = { request: { userAttributes: Record<string, string> }; response: Record<string, unknown> };
  const load = (allowed: string[]) => {
    const module = { exports: {} as { handler: (e: Event) => Promise<Event> } };
    vm.runInNewContext(groupGateSource(allowed), { module, exports: module.exports });
    return module.exports.handler;
  };
  const event = (groups?: string): Event => ({
    request: { userAttributes: groups === undefined ? {} : { 'custom:groups': groups } },
    response: {},
  });
  const granted = (e: Event) =>
    (e.response.claimsAndScopeOverrideDetails as { groupOverrideDetails: { groupsToOverride: string[] } }).groupOverrideDetails
      .groupsToOverride;

  test.each([
    ['["ml-platform","ml-research"]', ['ml-platform', 'ml-research']],
    ['["other","ml-research"]', ['ml-research']],
    ['ml-platform', ['ml-platform']],
    ['[ml-platform]', ['ml-platform']],
  ])('allowed member %s gets %j in cognito:groups', async (raw, expected) => {
    expect(granted(await load(['ml-platform', 'ml-research'])(event(raw)))).toEqual(expected);
  });

  test.each([['[other]'], ['["other"]'], ['[]'], [''], [undefined]])('non-member %s is refused', async (raw) => {
    await expect(load(['ml-platform'])(event(raw))).rejects.toThrow('Access denied: you are not in a group allowed on this Metaflow stage');
  });

  // Group names an IdP user may be able to create: none of them is the allowed group.
  test.each([
    ['one group named "sales, ml-platform" (OIDC array)', '["sales, ml-platform"]'],
    ['one group named "sales,ml-platform" (OIDC array)', '["sales,ml-platform"]'],
    ['one group named "sales, ml-platform" (single-valued claim)', 'sales, ml-platform'],
    ['one group named "ml-platform, x" (single-valued claim)', 'ml-platform, x'],
    ['a padded name', '[" ml-platform "]'],
    ['a name differing in case', '["ML-Platform"]'],
    ['a name with a control character', '["ml-platform\\u0000"]'],
    ['a name with quotes and brackets', '["[\\"ml-platform\\"]"]'],
  ])('hostile group name: %s is refused', async (_what, raw) => {
    await expect(load(['ml-platform'])(event(raw))).rejects.toThrow('Access denied: you are not in a group allowed on this Metaflow stage');
  });

  test.each([
    ['a bracketed list with several elements (cannot tell "[sales, ml-platform]" from one group)', '[sales, ml-platform]'],
    ['a bracketed list without spaces', '[sales,ml-platform]'],
    ['a JSON array with a non-string element', '["ml-platform", 1]'],
    ['unclosed brackets', '["ml-platform"'],
  ])('ambiguous or malformed groups: %s refuse the login', async (_what, raw) => {
    await expect(load(['ml-platform'])(event(raw))).rejects.toThrow(
      'Access denied: your groups from the identity provider cannot be read unambiguously; ask the platform team',
    );
  });

  test('the claim the trigger fills is the one the gateway authorizes on', () => {
    // groupOverrideDetails always lands in cognito:groups; the gateway reads GATEWAY_GROUPS_CLAIM.
    expect(GATEWAY_GROUPS_CLAIM).toBe('cognito:groups');
  });

  test('no allowed groups: everyone in, with their groups', async () => {
    expect(granted(await load([])(event('["a","b, c"]')))).toEqual(['a', 'b, c']);
    expect(granted(await load([])(event('[a, b]')))).toEqual([]);
  });
});

test('a stage name Cognito refuses in the hosted domain (which the loader reports) stops the synthesis with the reason', () => {
  const err = thrownBy(() => buildTestStage(makeStageConfig({ name: 'aws-lab' })));
  expect(isInternalError(err)).toBe(true);
  expect(err.message).toBe(
    'stage name "aws-lab" puts the word "aws" in the Cognito domain prefix "metaflow-aws-lab-<account>", and Cognito refuses aws, amazon, cognito there',
  );
  expect(err.fix).toMatch(/loadStage/);
});

test("kill-switch role trusts the stage account, plus the IdP's principals the stage file names", () => {
  const principals = (s: BuiltStage) => {
    const role = Object.values(resources(s)).find((r) => r.Type === 'AWS::IAM::Role' && JSON.stringify(r.Properties).includes('revoke'))!;
    const doc = role.Properties.AssumeRolePolicyDocument as { Statement: { Principal: { AWS: unknown } }[] };
    return doc.Statement.flatMap((st) => [st.Principal.AWS].flat()).map((p) => JSON.stringify(p));
  };
  expect(principals(dev)).toEqual([expect.stringContaining(':root')]);
  const idp = 'arn:aws:iam::999999999999:role/idp-logout';
  const withIdp = buildTestStage(makeStageConfig({ name: 'idp', oidcConfig: { killSwitchPrincipals: [idp] } }));
  expect(principals(withIdp)).toEqual(expect.arrayContaining([expect.stringContaining(':root'), JSON.stringify(idp)]));
  expect(principals(withIdp)).toHaveLength(2);
});
