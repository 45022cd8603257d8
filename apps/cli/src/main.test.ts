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

  it('exits 2 on an unknown option', async () => {
    const io = captureIo();
    expect(await main(['--no-such-option'], io)).toBe(2);
    expect(io.err()).toContain("unknown option '--no-such-option'");
  });
});
