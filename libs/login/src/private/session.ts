import { openBrowser } from './browser';
import type { DiscoveryDocument } from '../discovery';
import { LoginError } from './errors';
import { finishPage, listenLoopback } from './loopback';
import {
  authorizationRequest,
  discoverIssuer,
  errorCodeMessage,
  exchangeCode,
  refresh,
  type ExchangeContext,
  type Issuer,
  type TokenResult,
} from './oidc';
import { requireTokens, withTokenLock, writeTokens, type StoredTokens } from './tokens';

/** What the commands need from the outside world; tests pass their own. */
export interface Runtime {
  readonly env: NodeJS.ProcessEnv;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Epoch milliseconds. */
  readonly now: () => number;
  /** Where `--stage` looks for the repository. */
  readonly cwd: string;
  /** Asks the user a yes/no question on the terminal; absent when there is no terminal to ask. */
  readonly confirm?: (question: string) => Promise<boolean>;
}

export interface BrowserLoginOptions {
  /** Open the browser (false: only print the URL). */
  readonly browser: boolean;
  /** Seconds to wait for the redirect. */
  readonly timeoutS: number;
}

/**
 * Authorization code flow with PKCE and a loopback redirect: listens on a free registered port,
 * sends the user to the IdP, waits for the redirect that carries this login's state (ignoring any
 * other request), exchanges the code, verifies the tokens.
 */
export async function browserLogin(
  ctx: ExchangeContext,
  doc: DiscoveryDocument,
  opts: BrowserLoginOptions,
  rt: Runtime,
): Promise<TokenResult> {
  let settle!: { resolve: (t: TokenResult) => void; reject: (e: Error) => void };
  const result = new Promise<TokenResult>((resolve, reject) => (settle = { resolve, reject }));
  // The redirect can come back while the browser is still being started: mark the rejection handled
  // here; it is awaited below.
  result.catch(() => undefined);
  let request: Awaited<ReturnType<typeof authorizationRequest>> | undefined;
  let handled = false;

  // Only the redirect that carries this login's `state` counts: any local process or web page can
  // reach the loopback port, and a request without the state (an error it made up, a stale tab)
  // neither ends nor aborts the login. What it says is never printed.
  let ignored = 0;
  const loopback = await listenLoopback(doc.redirectPorts, doc.redirectPath, (url, res) => {
    if (handled || !request) {
      finishPage(res, false, 'This login was already completed or abandoned; return to the terminal.');
      return;
    }
    if (url.searchParams.get('state') !== request.state) {
      finishPage(res, false, 'This request does not carry the state of the login in progress: it was ignored.');
      if (ignored++ === 0) {
        rt.stderr(
          `Ignored a request to ${loopback.redirectUri} without this login's state (a stale browser tab, or another program); still waiting.\n`,
        );
      }
      return;
    }
    handled = true;
    const error = url.searchParams.get('error');
    if (error) {
      const err = errorCodeMessage(error, url.searchParams.get('error_description') ?? undefined, 'the login');
      finishPage(res, false, err.message);
      settle.reject(err);
      return;
    }
    const callbackUrl = new URL(`${url.pathname}${url.search}`, loopback.redirectUri);
    exchangeCode(ctx, callbackUrl, {
      pkceCodeVerifier: request.pkceCodeVerifier,
      expectedState: request.state,
      expectedNonce: request.nonce,
    }).then(
      (tokens) => {
        finishPage(res, true, `You are logged in to stage '${doc.stage}'. You can close this tab and return to the terminal.`);
        settle.resolve(tokens);
      },
      (err: Error) => {
        finishPage(res, false, err.message);
        settle.reject(err);
      },
    );
  });

  const timer = setTimeout(
    () =>
      settle.reject(
        new LoginError(
          `timed out after ${opts.timeoutS} s waiting for the browser login to come back to ${loopback.redirectUri}. ` +
            'If the browser showed an error from the identity provider (e.g. invalid_client), the stage setup needs fixing; ' +
            'otherwise rerun (--timeout <seconds> to wait longer, --no-browser to open the URL yourself on this machine).',
        ),
      ),
    opts.timeoutS * 1000,
  );
  try {
    request = await authorizationRequest(ctx.issuer, loopback.redirectUri, doc.scopes.join(' '));
    const url = request.url.toString();
    if (opts.browser) {
      rt.stderr(`Opening your browser to log in to stage '${doc.stage}'. If it does not open, visit this URL on this machine:\n  ${url}\n`);
      if (!(await openBrowser(url, rt.env))) rt.stderr('Could not start a browser: open the URL above yourself.\n');
    } else {
      rt.stderr(`Open this URL in a browser on this machine to log in to stage '${doc.stage}':\n  ${url}\n`);
    }
    rt.stderr(`Waiting for the login on ${loopback.redirectUri} (up to ${opts.timeoutS} s)...\n`);
    return await result;
  } finally {
    clearTimeout(timer);
    await loopback.close();
  }
}

