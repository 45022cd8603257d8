import * as fs from 'node:fs';
import * as path from 'node:path';

// Version traps from FIELD-NOTES, pinned in the lockfile the repo commits.
const root = path.resolve(__dirname, '../../..');
const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string; link?: boolean; optionalDependencies?: Record<string, string> }>;
};

function installed(name: string): string[] {
  return Object.entries(lock.packages)
    .filter(([key, entry]) => (key === `node_modules/${name}` || key.endsWith(`/node_modules/${name}`)) && !entry.link)
    .map(([, entry]) => entry.version ?? '?');
}

describe('dependency pins', () => {
  it('keeps nx and every @nx plugin on one version', () => {
    const versions = new Set(
      Object.entries(lock.packages)
        .filter(([key]) => /node_modules\/(nx|@nx\/(js|jest|eslint|eslint-plugin|devkit|workspace))$/.test(key))
        .map(([, entry]) => entry.version),
    );
    expect([...versions]).toHaveLength(1);
  });

  it('keeps one copy of cdk8s (duplicates cause the seed\'s "instanceof mismatch")', () => {
    expect(installed('cdk8s')).toHaveLength(1);
  });

  it('keeps one copy of aws-cdk-lib and constructs', () => {
    expect(installed('aws-cdk-lib')).toHaveLength(1);
    expect(installed('constructs')).toHaveLength(1);
  });

  it('pins @aws-cdk/toolkit-lib to 1.40.1 (1.43.0 does not install)', () => {
    expect(installed('@aws-cdk/toolkit-lib')).toEqual(['1.40.1']);
  });

  it('compiles with TypeScript 5.x (7.x is the native port: compiler-API tools break on it)', () => {
    expect(lock.packages['node_modules/typescript'].version).toMatch(/^5\./);
  });

  // `npm ci` refuses a lockfile that lacks an entry for any optional platform binary of a package
  // (npm/cli#8805); the registry these machines use does not serve every platform build of every
  // version, so such packages are pinned (root package.json `overrides`) to versions it does serve.
  it('has a lockfile entry for every optional dependency, as npm ci requires', () => {
    const missing: string[] = [];
    for (const [key, entry] of Object.entries(lock.packages)) {
      for (const dep of Object.keys(entry.optionalDependencies ?? {})) {
        // Node's lookup: the package's own node_modules, then each enclosing node_modules up to the root.
        const candidates: string[] = [];
        for (let dir = key; ; dir = dir.slice(0, Math.max(0, dir.lastIndexOf('/node_modules/')))) {
          candidates.push(dir ? `${dir}/node_modules/${dep}` : `node_modules/${dep}`);
          if (!dir) break;
        }
        if (!candidates.some((c) => c in lock.packages)) missing.push(`${key || '(root)'} -> ${dep}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
