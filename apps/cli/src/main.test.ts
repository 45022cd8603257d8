import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from './main';
import { captureIo } from '@metaflow-gitops/testing/cli';

describe('mfctl', () => {
  it('prints help and exits 0', async () => {
    const io = captureIo();
    expect(await main(['--help'], io)).toBe(0);
    expect(io.out()).toContain('Usage: mfctl');
  });

  it('prints its version', async () => {
    const io = captureIo();
    expect(await main(['--version'], io)).toBe(0);
    expect(io.out().trim()).toBe(require('../package.json').version);
  });

  it('prints a library error as `error: <message>` and exits 1 (an assembly error of deploy --assembly)', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'mfctl-no-assembly-'));
    try {
      const io = captureIo();
      expect(await main(['deploy', 'example', '--assembly', empty], io)).toBe(1);
      expect(io.err()).toBe(
        `error: --assembly ${empty}: neither it nor ${path.join(empty, 'example')} is a cloud assembly (no manifest.json): write one with 'mfctl synth example --out ${empty}'\n`,
      );
      const debug = captureIo({ MFCTL_DEBUG: '1' });
      expect(await main(['deploy', 'example', '--assembly', empty], debug)).toBe(1);
      expect(debug.err()).toMatch(/\ncode: assembly\nAssemblyError: --assembly .*\n\s+at /);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  it('exits 2 on an unknown option', async () => {
    const io = captureIo();
    expect(await main(['--no-such-option'], io)).toBe(2);
    expect(io.err()).toContain("unknown option '--no-such-option'");
  });
});
