import { renderStageManifests } from '@metaflow-gitops/constructs/k8s';
import { ChecksReport, runChecks } from '@metaflow-gitops/gitops/checks';
import { placeholderOutputs } from '@metaflow-gitops/stage-config';
import { EXIT } from '../errors';
import { Io } from '../io';
import { environmentsDir } from '../repo';
import { selectStages } from './infra-stages';
import { defaultOutDir, synthesize } from './synth';

export interface CheckOptions {
  readonly stage?: string;
  readonly all?: boolean;
  readonly out?: string;
  readonly environments?: string;
  readonly json?: boolean;
}

/**
 * `mfctl check <stage>`: synthesizes the stage, then runs cdk-nag, cfn-lint, the template limits,
 * the custom-resource listing and the deployability rules (acknowledged in the stage file). Exit 1 on any finding; a skipped check (missing cfn-lint) is
 * printed, never silent.
 */
export async function checkCommand(opts: CheckOptions, io: Io): Promise<number> {
  const stages = selectStages(io, environmentsDir(io.cwd, opts.environments), opts.stage, opts.all);
  // Each stage's checks start once it is synthesized: its cfn-lint (a subprocess) runs while the next one synthesizes.
  const checking: Promise<ChecksReport & { stage: string }>[] = [];
  for (const config of stages) {
    const [s] = synthesize(io, [config], defaultOutDir(io, opts.out));
    io.stderr(`checking ${s.stage} ...\n`);
    // The manifests (with placeholder outputs) for the rules that look at both sides, e.g. NodeClass tags.
    const manifests = renderStageManifests(config, placeholderOutputs()).components.flatMap((c) => c.objects);
    const deployability = { stage: config.name, manifests, acknowledgements: config.deployability.acknowledge };
    checking.push(
      runChecks({ assemblyDir: s.assemblyDir, cfnLint: { env: io.env }, deployability }).then((r) => ({ stage: s.stage, ...r })),
    );
  }
  const reports = await Promise.all(checking);
  const ok = reports.every((r) => r.ok);
  if (opts.json) {
    io.stdout(`${JSON.stringify({ ok, stages: reports }, undefined, 2)}\n`);
    return ok ? EXIT.ok : EXIT.failure;
  }
  for (const report of reports) {
    io.stdout(`${report.stage}: ${report.ok ? 'all checks passed' : 'CHECKS FAILED'}\n`);
    for (const check of report.checks) {
      const label =
        check.status === 'skipped' ? `SKIPPED (${check.reason})` : check.status === 'pass' ? 'pass' : `FAIL (${check.findings.length})`;
      io.stdout(`  ${check.name.padEnd(17)} ${label}\n`);
      for (const f of check.findings) io.stdout(`    ${f.stack ?? '-'}: ${f.rule}: ${f.message}${f.location ? ` [${f.location}]` : ''}\n`);
      for (const f of check.warnings ?? [])
        io.stdout(`    warning ${f.stack ?? '-'}: ${f.rule}: ${f.message}${f.location ? ` [${f.location}]` : ''}\n`);
      if (check.name !== 'cdk-nag') for (const n of check.notes) io.stdout(`    ${n}\n`);
    }
    const acks = report.checks.find((c) => c.name === 'cdk-nag')?.notes.length ?? 0;
    io.stdout(`  (${acks} cdk-nag acknowledgements, each with a reason: --json lists them)\n`);
  }
  return ok ? EXIT.ok : EXIT.failure;
}
