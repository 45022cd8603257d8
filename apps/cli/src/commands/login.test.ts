import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../main';
import { captureIo } from '@metaflow-gitops/testing/cli';

// The flows themselves are tested in libs/login against a real OpenID Provider; here: the delegation.
describe('mfctl login', () => {
  test('--help is metaflow-login help, not commander', async () => {
    const io = captureIo();
    expect(await main(['login', '--help'], io)).toBe(0);
    expect(io.out()).toMatch(/^Usage: metaflow-login <stage-url> \[options\]/);
    expect(io.out()).toContain('exec <stage> -- <cmd...>');
  });

  test('subcommands and options pass through (status --json)', async () => {
    const home = mkdtempSync(join(tmpdir(), 'mfctl-login-'));
    const io = captureIo({ METAFLOW_HOME: home });
    expect(await main(['login', 'status', '--json'], io)).toBe(0);
    expect(JSON.parse(io.out())).toEqual({ metaflowHome: home, selectedProfile: null, stages: [] });
  });

  test('exec keeps its -- separator', async () => {
    const home = mkdtempSync(join(tmpdir(), 'mfctl-login-'));
    const io = captureIo({ METAFLOW_HOME: home });
    expect(await main(['login', 'exec', 'dev', '--', 'echo', '--no-browser'], io)).toBe(1);
    // Reached the stage lookup, past argument parsing: the separator and the command's own options survived.
    expect(io.err()).toContain("not logged in to stage 'dev'");
  });

  test('login options pass through', async () => {
    const io = captureIo();
    expect(await main(['login', '--no-browser', '--timeout', 'soon', 'https://dev.metaflow.example.com'], io)).toBe(2);
    expect(io.err()).toContain("--timeout must be a positive number of seconds, got 'soon'");
  });

  test('exit codes pass through (usage error: 2)', async () => {
    const io = captureIo();
    expect(await main(['login', 'token'], io)).toBe(2);
    expect(io.err()).toContain('token takes exactly one stage name');
  });
});
