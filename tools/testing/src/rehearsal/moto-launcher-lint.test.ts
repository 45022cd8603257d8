import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

// The moto launcher is Python: flake8 (pyflakes and pycodestyle; Debian package `flake8`) lints it
// with tools/testing/.flake8. Skipped, visibly, where flake8 is not installed.
const config = path.resolve(__dirname, '../../.flake8');
const probe = spawnSync('flake8', ['--version'], { encoding: 'utf8' });
const missing = probe.error !== undefined || probe.status !== 0;
if (missing) console.warn('moto launcher lint SKIPPED: flake8 is not installed (apt-get install flake8, or pip install flake8)');

(missing ? it.skip : it)('moto_launcher.py passes flake8', () => {
  const run = spawnSync('flake8', ['--config', config, path.join(__dirname, 'moto_launcher.py')], { encoding: 'utf8' });
  expect(`${run.stdout}${run.stderr}`).toBe('');
  expect(run.status).toBe(0);
});
