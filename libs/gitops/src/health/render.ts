import { FindingStatus, HealthReport, reportExitCode } from './report';

const LABEL: Record<FindingStatus, string> = { ok: 'OK', fail: 'FAIL', unknown: 'UNKNOWN' };

/** Counts of a report's findings by status. */
export function statusCounts(report: HealthReport): Record<FindingStatus, number> {
  const counts: Record<FindingStatus, number> = { ok: 0, fail: 0, unknown: 0 };
  for (const f of report.findings) counts[f.status]++;
  return counts;
}

/** One line saying how the report ended: what `mfctl doctor` and `mfctl drift` print last. */
export function reportVerdict(report: HealthReport): string {
  const c = statusCounts(report);
  const what = ['healthy', 'something is wrong', '', 'nothing wrong seen, but not everything could be observed'][reportExitCode(report)];
  return `${report.kind} ${report.stage}: ${c.ok} ok, ${c.fail} fail, ${c.unknown} unknown: ${what}`;
}

/**
 * The report as text for a terminal: one line per finding (status, check, what was observed), its
 * details indented, the fix of each `fail` and `unknown`, and the verdict last.
 */
export function formatHealthReport(report: HealthReport): string {
  const lines = [`${report.kind} of stage ${report.stage} at ${report.checkedAt}`];
  const width = Math.max(0, ...report.findings.map((f) => f.check.length));
  for (const f of report.findings) {
    lines.push(`${LABEL[f.status].padEnd(7)} ${f.check.padEnd(width)}  ${f.summary}`);
    for (const d of f.details ?? []) lines.push(`        ${d}`);
    if (f.fix && f.status !== 'ok') lines.push(`        fix: ${f.fix}`);
  }
  lines.push(reportVerdict(report));
  return `${lines.join('\n')}\n`;
}
