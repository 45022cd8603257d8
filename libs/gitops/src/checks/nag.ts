import * as fs from 'node:fs';
import * as path from 'node:path';
import { CheckFinding, CheckResult } from './types';

/** Written by `synthStage` next to manifest.json (libs/constructs `NAG_REPORT_FILE`). */
const NAG_REPORT_FILE = 'nag-report.json';

interface NagReportFile {
  readonly findings: { ruleId: string; description: string; constructPath: string }[];
  readonly acknowledgements: { constructPath: string; ruleId: string; reason: string; matched: number }[];
}

function stackOfPath(constructPath: string): string | undefined {
  return constructPath.split('/')[0] || undefined;
}

/**
 * cdk-nag AwsSolutions: every finding left after acknowledgements fails, and so does an
 * acknowledgement that matches no finding (a stale or silently non-matching one, cdk-nag#2362) or
 * has no reason. Acknowledgements are listed as notes with their reasons.
 */
export function checkNag(assemblyDir: string): CheckResult {
  const file = path.join(assemblyDir, NAG_REPORT_FILE);
  if (!fs.existsSync(file)) {
    return {
      name: 'cdk-nag',
      status: 'fail',
      findings: [
        {
          rule: 'nag-report-missing',
          message: `${NAG_REPORT_FILE} not found in ${assemblyDir}: synthesize with 'mfctl synth' (cdk-nag on)`,
        },
      ],
      notes: [],
    };
  }
  const report = JSON.parse(fs.readFileSync(file, 'utf8')) as NagReportFile;
  const findings: CheckFinding[] = report.findings.map((f) => ({
    stack: stackOfPath(f.constructPath),
    rule: f.ruleId,
    message: f.description,
    location: f.constructPath,
  }));
  for (const ack of report.acknowledgements) {
    if (ack.matched === 0) {
      findings.push({
        stack: stackOfPath(ack.constructPath),
        rule: 'stale-acknowledgement',
        message: `${ack.ruleId} is acknowledged but matches no finding: remove it or fix its id`,
        location: ack.constructPath,
      });
    }
    if (!ack.reason || ack.reason.trim().length === 0) {
      findings.push({
        stack: stackOfPath(ack.constructPath),
        rule: 'acknowledgement-without-reason',
        message: `${ack.ruleId} has no reason`,
        location: ack.constructPath,
      });
    }
  }
  const notes = report.acknowledgements.map((a) => `acknowledged ${a.ruleId} at ${a.constructPath}: ${a.reason}`);
  return { name: 'cdk-nag', status: findings.length > 0 ? 'fail' : 'pass', findings, notes };
}
