import { cidrsOverlap, parseCidr } from './private/cidr';
import { Diagnostic, didYouMean, editDistance, formatDiagnostic, StageConfigError } from './diagnostics';

const d: Diagnostic = {
  severity: 'error',
  file: 'environments/dev.yaml',
  line: 3,
  column: 9,
  path: 'region',
  message: '"mars" is not allowed',
  fix: 'use us-west-2',
};

describe('diagnostics', () => {
  it('formats as file:line:col: path: message (fix)', () => {
    expect(formatDiagnostic(d)).toBe('environments/dev.yaml:3:9: region: "mars" is not allowed (fix: use us-west-2)');
    expect(formatDiagnostic({ ...d, severity: 'warning', path: '' })).toBe(
      'environments/dev.yaml:3:9: warning: "mars" is not allowed (fix: use us-west-2)',
    );
  });

  it('StageConfigError lists the errors only', () => {
    const err = new StageConfigError([d, { ...d, severity: 'warning', message: 'just saying' }]);
    expect(err.message).toBe(formatDiagnostic(d));
    expect(err.diagnostics).toHaveLength(2);
  });

  it('suggests close names only', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(didYouMean('vpcCidrr', ['vpcCidr', 'podCidr'])).toBe('vpcCidr');
    expect(didYouMean('IsProd', ['isProd', 'region'])).toBe('isProd');
    expect(didYouMean('colour', ['accountId', 'region'])).toBeUndefined();
  });
});

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
