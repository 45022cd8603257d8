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
