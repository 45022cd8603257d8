import * as fs from 'node:fs';
import * as path from 'node:path';

// Version traps (each test says what breaks), pinned in the lockfile the repo commits.
const root = path.resolve(__dirname, '../../..');
const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<
    string,
    {
      version?: string;
      link?: boolean;
      optionalDependencies?: Record<string, string>;
    }
  >;
};
const manifest = (dir: string) =>
  JSON.parse(fs.readFileSync(path.join(root, dir, 'package.json'), 'utf8')) as {
    engines?: { node?: string };
    allowScripts?: Record<string, boolean>;
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

  it('keeps one copy of cdk8s (two copies break its instanceof checks)', () => {
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
  // (https://github.com/npm/cli/issues/8805); the registry these machines use does not serve every platform build of every
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

  describe('Node', () => {
    const pinned = fs.readFileSync(path.join(root, '.node-version'), 'utf8').trim();

    it('pins a Node 24 (LTS) release in .node-version', () => {
      expect(pinned).toMatch(/^24\.\d+\.\d+$/);
    });

    it('types Node with the @types/node of the pinned major', () => {
      expect(lock.packages['node_modules/@types/node'].version!.split('.')[0]).toBe(pinned.split('.')[0]);
    });

    it('asks for Node 22.12 or newer (both current LTS lines) in every published package', () => {
      expect(manifest('.').engines).toEqual({ node: '>=22.12' });
      expect(manifest('libs/login').engines).toEqual({ node: '>=22.12' });
    });

    // npm 11 warns on every install about dependencies whose install scripts the project has not
    // allowed or denied (package.json `allowScripts`); the lockfile does not flag them all, so the
    // installed manifests are read.
    it('decides on the install script of every installed package that has one (allowScripts)', () => {
      const decided = new Set(Object.keys(manifest('.').allowScripts ?? {}));
      const undecided = Object.keys(lock.packages)
        .filter((key) => key.includes('node_modules/') && fs.existsSync(path.join(root, key, 'package.json')))
        .filter((key) => {
          const { scripts = {} } = JSON.parse(fs.readFileSync(path.join(root, key, 'package.json'), 'utf8')) as {
            scripts?: Record<string, string>;
          };
          return ['preinstall', 'install', 'postinstall'].some((s) => s in scripts);
        })
        .map((key) => key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length))
        .filter((name) => !decided.has(name));
      expect(undecided).toEqual([]);
    });
  });
});
