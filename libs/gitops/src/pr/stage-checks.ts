import * as path from 'node:path';
import * as fs from 'node:fs';
import { Diagnostic, loadStages, stageNameOfFile } from '@metaflow-gitops/stage-config';
import { runChecks } from '../checks';
import { baseKubernetesVersions } from './base-kubernetes-versions';
import { readManifestDir } from './manifest-diff';
import { StageChecker } from './pr-diff';
import { CheckOutcome, ReportFinding, StageChecks } from './report';

export function validationFindings(diagnostics: readonly Diagnostic[], stage: string): ReportFinding[] {
  return diagnostics
    .filter((d) => stageNameOfFile(d.file) === stage)
    .map((d) => ({
      severity: d.severity,
      source: 'validate',
      location: `${d.file}:${d.line}:${d.column}`,
      message: `${d.path ? `${d.path}: ` : ''}${d.message}${d.fix ? ` (fix: ${d.fix})` : ''}`,
    }));
}

export function summarizeChecks(
  findings: readonly ReportFinding[],
  skipped: readonly string[] = [],
  outcomes: readonly CheckOutcome[] = [],
): StageChecks {
  return {
    outcomes,
    errors: findings.filter((f) => f.severity === 'error').length,
    warnings: findings.filter((f) => f.severity === 'warning').length,
    findings,
    skipped,
  };
}

/** The directory holding the stage's cloud assembly (`manifest.json`) under a synth output directory. */
function assemblyDirOf(cdkDir: string): string | undefined {
  if (fs.existsSync(path.join(cdkDir, 'manifest.json'))) return cdkDir;
  for (const e of fs.existsSync(cdkDir) ? fs.readdirSync(cdkDir, { withFileTypes: true }) : []) {
    if (e.isDirectory() && fs.existsSync(path.join(cdkDir, e.name, 'manifest.json'))) return path.join(cdkDir, e.name);
  }
  return undefined;
}

export interface HeadCheckOptions {
  /** Also run the synthesized-template checks (cdk-nag report, cfn-lint, limits, custom resources). @default true */
  readonly templateChecks?: boolean;
  /** Environment for cfn-lint. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * The base branch ref: validation also checks each Kubernetes version change against the stage
   * file at the merge-base, as `mfctl validate --base` does.
   */
  readonly baseRef?: string;
}

/**
 * The checks the PR diff reports for a head stage: the stage file's validation diagnostics, then
 * the same checks as `mfctl check` on the head's synthesized assembly (`runChecks`).
 */
export function headStageChecker(environmentsDir: string, options: HeadCheckOptions = {}): StageChecker {
  let loaded: ReturnType<typeof loadStages> | undefined;
  return async (stage, head) => {
    loaded ??= loadStages(
      environmentsDir,
      options.baseRef ? { previousKubernetesVersions: baseKubernetesVersions(environmentsDir, options.baseRef) } : {},
    );
    const findings = validationFindings(loaded.diagnostics, stage);
    const outcomes: CheckOutcome[] = [
      {
        name: 'validate',
        status: findings.some((f) => f.severity === 'error') ? 'fail' : 'pass',
        detail: `${findings.length} diagnostic${findings.length === 1 ? '' : 's'}`,
      },
    ];
    const skipped: string[] = [];
    const assemblyDir = options.templateChecks === false ? undefined : assemblyDirOf(head.cdkDir);
    if (options.templateChecks === false) skipped.push('template checks: disabled with --no-checks');
    else if (!assemblyDir) skipped.push(`template checks: no cloud assembly (manifest.json) under the synth output`);
    else {
      const config = loaded.stages.find((c) => c.name === stage);
      const deployability = {
        stage,
        manifests: [...readManifestDir(head.k8sDir).values()].map((o) => o.body),
        acknowledgements: config?.deployability.acknowledge ?? [],
      };
      const report = await runChecks({ assemblyDir, cfnLint: { env: options.env }, deployability });
      for (const c of report.checks) {
        const detail =
          c.status === 'skipped'
            ? c.reason
            : c.name === 'cdk-nag' || c.name === 'deployability'
              ? `${c.notes.length} acknowledged`
              : c.notes.length === 1
                ? c.notes[0]
                : c.notes.length > 1
                  ? `${c.notes.length} notes`
                  : undefined;
        outcomes.push({ name: c.name, status: c.status, detail });
        if (c.status === 'skipped') skipped.push(`${c.name}: ${c.reason ?? 'skipped'}`);
        for (const f of c.warnings ?? []) {
          findings.push({
            severity: 'warning',
            source: c.name,
            message: `${f.rule}: ${f.message}`,
            location: [f.stack, f.location].filter(Boolean).join(' ') || undefined,
          });
        }
        for (const f of c.findings) {
          findings.push({
            severity: 'error',
            source: c.name,
            message: `${f.rule}: ${f.message}`,
            location: [f.stack, f.location].filter(Boolean).join(' ') || undefined,
          });
        }
      }
    }
    return summarizeChecks(findings, skipped, outcomes);
  };
}
