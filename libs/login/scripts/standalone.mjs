// Builds the standalone `@metaflow-gitops/login` package: the TypeScript sources bundled with the
// parts of @metaflow-gitops/stage-config they use (naming, loader, errors) into dist/ by the
// workspace's CLI build (tools/build-cli.mjs: esbuild, the npm dependencies left external), and a
// package.json whose entry points are the compiled files.
//
//   node scripts/standalone.mjs <staging-dir>            build the package directory
//   node scripts/standalone.mjs <staging-dir> --pack     ...and `npm pack` it next to the staging directory
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCli } from '../../../tools/build-cli.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const pkgDir = resolve(here, '..');

export async function buildStandalone(outDir) {
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  // Workspace packages (`@metaflow-gitops/*`, listed so the workspace knows what login ships) are
  // bundled; only the npm dependencies stay external and in the package's manifest.
  const npmDependencies = Object.fromEntries(Object.entries(pkg.dependencies).filter(([name]) => !name.startsWith('@metaflow-gitops/')));
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  await buildCli(pkgDir, join(outDir, 'dist'));
  cpSync(join(pkgDir, 'bin'), join(outDir, 'bin'), { recursive: true });
  cpSync(join(pkgDir, 'README.md'), join(outDir, 'README.md'));
  const manifest = {
    name: pkg.name,
    version: pkg.version,
    description: pkg.description,
    license: pkg.license,
    main: 'dist/main.js',
    // The entry (`main` and `run`, as bin/ uses them) and package.json, nothing else by import.
    exports: { '.': './dist/main.js', './package.json': './package.json' },
    bin: pkg.bin,
    files: ['bin/metaflow-login.js', 'dist/main.js', 'README.md'],
    engines: pkg.engines,
    dependencies: npmDependencies,
  };
  writeFileSync(join(outDir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return outDir;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [outDir, flag] = process.argv.slice(2);
  if (!outDir) {
    process.stderr.write('usage: node scripts/standalone.mjs <staging-dir> [--pack]\n');
    process.exit(2);
  }
  const dir = await buildStandalone(resolve(outDir));
  if (flag === '--pack') {
    const out = execFileSync('npm', ['pack', dir, '--json', '--pack-destination', dirname(dir)], { encoding: 'utf8' });
    process.stdout.write(`${join(dirname(dir), JSON.parse(out)[0].filename)}\n`);
  } else {
    process.stdout.write(`${dir}\n`);
  }
}
