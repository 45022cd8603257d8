import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTokens } from '../private/tokens';
import { statusCommand } from './status';

test('status prints the user and stage URL escaped: an e-mail claim cannot drive the terminal', async () => {
  const home = mkdtempSync(join(tmpdir(), 'mfl-status-'));
  writeTokens(home, {
    stage: 'dev',
    stageUrl: 'https://dev.metaflow.example.com',
    issuer: 'https://cognito-idp.us-west-2.amazonaws.com/pool',
    clientId: 'cli',
    serviceUrl: 'https://dev.metaflow.example.com/cli/',
    accessToken: 'a',
    expiresAt: 120_000,
    obtainedAt: 0,
    email: 'alice@example.com\u001b]0;owned\u0007\n::error::forged',
  });
  const out: string[] = [];
  const code = await statusCommand(
    { json: false },
    { env: { METAFLOW_HOME: home }, stdout: (t) => out.push(t), stderr: () => undefined, now: () => 0, cwd: '/' },
  );
  expect(code).toBe(0);
  expect(out.join('')).toContain('  dev  https://dev.metaflow.example.com  alice@example.com\\x1b]0;owned\\x07\\n::error::forged\n');
  expect(out.join('')).not.toContain('\u001b');
});
