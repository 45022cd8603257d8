import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTokens } from '../private/tokens';
import { statusCommand } from './status';

/** A stored session of stage `dev` (tokens valid for two minutes from time 0). */
const SESSION = {
  stageUrl: 'https://dev.metaflow.example.com',
  issuer: 'https://cognito-idp.us-west-2.amazonaws.com/pool',
  clientId: 'cli',
  serviceUrl: 'https://dev.metaflow.example.com/cli/',
  accessToken: 'a',
  expiresAt: 120_000,
  obtainedAt: 0,
};

test('status prints the user and stage URL escaped: an e-mail claim cannot drive the terminal', async () => {
  const home = mkdtempSync(join(tmpdir(), 'mfl-status-'));
  writeTokens(home, { ...SESSION, stage: 'dev', email: 'alice@example.com\u001b]0;owned\u0007\n::error::forged' });
  const out: string[] = [];
  const code = await statusCommand(
    { json: false },
    { env: { METAFLOW_HOME: home }, stdout: (t) => out.push(t), stderr: () => undefined, now: () => 0, cwd: '/' },
  );
  expect(code).toBe(0);
  expect(out.join('')).toContain('  dev  https://dev.metaflow.example.com  alice@example.com\\x1b]0;owned\\x07\\n::error::forged\n');
  expect(out.join('')).not.toContain('\u001b');
});

test('status names the AWS profile of a stage with a data-scientist role, and says when there is none', async () => {
  const home = mkdtempSync(join(tmpdir(), 'mfl-status-'));
  writeTokens(home, { ...SESSION, stage: 'dev', region: 'us-west-2', awsRoleArn: 'arn:aws:iam::111111111111:role/ds' });
  writeTokens(home, { ...SESSION, stage: 'old' });
  const run = async (json: boolean) => {
    const out: string[] = [];
    await statusCommand(
      { json },
      { env: { METAFLOW_HOME: home }, stdout: (t) => out.push(t), stderr: () => undefined, now: () => 0, cwd: '/' },
    );
    return out.join('');
  };
  const stages = (JSON.parse(await run(true)) as { stages: { stage: string; awsProfile: string | null }[] }).stages;
  expect(stages.map((s) => [s.stage, s.awsProfile])).toEqual([
    ['dev', 'metaflow-dev'],
    ['old', null],
  ]);
  const text = await run(false);
  expect(text).toContain('    aws:     profile metaflow-dev\n');
  expect(text).toContain('    aws:     (no AWS profile: the stage publishes no data-scientist role)\n');
});
