import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const { staleReason } = require('../launcher.js') as { staleReason: (pkgDir: string) => string | undefined };

describe('the bin launcher', () => {
  let pkg: string;
  const past = new Date(Date.now() - 60_000);
  beforeEach(() => {
    pkg = fs.mkdtempSync(path.join(os.tmpdir(), 'launcher-'));
    fs.mkdirSync(path.join(pkg, 'src'));
    fs.mkdirSync(path.join(pkg, 'dist'));
    fs.writeFileSync(path.join(pkg, 'src', 'main.ts'), 'export {};\n');
    fs.utimesSync(path.join(pkg, 'src', 'main.ts'), past, past);
    fs.writeFileSync(path.join(pkg, 'dist', 'main.js'), '');
    const sha1 = createHash('sha1').update('export {};\n').digest('hex');
    fs.writeFileSync(path.join(pkg, 'dist', 'inputs.json'), JSON.stringify({ 'src/main.ts': sha1 }));
  });
  afterEach(() => fs.rmSync(pkg, { recursive: true, force: true }));

  it('runs the bundle when it was built from the current sources', () => {
    expect(staleReason(pkg)).toBeUndefined();
  });

  it('still runs it when a source was touched but not changed', () => {
    fs.utimesSync(path.join(pkg, 'src', 'main.ts'), new Date(Date.now() + 60_000), new Date(Date.now() + 60_000));
    expect(staleReason(pkg)).toBeUndefined();
  });

  it('falls back when a source changed after the build', () => {
    fs.writeFileSync(path.join(pkg, 'src', 'main.ts'), 'export const x = 1;\n');
    fs.utimesSync(path.join(pkg, 'src', 'main.ts'), new Date(Date.now() + 60_000), new Date(Date.now() + 60_000));
    expect(staleReason(pkg)).toBe('src/main.ts changed since the build');
  });

  it('falls back when a source was removed or the bundle is missing', () => {
    fs.rmSync(path.join(pkg, 'src', 'main.ts'));
    expect(staleReason(pkg)).toBe('src/main.ts was removed since the build');
    fs.rmSync(path.join(pkg, 'dist', 'main.js'));
    expect(staleReason(pkg)).toBe('dist/main.js or dist/inputs.json is missing');
  });
});
