/**
 * `npm run bench:synth -- [N]`: synthesis time of one stage (environments/example.yaml) and of N
 * generated stages (copies of it under other names), each into its own cloud assembly with the
 * cdk-nag report, as `mfctl synth` does. A benchmark to read, not a timed test.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { deployRoleName, defaultOidcName, loadStage, StageConfig } from '@metaflow-gitops/stage-config';
import { synthStage } from '../src/aws/stage-app';

function generated(base: StageConfig, i: number): StageConfig {
  const name = `bench-${String(i).padStart(3, '0')}`;
  return {
    ...base,
    name,
    sourceFile: `environments/${name}.yaml`,
    oidcConfig: { ...base.oidcConfig, clientId: defaultOidcName(name), idpProviderName: defaultOidcName(name) },
    deploy: { roleArn: `arn:aws:iam::${base.accountId}:role/${deployRoleName(name)}`, githubEnvironment: name },
  };
}

function time(label: string, fn: () => void): number {
  const start = performance.now();
  fn();
  const ms = performance.now() - start;
  process.stdout.write(`${label.padEnd(44)} ${(ms / 1000).toFixed(2).padStart(7)} s\n`);
  return ms;
}

function main(): void {
  const n = Number(process.argv[2] ?? 10);
  if (!Number.isInteger(n) || n < 1) {
    process.stderr.write(`usage: npm run bench:synth -- [N]   (N: number of generated stages, got '${process.argv[2]}')\n`);
    process.exit(2);
  }
  const repo = path.resolve(__dirname, '../../..');
  const example = loadStage(path.join(repo, 'environments'), 'example');
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-synth-'));
  process.stdout.write(`node ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(2)}\n`);

  time('1 stage, first in the process (cold)', () => synthStage(example, { outdir: out }));
  time('1 stage, warm', () => synthStage(example, { outdir: out }));
  time('1 stage, warm, without cdk-nag', () => synthStage(example, { outdir: out, nag: false }));
  const total = time(`${n} generated stages, one after another`, () => {
    for (let i = 1; i <= n; i++) synthStage(generated(example, i), { outdir: out });
  });
  process.stdout.write(`${'  per stage'.padEnd(44)} ${(total / n / 1000).toFixed(2).padStart(7)} s\n`);
  fs.rmSync(out, { recursive: true, force: true });
}

main();
