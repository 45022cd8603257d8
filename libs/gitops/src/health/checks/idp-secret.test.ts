import {
  CognitoIdentityProviderClient,
  CreateIdentityProviderCommand,
  CreateUserPoolCommand,
  UpdateIdentityProviderCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { CreateSecretCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { IDP_CLIENT_SECRET_PLACEHOLDER } from '@metaflow-gitops/constructs';
import { idpClientSecretName, placeholderOutputs } from '@metaflow-gitops/stage-config';
import { describeOnMoto, MOTO_REGION } from '@metaflow-gitops/testing/gitops';
import { makeStageConfig } from '@metaflow-gitops/testing/stage-config';
import { doctorContext } from '../doctor-context';
import { idpSecretCheck } from './idp-secret';

describeOnMoto('idp-secret check on moto', () => {
  const config = makeStageConfig({ name: 'idp' });
  const { clientId, idpProviderName } = config.oidcConfig;
  const cognito = () => new CognitoIdentityProviderClient({ region: MOTO_REGION });
  const secrets = () => new SecretsManagerClient({ region: MOTO_REGION });
  let userPoolId = '';
  const run = async () =>
    [await idpSecretCheck.run(doctorContext(config, { outputs: async () => ({ ...placeholderOutputs(), userPoolId }) }))].flat();

  beforeAll(async () => {
    // As the Auth stack leaves it: the IdP with the placeholder, the secret with CloudFormation's generated value.
    userPoolId = (await cognito().send(new CreateUserPoolCommand({ PoolName: 'idp' }))).UserPool!.Id!;
    await cognito().send(
      new CreateIdentityProviderCommand({
        UserPoolId: userPoolId,
        ProviderName: idpProviderName,
        ProviderType: 'OIDC',
        ProviderDetails: {
          client_id: clientId,
          client_secret: IDP_CLIENT_SECRET_PLACEHOLDER,
          oidc_issuer: 'https://idp.example.com',
          authorize_scopes: 'openid',
        },
      }),
    );
    await secrets().send(
      new CreateSecretCommand({ Name: idpClientSecretName(clientId), SecretString: '{"FEDERATE_CLIENT_SECRET":"generated"}' }),
    );
  });

  it('fails while the secret was never stored and Cognito has the placeholder, with the Federate commands as fix', async () => {
    const findings = await run();
    expect(findings.map((f) => [f.check, f.status])).toEqual([
      ['idp-secret:stored', 'fail'],
      ['idp-secret:cognito', 'fail'],
    ]);
    expect(findings[1].summary).toContain('still has the placeholder client secret: login fails with invalid_client');
    for (const f of findings) expect(f.fix).toContain('FederateSecretStoreCommand and FederateCognitoUpdateCommand');
  });

  it('fails when the secret does not exist (a client id that changed without a deploy)', async () => {
    const other = makeStageConfig({ name: 'idp', oidcConfig: { clientId: 'another-client' } });
    const findings = [
      await idpSecretCheck.run(doctorContext(other, { outputs: async () => ({ ...placeholderOutputs(), userPoolId }) })),
    ].flat();
    expect(findings[0]).toMatchObject({
      check: 'idp-secret:stored',
      status: 'fail',
      summary:
        "another-client/federate-client-secret does not exist (the Auth stack creates it; the IdP's client id in the stage file changed?)",
    });
    expect(findings[0].fix).toMatch(/^mfctl deploy idp creates it; then finish the IdP federation/);
  });

  it('is ok once the operator ran both Federate commands', async () => {
    await secrets().send(
      new PutSecretValueCommand({ SecretId: idpClientSecretName(clientId), SecretString: '{"FEDERATE_CLIENT_SECRET":"real"}' }),
    );
    await cognito().send(
      new UpdateIdentityProviderCommand({
        UserPoolId: userPoolId,
        ProviderName: idpProviderName,
        ProviderDetails: { client_id: clientId, client_secret: 'real', oidc_issuer: 'https://idp.example.com', authorize_scopes: 'openid' },
      }),
    );
    expect((await run()).map((f) => [f.check, f.status])).toEqual([
      ['idp-secret:stored', 'ok'],
      ['idp-secret:cognito', 'ok'],
    ]);
  });
});
