// Compiles a command-line package (apps/cli, libs/login) into <package>/dist/main.js with esbuild:
// src/main.ts and the workspace libraries it imports in one CommonJS file, npm packages left
// external. A module required inside a function (every mfctl command) stays lazy: esbuild wraps it so it
// initializes, and requires its npm packages, on first use. dist/inputs.json lists the bundled
// sources with their SHA-1, so the package's bin (libs/stage-config/launcher.js) can tell when the
// bundle no longer matches them.
// Type checking stays with `tsc --noEmit`.
//
//   node tools/build-cli.mjs <package-dir>...
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The installed directory of package `name` as Node resolves it from `fromDir`, or undefined. */
function packageDir(name, fromDir) {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(candidate)) return realpathSync(candidate);
    if (dirname(dir) === dir) return undefined;
  }
}

const versionOf = (dir) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;

/**
 * Workspace libraries are bundled; every other bare import (npm packages, node builtins) stays a
 * require(). A library with its own nested copy of a package (npm installs libs/<lib>/node_modules/x
 * when its version differs from the root's) keeps that copy: its require() points at it.
 */
function npmPackagesExternal(outDir) {
  return {
    name: 'npm-packages-external',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.path.startsWith('@metaflow-gitops/')) return undefined;
        const parts = args.path.split('/');
        const name = parts.slice(0, args.path.startsWith('@') ? 2 : 1).join('/');
        const own = packageDir(name, args.resolveDir);
        const bundled = packageDir(name, outDir);
        if (!own || !bundled || own === bundled || versionOf(own) === versionOf(bundled)) return { external: true };
        const subpath = parts.slice(name.split('/').length);
        return {
          path: relative(outDir, join(own, ...subpath))
            .split(sep)
            .join('/'),
          external: true,
        };
      });
    },
  };
}

/** Bundles `<pkgDir>/src/main.ts` into `<outDir>/main.js`; returns the bundled source files (relative to `pkgDir`) and their SHA-1. */
export async function buildCli(pkgDir, outDir = join(pkgDir, 'dist')) {
  const result = await build({
    entryPoints: { main: join(pkgDir, 'src/main.ts') },
    outdir: outDir,
    absWorkingDir: root,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    plugins: [npmPackagesExternal(outDir)],
    // Stack traces point at the TypeScript sources with NODE_OPTIONS=--enable-source-maps.
    sourcemap: true,
    metafile: true,
    logLevel: 'warning',
  });
  const sources = Object.keys(result.metafile.inputs)
    .filter((file) => !file.includes('node_modules/'))
    .sort();
  return Object.fromEntries(
    sources.map((file) => [
      relative(pkgDir, resolve(root, file)),
      createHash('sha1')
        .update(readFileSync(resolve(root, file)))
        .digest('hex'),
    ]),
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const packages = process.argv.slice(2);
  if (packages.length === 0) {
    process.stderr.write('usage: node tools/build-cli.mjs <package-dir>...\n');
    process.exit(2);
  }
  for (const pkg of packages) {
    const pkgDir = resolve(root, pkg);
    const inputs = await buildCli(pkgDir);
    mkdirSync(join(pkgDir, 'dist'), { recursive: true });
    writeFileSync(join(pkgDir, 'dist', 'inputs.json'), `${JSON.stringify(inputs, null, 2)}\n`);
  }
}
