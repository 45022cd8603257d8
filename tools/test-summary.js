#!/usr/bin/env node
// `npm test` wrapper: runs lint, typecheck and test for every project through Nx, then prints one
// closing line for the whole workspace: "N passed, N failed, N skipped". Exit code: non-zero when prettier
// or any Nx task failed.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const resultsDir = path.join(root, 'tmp', 'test-results');
fs.rmSync(resultsDir, { recursive: true, force: true });

// Layout first: prettier decides it, and a file it would rewrite fails the run (`npm run format` fixes it).
const prettier = spawnSync(path.join(root, 'node_modules', '.bin', 'prettier'), ['--check', '.', '--log-level', 'warn'], {
  cwd: root,
  stdio: 'inherit',
});
if (prettier.status !== 0) console.error('prettier: files above are not formatted; run `npm run format`');

const nx = spawnSync(
  path.join(root, 'node_modules', '.bin', 'nx'),
  ['run-many', '-t', 'lint', 'typecheck', 'test', '--outputStyle=static', ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: 'inherit',
  },
);

const totals = { passed: 0, failed: 0, skipped: 0 };
const projects = [];
(function walk(dir) {
  if (!fs.existsSync(dir)) return;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full);
    else if (entry.name.endsWith('.json')) {
      const t = JSON.parse(fs.readFileSync(full, 'utf8'));
      projects.push(path.relative(resultsDir, full).replace(/\.json$/, ''));
      for (const k of Object.keys(totals)) totals[k] += t[k];
    }
  }
})(resultsDir);

console.log(`\nTest totals over ${projects.length} projects (${projects.sort().join(', ')}):`);
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(prettier.status !== 0 ? 1 : (nx.status ?? 1));
