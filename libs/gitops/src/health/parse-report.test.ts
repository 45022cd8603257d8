import { isInputError } from '@metaflow-gitops/stage-config';
import { thrownBy } from '@metaflow-gitops/testing/errors';
import { parseHealthReport } from './parse-report';

const good = {
  kind: 'drift',
  stage: 'example',
  checkedAt: '2026-12-07T06:00:00.000Z',
  findings: [{ check: 'a', status: 'ok', summary: 's' }],
};
const parse = (text: string, source = 'drift.json') =>
  parseHealthReport(text, source, { stage: 'example', now: () => new Date('2026-12-07T06:01:00Z') });

describe('parseHealthReport', () => {
  it('reads a report of the stage', () => {
    expect(parse(JSON.stringify(good))).toEqual(good);
  });

  it('an empty file (the command failed before writing) is an unknown finding, never healthy', () => {
    expect(parse('', 'reports/drift.json')).toEqual({
      kind: 'drift',
      stage: 'example',
      checkedAt: '2026-12-07T06:01:00.000Z',
      findings: [
        expect.objectContaining({
          check: 'report',
          status: 'unknown',
          summary: 'reports/drift.json is empty: the command failed before writing its report',
        }),
      ],
    });
    expect(parse('\n', 'reports/doctor.json').kind).toBe('doctor');
  });

  it.each([
    ['not JSON', '{', 'drift.json is not JSON'],
    ['a diff report', JSON.stringify({ schemaVersion: 2, stages: [] }), 'drift.json is not a health report'],
    [
      'a finding with another status',
      JSON.stringify({ ...good, findings: [{ check: 'a', status: 'healthy', summary: 's' }] }),
      'not a health report',
    ],
    ['another stage', JSON.stringify({ ...good, stage: 'prod' }), "drift.json is the report of stage 'prod', not of 'example'"],
  ])('refuses %s, naming the file', (_what, text, message) => {
    const err = thrownBy(() => parse(text));
    expect(isInputError(err)).toBe(true);
    expect((err as Error).message).toContain(message);
  });
});
