import { ChangeCounts, DestructiveChange, StackDiff } from './template-diff';
import { ManifestDiff } from './manifest-diff';
import { CrossStackImpact } from './cross-stack';
import { AccessChange, StageFacts, StageMove } from './stage-facts';
import { StageCost } from './stage-cost';
import { InputError } from '@metaflow-gitops/stage-config';

/** Bumped when the JSON shape changes incompatibly (`mfctl gate` checks it). */
export const REPORT_SCHEMA_VERSION = 2;

/** The hidden marker that identifies the sticky PR comment. */
export const COMMENT_MARKER = '<!-- metaflow-gitops:diff -->';

export const DEFAULT_ACK_LABEL = 'allow-destructive';

export interface ReportFinding {
  readonly severity: 'error' | 'warning';
  /** Which check produced it: `validate`, `cdk-nag`, `cfn-lint`, `limits`, ... */
  readonly source: string;
  readonly message: string;
  /** `file:line:col`, a stack/logical id, ... */
  readonly location?: string;
}

/** One check that ran (or was skipped) on a stage, with a one-line detail. */
export interface CheckOutcome {
  readonly name: string;
  readonly status: 'pass' | 'fail' | 'skipped';
  readonly detail?: string;
}

export interface StageChecks {
  /** Every check, passed ones included (a reviewer sees what was checked, not only what failed). */
  readonly outcomes?: readonly CheckOutcome[];
  readonly errors: number;
  readonly warnings: number;
  readonly findings: readonly ReportFinding[];
  /** Checks that could not run, with the reason (e.g. cfn-lint missing). */
  readonly skipped: readonly string[];
}

/** A whole-stage destructive change: its file was deleted, or it moved to another account or region. */
export interface StageRemoval {
  readonly stage: string;
  readonly loses: string;
  /** Where the stage left behind lives. */
  readonly accountId?: string;
  readonly region?: string;
}

export interface StageReport {
  readonly stage: string;
  readonly change: 'added' | 'changed' | 'removed';
  readonly reasons: readonly string[];
  /** The stage as the head's file defines it (the base's for a removed stage); absent when the file is invalid. */
  readonly facts?: StageFacts;
  /** Identity and access settings: all of them for a new stage, the changed ones otherwise. */
  readonly access: readonly AccessChange[];
  /** Set when `accountId` or `region` changes: the head is a new stage, the old one is left behind (`removedStages`). */
  readonly move?: StageMove;
  /** Set when `cluster.kubernetesVersion` changes: what the upgrade does and how long it takes (`kubernetesUpgrade`). */
  readonly kubernetesUpgrade?: string;
  /** Exports in use by other stacks whose value changes: CloudFormation refuses the update. */
  readonly crossStack: readonly CrossStackImpact[];
  readonly counts: ChangeCounts;
  readonly stacks: readonly StackDiff[];
  /** Absent when the manifests could not be rendered on either side. */
  readonly manifests?: ManifestDiff;
  readonly checks: StageChecks;
  /** Idle monthly cost at the head and the base, and the change (docs/cost.md); absent when the head could not be read. */
  readonly cost?: StageCost;
  readonly destructive: readonly DestructiveChange[];
  /** Problems that kept the head's diff from being computed (head synth failures...): the gate fails. */
  readonly errors: readonly string[];
  /** Problems on the base side (e.g. the base cannot be synthesized): the diff is against nothing. */
  readonly warnings: readonly string[];
}

export interface DiffReport {
  readonly schemaVersion: typeof REPORT_SCHEMA_VERSION;
  readonly generatedAt: string;
  /** `base`: template diff against the base branch (no credentials). `deployed`: against the live stacks. */
  readonly against: 'base' | 'deployed';
  readonly base: { readonly ref: string; readonly sha: string };
  readonly head: { readonly sha: string };
  readonly changedFiles: number;
  readonly stages: readonly StageReport[];
  readonly unaffected: readonly string[];
  readonly removedStages: readonly StageRemoval[];
  /**
   * True when the gate needs the acknowledgement label: a destructive change, a removed or moved
   * stage, an export in use that changes, or an access change that grants more.
   */
  readonly destructive: boolean;
  /** Wall time of the diff, seconds. */
  readonly durationSeconds: number;
}

/** Every destructive item of a report, flattened, with its stage. */
export function destructiveItems(report: DiffReport): { stage: string; item: DestructiveChange }[] {
  return report.stages.flatMap((s) => s.destructive.map((item) => ({ stage: s.stage, item })));
}

/** Whether a stage needs the acknowledgement label (see `DiffReport.destructive`). */
export function stageNeedsAck(s: StageReport): boolean {
  return s.destructive.length > 0 || s.crossStack.length > 0 || s.move !== undefined || s.access.some((a) => a.grants);
}

/** Reads and sanity-checks a JSON report written by `mfctl diff --format json`. */
export function parseReport(text: string, source: string): DiffReport {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new InputError(`${source} is not JSON (${(err as Error).message}): pass the file written by 'mfctl diff --format json'`);
  }
  const r = data as Partial<DiffReport>;
  if (
    typeof r !== 'object' ||
    r === null ||
    r.schemaVersion !== REPORT_SCHEMA_VERSION ||
    !Array.isArray(r.stages) ||
    typeof r.destructive !== 'boolean'
  ) {
    throw new InputError(
      `${source} is not a metaflow-gitops diff report (schemaVersion ${REPORT_SCHEMA_VERSION}): pass the file written by 'mfctl diff --format json'`,
    );
  }
  return r as DiffReport;
}
