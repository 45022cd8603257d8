import { InputError } from '@metaflow-gitops/stage-config';
import { Finding, HealthReport } from './report';

const STATUSES = new Set(['ok', 'fail', 'unknown']);

/**
 * Reads a report `mfctl doctor --json` or `mfctl drift --json` wrote. An empty text (the command
 * failed before printing one) is a report with one `unknown` finding: what could not run is never
 * taken as healthy.
 */
export function parseHealthReport(text: string, source: string, expected: { stage: string; now?: () => Date }): HealthReport {
  if (text.trim() === '')
    return {
      kind: /drift/.test(source) ? 'drift' : 'doctor',
      stage: expected.stage,
      checkedAt: (expected.now ?? (() => new Date()))().toISOString(),
      findings: [
        {
          check: 'report',
          status: 'unknown',
          summary: `${source} is empty: the command failed before writing its report`,
          fix: "see the workflow run's log of that step",
        },
      ],
    };
  let data: Partial<HealthReport>;
  try {
    data = JSON.parse(text) as Partial<HealthReport>;
  } catch (err) {
    throw new InputError(`${source} is not JSON: ${(err as Error).message}`, {
      fix: 'pass the file `mfctl doctor|drift <stage> --json` wrote',
    });
  }
  const findingOk = (f: Partial<Finding>) =>
    typeof f?.check === 'string' && STATUSES.has(String(f.status)) && typeof f.summary === 'string';
  if (
    (data.kind !== 'doctor' && data.kind !== 'drift') ||
    typeof data.checkedAt !== 'string' ||
    !Array.isArray(data.findings) ||
    !data.findings.every(findingOk)
  )
    throw new InputError(`${source} is not a health report (kind doctor or drift, checkedAt, findings with check, status and summary)`, {
      fix: 'pass the file `mfctl doctor|drift <stage> --json` wrote',
    });
  if (data.stage !== expected.stage)
    throw new InputError(`${source} is the report of stage '${String(data.stage)}', not of '${expected.stage}'`, {
      fix: `pass the reports of stage ${expected.stage}`,
    });
  return data as HealthReport;
}
