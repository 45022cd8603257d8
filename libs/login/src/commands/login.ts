import { printable } from '@metaflow-gitops/stage-config';
import { fetchDiscovery, stageDiscoveryUrl } from '../discovery';
import { writeAwsProfile } from '../private/aws-config';
import { EXIT, LoginError } from '../private/errors';
import { metaflowHome, stagePaths } from '../private/files';
import { kubeconfigPath, mergeKubeconfig } from '../kubeconfig';
import { discoverIssuer, refresh, type ExchangeContext } from '../private/oidc';
import { writeProfile } from '../private/profile';
import { browserLogin, toStored, type Runtime } from '../private/session';
import { confirmStageBinding, stageOrigin } from '../private/stage-binding';
import { stageUrlFromRepo } from '../private/stage-url';
import { readTokens, withTokenLock, writeTokens, type StoredTokens } from '../private/tokens';

export interface LoginOptions {
  /** `https://<stage host>`; or `stage` inside the repository. */
  readonly stageUrl?: string;
  readonly stage?: string;
  readonly cwd: string;
  readonly browser: boolean;
  readonly timeoutS: number;
  readonly kubeconfig: boolean;
  /** Skip the silent refresh and log in through the browser. */
  readonly force: boolean;
  /** Replace a stage of the same name set up from another URL without asking. */
  readonly replace: boolean;
  readonly clockToleranceS: number;
  readonly json: boolean;
}

/** `metaflow-login <stage-url>`: log in (or refresh silently), write the profile, env.sh, tokens and kubeconfig. */
export async function loginCommand(opts: LoginOptions, rt: Runtime): Promise<number> {
  const stageUrl = opts.stageUrl ?? stageUrlFromRepo(opts.stage as string, opts.cwd);
  const home = metaflowHome(rt.env);
  const doc = await fetchDiscovery(stageDiscoveryUrl(stageUrl));
  if (opts.stage && opts.stage !== doc.stage) {
    throw new LoginError(`${stageUrl} serves stage '${doc.stage}', not '${opts.stage}': check the stage file's domain.`);
  }
  await confirmStageBinding(home, doc.stage, stageUrl, { replace: opts.replace }, rt);
  const issuer = await discoverIssuer(doc.issuer, doc.cliClientId, opts.clockToleranceS);
  const ctx: ExchangeContext = { issuer, clockToleranceS: opts.clockToleranceS, now: rt.now };

  // A session is reused only for the stage URL, issuer and client it was made for.
  const sameSession = (t: StoredTokens | undefined): t is StoredTokens =>
    t !== undefined && stageOrigin(t.stageUrl) === stageOrigin(stageUrl) && t.issuer === doc.issuer && t.clientId === doc.cliClientId;
  let stored: StoredTokens | undefined;
  if (!opts.force && sameSession(readTokens(home, doc.stage))) {
    stored = await withTokenLock(home, doc.stage, async () => {
      const previous = readTokens(home, doc.stage);
      if (!sameSession(previous) || !previous.refreshToken) return undefined;
      rt.stderr(`Refreshing the session of stage '${doc.stage}' (no browser needed)...\n`);
      const refreshed = await refresh(ctx, previous.refreshToken);
      if (!refreshed) {
        rt.stderr('The refresh token has expired or was revoked: logging in through the browser.\n');
        return undefined;
      }
      const next = toStored(doc, stageUrl, refreshed, rt.now(), previous);
      writeTokens(home, next);
      return next;
    });
  }
  const method: 'refresh' | 'browser' = stored ? 'refresh' : 'browser';
  if (!stored) {
    const tokens = await browserLogin(ctx, doc, { browser: opts.browser, timeoutS: opts.timeoutS }, rt);
    const previous = readTokens(home, doc.stage);
    stored = toStored(doc, stageUrl, tokens, rt.now(), sameSession(previous) ? previous : undefined);
    writeTokens(home, stored);
  }
  const files = writeProfile(home, doc);
  // The AWS profile exists only where the stage publishes its data-scientist role.
  const awsProfile = doc.dataScientistRoleArn ? writeAwsProfile(rt.env, doc.stage, doc.region) : undefined;
  let kubeContext: string | undefined;
  let kubeconfigNote: string | undefined;
  if (opts.kubeconfig) {
    try {
      kubeContext = mergeKubeconfig(kubeconfigPath(rt.env), doc).context;
    } catch (err) {
      if (!(err instanceof LoginError)) throw err;
      kubeconfigNote = err.message;
    }
  }

  const summary = {
    stage: doc.stage,
    stageUrl,
    user: stored.email ?? stored.subject,
    method,
    expiresAt: new Date(stored.expiresAt).toISOString(),
    profile: files.profile,
    envSh: files.envSh,
    tokens: stagePaths(home, doc.stage).tokens,
    kubeconfig: kubeContext ? { path: kubeconfigPath(rt.env), context: kubeContext } : null,
    awsProfile: awsProfile ?? null,
  };
  if (opts.json) {
    rt.stdout(`${JSON.stringify(summary, null, 2)}\n`);
  } else {
    rt.stderr(
      [
        `Logged in to stage '${doc.stage}' as ${printable(summary.user ?? 'unknown user')} (${method === 'refresh' ? 'refreshed silently' : 'browser login'}); token valid until ${summary.expiresAt}.`,
        `  profile: ${files.profile}`,
        `  env:     source ${files.envSh}`,
        `  tokens:  ${summary.tokens} (never printed; metaflow-login token ${doc.stage} prints one for scripts)`,
        awsProfile
          ? `  aws:     profile '${awsProfile.profile}' in ${awsProfile.path} (short-lived credentials from this login; no keys stored)`
          : '  aws:     the stage publishes no data-scientist role: no AWS profile written (use your own AWS credentials)',
        kubeContext
          ? `  kubectl: context '${kubeContext}' in ${summary.kubeconfig?.path}`
          : kubeconfigNote
            ? `  kubectl: ${kubeconfigNote}`
            : '  kubectl: kubeconfig left untouched (--no-kubeconfig)',
        `Run flows with: metaflow-login exec ${doc.stage} -- python flow.py --with kubernetes run`,
        '',
      ].join('\n'),
    );
  }
  return EXIT.ok;
}
