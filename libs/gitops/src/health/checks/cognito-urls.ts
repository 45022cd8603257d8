import { DescribeUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import { OAUTH2_CALLBACK_PATH, cliRedirectUris } from '@metaflow-gitops/stage-config';
import { Finding } from '../report';
import { DoctorCheck } from '../doctor-check';

function compare(check: string, what: string, actual: readonly string[], expected: readonly string[], fix: string): Finding {
  const missing = expected.filter((u) => !actual.includes(u));
  const extra = actual.filter((u) => !expected.includes(u));
  if (missing.length === 0 && extra.length === 0) return { check, status: 'ok', summary: `${what}: ${expected.join(', ')}` };
  return {
    check,
    status: 'fail',
    summary: `${what} differ from the stage host's`,
    details: [...missing.map((u) => `missing: ${u}`), ...extra.map((u) => `not expected: ${u}`)],
    fix,
  };
}

/**
 * Cognito's app clients carry the URLs of the stage host: the gateway's callback
 * (`https://<host>/oauth2/callback`) and logout (`https://<host>/`) URLs, and the CLI's loopback
 * redirect URIs. Cognito refuses a login whose `redirect_uri` is not registered.
 */
export const cognitoUrlsCheck: DoctorCheck = {
  id: 'cognito-urls',
  title: "Cognito's callback and logout URLs match the stage host",
  async run(ctx) {
    const outputs = await ctx.outputs();
    const fix = `the Auth stack sets these URLs: a difference is a change made out of band (or a domain change not yet deployed): mfctl deploy ${ctx.config.name}`;
    const describe = async (clientId: string) =>
      (await ctx.aws.cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: outputs.userPoolId, ClientId: clientId })))
        .UserPoolClient;
    const gateway = await describe(outputs.gatewayClientId);
    const cli = await describe(outputs.cliClientId);
    return [
      compare(
        'cognito-urls:gateway-callback',
        'gateway client callback URLs',
        gateway?.CallbackURLs ?? [],
        [`https://${ctx.host}${OAUTH2_CALLBACK_PATH}`],
        fix,
      ),
      compare('cognito-urls:gateway-logout', 'gateway client logout URLs', gateway?.LogoutURLs ?? [], [`https://${ctx.host}/`], fix),
      compare('cognito-urls:cli-callback', 'CLI client redirect URIs', cli?.CallbackURLs ?? [], cliRedirectUris(), fix),
    ];
  },
};
