import { esc } from '../pr/markdown';
import { COMMENT_LIMIT, cutAtSections, sectionBoundary } from '../pr/truncate';
import { FindingStatus, HealthReport } from './report';
import { statusCounts } from './render';

/** Label of the health workflow's issues (one open issue per stage carries it). */
export const HEALTH_ISSUE_LABEL = 'stage-health';

/** Hidden first line that identifies a stage's health issue. */
export function healthIssueMarker(stage: string): string {
  return `<!-- metaflow-gitops:health stage=${stage} -->`;
}

export function healthIssueTitle(stage: string): string {
  return `Stage ${stage}: the health check found problems`;
}

/** True when any report has a finding that is not `ok`: the stage's issue is open while this holds. */
export function needsAttention(reports: readonly HealthReport[]): boolean {
  return reports.some((r) => r.findings.some((f) => f.status !== 'ok'));
}

const ICON: Record<FindingStatus, string> = { ok: 'ok', fail: '❌ fail', unknown: '❔ unknown' };

function reportSection(r: HealthReport): string {
  const c = statusCounts(r);
  const bad = r.findings.filter((f) => f.status !== 'ok');
  const lines = [`### \`mfctl ${r.kind}\` at ${r.checkedAt}: ${c.fail} fail, ${c.unknown} unknown, ${c.ok} ok`, ''];
  if (bad.length > 0) {
    lines.push('| | Check | What was seen | Fix |', '|---|---|---|---|');
    for (const f of bad) lines.push(`| ${ICON[f.status]} | \`${esc(f.check)}\` | ${esc(f.summary)} | ${esc(f.fix ?? '')} |`);
    const detailed = bad.filter((f) => f.details?.length);
    for (const f of detailed)
      lines.push(
        '',
        `<details><summary><code>${esc(f.check)}</code> details</summary>`,
        '',
        '```',
        ...(f.details ?? []),
        '```',
        '',
        '</details>',
      );
  } else lines.push('Every check is ok.');
  return `${sectionBoundary(0)}${lines.join('\n')}\n`;
}

/**
 * The issue body: the marker, what is wrong in each report (fail and unknown findings with their
 * fix and details), and how to re-run; cut at a report boundary to fit GitHub's limit.
 */
export function healthIssueBody(stage: string, reports: readonly HealthReport[], runLink?: string): string {
  const where = runLink ? `[the scheduled health workflow](${runLink})` : 'the health workflow';
  const head = [
    healthIssueMarker(stage),
    `Checks of stage \`${stage}\` by ${where} found problems. This issue is updated on every run and closed when every check is ok again.`,
    '',
    `Re-run by hand: \`npx mfctl doctor ${stage}\` and \`npx mfctl drift ${stage}\` (the fixes are in docs/operator-guide.md, Troubleshooting).`,
    '',
  ].join('\n');
  const body = `${head}\n${reports.map(reportSection).join('\n')}`;
  return cutAtSections(
    body,
    COMMENT_LIMIT,
    (n) => `> [!NOTE]\n> ${n} report section${n === 1 ? '' : 's'} cut to fit GitHub's limit: see the workflow run.`,
  ).text;
}
