import {
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { cliRedirectUris, placeholderOutputs } from '@metaflow-gitops/stage-config';
import { describeOnMoto, MOTO_REGION } from '@metaflow-gitops/testing/gitops';
import { makeStageConfig } from '@metaflow-gitops/testing/stage-config';
import { doctorContext } from '../doctor-context';
import { cognitoUrlsCheck } from './cognito-urls';

describeOnMoto('cognito-urls check on moto', () => {
  const config = makeStageConfig({ name: 'urls' });
  const cognito = () => new CognitoIdentityProviderClient({ region: MOTO_REGION });
  const client = async (userPoolId: string, callbacks: string[], logouts?: string[]) =>
    (
      await cognito().send(
        new CreateUserPoolClientCommand({ UserPoolId: userPoolId, ClientName: 'c', CallbackURLs: callbacks, LogoutURLs: logouts }),
      )
    ).UserPoolClient!.ClientId!;
  const run = async (userPoolId: string, gatewayClientId: string, cliClientId: string) =>
    [
      await cognitoUrlsCheck.run(
        doctorContext(config, { outputs: async () => ({ ...placeholderOutputs(), userPoolId, gatewayClientId, cliClientId }) }),
      ),
    ].flat();

  it("is ok when the clients carry the stage host's URLs", async () => {
    const pool = (await cognito().send(new CreateUserPoolCommand({ PoolName: 'ok' }))).UserPool!.Id!;
    const gw = await client(pool, ['https://urls.metaflow.example.com/oauth2/callback'], ['https://urls.metaflow.example.com/']);
    const cli = await client(pool, cliRedirectUris());
    expect((await run(pool, gw, cli)).map((f) => [f.check, f.status])).toEqual([
      ['cognito-urls:gateway-callback', 'ok'],
      ['cognito-urls:gateway-logout', 'ok'],
      ['cognito-urls:cli-callback', 'ok'],
    ]);
  });

  it('fails naming each URL missing or not expected (an old host, a CLI port removed)', async () => {
    const pool = (await cognito().send(new CreateUserPoolCommand({ PoolName: 'wrong' }))).UserPool!.Id!;
    const gw = await client(pool, ['https://old.metaflow.example.com/oauth2/callback'], ['https://urls.metaflow.example.com/']);
    const cli = await client(pool, cliRedirectUris().slice(1));
    const findings = await run(pool, gw, cli);
    expect(findings.map((f) => [f.check, f.status])).toEqual([
      ['cognito-urls:gateway-callback', 'fail'],
      ['cognito-urls:gateway-logout', 'ok'],
      ['cognito-urls:cli-callback', 'fail'],
    ]);
    expect(findings[0].details).toEqual([
      'missing: https://urls.metaflow.example.com/oauth2/callback',
      'not expected: https://old.metaflow.example.com/oauth2/callback',
    ]);
    expect(findings[2].details).toEqual([`missing: ${cliRedirectUris()[0]}`]);
    expect(findings[0].fix).toContain('mfctl deploy urls');
  });
});
