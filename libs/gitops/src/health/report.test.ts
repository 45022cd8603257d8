import { Finding, HealthReport, reportExitCode } from './report';

const report = (...statuses: Finding['status'][]): HealthReport => ({
  kind: 'doctor',
  stage: 'example',
  checkedAt: '2026-12-01T00:00:00.000Z',
  findings: statuses.map((status, i) => ({ check: `c${i}`, status, summary: status })),
});

describe('reportExitCode', () => {
  it('is 0 when every finding is ok (and for an empty report)', () => {
    expect(reportExitCode(report('ok', 'ok'))).toBe(0);
    expect(reportExitCode(report())).toBe(0);
  });

  it('is 1 when any finding fails, whatever else is unknown', () => {
    expect(reportExitCode(report('ok', 'fail'))).toBe(1);
    expect(reportExitCode(report('unknown', 'fail', 'ok'))).toBe(1);
  });

  it('is 3 when nothing fails but something is unknown: never counted as healthy', () => {
    expect(reportExitCode(report('ok', 'unknown'))).toBe(3);
  });
});
