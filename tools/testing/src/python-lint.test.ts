import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

// The test support's Python files (the moto launcher, the goose stand-in, the end-to-end flow):
// flake8 (pyflakes and pycodestyle; Debian package `flake8`) lints them with tools/testing/.flake8.
// Skipped, visibly, where flake8 is not installed.
const config = path.resolve(__dirname, '../.flake8');
const probe = spawnSync('flake8', ['--version'], { encoding: 'utf8' });
const missing = probe.error !== undefined || probe.status !== 0;
if (missing) process.stderr.write('Python lint SKIPPED: flake8 is not installed (apt-get install flake8, or pip install flake8)\n');

const files = (fs.readdirSync(__dirname, { recursive: true }) as string[]).filter((f) => f.endsWith('.py')).sort();

it('finds the Python files', () => {
  expect(files).toEqual(expect.arrayContaining(['rehearsal/moto_launcher.py', 'metaflow-e2e/goose_standin.py']));
});

(missing ? it.skip : it).each(files)('%s passes flake8', (file) => {
  const run = spawnSync('flake8', ['--config', config, path.join(__dirname, file)], { encoding: 'utf8' });
  expect(`${run.stdout}${run.stderr}`).toBe('');
  expect(run.status).toBe(0);
});
