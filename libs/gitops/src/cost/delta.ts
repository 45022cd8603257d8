import { CostEstimate, CostItem } from './estimate';

/** One item whose quantity or cost differs between two estimates. */
export interface CostItemChange {
  readonly key: string;
  readonly label: string;
  readonly unit: string;
  readonly before: number;
  readonly after: number;
  /** USD a month, after minus before. */
  readonly change: number;
}

/** How the idle cost of a stage changes: the totals and the items that differ. */
export interface CostDelta {
  readonly before: number;
  readonly after: number;
  readonly change: number;
  readonly items: readonly CostItemChange[];
}

const round = (n: number) => Math.round(n * 100) / 100;

/** The change from `before` (absent: a new stage) to `after`, item by item, largest change first. */
export function costDelta(before: CostEstimate | undefined, after: CostEstimate): CostDelta {
  const old = new Map<string, CostItem>((before?.items ?? []).map((i) => [i.key, i]));
  const now = new Map<string, CostItem>(after.items.map((i) => [i.key, i]));
  const keys = [...new Set([...old.keys(), ...now.keys()])];
  const items = keys
    .map((key) => {
      const a = old.get(key);
      const b = now.get(key);
      const item = (b ?? a) as CostItem;
      return {
        key,
        label: item.label,
        unit: item.unit,
        before: a?.quantity ?? 0,
        after: b?.quantity ?? 0,
        change: round((b?.monthly ?? 0) - (a?.monthly ?? 0)),
      };
    })
    .filter((i) => i.change !== 0 || i.before !== i.after)
    .sort((x, y) => Math.abs(y.change) - Math.abs(x.change) || x.key.localeCompare(y.key));
  const total = before?.total ?? 0;
  return { before: total, after: after.total, change: round(after.total - total), items };
}

/** `+$65.70`, `-$3.65`, `$0.00`. */
export function signedUsd(n: number): string {
  const abs = `$${Math.abs(n).toFixed(2)}`;
  return n > 0 ? `+${abs}` : n < 0 ? `-${abs}` : abs;
}

/** One line: `+$65.70/month: NAT gateways 1 → 3 (+$65.70), public IPv4 addresses 1 → 3 (+$7.30)`. */
export function deltaSummary(d: CostDelta): string {
  if (d.items.length === 0) return `${signedUsd(d.change)}/month: no priced resource changes`;
  const parts = d.items.map((i) => `${i.label} ${i.before} → ${i.after} (${signedUsd(i.change)})`);
  return `${signedUsd(d.change)}/month: ${parts.join(', ')}`;
}
