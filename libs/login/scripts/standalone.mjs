// Builds the standalone `@metaflow-gitops/login` package: the TypeScript sources bundled with the
// parts of @metaflow-gitops/stage-config they use (naming, loader) into dist/ by esbuild (already
// in the workspace through tsx; type checking stays with `tsc --noEmit`), the npm dependencies left
// external, and a package.json whose entry points are the compiled files.
//
//   node scripts/standalone.mjs <staging-dir>            build the package directory
//   node scripts/standalone.mjs <staging-dir> --pack     ...and `npm pack` it next to the staging directory
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const pkgDir = resolve(here, '..');

export async function buildStandalone(outDir) {
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: { main: join(pkgDir, 'src/main.ts') },
    outdir: join(outDir, 'dist'),
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    external: Object.keys(pkg.dependencies),
    logLevel: 'warning',
  });
  cpSync(join(pkgDir, 'bin'), join(outDir, 'bin'), { recursive: true });
  cpSync(join(pkgDir, 'README.md'), join(outDir, 'README.md'));
  const manifest = {
    name: pkg.name,
    version: pkg.version,
    description: pkg.description,
    license: pkg.license,
    main: 'dist/main.js',
    bin: pkg.bin,
    files: ['bin', 'dist', 'README.md'],
    engines: pkg.engines,
    dependencies: pkg.dependencies,
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
