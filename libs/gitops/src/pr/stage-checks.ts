import * as path from 'node:path';
import { Diagnostic, loadStages } from '@metaflow-gitops/stage-config';
import { StageChecker } from './pr-diff';
import { ReportFinding, StageChecks } from './report';

function stageOfFile(file: string): string {
  return path.basename(file).replace(/\.ya?ml$/, '');
}

export function validationFindings(diagnostics: readonly Diagnostic[], stage: string): ReportFinding[] {
  return diagnostics
    .filter((d) => stageOfFile(d.file) === stage)
    .map((d) => ({ severity: d.severity, source: 'validate', location: `${d.file}:${d.line}:${d.column}`, message: `${d.path ? `${d.path}: ` : ''}${d.message}${d.fix ? ` (fix: ${d.fix})` : ''}` }));
}

export function summarizeChecks(findings: readonly ReportFinding[], skipped: readonly string[] = []): StageChecks {
  return { errors: findings.filter((f) => f.severity === 'error').length, warnings: findings.filter((f) => f.severity === 'warning').length, findings, skipped };
}

/** The checks the PR diff reports for a head stage: the stage file's validation diagnostics. */
export function headStageChecker(environmentsDir: string): StageChecker {
  let loaded: ReturnType<typeof loadStages> | undefined;
  return async (stage) => {
    loaded ??= loadStages(environmentsDir);
    return summarizeChecks(validationFindings(loaded.diagnostics, stage));
  };
}
