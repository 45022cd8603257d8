import { rmSync } from 'node:fs';
import { EXIT } from '../private/errors';
import { metaflowHome, stagePaths } from '../private/files';
import { discoverIssuer, revocationEndpoint, revoke } from '../private/oidc';
import type { Runtime } from '../private/session';
import { readTokens, removeTokens } from '../private/tokens';

export interface LogoutOptions {
  readonly stage: string;
}

/**
 * `metaflow-login logout <stage>`: revokes the refresh token (and the access token) at the issuer's
 * revocation endpoint (or Cognito's `/oauth2/revoke`), then removes the stored tokens. The profile stays: it holds no secret.
 * The tokens are removed even when revocation fails (the issuer is unreachable): the exit code says so.
 */
export async function logoutCommand(opts: LogoutOptions, rt: Runtime): Promise<number> {
  const home = metaflowHome(rt.env);
  const tokens = readTokens(home, opts.stage);
  if (!tokens) {
    rt.stderr(`Not logged in to stage '${opts.stage}': nothing to do.\n`);
    return EXIT.ok;
  }
  let code: number = EXIT.ok;
  try {
    const issuer = await discoverIssuer(tokens.issuer, tokens.clientId);
    const endpoint = revocationEndpoint(issuer, tokens.cognitoDomain);
    const revoked = tokens.refreshToken ? await revoke(issuer, tokens.refreshToken, 'refresh_token', endpoint) : false;
    // Revoking the refresh token ends the session (Cognito also invalidates its access tokens);
    // not every issuer accepts access tokens at the revocation endpoint, so this one is best effort.
    if (revoked) await revoke(issuer, tokens.accessToken, 'access_token', endpoint).catch(() => false);
    rt.stderr(
      revoked
        ? 'Revoked the session at the identity provider.\n'
        : 'The identity provider has no revocation endpoint: tokens are removed locally and expire on their own.\n',
    );
  } catch (err) {
    rt.stderr(`warning: could not revoke the session (${(err as Error).message}); removing the local tokens anyway.\n`);
    code = EXIT.failure;
  }
  removeTokens(home, opts.stage);
  // The AWS credentials of the session end with it here (STS credentials cannot be revoked one by one).
  rmSync(stagePaths(home, opts.stage).awsCredentials, { force: true });
  rt.stderr(`Logged out of stage '${opts.stage}'.\n`);
  return code;
}
