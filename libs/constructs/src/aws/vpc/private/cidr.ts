/** IPv4 CIDR arithmetic for the pod subnets (no lookup, no intrinsic: the template shows real ranges). */

function toInt(ip: string): number {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new Error(`'${ip}' is not an IPv4 address`);
  }
  return parts.reduce((acc, p) => acc * 256 + p, 0);
}

function toIp(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

/**
 * Splits `cidr` into `count` equal blocks, each as large as possible (e.g. a /16 into 3 gives three
 * /18s, leaving the fourth /18 free for later).
 */
export function splitCidr(cidr: string, count: number): string[] {
  const [ip, prefixText] = cidr.split('/');
  const prefix = Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > 32) throw new Error(`'${cidr}' is not an IPv4 CIDR block`);
  if (!Number.isInteger(count) || count < 1) throw new Error(`cannot split '${cidr}' into ${count} blocks`);
  const base = toInt(ip);
  const blockSize = 2 ** (32 - prefix);
  if (base % blockSize !== 0) throw new Error(`'${cidr}' has host bits set; use '${toIp(base - (base % blockSize))}/${prefix}'`);
  const newPrefix = prefix + Math.ceil(Math.log2(count));
  if (newPrefix > 28) throw new Error(`'${cidr}' is too small for ${count} subnets (each would be smaller than /28)`);
  const size = 2 ** (32 - newPrefix);
  return Array.from({ length: count }, (_, i) => `${toIp(base + i * size)}/${newPrefix}`);
}
