import { DiffReport, StageReport, COMMENT_MARKER, DEFAULT_ACK_LABEL, destructiveItems } from './report';
import { ChangeCounts, DestructiveChange, ResourceAction, ResourceChangeRow, StackDiff } from './template-diff';
import { sectionBoundary } from './truncate';
import { deltaSummary, signedUsd } from '../cost/delta';
import { StageCost } from './stage-cost';

export interface MarkdownOptions {
  /** The label that acknowledges destructive changes. @default `allow-destructive` */
  readonly ackLabel?: string;
  /** Link to the workflow run (job summary and artifact), when known. */
  readonly runUrl?: string;
}

const ACTION_LABEL: Record<ResourceAction, string> = {
  add: '➕ add',
  import: '📥 import',
  update: '✏️ update',
  'asset-update': '✏️ update (asset)',
  replace: '♻️ **replace**',
  'may-replace': '♻️ may replace',
  destroy: '🗑️ **destroy**',
  orphan: '🔓 **orphan**',
};

/** Most consequential first, so a long table starts with what matters. */
const ACTION_ORDER: ResourceAction[] = ['destroy', 'orphan', 'replace', 'may-replace', 'add', 'import', 'update', 'asset-update'];

const DESTRUCTIVE_VERB: Record<DestructiveChange['action'], string> = {
  replace: 'REPLACED',
  'may-replace': 'MAY BE REPLACED',
  destroy: 'DESTROYED',
  orphan: 'ORPHANED',
};

/** Escapes text for a table cell or inline position. */
export function esc(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r?\n/g, ' ');
}

export function countsCell(c: ChangeCounts): string {
  return `+${c.added} ~${c.updated} ±${c.replaced} -${c.destroyed + c.orphaned}`;
}

function table(rows: readonly (readonly string[])[]): string {
  if (rows.length < 2) return '';
  const [head, ...body] = rows;
  return (
    [
      `| ${head.map((h) => esc(h) || ' ').join(' | ')} |`,
      `|${head.map(() => '---').join('|')}|`,
      ...body.map((r) => `| ${r.map((c) => esc(c)).join(' | ')} |`),
    ].join('\n') + '\n'
  );
}

function checksCell(s: StageReport): string {
  const c = s.checks;
  if (c.errors > 0) return `❌ ${c.errors} error${c.errors === 1 ? '' : 's'}`;
  if (c.warnings > 0) return `⚠️ ${c.warnings} warning${c.warnings === 1 ? '' : 's'}`;
  return c.skipped.length > 0 ? `✅ (${c.skipped.length} skipped)` : '✅';
}

/** A new stage (or one moved to another account or region) is shown compactly: everything in it is new. */
function isNew(s: StageReport): boolean {
  return s.change === 'added' || s.move !== undefined;
}

/**
 * IAM, security-group and access changes of a stage at a glance: broadened permissions and access
 * grants are flagged on existing stages (a new stage's IAM is new, not broadened).
 */
