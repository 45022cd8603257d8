import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// The built bin (`nx build`, which `nx test` runs first): what each command loads.
const BIN = path.join(__dirname, '../bin/mfctl.js');
const REPO = path.join(__dirname, '../../..');
const BUNDLE = path.join(__dirname, '../dist/main.js');
const HEAVY = /node_modules\/(aws-cdk-lib|cdk8s[^/]*|cdk-nag|@aws-cdk\/[^/]+|@aws-sdk\/[^/]+|@octokit\/[^/]+|tsx)\//;

/** Runs the bin in a node that prints every module it loaded (require.cache) on exit. */
function loadedBy(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): { status: number | null; stdout: string; stderr: string; modules: string[] } {
  const probe = [
    `process.argv = [process.execPath, ${JSON.stringify(BIN)}, ...${JSON.stringify(args)}];`,
    `process.on('exit', () => require('node:fs').writeSync(2, '\\nLOADED ' + JSON.stringify(Object.keys(require.cache)) + '\\n'));`,
    `require(${JSON.stringify(BIN)});`,
  ].join('\n');
  const r = spawnSync(process.execPath, ['-e', probe], { cwd: REPO, encoding: 'utf8', env: { ...process.env, ...env } });
  const marker = r.stderr.lastIndexOf('\nLOADED ');
  return {
    status: r.status,
    stdout: r.stdout,
    stderr: r.stderr.slice(0, marker),
    modules: JSON.parse(r.stderr.slice(marker + '\nLOADED '.length)) as string[],
  };
}

const heavyPackages = (modules: string[]) => [...new Set(modules.filter((m) => HEAVY.test(m)).map((m) => HEAVY.exec(m)![1]))].sort();

describe('mfctl loads what a command needs, from the compiled bundle', () => {
  jest.setTimeout(60_000);

  it.each(['--version', '--help', 'synth --help', 'deploy --help'])('mfctl %s loads no CDK, cdk8s, AWS SDK or Octokit', (line) => {
    const r = loadedBy(line.split(' '));
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    expect(r.modules).toContain(BUNDLE); // else run `npx nx build @metaflow-gitops/cli`
    expect(heavyPackages(r.modules)).toEqual([]);
  });

  it('validate reads the stage files without them', () => {
    const r = loadedBy(['validate']);
    expect(r.status).toBe(0);
    expect(r.modules.some((m) => m.includes('node_modules/js-yaml/'))).toBe(true);
    expect(heavyPackages(r.modules)).toEqual([]);
  });

  it('comment loads Octokit only: no CDK, toolkit or AWS SDK', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfctl-lazy-'));
    try {
      fs.writeFileSync(path.join(dir, 'body.md'), '## plan\n');
      const r = loadedBy(['comment', '--summary-only', '--body-file', path.join(dir, 'body.md')], {
        GITHUB_STEP_SUMMARY: path.join(dir, 'summary.md'),
      });
      expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: 'mfctl comment: job summary written\n' });
      expect(fs.readFileSync(path.join(dir, 'summary.md'), 'utf8')).toContain('## plan');
      expect(heavyPackages(r.modules).filter((p) => !p.startsWith('@octokit/'))).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('synth loads the CDK but not the toolkit, the AWS SDK, cdk8s or Octokit', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'mfctl-lazy-'));
    try {
      const r = loadedBy(['synth', 'example', '--out', out]);
      expect(r.status).toBe(0);
      const heavy = heavyPackages(r.modules);
      expect(heavy).toContain('aws-cdk-lib');
      expect(heavy.filter((p) => /^(@aws-cdk\/(toolkit-lib|cloudformation-diff)|@aws-sdk\/|@octokit\/|cdk8s)/.test(p))).toEqual([]);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
