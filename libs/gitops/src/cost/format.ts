import { CostEstimate, LEFT_OUT } from './estimate';

const usd = (n: number) => `$${n.toFixed(2)}`;

function heading(stage: string, e: CostEstimate): string {
  const prices = e.priceRegion === e.region ? e.region : `${e.region}, priced as ${e.priceRegion}`;
  return `${stage} (${prices}): idle cost ${usd(e.total)}/month at ${e.currency} list prices on ${e.date}`;
}

/** The estimate as aligned text: one line per item, the total, assumptions, what is left out, warnings. */
export function formatCostText(stage: string, e: CostEstimate): string {
  const width = Math.max(...e.items.map((i) => i.label.length), 5);
  const qty = (n: number, unit: string) => `${Number(n.toFixed(2))} ${unit}`;
  const qWidth = Math.max(...e.items.map((i) => qty(i.quantity, i.unit).length), 1);
  const lines = [heading(stage, e)];
  for (const i of e.items) {
    lines.push(
      `  ${i.label.padEnd(width)}  ${qty(i.quantity, i.unit).padEnd(qWidth)}  ${usd(i.monthly).padStart(9)}  ${i.detail}${i.assumption ? ' (assumed)' : ''}`,
    );
  }
  lines.push(`  ${'total'.padEnd(width)}  ${''.padEnd(qWidth)}  ${usd(e.total).padStart(9)}`);
  for (const i of e.items.filter((x) => x.assumption)) lines.push(`  assumed: ${i.label}: ${i.assumption}`);
  lines.push(`  left out: ${LEFT_OUT.join('; ')}`);
  for (const w of e.warnings) lines.push(`  warning: ${w}`);
  return `${lines.join('\n')}\n`;
}

/** The estimate as a markdown section: a table of the items, then assumptions, what is left out and warnings. */
export function formatCostMarkdown(stage: string, e: CostEstimate): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  const lines = [
    `### ${heading(stage, e)}`,
    '',
    '| Item | Quantity | $/month | How |',
    '|---|---:|---:|---|',
    ...e.items.map(
      (i) =>
        `| ${cell(i.label)} | ${Number(i.quantity.toFixed(2))} ${i.unit} | ${usd(i.monthly)} | ${cell(i.detail)}${i.assumption ? ` (assumed: ${cell(i.assumption)})` : ''} |`,
    ),
    `| **total** | | **${usd(e.total)}** | |`,
    '',
    `Left out: ${LEFT_OUT.join('; ')}.`,
    ...e.warnings.map((w) => `\n> warning: ${w}`),
  ];
  return `${lines.join('\n')}\n`;
}
