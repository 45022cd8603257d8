/**
 * `npm run bench:diff`: wall time of `mfctl diff` for one affected stage (a node pool change in
 * environments/example.yaml), in a temporary copy of this repository.
 *   cold: first run with an empty tsx transpile cache (a fresh TMPDIR);
 *   warm: the same command again (tsx cache and OS file cache warm).
 * Prints one line per run and a JSON summary.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { copyRepository } from '@metaflow-gitops/testing/gitops';

const root = path.resolve(__dirname, '../../..');
const runs = Number(process.argv[2] ?? 2);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mfctl-bench-diff-'));
try {
  const repo = path.join(tmp, 'repo');
  const { git, commitAll } = copyRepository(root, repo);
  git('checkout', '-q', '-b', 'bench');
  const file = path.join(repo, 'environments/example.yaml');
  const text = fs.readFileSync(file, 'utf8');
  const m = /maxCpu: (\d+)/.exec(text);
  if (!m) throw new Error('environments/example.yaml has no maxCpu to change');
  fs.writeFileSync(file, text.replace(m[0], `maxCpu: ${Number(m[1]) + 1}`));
  commitAll('bench: node pool change');
  const cacheDir = path.join(tmp, 'tmpdir');
  fs.mkdirSync(cacheDir);
  const results: { run: string; seconds: number; reportSeconds: number }[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = Date.now();
    const r = spawnSync(
      process.execPath,
      [path.join(repo, 'apps/cli/bin/mfctl.js'), 'diff', '--base', 'origin/main', '--format', 'json', '--out', 'report.json'],
      {
        cwd: repo,
        env: { ...process.env, TMPDIR: cacheDir },
        encoding: 'utf8',
      },
    );
    const seconds = (Date.now() - t0) / 1000;
    if (r.status !== 0) throw new Error(`mfctl diff failed:\n${r.stderr}`);
    const report = JSON.parse(fs.readFileSync(path.join(repo, 'report.json'), 'utf8')) as {
      durationSeconds: number;
      stages: { stage: string }[];
    };
    if (report.stages.map((s) => s.stage).join() !== 'example')
      throw new Error(`expected exactly the example stage, got ${report.stages.map((s) => s.stage)}`);
    const run = i === 0 ? 'cold' : `warm${runs > 2 ? ` ${i}` : ''}`;
    results.push({ run, seconds, reportSeconds: report.durationSeconds });
    console.log(
      `${run.padEnd(7)} ${seconds.toFixed(1)} s wall (diff engine ${report.durationSeconds.toFixed(1)} s), one affected stage, ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(1)}`,
    );
  }
  console.log(JSON.stringify(results));
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
