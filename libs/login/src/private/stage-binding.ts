import { existsSync, readFileSync } from 'node:fs';
import { printable } from '@metaflow-gitops/stage-config';
import { LoginError } from './errors';
import { stagePaths } from './files';
import type { Runtime } from './session';
import { readTokens } from './tokens';

/** The origin (scheme, host, port) of a stage URL: what a stage's profile and session are bound to. */
export function stageOrigin(stageUrl: string): string {
  return new URL(stageUrl).origin;
}

/**
 * Where this machine's profile and session of `stage` come from: the stage URL of its stored
 * session, else the origin of its profile's service URL (a logout keeps the profile), else nothing.
 */
function boundOrigin(home: string, stage: string): string | undefined {
  const tokens = readTokens(home, stage);
  if (tokens) return stageOrigin(tokens.stageUrl);
  const { profile } = stagePaths(home, stage);
  if (!existsSync(profile)) return undefined;
  try {
    return new URL((JSON.parse(readFileSync(profile, 'utf8')) as { METAFLOW_SERVICE_URL: string }).METAFLOW_SERVICE_URL).origin;
  } catch {
    return `an unreadable profile (${profile})`;
  }
}

/**
 * A login to `stageUrl` for a stage this machine already has from another URL replaces that
 * stage's profile, session and kubectl context: only with `--replace` or a yes on the terminal,
 * and never with the old session (the caller logs in through the browser). Another host serving
 * a copy of the stage's document would otherwise get the stage's tokens. Returns whether the login
 * replaces another URL's stage; throws when that is not confirmed, before anything is read or written.
 */
export async function confirmStageBinding(
  home: string,
  stage: string,
  stageUrl: string,
  opts: { readonly replace: boolean },
  rt: Runtime,
): Promise<boolean> {
  const bound = boundOrigin(home, stage);
  const origin = stageOrigin(stageUrl);
  if (bound === undefined || bound === origin) return false;
  const was = printable(bound);
  const now = printable(origin);
  if (opts.replace) {
    rt.stderr(`Replacing stage '${stage}' (set up from ${was}) with ${now} (--replace): logging in through the browser.\n`);
    return true;
  }
  const question =
    `Stage '${stage}' on this machine was set up from ${was}, but ${now} also calls itself '${stage}'. ` +
    `Replace its profile, session and kubectl context with ${now}'s (you log in again through the browser)?`;
  if (rt.confirm && (await rt.confirm(question))) return true;
  throw new LoginError(
    `stage '${stage}' on this machine was set up from ${was}, but ${now} also calls itself '${stage}'` +
      `${rt.confirm ? '; you declined to replace it' : ''}. Nothing was changed. Check the URL: a copy of a stage's ` +
      `discovery document on another host would receive your tokens. If the stage really moved, rerun with --replace.`,
  );
}
