// Starts a command-line package of this repository (apps/cli, libs/login) from its bin script: the
// compiled dist/main.js (built by `node tools/build-cli.mjs`, run by `npm ci` and `nx build`) when it
// is current, else the TypeScript sources through tsx, after saying why on stderr. Falling back
// (rather than failing, or running an old bundle) keeps a checkout usable right after a source edit
// or in a tree that was never built (the base worktree of `mfctl diff`), and never runs stale code.
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

/** Why dist/main.js of `pkgDir` cannot be used, or undefined when it was built from the current sources. */
function staleReason(pkgDir) {
  const dist = path.join(pkgDir, 'dist');
  let built;
  let inputs;
  try {
    built = fs.statSync(path.join(dist, 'main.js')).mtimeMs;
    inputs = JSON.parse(fs.readFileSync(path.join(dist, 'inputs.json'), 'utf8'));
  } catch {
    return 'dist/main.js or dist/inputs.json is missing';
  }
  for (const [input, sha1] of Object.entries(inputs)) {
    const file = path.join(pkgDir, input);
    let changed;
    try {
      changed = fs.statSync(file).mtimeMs;
    } catch {
      return `${input} was removed since the build`;
    }
    // Only a file touched since the build is read (a checkout or a cache restore can touch it unchanged).
    if (changed > built && createHash('sha1').update(fs.readFileSync(file)).digest('hex') !== sha1) {
      return `${input} changed since the build`;
    }
  }
  return undefined;
}

/** Runs the package's `main` with the command-line arguments. */
function launch(pkgDir, name) {
  const argv = process.argv.slice(2);
  const reason = staleReason(pkgDir);
  if (reason === undefined) return require(path.join(pkgDir, 'dist', 'main.js')).run(argv);
  process.stderr.write(`${name}: ${reason}; running the TypeScript sources through tsx (slower; build with: npm run build)\n`);
  require('tsx/cjs');
  return require(path.join(pkgDir, 'src', 'main.ts')).run(argv);
}

module.exports = { launch, staleReason };
