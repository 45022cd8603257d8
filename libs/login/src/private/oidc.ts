import * as client from 'openid-client';
import { createRemoteJWKSet, decodeJwt, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { printable } from '@metaflow-gitops/stage-config';
import { isLoopbackUrl } from '../discovery';
import { LoginError } from './errors';

/** Default allowed difference between this machine's clock and the issuer's, in seconds. */
export const DEFAULT_CLOCK_TOLERANCE_S = 120;

/** Where an `invalid_client` sends the user: the operator's IdP secret setup. */
const INVALID_CLIENT_HINT =
  'The identity provider rejected the CLI client (invalid_client). This is a stage setup problem, not yours: ' +
  "an operator must finish the IdP federation (store the IdP client secret and update Cognito with the auth stack's " +
  'FederateSecretStoreCommand and FederateCognitoUpdateCommand outputs; see the operator guide, "Federate setup").';

/** The issuer's configuration for the stage's public CLI client. */
export interface Issuer {
  readonly config: client.Configuration;
  readonly issuer: string;
  readonly clientId: string;
}

/**
 * Fetches the issuer's OpenID metadata; the issuer it names must equal the expected one.
 * `clockToleranceS` also applies to openid-client's own ID token checks.
 */
export async function discoverIssuer(
  issuer: string,
  clientId: string,
  clockToleranceS: number = DEFAULT_CLOCK_TOLERANCE_S,
): Promise<Issuer> {
  const url = new URL(issuer);
  // Plain http only for loopback issuers (tests, local providers); a real stage's issuer is https.
  const options = isLoopbackUrl(url) ? { execute: [client.allowInsecureRequests], timeout: 15 } : { timeout: 15 };
  try {
    const config = await client.discovery(url, clientId, { [client.clockTolerance]: clockToleranceS }, client.None(), options);
    return { config, issuer, clientId };
  } catch (err) {
    throw issuerError(err, issuer);
  }
}

function issuerError(err: unknown, issuer: string): LoginError {
  const e = err as { code?: string; message?: string; cause?: unknown };
  if (e.code === 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED' || /"issuer"/.test(e.message ?? '')) {
    const actual = (e.cause as { body?: { issuer?: string } } | undefined)?.body?.issuer;
    return new LoginError(
      `wrong issuer: the stage names '${issuer}' but that server's OpenID metadata says '${printable(actual ?? 'something else')}'. ` +
        'Refusing to log in (the discovery document or the IdP is misconfigured).',
    );
  }
  const cause = (e.cause as { code?: string } | undefined)?.code;
  return new LoginError(`cannot reach the stage's identity provider at ${issuer} (${printable(cause ?? e.message ?? String(err))}).`);
}

/** Verification settings for tokens of one stage. */
export interface VerifyOptions {
  readonly issuer: string;
  readonly clientId: string;
  readonly jwksUri: string;
  readonly clockToleranceS: number;
  /** The nonce sent with the authorization request (only for tokens from the code flow). */
  readonly nonce?: string;
  /** Seconds since the epoch, "now" on this machine. */
  readonly now: number;
}

export interface VerifiedTokens {
  readonly idClaims?: JWTPayload;
  readonly accessClaims?: JWTPayload;
}

const jwksCache = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

function jwksFor(uri: string) {
  let set = jwksCache.get(uri);
  if (!set) {
    set = createRemoteJWKSet(new URL(uri));
    jwksCache.set(uri, set);
  }
  return set;
}

function isJwt(token: string): boolean {
  return token.split('.').length === 3;
}

/**
 * Checks that the clocks agree before the claims are judged, so a skewed laptop clock gets its own
 * message instead of "token expired" or "token not yet valid".
 */
function checkClock(token: string, opts: VerifyOptions, what: string): void {
  const { iat } = decodeJwt(token);
  if (typeof iat !== 'number') return;
  const skew = iat - opts.now;
  if (Math.abs(skew) > opts.clockToleranceS) {
    throw new LoginError(
      `clock skew: the ${what} was issued at ${new Date(iat * 1000).toISOString()} by the issuer's clock, but this machine's clock says ` +
        `${new Date(opts.now * 1000).toISOString()} (${Math.abs(skew)} s ${skew > 0 ? 'behind' : 'ahead'}; tolerance ${opts.clockToleranceS} s). ` +
        'Synchronize your clock (NTP) and log in again, or raise --clock-tolerance.',
    );
  }
}

async function verifyJwt(token: string, opts: VerifyOptions, what: string, audience?: string): Promise<JWTPayload> {
  checkClock(token, opts, what);
  try {
    const { payload } = await jwtVerify(token, jwksFor(opts.jwksUri), {
      issuer: opts.issuer,
      audience,
      clockTolerance: opts.clockToleranceS,
      currentDate: new Date(opts.now * 1000),
    });
    return payload;
  } catch (err) {
    if (err instanceof joseErrors.JWTClaimValidationFailed) {
      const claim = err.claim;
      if (claim === 'iss')
        throw new LoginError(
          `wrong issuer: the ${what} was issued by '${printable(String(decodeJwt(token).iss))}', expected '${opts.issuer}'. Refusing it.`,
        );
      if (claim === 'aud') {
        throw new LoginError(
          `wrong audience: the ${what} is for ${printable(JSON.stringify(decodeJwt(token).aud))}, not this stage's CLI client '${opts.clientId}'. Refusing it.`,
        );
      }
      throw new LoginError(`the ${what} failed its '${printable(claim)}' check: ${printable(err.message)}`);
    }
    if (err instanceof joseErrors.JWTExpired)
      throw new LoginError(`the ${what} has expired (exp ${new Date(Number(decodeJwt(token).exp) * 1000).toISOString()}).`);
    if (err instanceof joseErrors.JWSSignatureVerificationFailed || err instanceof joseErrors.JWKSNoMatchingKey) {
      throw new LoginError(`the ${what}'s signature does not verify against the issuer's keys (${opts.jwksUri}). Refusing it.`);
    }
    throw new LoginError(`cannot verify the ${what}: ${printable((err as Error).message)}`);
  }
}

/**
 * Verifies what the token endpoint returned: the ID token (signature through the issuer's JWKS,
 * issuer, audience = the CLI client, expiry, nonce) and, when the access token is a JWT as
 * Cognito's are, its signature, issuer, expiry and client (`client_id`, which Cognito access tokens
 * carry instead of `aud`).
 */
export async function verifyTokens(tokens: { id_token?: string; access_token: string }, opts: VerifyOptions): Promise<VerifiedTokens> {
  let idClaims: JWTPayload | undefined;
  if (tokens.id_token) {
    idClaims = await verifyJwt(tokens.id_token, opts, 'ID token', opts.clientId);
    if (opts.nonce !== undefined && idClaims.nonce !== opts.nonce) {
      throw new LoginError('the ID token does not carry the nonce of this login (replayed or substituted token). Refusing it.');
    }
  }
  let accessClaims: JWTPayload | undefined;
  if (isJwt(tokens.access_token)) {
    accessClaims = await verifyJwt(tokens.access_token, opts, 'access token');
    const cid = accessClaims.client_id;
    const aud = accessClaims.aud;
    const forUs = cid !== undefined ? cid === opts.clientId : Array.isArray(aud) ? aud.includes(opts.clientId) : aud === opts.clientId;
    if (!forUs) {
      throw new LoginError(
        `wrong audience: the access token was issued to client '${printable(String(cid ?? aud))}', not this stage's CLI client '${opts.clientId}'. Refusing it.`,
      );
    }
  }
  return { idClaims, accessClaims };
}

/** Turns a token-endpoint or authorization error into a message that says what to do. */
export function oauthError(err: unknown, during: string): LoginError {
  if (err instanceof LoginError) return err;
  if (err instanceof client.ResponseBodyError || err instanceof client.AuthorizationResponseError) {
    return errorCodeMessage(err.error, err.error_description, during);
  }
  // openid-client wraps oauth4webapi's errors: look through the cause chain for the one with a code.
  type Coded = { code?: string; message?: string; cause?: unknown; claim?: string; expected?: string; claims?: Record<string, unknown> };
  const chain: Coded[] = [];
  for (let e = err as Coded | undefined; e && typeof e === 'object' && chain.length < 6; e = e.cause as Coded | undefined) chain.push(e);
  const oauth = chain.find((e) => e.code?.startsWith('OAUTH_'));
  // The claim comparison details ({ claim, expected, claims }) sit at the end of the chain.
  const detail: Coded = chain.find((e) => typeof e.claim === 'string') ?? {};
  if (oauth?.code === 'OAUTH_JWT_CLAIM_COMPARISON_FAILED' && detail.claim === 'aud') {
    return new LoginError(
      `wrong audience: the ID token is for ${printable(JSON.stringify(detail.claims?.aud) ?? 'nothing')}, not this stage's CLI client '${detail.expected}'. Refusing it.`,
    );
  }
  if (oauth?.code === 'OAUTH_JWT_CLAIM_COMPARISON_FAILED' && detail.claim === 'iss') {
    return new LoginError(
      `wrong issuer: the ID token was issued by '${printable(String(detail.claims?.iss))}', expected '${detail.expected}'. Refusing it.`,
    );
  }
  if (oauth?.code === 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED') {
    return new LoginError(
      `clock skew or expired token during ${during}: ${printable(oauth.message ?? '')}. Synchronize your clock (NTP) and retry, or raise --clock-tolerance.`,
    );
  }
  if (oauth) return new LoginError(`${during} failed: ${printable(oauth.message ?? '')} (${oauth.code}).`);
  const network = chain.find((e) => /^(E[A-Z]+|UND_ERR_[A-Z_]+)$/.test(e.code ?? ''));
  if (network) return new LoginError(`cannot reach the identity provider during ${during} (${network.code}).`);
  return new LoginError(`${during} failed: ${printable((err as Error).message ?? String(err))}`);
}

/**
 * Message for an OAuth error code returned by the IdP (RFC 6749 section 4.1.2.1 and 5.2). Code and
 * description are remote text (a pre-token trigger's error message reaches the user this way):
 * printed escaped.
 */
export function errorCodeMessage(rawCode: string, description: string | undefined, during: string): LoginError {
  const code = printable(rawCode);
  const detail = description ? ` (${printable(description)})` : '';
  switch (code) {
    case 'invalid_client':
    case 'unauthorized_client':
      return new LoginError(`${INVALID_CLIENT_HINT} IdP said: ${code}${detail}.`);
    case 'access_denied':
      return new LoginError(
        `login was denied${detail}: you cancelled it, or your account is not in a group allowed on this stage. Ask the platform team for access.`,
      );
    case 'invalid_grant':
      return new LoginError(
        `the identity provider refused the grant during ${during}${detail}: it has expired or was revoked. Log in again.`,
      );
    default:
      return new LoginError(`${during} failed: ${code}${detail}.`);
  }
}

export interface TokenResult {
  readonly accessToken: string;
  readonly idToken?: string;
  readonly refreshToken?: string;
  /** Epoch ms. */
  readonly expiresAt: number;
  readonly verified: VerifiedTokens;
}

function expiresAtOf(res: client.TokenEndpointResponse, verified: VerifiedTokens, nowMs: number): number {
  if (typeof verified.accessClaims?.exp === 'number') return verified.accessClaims.exp * 1000;
  if (typeof res.expires_in === 'number') return nowMs + res.expires_in * 1000;
  return nowMs + 5 * 60_000;
}

export interface ExchangeContext {
  readonly issuer: Issuer;
  readonly clockToleranceS: number;
  /** Current time in epoch ms (a parameter so clock skew can be tested). */
  readonly now: () => number;
}

function verifyOptions(ctx: ExchangeContext, nonce?: string): VerifyOptions {
  const jwksUri = ctx.issuer.config.serverMetadata().jwks_uri;
  if (!jwksUri) throw new LoginError(`the issuer ${ctx.issuer.issuer} publishes no jwks_uri: cannot verify tokens.`);
  return {
    issuer: ctx.issuer.issuer,
    clientId: ctx.issuer.clientId,
    jwksUri,
    clockToleranceS: ctx.clockToleranceS,
    nonce,
    now: Math.floor(ctx.now() / 1000),
  };
}

/** Completes the code flow: exchanges the code (with the PKCE verifier) and verifies the tokens. */
export async function exchangeCode(
  ctx: ExchangeContext,
  callbackUrl: URL,
  checks: { pkceCodeVerifier: string; expectedState: string; expectedNonce: string },
): Promise<TokenResult> {
  let res: client.TokenEndpointResponse;
  try {
    res = await client.authorizationCodeGrant(ctx.issuer.config, callbackUrl, { ...checks, idTokenExpected: true });
  } catch (err) {
    throw oauthError(err, 'the token exchange');
  }
  const verified = await verifyTokens({ id_token: res.id_token, access_token: res.access_token }, verifyOptions(ctx, checks.expectedNonce));
  return {
    accessToken: res.access_token,
    idToken: res.id_token,
    refreshToken: res.refresh_token,
    expiresAt: expiresAtOf(res, verified, ctx.now()),
    verified,
  };
}

/** Refreshes without a browser; `invalid_grant` (expired or revoked refresh token) becomes `undefined`. */
export async function refresh(ctx: ExchangeContext, refreshToken: string): Promise<TokenResult | undefined> {
  let res: client.TokenEndpointResponse;
  try {
    res = await client.refreshTokenGrant(ctx.issuer.config, refreshToken);
  } catch (err) {
    if (err instanceof client.ResponseBodyError && err.error === 'invalid_grant') return undefined;
    throw oauthError(err, 'the token refresh');
  }
  const verified = await verifyTokens({ id_token: res.id_token, access_token: res.access_token }, verifyOptions(ctx));
  return {
    accessToken: res.access_token,
    idToken: res.id_token,
    // Providers that do not rotate refresh tokens return none: keep the one we have.
    refreshToken: res.refresh_token ?? refreshToken,
    expiresAt: expiresAtOf(res, verified, ctx.now()),
    verified,
  };
}

/**
 * The revocation endpoint: the issuer metadata's, else Cognito's `<hosted-UI domain>/oauth2/revoke`
 * (Cognito serves revocation on its hosted-UI domain, which the discovery document names).
 */
export function revocationEndpoint(issuer: Issuer, cognitoDomain?: string): string | undefined {
  const advertised = issuer.config.serverMetadata().revocation_endpoint;
  if (advertised) return advertised;
  return cognitoDomain ? new URL('/oauth2/revoke', cognitoDomain).toString() : undefined;
}

/** Revokes a token at `endpoint` (see revocationEndpoint); returns false when there is none. */
export async function revoke(
  issuer: Issuer,
  token: string,
  hint: 'refresh_token' | 'access_token',
  endpoint: string | undefined,
): Promise<boolean> {
  if (!endpoint) return false;
  let config = issuer.config;
  if (endpoint !== config.serverMetadata().revocation_endpoint) {
    const { issuer: iss, token_endpoint, jwks_uri } = config.serverMetadata();
    config = new client.Configuration(
      { issuer: iss, token_endpoint, jwks_uri, revocation_endpoint: endpoint },
      issuer.clientId,
      undefined,
      client.None(),
    );
    if (isLoopbackUrl(new URL(endpoint))) client.allowInsecureRequests(config);
  }
  try {
    await client.tokenRevocation(config, token, { token_type_hint: hint });
    return true;
  } catch (err) {
    throw oauthError(err, 'token revocation');
  }
}

export interface AuthorizationRequest {
  readonly url: URL;
  readonly state: string;
  readonly nonce: string;
  readonly pkceCodeVerifier: string;
}

/** Builds the authorization URL: code flow, PKCE S256, fresh state and nonce, the stage's scopes. */
export async function authorizationRequest(issuer: Issuer, redirectUri: string, scope: string): Promise<AuthorizationRequest> {
  const pkceCodeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(issuer.config, {
    redirect_uri: redirectUri,
    scope,
    code_challenge: await client.calculatePKCECodeChallenge(pkceCodeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  return { url, state, nonce, pkceCodeVerifier };
}
