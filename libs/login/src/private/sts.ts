import { printable } from '@metaflow-gitops/stage-config';
import { boundedText } from './bounded-text';
import { LoginError } from './errors';

/** Short-lived AWS credentials, in the shape (and key names) of the AWS CLI's `credential_process` output. */
export interface AwsCredentials {
  readonly AccessKeyId: string;
  readonly SecretAccessKey: string;
  readonly SessionToken: string;
  /** ISO 8601. */
  readonly Expiration: string;
}

/**
 * The STS endpoint: `AWS_ENDPOINT_URL_STS`, else `AWS_ENDPOINT_URL` (the variables the AWS CLI and
 * SDKs honour too: https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html), else
 * the regional endpoint of the stage.
 */
export function stsEndpoint(env: NodeJS.ProcessEnv, region: string): string {
  const configured = env.AWS_ENDPOINT_URL_STS || env.AWS_ENDPOINT_URL;
  if (configured) return configured;
  return `https://sts.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}/`;
}

/** An STS answer is a few KB; anything larger is not STS. */
const MAX_STS_BYTES = 64 * 1024;

/** The text of the first `<name>...</name>` element in `xml` (no attributes, no nesting of the same name), entities decoded. */
function element(xml: string, name: string): string | undefined {
  const open = `<${name}>`;
  const start = xml.indexOf(open);
  if (start === -1) return undefined;
  const end = xml.indexOf(`</${name}>`, start + open.length);
  if (end === -1) return undefined;
  return xml
    .slice(start + open.length, end)
    .trim()
    .replace(/&(lt|gt|quot|apos|amp);/g, (_, e: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[e] as string);
}

/**
 * Reads an `AssumeRoleWithWebIdentity` answer (STS's query API answers XML): the credentials of a
 * 200, or a LoginError naming STS's error code and message (printed escaped) for anything else.
 */
export function parseAssumeRoleResponse(status: number, body: string): AwsCredentials {
  if (status !== 200) {
    const code = element(body, 'Code');
    const message = element(body, 'Message');
    const what = code ? `${printable(code)}${message ? `: ${printable(message)}` : ''}` : `HTTP ${status}`;
    throw new LoginError(`AWS STS refused the stage's data-scientist role (${what})`);
  }
  const credentials = element(body, 'Credentials');
  const values = credentials && {
    AccessKeyId: element(credentials, 'AccessKeyId'),
    SecretAccessKey: element(credentials, 'SecretAccessKey'),
    SessionToken: element(credentials, 'SessionToken'),
    Expiration: element(credentials, 'Expiration'),
  };
  if (!values || !values.AccessKeyId || !values.SecretAccessKey || !values.SessionToken || !values.Expiration) {
    throw new LoginError('AWS STS answered AssumeRoleWithWebIdentity without credentials (is AWS_ENDPOINT_URL_STS an STS endpoint?)');
  }
  const expiration = Date.parse(values.Expiration);
  if (!Number.isFinite(expiration))
    throw new LoginError(`AWS STS answered an invalid Expiration ${JSON.stringify(printable(values.Expiration))}`);
  return {
    AccessKeyId: values.AccessKeyId,
    SecretAccessKey: values.SecretAccessKey,
    SessionToken: values.SessionToken,
    Expiration: new Date(expiration).toISOString(),
  };
}

export interface AssumeRoleRequest {
  readonly endpoint: string;
  readonly roleArn: string;
  /** Shown in CloudTrail as the session name: the user. */
  readonly sessionName: string;
  /** The OIDC ID token (its `aud` is the client the role's OIDC provider accepts). */
  readonly webIdentityToken: string;
  readonly durationS: number;
}

/**
 * `AssumeRoleWithWebIdentity` as one unsigned HTTPS POST to STS's query API (the call needs no AWS
 * credentials: https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html),
 * so the login CLI needs no AWS SDK.
 */
export async function assumeRoleWithWebIdentity(req: AssumeRoleRequest, timeoutMs = 15_000): Promise<AwsCredentials> {
  const body = new URLSearchParams({
    Action: 'AssumeRoleWithWebIdentity',
    Version: '2011-06-15',
    RoleArn: req.roleArn,
    RoleSessionName: req.sessionName,
    WebIdentityToken: req.webIdentityToken,
    DurationSeconds: String(req.durationS),
  });
  let res: Response;
  try {
    res = await fetch(req.endpoint, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', accept: 'text/xml' },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new LoginError(
      `cannot reach AWS STS at ${req.endpoint} (${cause?.code ?? cause?.message ?? (err as Error).message}): check your network.`,
    );
  }
  const text = await boundedText(res, MAX_STS_BYTES);
  if (text === undefined) throw new LoginError(`AWS STS at ${req.endpoint} answered more than ${MAX_STS_BYTES} bytes: not an STS answer`);
  return parseAssumeRoleResponse(res.status, text);
}

/** A RoleSessionName from the user (CloudTrail shows it): STS allows 2-64 of `[\w+=,.@-]`. */
export function sessionName(user: string | undefined): string {
  const cleaned = (user ?? '').replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
  return cleaned.length >= 2 ? cleaned : 'metaflow-login';
}
