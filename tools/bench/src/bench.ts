/**
 * `npm run bench -- [--runs N] [--slow-runs N] [--only NAME,...] [--compare REF]`: wall time of the
 * operator's mfctl commands, each run as a separate process through the CLI's bin
 * (`node apps/cli/bin/mfctl.js`), so it measures whatever the bin does. Prints one row per scenario:
 * the median of the runs, the fastest and slowest, and the peak RSS of the largest Node process
 * the command ran. Figures to read, not a test.
 *
 * --compare REF checks REF out into a temporary git worktree, runs `npm ci` there and prints its
 * figures next to this checkout's.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { copyRepository, fiveMegabyteCommentBody, GitHubDouble } from '@metaflow-gitops/testing/gitops';
import { extraStages } from './stages';

const ROOT = path.resolve(__dirname, '../../..');

interface Run {
  readonly seconds: number;
  /** Peak resident set size of the largest Node process of the command, in bytes. */
  readonly rss: number;
}

interface Scenario {
  readonly name: string;
  /** Slow scenarios run --slow-runs times instead of --runs. */
  readonly slow?: boolean;
  /** Runs once before the measured runs (a warm cache), not counted. */
  readonly warmUp?: boolean;
  /** Prepares the scenario in `tmp` for the checkout at `root`; returns the command to time. */
  readonly setup: (root: string, tmp: string) => Promise<Command> | Command;
}

interface Command {
  readonly args: string[];
  readonly cwd: string;
  readonly env?: Record<string, string>;
  /** Exit codes that count as success (default: 0). */
  readonly ok?: number[];
  readonly teardown?: () => Promise<void> | void;
}

// Every Node process the command starts appends its peak RSS here on exit (NODE_OPTIONS reaches
// the child processes too); the bin itself is untouched.
const RSS_PRELOAD = `process.on('exit', () => require('node:fs').appendFileSync(process.env.MFG_BENCH_RSS_FILE, process.resourceUsage().maxRSS * 1024 + '\\n'));\n`;

