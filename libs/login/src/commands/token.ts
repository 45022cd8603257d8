import { EXIT } from '../private/errors';
import { metaflowHome } from '../private/files';
import { freshTokens, type Runtime } from '../private/session';

export interface TokenOptions {
  readonly stage: string;
  /** Print the ID token instead of the access token. */
  readonly idToken: boolean;
  readonly clockToleranceS: number;
}

/** `metaflow-login token <stage>`: prints a fresh access token (refreshed silently when needed) for scripts. */
export async function tokenCommand(opts: TokenOptions, rt: Runtime): Promise<number> {
  const tokens = await freshTokens(metaflowHome(rt.env), opts.stage, rt, opts.clockToleranceS);
  const value = opts.idToken ? tokens.idToken : tokens.accessToken;
  if (!value) {
    rt.stderr(`stage '${opts.stage}' has no ID token stored; log in again.\n`);
    return EXIT.failure;
  }
  rt.stdout(`${value}\n`);
  return EXIT.ok;
}