/** Stored form of fresh tokens. */
export function toStored(
  doc: Pick<DiscoveryDocument, 'stage' | 'issuer' | 'cliClientId' | 'serviceUrl'> &
    Partial<Pick<DiscoveryDocument, 'cognitoDomain' | 'region' | 'dataScientistRoleArn'>>,
  stageUrl: string,
  t: TokenResult,
  now: number,
  previous?: StoredTokens,
): StoredTokens {
  const email = t.verified.idClaims?.email;
  return {
    stage: doc.stage,
    stageUrl,
    issuer: doc.issuer,
    clientId: doc.cliClientId,
    serviceUrl: doc.serviceUrl,
    cognitoDomain: doc.cognitoDomain ?? previous?.cognitoDomain,
    accessToken: t.accessToken,
    idToken: t.idToken ?? previous?.idToken,
    refreshToken: t.refreshToken,
    expiresAt: t.expiresAt,
    obtainedAt: now,
    subject: (t.verified.idClaims?.sub ?? t.verified.accessClaims?.sub ?? previous?.subject) as string | undefined,
    email: typeof email === 'string' ? email : previous?.email,
    region: doc.region,
    awsRoleArn: doc.dataScientistRoleArn,
  };
}

/** Minimum remaining validity (seconds) of a token handed out by `token` and `exec`. */
export const MIN_VALIDITY_S = 60;

/**
 * Tokens of a stage valid for at least `minValidityS`, refreshed silently (no browser) when
 * needed. A refresh the issuer refuses means the session is over: the error says how to log in.
 */
export async function freshTokens(
  home: string,
  stage: string,
  rt: Runtime,
  clockToleranceS: number,
  opts: { minValidityS?: number; force?: boolean } = {},
): Promise<StoredTokens> {
  const minValidityMs = (opts.minValidityS ?? MIN_VALIDITY_S) * 1000;
  const seen = requireTokens(home, stage);
  if (!opts.force && seen.expiresAt - rt.now() > minValidityMs) return seen;
  return withTokenLock(home, stage, async () => {
    const stored = requireTokens(home, stage);
    // Another process may have refreshed while we waited for the lock.
    const refreshedMeanwhile = stored.accessToken !== seen.accessToken;
    if ((!opts.force || refreshedMeanwhile) && stored.expiresAt - rt.now() > minValidityMs) return stored;
    if (!stored.refreshToken) {
      throw new LoginError(
        `the token of stage '${stage}' has expired and there is no refresh token: run metaflow-login ${stored.stageUrl} again`,
      );
    }
    const issuer: Issuer = await discoverIssuer(stored.issuer, stored.clientId, clockToleranceS);
    const ctx: ExchangeContext = { issuer, clockToleranceS, now: rt.now };
    const refreshed = await refresh(ctx, stored.refreshToken);
    if (!refreshed) {
      throw new LoginError(`the session of stage '${stage}' has expired or was revoked: run metaflow-login ${stored.stageUrl} again`);
    }
    const next = toStored(
      {
        stage,
        issuer: stored.issuer,
        cliClientId: stored.clientId,
        serviceUrl: stored.serviceUrl,
        region: stored.region,
        dataScientistRoleArn: stored.awsRoleArn,
      },
      stored.stageUrl,
      refreshed,
      rt.now(),
      stored,
    );
    writeTokens(home, next);
    return next;
  });
}
