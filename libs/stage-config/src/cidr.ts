/** An IPv4 CIDR block as numbers. */
export interface Cidr {
  readonly base: number;
  readonly prefix: number;
}

/** Parses `a.b.c.d/n`; returns a reason instead when it is not a valid IPv4 CIDR block. */
export function parseCidr(text: string): Cidr | string {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (!m) return `"${text}" is not an IPv4 CIDR block (a.b.c.d/n)`;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o, i) => o > 255 || (m[i + 1].length > 1 && m[i + 1].startsWith('0')))) return `"${text}" has an invalid address`;
  if (prefix > 32) return `"${text}" has a prefix length above 32`;
  const addr = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
  const base = prefix === 0 ? 0 : (addr & (0xffffffff << (32 - prefix))) >>> 0;
  if (base !== addr) return `"${text}" has host bits set; the block is ${formatCidr({ base, prefix })}`;
  return { base, prefix };
}

export function formatCidr(c: Cidr): string {
  return `${[24, 16, 8, 0].map((s) => (c.base >>> s) & 255).join('.')}/${c.prefix}`;
}

/**
 * Splits `text` into `count` equal blocks, each as large as possible (a /16 into 3 gives three /18s,
 * leaving the fourth /18 free for later). Throws naming the block when it is invalid or too small.
 */
export function splitCidr(text: string, count: number): string[] {
  const cidr = parseCidr(text);
  if (typeof cidr === 'string') throw new Error(cidr);
  if (!Number.isInteger(count) || count < 1) throw new Error(`cannot split "${text}" into ${count} blocks`);
  const prefix = cidr.prefix + Math.ceil(Math.log2(count));
  if (prefix > 28) throw new Error(`"${text}" is too small for ${count} subnets (each would be smaller than /28)`);
  const size = 2 ** (32 - prefix);
  return Array.from({ length: count }, (_, i) => formatCidr({ base: cidr.base + i * size, prefix }));
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  const prefix = Math.min(a.prefix, b.prefix);
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return (a.base & mask) >>> 0 === (b.base & mask) >>> 0;
}

/** RFC 1918 and RFC 6598 (100.64.0.0/10) ranges: what AWS recommends for VPCs and pod networks. */
export const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'].map((c) => parseCidr(c) as Cidr);

export function isPrivate(c: Cidr): boolean {
  return PRIVATE_RANGES.some((r) => r.prefix <= c.prefix && cidrsOverlap(r, c));
}