function securityCell(s: StageReport): string {
  const iam = s.stacks.filter((st) => st.iamStatements.length > 1 || st.iamManagedPolicies.length > 1);
  const sg = s.stacks.filter((st) => st.securityGroups.length > 1);
  const access = isNew(s) ? '' : s.access.some((a) => a.grants) ? '🔑 access granted' : s.access.length ? 'access' : '';
  const parts = [
    iam.length ? (isNew(s) ? 'IAM (new)' : iam.some((st) => st.permissionsBroadened) ? '🔐 IAM broadened' : 'IAM') : '',
    sg.length ? 'SG' : '',
    access,
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : '—';
}

const usd = (n: number) => `$${n.toFixed(2)}`;

/** Items below this share of the total are one `other` slice of the pie. */
const PIE_MIN_SHARE = 0.03;

/** The summary table's cell: the head's monthly cost and the change. */
function costCell(cost: StageCost | undefined, isNew: boolean): string {
  if (!cost) return 'n/a';
  const total = `$${Math.round(cost.head.total)}`;
  if (!cost.base) return isNew ? `${total} (new)` : total;
  return cost.delta.change === 0 ? total : `${total} (${signedUsd(Math.round(cost.delta.change)).replace('.00', '')})`;
}

function pie(cost: StageCost): string {
  const total = cost.head.total;
  const big = cost.head.items.filter((i) => i.monthly >= total * PIE_MIN_SHARE);
  const other = cost.head.items.filter((i) => i.monthly < total * PIE_MIN_SHARE).reduce((n, i) => n + i.monthly, 0);
  const slices = [...big.map((i) => [i.label, i.monthly] as const), ...(other > 0 ? [['other', other] as const] : [])];
  const label = (s: string) => s.replace(/["\n]/g, "'");
  return ['```mermaid', 'pie showData', ...slices.map(([l, v]) => `  "${label(l)}" : ${v.toFixed(2)}`), '```', ''].join('\n');
}

/** The largest items of an estimate, for a one-line summary. */
const COMPACT_ITEMS = 5;

/**
 * A stage's idle cost in the comment. A new stage gets one line: its monthly total and largest
 * items (a new stage is shown compactly). Otherwise a collapsed block headed by the monthly total
 * and the change (itemized by the items that changed), holding a pie of the items and a table with
 * the change of each.
 */
function costSection(cost: StageCost, isNew: boolean): string {
  const { head, base, delta } = cost;
  const prices = head.priceRegion === head.region ? head.region : `${head.priceRegion} (no ${head.region} prices)`;
  const footer = `At ${prices} list prices on ${head.date}, idle (no flow running); what is left out and how each line is computed: docs/cost.md, \`mfctl cost\`.\n`;
  if (isNew && !base) {
    const top = [...head.items].sort((a, b) => b.monthly - a.monthly).slice(0, COMPACT_ITEMS);
    return `\n**Idle cost** ${usd(head.total)}/month (new stage): ${top.map((i) => `${esc(i.label)} ${usd(i.monthly)}`).join(', ')}${head.items.length > COMPACT_ITEMS ? ', …' : ''}. ${footer}`;
  }
  const headline = base ? deltaSummary(delta) : 'not compared: the base side has no rendering to price';
  const changes = new Map(delta.items.map((i) => [i.key, i]));
  const removed = delta.items.filter((i) => i.after === 0 && !head.items.some((h) => h.key === i.key));
  const rows = [
    ...head.items.map((i) => {
      const c = changes.get(i.key);
      return `| ${esc(i.label)} | ${Number(i.quantity.toFixed(2))} ${esc(i.unit)}${i.assumption ? ' (assumed)' : ''} | ${usd(i.monthly)} | ${base && c ? `${signedUsd(c.change)} (${c.before} → ${c.after})` : ''} |`;
    }),
    ...removed.map((i) => `| ${esc(i.label)} | 0 ${esc(i.unit)} | $0.00 | ${signedUsd(i.change)} (${i.before} → 0) |`),
  ];
  return [
    `\n<details><summary><b>Idle cost</b> ${usd(head.total)}/month — ${esc(headline)}</summary>\n\n`,
    pie(cost),
    '\n| Item | Quantity | $/month | Change |\n|---|---:|---:|---|\n',
    rows.join('\n'),
    `\n| **total** | | **${usd(head.total)}** | ${base ? `**${signedUsd(delta.change)}**` : ''} |\n\n`,
    footer,
    ...head.warnings.map((w) => `- ⚠️ ${esc(w)}\n`),
    '\n</details>\n',
  ].join('');
}

/** Where the stage lives: account, region, prod, GPU pool. */
function whereCell(s: StageReport): string {
  const f = s.facts;
  if (!f) return '?';
  return [`${f.accountId} ${f.region}`, f.isProd ? 'prod' : '', f.gpu ? 'GPU' : ''].filter(Boolean).join(' · ');
}

/** How many things in a stage need the acknowledgement label. */
function ackCount(s: StageReport): number {
  return s.destructive.length + s.crossStack.length + (s.change === 'removed' || s.move ? 1 : 0) + s.access.filter((a) => a.grants).length;
}

function destructiveBanner(report: DiffReport, label: string): string {
  const items = destructiveItems(report);
  if (!report.destructive) return '';
  const lines = [`> [!CAUTION]`, `> **DESTRUCTIVE CHANGES** — merging this PR would lose data, fail to deploy or grant access:`, '>'];
  for (const r of report.removedStages) {
    const moved = report.stages.some((s) => s.stage === r.stage && s.move);
    lines.push(`> - **${esc(r.stage)}**: ${moved ? '**moves** to another account or region' : 'stage file deleted'} — ${esc(r.loses)}`);
  }
  for (const s of report.stages) {
    for (const c of s.crossStack) {
      const users = c.importers.map((i) => `\`${esc(i.stack)}\``).join(', ');
      lines.push(
        `> - **${esc(s.stage)}** \`${esc(c.stack)}\` export \`${esc(c.exportName)}\` changes (${esc(c.cause)}) while ${users} import${c.importers.length === 1 ? 's' : ''} it: CloudFormation **refuses** to update an export in use`,
      );
    }
    for (const a of s.access.filter((x) => x.grants)) {
      lines.push(`> - 🔑 **${esc(s.stage)}** \`${a.field}\`: ${esc(a.before ?? '(unset)')} → ${esc(a.after)} — ${esc(a.grants ?? '')}`);
    }
  }
  for (const { stage, item } of items) {
    lines.push(
      `> - **${esc(stage)}** \`${esc(item.stack)}\` \`${esc(item.logicalId)}\` (${item.type}) would be **${DESTRUCTIVE_VERB[item.action]}**: ${esc(item.loses)}${item.hint ? ` — ${esc(item.hint)}` : ''}`,
    );
  }
  lines.push(
    '>',
    `> To proceed on purpose, a maintainer adds the \`${label}\` label to this PR (the gate re-runs). Otherwise change the PR so stateful resources keep their logical IDs and replacement-free properties, exports in use keep their values, the stage keeps its account and region and its access.`,
  );
  return lines.join('\n') + '\n\n';
}

function summaryTable(report: DiffReport): string {
  const rows = [['Stage', 'Where', 'Why', '+', '~', '±', '-', 'IAM / SG / access', 'Manifests', 'Idle $/month', 'Destructive', 'Checks']];
  for (const s of report.stages) {
    const m = s.manifests ? `+${s.manifests.added} ~${s.manifests.changed} -${s.manifests.removed}` : 'n/a';
    const d = ackCount(s);
    rows.push([
      s.move ? `${s.stage} (moved)` : s.change === 'changed' ? s.stage : `${s.stage} (${s.change})`,
      whereCell(s),
      s.reasons.join('; ').replace(/`/g, ''),
      String(s.counts.added),
      String(s.counts.updated),
      String(s.counts.replaced),
      String(s.counts.destroyed + s.counts.orphaned),
      securityCell(s),
      m,
      costCell(s.cost, isNew(s)),
      d > 0 ? `💥 ${d}` : '—',
      s.errors.length > 0 ? `❌ ${s.errors.length} diff error${s.errors.length === 1 ? '' : 's'}` : checksCell(s),
    ]);
  }
  return table(rows);
}

/** Changed properties with their old and new values (replacements: the forcing ones first, marked). */
function propertiesCell(r: ResourceChangeRow): string {
  if (!r.values?.length) return r.properties.join(', ');
  return r.values
    .map((v) => {
      const forcing =
        r.action !== 'update' && r.action !== 'asset-update' && r.properties.includes(v.property) ? ' (forces replacement)' : '';
      return `${v.property}${forcing}: ${v.before ?? '∅'} → ${v.after ?? '∅'}`;
    })
    .join('; ');
}

/** A new stage's stack: its resource count by type, not every resource. */
function compactStackLine(st: StackDiff): string {
  const byType = new Map<string, number>();
  for (const r of st.resources) byType.set(r.type, (byType.get(r.type) ?? 0) + 1);
  const types = [...byType].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const shown = types.slice(0, 6).map(([t, n]) => `${n} ${t.replace(/^AWS::/, '')}`);
  return `- \`${esc(st.stack)}\`: ${st.resources.length} resources (${shown.join(', ')}${types.length > 6 ? `, +${types.length - 6} more types` : ''})\n`;
}

function stackSection(st: StackDiff): string {
  const flags = [
    st.destructive.length > 0 ? '💥 destructive' : '',
    st.permissionsBroadened ? '🔐 permissions broadened' : '',
    st.securityGroups.length > 1 ? '🛡️ security groups' : '',
  ].filter(Boolean);
  const out = [
    `<details><summary><code>${esc(st.stack)}</code> ${st.status === 'changed' ? '' : `(${st.status}) `}${countsCell(st.counts)}${flags.length ? ` — ${flags.join(', ')}` : ''}</summary>\n\n`,
  ];
  if (st.resources.length > 0) {
    out.push(
      table([
        ['Action', 'Logical ID', 'Type', 'Properties'],
        ...[...st.resources]
          .sort(
            (a, b) =>
              ACTION_ORDER.indexOf(a.action) - ACTION_ORDER.indexOf(b.action) ||
              Number(b.stateful) - Number(a.stateful) ||
              a.logicalId.localeCompare(b.logicalId),
          )
          .map((r) => [ACTION_LABEL[r.action], r.logicalId, r.type, propertiesCell(r)]),
      ]),
    );
  }
  if (st.iamStatements.length > 1 || st.iamManagedPolicies.length > 1) {
    out.push(
      `\n**IAM changes**${st.permissionsBroadened ? ' (permissions broadened)' : ''}\n\n`,
      table(st.iamStatements),
      table(st.iamManagedPolicies),
    );
  }
  if (st.securityGroups.length > 1) out.push('\n**Security group changes**\n\n', table(st.securityGroups));
  const o = st.outputs;
  if (o.added.length + o.removed.length + o.changed.length > 0) {
    out.push(
      `\nOutputs: ${[...o.added.map((k) => `+${k}`), ...o.changed.map((k) => `~${k}`), ...o.removed.map((k) => `-${k}`)].join(', ')}\n`,
    );
  }
  out.push('\n</details>\n');
  return out.join('');
}

function stageSection(s: StageReport): string[] {
  // Each returned string starts at a section boundary (depth = open <details> blocks).
  const sections: string[] = [];
  const n = ackCount(s);
  const head = [
    `<details${n > 0 || s.errors.length > 0 ? ' open' : ''}><summary><b>${esc(s.stage)}</b> ${whereCell(s)} — ${isNew(s) ? `new: ${s.counts.added} resources` : countsCell(s.counts)}${n ? ` — 💥 ${n} to acknowledge` : ''} — checks ${checksCell(s)}</summary>\n\n`,
  ];
  head.push(...s.reasons.map((r) => `- ${r}\n`));
  for (const e of s.errors) head.push(`- ❌ ${esc(e)}\n`);
  for (const w of s.warnings) head.push(`- ⚠️ ${esc(w)}\n`);
  if (s.change === 'removed')
    head.push(
      `\nThe stage file was deleted. Merging does **not** destroy the stage: run the teardown workflow for \`${esc(s.stage)}\`, or its resources keep running unmanaged.\n`,
    );
  if (s.move)
    head.push(
      `\n**Moved** from account ${s.move.from.accountId} ${s.move.from.region} to account ${s.move.to.accountId} ${s.move.to.region}: this is a NEW, empty stage there (shown below as new); the stage in ${s.move.from.accountId} ${s.move.from.region} is left running, unmanaged, with its data. Run the teardown workflow for it first (after a backup), or keep the account and region.\n`,
    );
  if (s.kubernetesUpgrade) head.push(`\n**Kubernetes upgrade**: ${esc(s.kubernetesUpgrade)}\n`);
  if (s.access.length > 0) {
    head.push(
      `\n**Identity and access**${isNew(s) ? '' : ' (changed)'}\n\n`,
      isNew(s)
        ? table([['Setting', 'Value'], ...s.access.map((a) => [a.field, a.after])])
        : table([
            ['Setting', 'Before', 'After', ''],
            ...s.access.map((a) => [a.field, a.before ?? '', a.after, a.grants ? `🔑 ${a.grants}` : 'narrower']),
          ]),
    );
  }
  if (s.crossStack.length > 0) {
    head.push(
      '\n**Exports in use that change** (CloudFormation refuses to update an export another stack imports: the deploy stops there)\n\n',
      table([
        ['Export', 'Why it changes', 'Imported by'],
        ...s.crossStack.map((c) => [
          `${c.stack}: ${c.exportName}`,
          c.cause,
          c.importers
            .map((i) => `${i.stack}: ${i.resources.map((r) => `${r.logicalId} (${r.type}${r.replaced ? ', REPLACED' : ''})`).join(', ')}`)
            .join('; '),
        ]),
      ]),
    );
  }
  sections.push(head.join('') + '\n');
  if (isNew(s)) {
    sections.push(`**Stacks** (CloudFormation, new)\n\n${s.stacks.map(compactStackLine).join('')}\n`);
  } else {
    const changed = s.stacks.filter((st) => st.status !== 'unchanged');
    if (s.stacks.length > 0) {
      const same = s.stacks.filter((st) => st.status === 'unchanged').map((st) => `\`${st.stack}\``);
      sections.push(`**Stacks** (CloudFormation)${same.length ? ` — unchanged: ${same.join(', ')}` : ''}\n\n`);
    }
    for (const st of changed) sections.push(stackSection(st));
  }
  if (s.manifests && isNew(s)) {
    const byKind = new Map<string, number>();
    for (const o of s.manifests.objects) byKind.set(o.id.split(' ')[0], (byKind.get(o.id.split(' ')[0]) ?? 0) + 1);
    sections.push(
      `\n**Kubernetes manifests** (new): ${s.manifests.added} objects — ${[...byKind].map(([k, c]) => `${c} ${esc(k)}`).join(', ')}\n`,
    );
  } else if (s.manifests) {
    const m = s.manifests;
    const parts = [`\n<details><summary><b>Kubernetes manifests</b> +${m.added} ~${m.changed} -${m.removed}</summary>\n\n`];
    if (m.objects.length === 0) parts.push('No manifest changes.\n');
    for (const o of m.objects) {
      parts.push(
        `- ${o.action === 'added' ? '➕' : o.action === 'removed' ? '🗑️' : '✏️'} \`${o.id}\`${o.action === 'changed' ? '' : ` ${o.action}`}\n`,
      );
      if (o.patch) parts.push(`\n\`\`\`diff\n${o.patch.replace(/```/g, '` ` `')}\n\`\`\`\n\n`);
    }
    parts.push('\n</details>\n');
    sections.push(parts.join(''));
  }
  if (s.cost) sections.push(costSection(s.cost, isNew(s)));
  const c = s.checks;
  const checks = [`\n<details${c.errors > 0 ? ' open' : ''}><summary><b>Checks</b> ${checksCell(s)}</summary>\n\n`];
  if (c.outcomes?.length)
    checks.push(
      table([
        ['Check', 'Result', 'Detail'],
        ...c.outcomes.map((o) => [
          o.name,
          o.status === 'pass' ? '✅ pass' : o.status === 'fail' ? '❌ fail' : '⏭️ skipped',
          o.detail ?? '',
        ]),
      ]),
      '\n',
    );
  if (c.findings.length === 0) checks.push('No findings.\n');
  else
    checks.push(
      table([['Severity', 'Check', 'Where', 'Message'], ...c.findings.map((f) => [f.severity, f.source, f.location ?? '', f.message])]),
    );
  for (const sk of c.skipped) checks.push(`- skipped: ${esc(sk)}\n`);
  checks.push('\n</details>\n');
  sections.push(checks.join(''));
  return sections;
}

/**
 * The PR comment / job summary: marker, headline, destructive banner, summary table, then one
 * collapsible block per stage holding one per stack, the manifests and the checks. Section
 * boundaries are marked so a long body can be cut cleanly (see truncate.ts).
 */
export function renderMarkdown(report: DiffReport, opts: MarkdownOptions = {}): string {
  const label = opts.ackLabel ?? DEFAULT_ACK_LABEL;
  const n = report.stages.length;
  const out: string[] = [COMMENT_MARKER, '\n'];
  out.push(
    `## ${report.destructive ? '💥 ' : ''}metaflow-gitops plan: ${n === 0 ? 'no stage affected' : `${n} stage${n === 1 ? '' : 's'} affected`}\n\n`,
  );
  out.push(
    `Compared \`${esc(report.base.ref)}\` (merge-base \`${report.base.sha.slice(0, 7)}\`) with \`${report.head.sha.slice(0, 7)}\`${report.against === 'deployed' ? ' against the **deployed** stacks' : ', templates synthesized without AWS credentials'}; ${report.changedFiles} file${report.changedFiles === 1 ? '' : 's'} changed.${opts.runUrl ? ` [Workflow run](${opts.runUrl})` : ''}\n\n`,
  );
  out.push(destructiveBanner(report, label));
  if (n === 0) {
    out.push(`No stage is affected: the change touches no stage file and no shared code (documentation, tests or workflows only).\n`);
  } else {
    out.push(summaryTable(report), '\n');
    out.push('Legend: + added, ~ updated, ± replaced, - destroyed or orphaned (resources).\n\n');
  }
  if (report.unaffected.length > 0) out.push(`Unaffected stages: ${report.unaffected.map((s) => `\`${s}\``).join(', ')}.\n\n`);
  for (const s of report.stages) {
    const [first, ...rest] = stageSection(s);
    out.push(sectionBoundary(0), first);
    for (const sec of rest) out.push(sectionBoundary(1), sec);
    out.push('</details>\n\n');
  }
  out.push(sectionBoundary(0), `<sub>Generated by \`mfctl diff\` in ${report.durationSeconds.toFixed(1)} s.</sub>\n`);
  return out.join('');
}
