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
  if (!report.destructive) return { pass: true, message: 'No destructive or access-granting changes: nothing to acknowledge.' };

  const lost: string[] = [];
  for (const r of report.removedStages) {
    const moved = report.stages.find((s) => s.stage === r.stage && s.move);
    lost.push(`  - stage ${r.stage}: ${moved ? 'moves to another account or region' : 'stage file deleted'} — ${r.loses}`);
  }
  for (const s of report.stages) {
    for (const c of s.crossStack) {
      const users = c.importers.map((i) => `${i.stack} (${i.resources.map((r) => r.logicalId).join(', ')})`).join('; ');
      lost.push(
        `  - ${s.stage}: ${c.stack} export ${c.exportName} changes (${c.cause}) while ${users} import it: CloudFormation refuses to update an export in use`,
      );
    }
    for (const a of s.access.filter((x) => x.grants)) {
      lost.push(`  - ${s.stage}: ${a.field} ${a.before ?? '(unset)'} -> ${a.after}: ${a.grants}`);
    }
  }
  for (const { stage, item } of destructiveItems(report)) {
    lost.push(
      `  - ${stage}: ${item.stack} ${item.logicalId} (${item.type}) would be ${VERB[item.action]}: ${item.loses}${item.hint ? ` (${item.hint})` : ''}`,
    );
  }
  if (labels.includes(label)) {
    return { pass: true, message: [`Destructive or access-granting changes acknowledged by the '${label}' label:`, ...lost].join('\n') };
  }
  return {
    pass: false,
    message: [
      `This PR makes destructive or access-granting changes and does not carry the '${label}' label. What it does:`,
      ...lost,
      'How to proceed:',
      '  - Not intended? Keep stateful resources at their logical IDs (a construct rename or move changes the ID), avoid',
      "    properties that force a replacement (or change an export other stacks use), keep the stage's account and region",
      '    and its access settings; push again and this gate re-runs.',
      `  - Intended? Back up what is listed (database snapshot, bucket copy, user export) and check the access changes, then have a maintainer add the`,
      `    '${label}' label to the PR: the workflow re-runs on the label and this gate passes.`,
    ].join('\n'),
  };
}
