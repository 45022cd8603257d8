import * as cdk from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { IConstruct } from 'constructs';

/** File the stage's cdk-nag results are written to, next to manifest.json. */
export const NAG_REPORT_FILE = 'nag-report.json';

export interface NagFinding {
  readonly ruleId: string;
  readonly description: string;
  readonly severity: string;
  readonly constructPath: string;
}

export interface NagAcknowledgementRecord {
  readonly constructPath: string;
  readonly ruleId: string;
  readonly reason: string;
  /** Raw findings (before acknowledgements) this acknowledgement covers; 0 means it is stale. */
  readonly matched: number;
}

export interface NagReport {
  readonly pack: 'AwsSolutions';
  /** Findings left after acknowledgements: the check wants none. */
  readonly findings: NagFinding[];
  readonly acknowledgements: NagAcknowledgementRecord[];
}

type Report = cdk.PolicyValidationPluginReport;

function flatten(report: Report): NagFinding[] {
  return report.violations.flatMap((v) =>
    v.violatingResources.map((r) => ({
      ruleId: v.ruleName,
      description: v.description,
      severity: v.severity ?? 'error',
      constructPath: (r as unknown as { constructPath?: string }).constructPath ?? r.resourceLogicalId ?? '',
    })),
  );
}

/** The AwsSolutions pack with acknowledgements ignored: what the findings would be without them. */
class UnacknowledgedAwsSolutions extends AwsSolutionsChecks {
  constructor() {
    super();
    Object.assign(this, { isAcknowledged: () => false });
  }
}

/**
 * Runs cdk-nag's AwsSolutions pack over `root` twice: as configured (acknowledgements honoured) and
 * with acknowledgements ignored, so every acknowledgement can be shown to match a real finding
 * (cdklabs/cdk-nag#2362: acknowledgements that silently stop matching).
 */
export function nagReport(root: IConstruct): NagReport {
  const findings = flatten(new AwsSolutionsChecks().validateScope(root));
  const raw = flatten(new UnacknowledgedAwsSolutions().validateScope(root));
  const acknowledgements: NagAcknowledgementRecord[] = [];
  for (const construct of root.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== cdk.Validations.ACKNOWLEDGED_RULES_METADATA_KEY || !entry.data) continue;
      for (const [qualified, reason] of Object.entries(entry.data as Record<string, string>)) {
        const ruleId = qualified.replace(/^annotation::/i, '');
        // Only this pack's rules: aws-cdk-lib acknowledges some of its built-in validator's rules itself.
        if (!ruleId.startsWith('AwsSolutions-')) continue;
        const path = construct.node.path;
        const matched = raw.filter(
          (f) => f.ruleId === ruleId && (f.constructPath === path || f.constructPath.startsWith(`${path}/`)),
        ).length;
        acknowledgements.push({ constructPath: path, ruleId, reason, matched });
      }
    }
  }
  return { pack: 'AwsSolutions', findings, acknowledgements };
}
