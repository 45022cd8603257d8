import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { LoginError } from './errors';
import { ensurePrivateDir, stagePaths, writePrivateFile } from './files';

/**
 * What `tokens/<stage>.json` holds (mode 0600, apart from the Metaflow profile so the profile can
 * be shared or inspected without leaking a credential). Carries the issuer and client so that
 * `token`, `exec` and `logout` work without fetching the discovery document again.
 */
export interface StoredTokens {
  readonly stage: string;
  /** Stage URL the user logged in to (for messages and re-login hints). */
  readonly stageUrl: string;
  readonly issuer: string;
  readonly clientId: string;
  /** Public metadata service URL (`/cli/`) that `exec` proxies to. */
  readonly serviceUrl: string;
  /** Cognito hosted-UI base URL: its `/oauth2/revoke` is used when the issuer metadata names no revocation endpoint. */
  readonly cognitoDomain?: string;
  readonly accessToken: string;
  readonly idToken?: string;
  readonly refreshToken?: string;
  /** Access token expiry, epoch milliseconds. */
  readonly expiresAt: number;
  /** When these tokens were obtained, epoch milliseconds. */
  readonly obtainedAt: number;
  /** `sub` and, when present, `email` of the ID token: shown by `status`. */
  readonly subject?: string;
  readonly email?: string;
  /** The stage's region and data-scientist role (`aws-credentials` assumes it with the ID token); absent when the stage publishes none. */
  readonly region?: string;
  readonly awsRoleArn?: string;
}

export function readTokens(home: string, stage: string): StoredTokens | undefined {
  const path = stagePaths(home, stage).tokens;
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as StoredTokens;
  } catch (err) {
    throw new LoginError(`cannot read ${path}: ${(err as Error).message}. Remove it (metaflow-login logout ${stage}) and log in again.`);
  }
}

/** Like readTokens, but a missing login is an error that says how to log in. */
export function requireTokens(home: string, stage: string): StoredTokens {
  const tokens = readTokens(home, stage);
  if (!tokens) {
    throw new LoginError(
      `not logged in to stage '${stage}' (no ${stagePaths(home, stage).tokens}). Run: metaflow-login <stage-url> (or --stage ${stage} inside the repository).`,
    );
  }
  return tokens;
}

export function writeTokens(home: string, tokens: StoredTokens): void {
  writePrivateFile(stagePaths(home, tokens.stage).tokens, `${JSON.stringify(tokens, null, 2)}\n`);
}

export function removeTokens(home: string, stage: string): boolean {
  const path = stagePaths(home, stage).tokens;
  if (!existsSync(path)) return false;
  rmSync(path);
  return true;
}

/** Stages with a token file. */
export function listTokenStages(home: string): string[] {
  const dir = join(home, 'tokens');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

/** A lock older than this is left over from a crashed process. */
const STALE_LOCK_MS = 60_000;

/**
 * Runs `fn` holding the stage's refresh lock (`tokens/<stage>.json.lock`, created exclusively), so
 * two processes (an `exec` and a `token` in another terminal) never spend the same refresh token:
 * issuers that rotate refresh tokens treat a reused one as theft and revoke the whole session.
 * Callers re-read the tokens inside the lock: the other process may have refreshed already.
 */
export async function withTokenLock<T>(home: string, stage: string, fn: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const paths = stagePaths(home, stage);
  const lock = `${paths.tokens}.lock`;
  ensurePrivateDir(paths.tokensDir);
  const start = Date.now();
  for (;;) {
    try {
      writeFileSync(lock, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let age = 0;
    try {
      age = Date.now() - statSync(lock).mtimeMs;
    } catch {
      continue; // released between our attempt and the stat
    }
    if (age > STALE_LOCK_MS) {
      rmSync(lock, { force: true });
      continue;
    }
    if (Date.now() - start > timeoutMs) {
      throw new LoginError(
        `another metaflow-login is refreshing stage '${stage}' (lock ${lock}); if none is running, delete the lock file.`,
      );
    }
    await sleep(100);
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { force: true });
  }
}
