import { splitCidr } from './cidr';

describe('splitCidr', () => {
  test.each([
    ['100.64.0.0/16', 3, ['100.64.0.0/18', '100.64.64.0/18', '100.64.128.0/18']],
    ['100.64.0.0/16', 2, ['100.64.0.0/17', '100.64.128.0/17']],
    ['10.1.0.0/20', 4, ['10.1.0.0/22', '10.1.4.0/22', '10.1.8.0/22', '10.1.12.0/22']],
    ['192.168.0.0/24', 1, ['192.168.0.0/24']],
  ])('%s into %d', (cidr, count, expected) => {
    expect(splitCidr(cidr, count)).toEqual(expected);
  });

  test.each([
    ['100.64.1.0/16', 3, "'100.64.1.0/16' has host bits set; use '100.64.0.0/16'"],
    ['10.0.0.0/27', 3, "'10.0.0.0/27' is too small for 3 subnets"],
    ['10.0.0/16', 2, "'10.0.0' is not an IPv4 address"],
    ['10.0.0.0/33', 2, "'10.0.0.0/33' is not an IPv4 CIDR block"],
    ['10.0.0.0/16', 0, "cannot split '10.0.0.0/16' into 0 blocks"],
  ])('%s into %d is refused', (cidr, count, message) => {
    expect(() => splitCidr(cidr, count)).toThrow(message);
  });
});
