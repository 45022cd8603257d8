import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writePrivateFile } from './files';
import type { Runtime } from './session';
import { confirmStageBinding } from './stage-binding';
import { writeTokens, type StoredTokens } from './tokens';

const REAL = 'https://dev.metaflow.example.com';
const OTHER = 'https://dev.metaflow.attacker.example.net';

function runtime(confirm?: (q: string) => Promise<boolean>): Runtime & { err: string[]; asked: string[] } {
  const err: string[] = [];
  const asked: string[] = [];
  return {
    env: {},
    stdout: () => undefined,
    stderr: (t) => err.push(t),
    now: () => 0,
    cwd: '/',
    confirm: confirm && ((q) => (asked.push(q), confirm(q))),
    err,
    asked,
  };
}

function homeWithSession(stageUrl: string): string {
  const home = mkdtempSync(join(tmpdir(), 'mfl-binding-'));
  const tokens: StoredTokens = {
    stage: 'dev',
    stageUrl,
    issuer: 'https://cognito-idp.us-west-2.amazonaws.com/pool',
    clientId: 'cli',
    serviceUrl: `${stageUrl}/cli/`,
    accessToken: 'a',
    refreshToken: 'r',
    expiresAt: 0,
    obtainedAt: 0,
  };
  writeTokens(home, tokens);
  return home;
}

describe('confirmStageBinding', () => {
  test('a new stage, or the same stage URL (any path or trailing slash), needs no confirmation', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'mfl-binding-'));
    expect(await confirmStageBinding(empty, 'dev', OTHER, { replace: false }, runtime())).toBe(false);
    const home = homeWithSession(REAL);
    expect(await confirmStageBinding(home, 'dev', `${REAL}/`, { replace: false }, runtime())).toBe(false);
  });

  test('another URL for a stage with a session: refused without a terminal, nothing asked', async () => {
    const rt = runtime();
    await expect(confirmStageBinding(homeWithSession(REAL), 'dev', OTHER, { replace: false }, rt)).rejects.toThrow(
      `stage 'dev' on this machine was set up from ${REAL}, but ${OTHER} also calls itself 'dev'. Nothing was changed.`,
    );
  });

  test('another URL: asked on the terminal; no refuses, yes replaces', async () => {
    const no = runtime(async () => false);
    await expect(confirmStageBinding(homeWithSession(REAL), 'dev', OTHER, { replace: false }, no)).rejects.toThrow(
      'you declined to replace it',
    );
    expect(no.asked[0]).toContain(`Stage 'dev' on this machine was set up from ${REAL}, but ${OTHER} also calls itself 'dev'.`);
    const yes = runtime(async () => true);
    expect(await confirmStageBinding(homeWithSession(REAL), 'dev', OTHER, { replace: false }, yes)).toBe(true);
  });

  test('--replace replaces without asking and says so', async () => {
    const rt = runtime(async () => false);
    expect(await confirmStageBinding(homeWithSession(REAL), 'dev', OTHER, { replace: true }, rt)).toBe(true);
    expect(rt.asked).toEqual([]);
    expect(rt.err.join('')).toContain(`Replacing stage 'dev' (set up from ${REAL}) with ${OTHER} (--replace)`);
  });

  test('after a logout the profile still binds the stage; an unreadable profile binds it too', async () => {
    const home = mkdtempSync(join(tmpdir(), 'mfl-binding-'));
    writePrivateFile(join(home, 'config_dev.json'), JSON.stringify({ METAFLOW_SERVICE_URL: `${REAL}/cli/` }));
    await expect(confirmStageBinding(home, 'dev', OTHER, { replace: false }, runtime())).rejects.toThrow(`set up from ${REAL},`);
    expect(await confirmStageBinding(home, 'dev', REAL, { replace: false }, runtime())).toBe(false);
    writeFileSync(join(home, 'config_dev.json'), '{');
    await expect(confirmStageBinding(home, 'dev', REAL, { replace: false }, runtime())).rejects.toThrow(
      'set up from an unreadable profile',
    );
  });
});
