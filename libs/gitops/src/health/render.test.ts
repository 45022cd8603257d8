import { HealthReport } from './report';
import { formatHealthReport, reportVerdict, statusCounts } from './render';

const report: HealthReport = {
  kind: 'drift',
  stage: 'example',
  checkedAt: '2026-12-01T00:00:00.000Z',
  findings: [
    { check: 'stacks', status: 'ok', summary: 'six stacks complete', fix: 'never shown for ok' },
    {
      check: 'certificate',
      status: 'fail',
      summary: 'PENDING_VALIDATION',
      fix: 'add the validation record',
      details: ['_abc.example CNAME _x.acm-validations.aws'],
    },
    { check: 'discovery', status: 'unknown', summary: 'timed out after 10s', fix: 'run it where the host is reachable' },
  ],
};

describe('formatHealthReport', () => {
  it('prints one line per finding, details and fixes indented, and the verdict last', () => {
    expect(formatHealthReport(report)).toBe(
      [
        'drift of stage example at 2026-12-01T00:00:00.000Z',
        'OK      stacks       six stacks complete',
        'FAIL    certificate  PENDING_VALIDATION',
        '        _abc.example CNAME _x.acm-validations.aws',
        '        fix: add the validation record',
        'UNKNOWN discovery    timed out after 10s',
        '        fix: run it where the host is reachable',
        'drift example: 1 ok, 1 fail, 1 unknown: something is wrong',
        '',
      ].join('\n'),
    );
  });

  it('says when nothing was seen wrong but something could not be observed', () => {
    const r = { ...report, findings: report.findings.filter((f) => f.status !== 'fail') };
    expect(statusCounts(r)).toEqual({ ok: 1, fail: 0, unknown: 1 });
    expect(reportVerdict(r)).toBe('drift example: 1 ok, 0 fail, 1 unknown: nothing wrong seen, but not everything could be observed');
    expect(reportVerdict({ ...r, findings: [report.findings[0]] })).toBe('drift example: 1 ok, 0 fail, 0 unknown: healthy');
  });
});
