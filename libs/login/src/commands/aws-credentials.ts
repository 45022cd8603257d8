import { existsSync, readFileSync } from 'node:fs';
import { decodeJwt } from 'jose';
import { EXIT, LoginError } from '../private/errors';
import { metaflowHome, stagePaths, writePrivateFile } from '../private/files';
import { freshTokens, MIN_VALIDITY_S, type Runtime } from '../private/session';
import { assumeRoleWithWebIdentity, sessionName, stsEndpoint, type AwsCredentials } from '../private/sts';
import { requireTokens, type StoredTokens } from '../private/tokens';

export interface AwsCredentialsOptions {
  readonly stage: string;
  readonly clockToleranceS: number;
}

/** Cached credentials are used while they have more than this left; then new ones are fetched. */
export const CREDENTIALS_MIN_VALIDITY_S = 5 * 60;

/** Session length asked of STS: the role's maximum (one hour). */
const SESSION_DURATION_S = 3600;

/** What `aws-credentials/<stage>.json` holds: the credentials and whose they are. */
interface CachedCredentials {
  readonly roleArn: string;
  readonly subject?: string;
  readonly credentials: AwsCredentials;
}

function readCache(path: string): CachedCredentials | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as CachedCredentials;
  } catch {
    return undefined; // rewritten below
  }
}

/** Milliseconds the stored ID token has left (0 when it is missing or unreadable). */
function idTokenRemainingMs(tokens: StoredTokens, now: number): number {
  if (!tokens.idToken) return 0;
  try {
    const { exp } = decodeJwt(tokens.idToken);
    return typeof exp === 'number' ? exp * 1000 - now : 0;
  } catch {
    return 0;
  }
}

/**
 * `metaflow-login aws-credentials <stage>`: the `credential_process` of the `metaflow-<stage>` AWS
 * profile. Prints short-lived credentials of the stage's data-scientist role in the AWS CLI's
 * format (https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-sourcing-external.html):
 * from the cache while they have more than five minutes left, else from STS
 * (`AssumeRoleWithWebIdentity` with the stored ID token, refreshed silently first when needed).
 */
export async function awsCredentialsCommand(opts: AwsCredentialsOptions, rt: Runtime): Promise<number> {
  const home = metaflowHome(rt.env);
  const cachePath = stagePaths(home, opts.stage).awsCredentials;
  const stored = requireTokens(home, opts.stage);
  if (!stored.awsRoleArn || !stored.region) {
    throw new LoginError(
      `stage '${opts.stage}' gave this login no data-scientist role: run metaflow-login ${stored.stageUrl} again ` +
        '(if it still has none, the stage was deployed before the role existed: ask the platform team to deploy it).',
    );
  }
  const cached = readCache(cachePath);
  const usable =
    cached !== undefined &&
    cached.roleArn === stored.awsRoleArn &&
    cached.subject === stored.subject &&
    Date.parse(cached.credentials.Expiration) - rt.now() > CREDENTIALS_MIN_VALIDITY_S * 1000;
  const credentials = usable ? cached.credentials : await assumeStageRole(opts, stored.awsRoleArn, stored.region, rt);
  rt.stdout(`${JSON.stringify({ Version: 1, ...credentials })}\n`);
  return EXIT.ok;
}

/** New credentials from STS with a fresh ID token, cached (0600) for the next call. */
async function assumeStageRole(opts: AwsCredentialsOptions, roleArn: string, region: string, rt: Runtime): Promise<AwsCredentials> {
  const home = metaflowHome(rt.env);
  let tokens = await freshTokens(home, opts.stage, rt, opts.clockToleranceS);
  if (idTokenRemainingMs(tokens, rt.now()) <= MIN_VALIDITY_S * 1000) {
    tokens = await freshTokens(home, opts.stage, rt, opts.clockToleranceS, { force: true });
  }
  if (!tokens.idToken) throw new LoginError(`stage '${opts.stage}' has no ID token stored: run metaflow-login ${tokens.stageUrl} again`);
  const credentials = await assumeRoleWithWebIdentity({
    endpoint: stsEndpoint(rt.env, region),
    roleArn,
    sessionName: sessionName(tokens.email ?? tokens.subject),
    webIdentityToken: tokens.idToken,
    durationS: SESSION_DURATION_S,
  });
  const cache: CachedCredentials = { roleArn, subject: tokens.subject, credentials };
  writePrivateFile(stagePaths(home, opts.stage).awsCredentials, `${JSON.stringify(cache, null, 2)}\n`);
  return credentials;
}
