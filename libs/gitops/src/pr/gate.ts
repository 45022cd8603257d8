import { DiffReport, destructiveItems } from './report';

export interface GateResult {
  readonly pass: boolean;
  readonly message: string;
}

const VERB = {
  replace: 'replaced',
  'may-replace': 'possibly replaced',
  destroy: 'destroyed',
  orphan: 'orphaned (left running, unmanaged)',
} as const;

/**
 * The merge gate: destructive changes need the acknowledgement label on the PR; a diff that could
 * not be computed for the head commit fails too (an unknown plan is not a safe plan).
 */
export function evaluateGate(report: DiffReport, labels: readonly string[], label: string): GateResult {
  const broken = report.stages.filter((s) => s.errors.length > 0);
  if (broken.length > 0) {
    const lines = ['The diff could not be computed for every affected stage, so the gate cannot tell what would be lost:'];
    for (const s of broken) for (const e of s.errors) lines.push(`  - ${s.stage}: ${e}`);
    lines.push('Fix the errors above (see the validate and test jobs) and push again.');
    return { pass: false, message: lines.join('\n') };
  }
  if (!report.destructive) return { pass: true, message: 'No destructive changes: nothing to acknowledge.' };

  const lost: string[] = [];
  for (const r of report.removedStages) lost.push(`  - stage ${r.stage}: stage file deleted — ${r.loses}`);
  for (const { stage, item } of destructiveItems(report)) {
    lost.push(
      `  - ${stage}: ${item.stack} ${item.logicalId} (${item.type}) would be ${VERB[item.action]}: ${item.loses}${item.hint ? ` (${item.hint})` : ''}`,
    );
  }
  if (labels.includes(label)) {
    return { pass: true, message: [`Destructive changes acknowledged by the '${label}' label:`, ...lost].join('\n') };
  }
  return {
    pass: false,
    message: [
      `This PR makes destructive changes and does not carry the '${label}' label. What would be lost:`,
      ...lost,
      'How to proceed:',
      '  - Not intended? Keep stateful resources at their logical IDs (a construct rename or move changes the ID) and avoid',
      '    properties that force a replacement; push again and this gate re-runs.',
      `  - Intended? Back up what is listed (database snapshot, bucket copy, user export), then have a maintainer add the`,
      `    '${label}' label to the PR: the workflow re-runs on the label and this gate passes.`,
    ].join('\n'),
  };
}
