// `npm run rehearse`: the deploy rehearsal on moto for a human (the same scenario the jest test runs).
import * as path from 'node:path';
import { formatWaves } from '@metaflow-gitops/gitops';
import { defaultDeliveryDeps } from '@metaflow-gitops/cli/src/delivery-deps';
import { motoUnavailable } from './moto';
import { rehearse } from './scenario';

async function run(): Promise<number> {
  const unavailable = motoUnavailable();
  if (unavailable) {
    process.stderr.write(`rehearsal not run: ${unavailable}\n`);
    return 1;
  }
  const stage = process.argv[2] ?? 'example';
  const environments = path.join(__dirname, '../../../../environments');
  const report = await rehearse({
    stage,
    environments,
    deps: defaultDeliveryDeps(),
    print: (line) => process.stdout.write(`${line}\n`),
  });
  if (process.env.REHEARSAL_TRANSCRIPT || !report.ok) process.stdout.write(`\n--- transcript ---\n${report.transcript}\n`);
  const failed = report.checks.filter((c) => !c.ok);
  process.stdout.write(`\nRehearsal of '${stage}' on moto: ${report.ok ? 'PASSED' : `FAILED (${failed.length} checks)`}\n`);
  process.stdout.write(`Deploy waves: ${formatWaves(report.waves)}\n`);
  if (report.deploy)
    process.stdout.write(
      `First deploy: ${report.deploy.seconds.toFixed(1)}s; re-deploy (no-op): ${report.redeploy?.seconds.toFixed(1)}s\n`,
    );
  process.stdout.write(`Wall time: ${report.wallSeconds.toFixed(1)}s\n`);
  return report.ok ? 0 : 1;
}

run().then(
  (code) => (process.exitCode = code),
  (err) => {
    process.stderr.write(`rehearsal error: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  },
);