/** Runs the command once. Asynchronous: the GitHub double answers from this process meanwhile. */
async function runOnce(root: string, cmd: Command, tmp: string): Promise<Run> {
  const rssFile = path.join(tmp, `rss-${process.hrtime.bigint()}`);
  const preload = path.join(tmp, 'rss-preload.js');
  if (!fs.existsSync(preload)) fs.writeFileSync(preload, RSS_PRELOAD);
  const start = process.hrtime.bigint();
  const child = spawn(process.execPath, [path.join(root, 'apps/cli/bin/mfctl.js'), ...cmd.args], {
    cwd: cmd.cwd,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      ...process.env,
      ...cmd.env,
      MFG_BENCH_RSS_FILE: rssFile,
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${preload}`.trim(),
    },
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const status = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (!(cmd.ok ?? [0]).includes(status ?? -1)) throw new Error(`mfctl ${cmd.args.join(' ')} exited ${status}:\n${stderr}`);
  const rss = fs.existsSync(rssFile) ? Math.max(...fs.readFileSync(rssFile, 'utf8').trim().split('\n').map(Number)) : NaN;
  fs.rmSync(rssFile, { force: true });
  return { seconds, rss };
}

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed in ${cwd}:\n${r.stderr}`);
  return r.stdout;
}

/** Writes `count` valid stages next to the repository's own into `dir` (created). */
function environmentsWith(root: string, dir: string, count: number): string {
  fs.mkdirSync(dir, { recursive: true });
  for (const f of fs.readdirSync(path.join(root, 'environments'))) fs.copyFileSync(path.join(root, 'environments', f), path.join(dir, f));
  for (const [file, text] of extraStages(fs.readFileSync(path.join(root, 'environments/example.yaml'), 'utf8'), count))
    fs.writeFileSync(path.join(dir, file), text);
  return dir;
}

/** A git repository copied from `root` with `extra` generated stages on main and one changed stage on a branch. */
function diffRepo(root: string, tmp: string, extra: number): Command {
  const repo = path.join(tmp, 'repo');
  const { git: g, commitAll } = copyRepository(root, repo);
  if (extra > 0) {
    environmentsWith(root, path.join(repo, 'environments'), extra);
    commitAll('bench: generated stages');
  }
  g('checkout', '-q', '-b', 'bench');
  const file = path.join(repo, 'environments/example.yaml');
  const text = fs.readFileSync(file, 'utf8');
  const m = /maxCpu: (\d+)/.exec(text);
  if (!m) throw new Error('environments/example.yaml has no maxCpu to change');
  fs.writeFileSync(file, text.replace(m[0], `maxCpu: ${Number(m[1]) + 1}`));
  commitAll('bench: node pool change');
  return { args: ['diff', '--base', 'origin/main', '--format', 'json', '--out', path.join(tmp, 'report.json')], cwd: repo };
}

const SCENARIOS: Scenario[] = [
  { name: 'mfctl --version', setup: (root) => ({ args: ['--version'], cwd: root }) },
  { name: 'mfctl --help', setup: (root) => ({ args: ['--help'], cwd: root }) },
  { name: 'mfctl validate (2 stages)', setup: (root) => ({ args: ['validate'], cwd: root }) },
  { name: 'mfctl synth example', setup: (root, tmp) => ({ args: ['synth', 'example', '--out', path.join(tmp, 'out')], cwd: root }) },
  {
    name: 'mfctl synth --all (20 stages)',
    slow: true,
    setup: (root, tmp) => ({
      args: [
        'synth',
        '--all',
        '--environments',
        environmentsWith(root, path.join(tmp, 'environments'), 18),
        '--out',
        path.join(tmp, 'out'),
      ],
      cwd: root,
    }),
  },
  { name: 'mfctl check example', slow: true, setup: (root) => ({ args: ['check', 'example'], cwd: root, ok: [0, 1] }) },
  { name: 'mfctl diff, 1 of 2 stages changed (warm)', slow: true, warmUp: true, setup: (root, tmp) => diffRepo(root, tmp, 0) },
  { name: 'mfctl diff, 1 of 50 stages changed (warm)', slow: true, warmUp: true, setup: (root, tmp) => diffRepo(root, tmp, 48) },
  {
    name: 'mfctl comment, 5 MB body (comment + summary)',
    setup: async (root, tmp) => {
      const body = path.join(tmp, 'comment.md');
      fs.writeFileSync(body, fiveMegabyteCommentBody());
      const gh = await new GitHubDouble().start();
      return {
        args: ['comment', '--pr', '7', '--body-file', body],
        cwd: root,
        env: {
          GITHUB_TOKEN: 'ghs_bench',
          GITHUB_API_URL: gh.url,
          GITHUB_REPOSITORY: 'acme/platform',
          GITHUB_STEP_SUMMARY: path.join(tmp, 'summary.md'),
        },
        teardown: () => gh.stop(),
      };
    },
  },
];

async function measure(root: string, scenario: Scenario, runs: number): Promise<Run[]> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mfctl-bench-'));
  try {
    const cmd = await scenario.setup(root, tmp);
    try {
      if (scenario.warmUp) await runOnce(root, cmd, tmp);
      const results: Run[] = [];
      for (let i = 0; i < runs; i++) results.push(await runOnce(root, cmd, tmp));
      return results;
    } finally {
      await cmd.teardown?.();
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function cell(runs: Run[] | undefined): string[] {
  if (!runs) return ['', '', ''];
  const secs = runs.map((r) => r.seconds);
  const rss = Math.max(...runs.map((r) => r.rss));
  return [
    `${median(secs).toFixed(2)} s`,
    runs.length > 1 ? `${Math.min(...secs).toFixed(2)}-${Math.max(...secs).toFixed(2)}` : '',
    Number.isFinite(rss) ? `${Math.round(rss / 2 ** 20)} MB` : '?',
  ];
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]) => `| ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  return [
    line(rows[0]),
    `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`,
    ...rows.slice(1).map(line),
  ].join('\n');
}

/** A worktree of `ref` with its dependencies installed (`npm ci`). */
function compareCheckout(ref: string): { root: string; label: string; remove: () => void } {
  const sha = git(ROOT, 'rev-parse', '--verify', `${ref}^{commit}`).trim();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfctl-bench-compare-'));
  git(ROOT, 'worktree', 'add', '--detach', dir, sha);
  process.stderr.write(`bench: npm ci in a worktree of ${ref} (${sha.slice(0, 10)})...\n`);
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  const remove = () => git(ROOT, 'worktree', 'remove', '--force', dir);
  if (r.status !== 0) {
    remove();
    throw new Error(`npm ci failed in the worktree of ${ref}`);
  }
  return { root: dir, label: `${ref} (${sha.slice(0, 10)})`, remove };
}

const USAGE = 'usage: npm run bench -- [--runs N] [--slow-runs N] [--only NAME,...] [--compare GIT-REF]';

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        runs: { type: 'string', default: '3' },
        'slow-runs': { type: 'string', default: '1' },
        only: { type: 'string' },
        compare: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const runs = Number(values.runs);
  const slowRuns = Number(values['slow-runs']);
  if (![runs, slowRuns].every((n) => Number.isInteger(n) && n >= 1)) {
    process.stderr.write(`--runs and --slow-runs must be whole numbers from 1 (got ${values.runs}, ${values['slow-runs']})\n${USAGE}\n`);
    process.exit(2);
  }
  const only = values.only?.split(',').map((s) => s.trim().toLowerCase());
  const scenarios = SCENARIOS.filter((s) => !only || only.some((o) => s.name.toLowerCase().includes(o)));
  if (scenarios.length === 0) {
    process.stderr.write(`--only ${values.only} matches no scenario (scenarios: ${SCENARIOS.map((s) => s.name).join('; ')})\n`);
    process.exit(2);
  }

  const other = values.compare ? compareCheckout(values.compare) : undefined;
  try {
    const head = git(ROOT, 'rev-parse', '--short=10', 'HEAD').trim();
    const dirty = git(ROOT, 'status', '--porcelain').trim() ? ', uncommitted changes' : '';
    process.stdout.write(
      `node ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(1)}; runs ${runs} (slow ones ${slowRuns})\n`,
    );
    const header = [
      'Scenario',
      ...(other ? [`${other.label}`, 'range', 'RSS'] : []),
      `this checkout (${head}${dirty})`,
      'range',
      'peak RSS',
    ];
    const rows: string[][] = [header];
    for (const s of scenarios) {
      const n = s.slow ? slowRuns : runs;
      process.stderr.write(`bench: ${s.name} (${n} run${n === 1 ? '' : 's'}${s.warmUp ? ' after a warm-up run' : ''})\n`);
      const before = other ? await measure(other.root, s, n) : undefined;
      const now = await measure(ROOT, s, n);
      rows.push([s.name, ...(other ? cell(before) : []), ...cell(now)]);
    }
    process.stdout.write(`${table(rows)}\n`);
  } finally {
    other?.remove();
  }
}

main().catch((err: Error) => {
  process.stderr.write(`bench: ${err.message}\n`);
  process.exit(1);
});
