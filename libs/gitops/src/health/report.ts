/**
 * The result of a live, read-only look at a deployed stage (`mfctl doctor`, `mfctl drift`), in
 * one shape so that people, scripts and the scheduled health workflow read both the same way.
 */

/**
 * `ok`: observed and healthy. `fail`: observed and wrong (the finding says the fix). `unknown`:
 * could not be observed (no access, API missing, timeout); never counted as healthy.
 */
export type FindingStatus = 'ok' | 'fail' | 'unknown';

export interface Finding {
  /** Stable id of the check, e.g. `idp-secret-placeholder`, `stack-drift:example-eks`. */
  readonly check: string;
  readonly status: FindingStatus;
  /** One line: what was observed. */
  readonly summary: string;
  /** What the operator does about a `fail` (or how to make an `unknown` observable). */
  readonly fix?: string;
  /** Further lines (e.g. the drifted properties), printed indented. */
  readonly details?: readonly string[];
}

export interface HealthReport {
  readonly kind: 'doctor' | 'drift';
  readonly stage: string;
  /** ISO 8601 time the checks ran. */
  readonly checkedAt: string;
  readonly findings: readonly Finding[];
}

/** Exit code of a report: 0 every finding `ok`, 1 any `fail`, 3 no `fail` but something `unknown`. */
export function reportExitCode(report: HealthReport): 0 | 1 | 3 {
  if (report.findings.some((f) => f.status === 'fail')) return 1;
  if (report.findings.some((f) => f.status === 'unknown')) return 3;
  return 0;
}

const STATUS_TEXT: Readonly<Record<FindingStatus, string>> = { ok: 'ok', fail: 'FAIL', unknown: 'unknown' };

/**
 * The report as people read it: a title line, one line per finding (status, check, summary), its
 * fix and details indented below it, then the counts.
 */
export function formatHealthReport(report: HealthReport): string {
  const width = Math.max(0, ...report.findings.map((f) => f.check.length));
  const lines = [`${report.kind} ${report.stage} (checked ${report.checkedAt})`];
  for (const f of report.findings) {
    lines.push(`  ${STATUS_TEXT[f.status].padEnd(7)}  ${f.check.padEnd(width)}  ${f.summary}`);
    const indent = ' '.repeat(13 + width);
    if (f.status !== 'ok' && f.fix) lines.push(`${indent}fix: ${f.fix}`);
    for (const d of f.details ?? []) lines.push(`${indent}  ${d}`);
  }
  const count = (s: FindingStatus) => report.findings.filter((f) => f.status === s).length;
  lines.push(`${count('ok')} ok, ${count('fail')} failed, ${count('unknown')} unknown`);
  return `${lines.join('\n')}\n`;
}
