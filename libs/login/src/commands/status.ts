import { existsSync, readFileSync } from 'node:fs';
import { printable } from '@metaflow-gitops/stage-config';
import { awsProfileName } from '../private/aws-config';
import { EXIT } from '../private/errors';
import { metaflowHome, stagePaths } from '../private/files';
import type { Runtime } from '../private/session';
import { listTokenStages, readTokens } from '../private/tokens';

export interface StatusOptions {
  readonly json: boolean;
}

export interface StageStatus {
  readonly stage: string;
  readonly stageUrl: string;
  readonly user?: string;
  /** Access token expiry (ISO 8601) and whether it is still valid now. */
  readonly expiresAt: string;
  readonly valid: boolean;
  /** A refresh token is stored: `token`/`exec`/login renew without a browser while it is valid. */
  readonly refreshable: boolean;
  /** The profile env.sh selects. */
  readonly selected: boolean;
  /** The AWS profile of the stage (`metaflow-<stage>`), null when the stage gave this login no data-scientist role. */
  readonly awsProfile: string | null;
  readonly files: { readonly profile: string | null; readonly tokens: string };
}

/** The profile `env.sh` currently selects, if any. */
function selectedProfile(envSh: string): string | undefined {
  if (!existsSync(envSh)) return undefined;
  return /^export METAFLOW_PROFILE='([^']*)'$/m.exec(readFileSync(envSh, 'utf8'))?.[1];
}

/** `metaflow-login status [--json]`: the stages logged in to, token expiry, files. Never prints a token. */
export async function statusCommand(opts: StatusOptions, rt: Runtime): Promise<number> {
  const home = metaflowHome(rt.env);
  const selected = selectedProfile(stagePaths(home, '').envSh);
  const stages: StageStatus[] = listTokenStages(home).flatMap((stage) => {
    const t = readTokens(home, stage);
    if (!t) return [];
    const paths = stagePaths(home, stage);
    return {
      stage,
      stageUrl: t.stageUrl,
      user: t.email ?? t.subject,
      expiresAt: new Date(t.expiresAt).toISOString(),
      valid: t.expiresAt > rt.now(),
      refreshable: Boolean(t.refreshToken),
      selected: selected === stage,
      awsProfile: t.awsRoleArn ? awsProfileName(stage) : null,
      files: { profile: existsSync(paths.profile) ? paths.profile : null, tokens: paths.tokens },
    };
  });
  if (opts.json) {
    rt.stdout(`${JSON.stringify({ metaflowHome: home, selectedProfile: selected ?? null, stages }, null, 2)}\n`);
    return EXIT.ok;
  }
  if (stages.length === 0) {
    rt.stdout(`Not logged in to any stage (${home}). Run: metaflow-login <stage-url>\n`);
    return EXIT.ok;
  }
  for (const s of stages) {
    const mins = Math.round((Date.parse(s.expiresAt) - rt.now()) / 60_000);
    rt.stdout(
      `${s.selected ? '*' : ' '} ${s.stage}  ${printable(s.stageUrl)}  ${printable(s.user ?? '')}\n` +
        `    token: ${s.valid ? `valid for ${mins} min` : 'expired'}${s.refreshable ? ', refreshable without a browser' : ''}\n` +
        `    profile: ${s.files.profile ?? '(missing)'}\n    tokens:  ${s.files.tokens}\n` +
        `    aws:     ${s.awsProfile ? `profile ${s.awsProfile}` : '(no AWS profile: the stage publishes no data-scientist role)'}\n`,
    );
  }
  return EXIT.ok;
}
