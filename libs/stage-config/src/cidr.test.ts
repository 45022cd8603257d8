import { cidrsOverlap, parseCidr, splitCidr } from './cidr';

describe('cidr', () => {
  it.each([
    ['10.0.0.0/16', { base: 0x0a000000, prefix: 16 }],
    ['0.0.0.0/0', { base: 0, prefix: 0 }],
    ['10.0.0.1/16', /host bits set; the block is 10.0.0.0\/16/],
    ['10.0.0.0/33', /prefix length above 32/],
    ['256.0.0.0/8', /invalid address/],
    ['010.0.0.0/8', /invalid address/],
    ['10.0.0.0', /not an IPv4 CIDR block/],
  ])('%s', (text, expected) => {
    const parsed = parseCidr(text);
    if (expected instanceof RegExp) expect(parsed).toMatch(expected);
    else expect(parsed).toEqual(expected);
  });

  it('detects overlaps', () => {
    const c = (t: string) => parseCidr(t) as Exclude<ReturnType<typeof parseCidr>, string>;
    expect(cidrsOverlap(c('10.0.0.0/16'), c('10.0.128.0/17'))).toBe(true);
    expect(cidrsOverlap(c('10.0.0.0/16'), c('10.1.0.0/16'))).toBe(false);
    expect(cidrsOverlap(c('0.0.0.0/0'), c('100.64.0.0/16'))).toBe(true);
  });
});

describe('splitCidr', () => {
  it.each([
    ['100.64.0.0/16', 3, ['100.64.0.0/18', '100.64.64.0/18', '100.64.128.0/18']],
    ['100.64.0.0/16', 2, ['100.64.0.0/17', '100.64.128.0/17']],
    ['10.1.0.0/20', 4, ['10.1.0.0/22', '10.1.4.0/22', '10.1.8.0/22', '10.1.12.0/22']],
    ['192.168.0.0/24', 1, ['192.168.0.0/24']],
    ['255.255.255.0/24', 2, ['255.255.255.0/25', '255.255.255.128/25']],
  ])('%s into %d', (cidr, count, expected) => {
    expect(splitCidr(cidr, count)).toEqual(expected);
  });

  it.each([
    ['100.64.1.0/16', 3, '"100.64.1.0/16" has host bits set; the block is 100.64.0.0/16'],
    ['10.0.0.0/27', 3, '"10.0.0.0/27" is too small for 3 subnets'],
    ['10.0.0/16', 2, '"10.0.0/16" is not an IPv4 CIDR block'],
    ['10.0.0.0/33', 2, '"10.0.0.0/33" has a prefix length above 32'],
    ['10.0.0.0/16', 0, 'cannot split "10.0.0.0/16" into 0 blocks'],
  ])('%s into %d is refused', (cidr, count, message) => {
    expect(() => splitCidr(cidr, count)).toThrow(message);
  });
});
