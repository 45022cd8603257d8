import { Resolver } from 'node:dns/promises';

/** How `mfctl deploy` waits for a manual delegation; tests pass their own resolver and clock. */
export interface DelegationWaitOptions {
  /** NS records of a name as public DNS answers them (lowercase or not, with or without the final dot). @default node:dns */
  readonly resolveNs?: (name: string) => Promise<string[]>;
  /** Give up after this long. @default 30 minutes */
  readonly timeoutMs?: number;
  /** Time between two lookups. @default 30 seconds */
  readonly intervalMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

export interface DelegationResult {
  readonly delegated: boolean;
  /** What public DNS last answered for the stage host's NS records (empty: no answer). */
  readonly answer: readonly string[];
  readonly seconds: number;
}

/** The NS TTL the stage's own delegations use (two days), suggested for the manual records too. */
const NS_TTL_SECONDS = 172_800;

const norm = (name: string) => name.trim().toLowerCase().replace(/\.$/, '');

/**
 * Whether public DNS delegates the stage host to its zone: the NS answer is not empty and names
 * only the zone's name servers (a stale delegation to an older zone names others).
 */
export function isDelegated(answer: readonly string[], nameServers: readonly string[]): boolean {
  const ours = new Set(nameServers.map(norm));
  return answer.length > 0 && answer.every((ns) => ours.has(norm(ns)));
}

/** The records to add in the parent zone, one per line, in zone-file form. */
export function nsRecordLines(host: string, nameServers: readonly string[]): string[] {
  return nameServers.map((ns) => `${norm(host)}.  ${NS_TTL_SECONDS}  IN  NS  ${norm(ns)}.`);
}

/** DNS answers that say "no NS records here" (NXDOMAIN, NODATA), as opposed to "could not ask". */
const NO_RECORDS = new Set(['ENOTFOUND', 'ENODATA']);

/**
 * NS records of a name as public DNS answers them: `[]` when DNS says there are none (NXDOMAIN,
 * NODATA); throws when DNS could not be asked (timeout, refused, SERVFAIL).
 */
export async function lookupPublicNs(name: string): Promise<string[]> {
  try {
    return await new Resolver().resolveNs(name);
  } catch (err) {
    if (NO_RECORDS.has(String((err as { code?: unknown }).code))) return [];
    throw err;
  }
}

async function publicNs(name: string): Promise<string[]> {
  try {
    return await lookupPublicNs(name);
  } catch {
    // No answer yet: not delegated (yet); the wait asks again.
    return [];
  }
}

/**
 * Polls public DNS until the parent zone delegates `host` to `nameServers`, printing what to add
 * first and what DNS answers while waiting; gives up after the timeout.
 */
export async function waitForDelegation(
  host: string,
  nameServers: readonly string[],
  print: (line: string) => void,
  options: DelegationWaitOptions = {},
): Promise<DelegationResult> {
  const resolveNs = options.resolveNs ?? publicNs;
  const timeoutMs = options.timeoutMs ?? 30 * 60_000;
  const intervalMs = options.intervalMs ?? 30_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((res) => setTimeout(res, ms)));
  const now = options.now ?? Date.now;
  const started = now();
  const seconds = () => (now() - started) / 1000;

  let answer = await resolveNs(host);
  if (isDelegated(answer, nameServers)) return { delegated: true, answer, seconds: seconds() };
  print(`${host}: manual delegation: add these NS records to the parent zone (the DNS host of ${host.split('.').slice(1).join('.')}):`);
  for (const line of nsRecordLines(host, nameServers)) print(`  ${line}`);
  print(`${host}: waiting up to ${Math.round(timeoutMs / 60_000)} minutes for public DNS to delegate ${host} to them`);
  let last = answer.join(',');
  while (now() - started < timeoutMs) {
    await sleep(intervalMs);
    answer = await resolveNs(host);
    if (isDelegated(answer, nameServers)) {
      print(`${host}: delegated (after ${seconds().toFixed(0)}s)`);
      return { delegated: true, answer, seconds: seconds() };
    }
    if (answer.join(',') !== last) {
      print(`${host}: public DNS now answers ${answer.length ? answer.join(', ') : 'no NS records'}: not the stage zone's yet`);
      last = answer.join(',');
    }
  }
  return { delegated: false, answer, seconds: seconds() };
}
