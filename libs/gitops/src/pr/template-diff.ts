import { fullDiff, ResourceDifference, ResourceImpact } from '@aws-cdk/cloudformation-diff';
import type { CfnTemplate } from '../synth/stage-assembly';
import { isStateful, STATEFUL_RESOURCE_TYPES } from './private/stateful';

export type ResourceAction = 'add' | 'update' | 'asset-update' | 'replace' | 'may-replace' | 'destroy' | 'orphan' | 'import';

export interface ResourceChangeRow {
  readonly logicalId: string;
  readonly type: string;
  readonly action: ResourceAction;
  /** Properties that changed (for replacements: the ones forcing it). */
  readonly properties: readonly string[];
  /** Old and new value of each changed property (JSON, shortened), for updates and replacements. */
  readonly values?: readonly PropertyValues[];
  readonly stateful: boolean;
}

export interface PropertyValues {
  readonly property: string;
  /** JSON of the old value (`undefined`: not set), at most `VALUE_CHARS` characters. */
  readonly before?: string;
  readonly after?: string;
}

/** Longest property value kept in a report (a policy document would crowd the comment out). */
export const VALUE_CHARS = 120;

function shortJson(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const text = JSON.stringify(value);
  return text.length > VALUE_CHARS ? `${text.slice(0, VALUE_CHARS - 1)}…` : text;
}

export interface DestructiveChange {
  readonly stack: string;
  readonly logicalId: string;
  readonly type: string;
  readonly action: 'replace' | 'may-replace' | 'destroy' | 'orphan';
  /** What would be lost, in words. */
  readonly loses: string;
  /** Extra context, e.g. "looks like a rename of the logical ID DatabaseB". */
  readonly hint?: string;
}

export interface ChangeCounts {
  added: number;
  updated: number;
  replaced: number;
  destroyed: number;
  orphaned: number;
}

export interface StackDiff {
  readonly stack: string;
  readonly status: 'added' | 'removed' | 'changed' | 'unchanged';
  readonly counts: ChangeCounts;
  readonly resources: readonly ResourceChangeRow[];
  /** `summarizeStatements()` / `summarizeManagedPolicies()` tables (first row is the header). */
  readonly iamStatements: readonly (readonly string[])[];
  readonly iamManagedPolicies: readonly (readonly string[])[];
  readonly securityGroups: readonly (readonly string[])[];
  readonly permissionsBroadened: boolean;
  readonly outputs: { readonly added: readonly string[]; readonly removed: readonly string[]; readonly changed: readonly string[] };
  readonly destructive: readonly DestructiveChange[];
}

export function emptyCounts(): ChangeCounts {
  return { added: 0, updated: 0, replaced: 0, destroyed: 0, orphaned: 0 };
}

export function addCounts(into: ChangeCounts, c: ChangeCounts): ChangeCounts {
  into.added += c.added;
  into.updated += c.updated;
  into.replaced += c.replaced;
  into.destroyed += c.destroyed;
  into.orphaned += c.orphaned;
  return into;
}

/** CDK's version-reporting resource changes with the library version: noise for a reviewer. */
const IGNORED_TYPES = new Set(['AWS::CDK::Metadata']);

// CDK asset hashes are 64 hex characters (SHA-256), in S3 keys, image tags and asset paths.
const ASSET_HASH = /[a-f0-9]{64}/g;

function withoutAssetHashes(value: unknown): string {
  return JSON.stringify(value ?? null).replace(ASSET_HASH, '<asset-hash>');
}

/**
 * A replacement caused only by a new asset hash (new Lambda code, layer or image built from the
 * same construct) is a routine code update, not a replacement a reviewer must worry about
 * (cdk-diff-action #162 reports these as replacements). True when every replacing property differs
 * only in asset hashes.
 */
function isAssetHashOnly(change: ResourceDifference): boolean {
  const updates = Object.values(change.propertyUpdates);
  if (updates.length === 0) return false;
  return updates.every((d) => withoutAssetHashes(d.oldValue) === withoutAssetHashes(d.newValue));
}

function replacingProperties(change: ResourceDifference): string[] {
  return Object.entries(change.propertyUpdates)
    .filter(([, d]) => d.changeImpact === ResourceImpact.WILL_REPLACE || d.changeImpact === ResourceImpact.MAY_REPLACE)
    .map(([k]) => k);
}

function classify(change: ResourceDifference): ResourceAction | undefined {
  switch (change.changeImpact) {
    case ResourceImpact.WILL_CREATE:
      return 'add';
    case ResourceImpact.WILL_IMPORT:
      return 'import';
    case ResourceImpact.WILL_UPDATE:
      return isAssetHashOnly(change) ? 'asset-update' : 'update';
    case ResourceImpact.WILL_REPLACE:
      return isAssetHashOnly(change) ? 'asset-update' : 'replace';
    case ResourceImpact.MAY_REPLACE:
      return isAssetHashOnly(change) ? 'asset-update' : 'may-replace';
    case ResourceImpact.WILL_DESTROY:
      return 'destroy';
    case ResourceImpact.WILL_ORPHAN:
      return 'orphan';
    default:
      // Metadata-only differences (e.g. `aws:cdk:path`) have no impact on the deployed resource.
      return undefined;
  }
}

function countOf(counts: ChangeCounts, action: ResourceAction): void {
  if (action === 'add' || action === 'import') counts.added++;
  else if (action === 'update' || action === 'asset-update') counts.updated++;
  else if (action === 'replace' || action === 'may-replace') counts.replaced++;
  else if (action === 'destroy') counts.destroyed++;
  else counts.orphaned++;
}

/** Diffs one stack's templates (`undefined` = the stack does not exist on that side). */
export function diffStack(stack: string, before: CfnTemplate | undefined, after: CfnTemplate | undefined): StackDiff {
  const diff = fullDiff(before ?? {}, after ?? {});
  const rows: ResourceChangeRow[] = [];
  const counts = emptyCounts();
  diff.resources.forEachDifference((logicalId, change) => {
    const type = change.newResourceType ?? change.oldResourceType ?? 'unknown';
    if (IGNORED_TYPES.has(type)) return;
    const action = classify(change);
    if (!action) return;
    countOf(counts, action);
    const properties = action === 'replace' || action === 'may-replace' ? replacingProperties(change) : Object.keys(change.propertyUpdates);
    const values =
      action === 'add' || action === 'import' || action === 'destroy' || action === 'orphan'
        ? undefined
        : Object.entries(change.propertyUpdates).map(([property, d]) => ({
            property,
            before: shortJson(d.oldValue),
            after: shortJson(d.newValue),
          }));
    rows.push({ logicalId, type, action, properties, ...(values ? { values } : {}), stateful: isStateful(change.oldResourceType ?? type) });
  });

  const destructive: DestructiveChange[] = [];
  for (const row of rows) {
    if (!row.stateful || (row.action !== 'replace' && row.action !== 'may-replace' && row.action !== 'destroy' && row.action !== 'orphan'))
      continue;
    // A stateful resource removed while another of the same type appears: a logical ID rename.
    const twin =
      row.action === 'destroy' || row.action === 'orphan' ? rows.find((r) => r.action === 'add' && r.type === row.type) : undefined;
    destructive.push({
      stack,
      logicalId: row.logicalId,
      type: row.type,
      action: row.action,
      loses: STATEFUL_RESOURCE_TYPES[row.type],
      hint: twin
        ? `looks like a rename of the logical ID to \`${twin.logicalId}\`: a NEW empty ${row.type} would be created${row.action === 'orphan' ? ' and the old one left behind, unmanaged' : ' and the old one deleted'}`
        : row.action === 'orphan'
          ? 'removed from the template but retained: it keeps running, unmanaged, and costs money'
          : row.properties.length > 0
            ? `replacement forced by ${row.properties.map((p) => `\`${p}\``).join(', ')}`
            : undefined,
    });
  }

  const outputs = { added: [] as string[], removed: [] as string[], changed: [] as string[] };
  diff.outputs.forEachDifference((key, d) => (d.isAddition ? outputs.added : d.isRemoval ? outputs.removed : outputs.changed).push(key));

  const resourceChanges = rows.length > 0;
  return {
    stack,
    status: !before
      ? 'added'
      : !after
        ? 'removed'
        : resourceChanges || outputs.added.length + outputs.removed.length + outputs.changed.length > 0
          ? 'changed'
          : 'unchanged',
    counts,
    resources: rows,
    iamStatements: diff.iamChanges.hasChanges ? plainRows(diff.iamChanges.summarizeStatements()) : [],
    iamManagedPolicies: diff.iamChanges.hasChanges ? plainRows(diff.iamChanges.summarizeManagedPolicies()) : [],
    securityGroups: diff.securityGroupChanges.hasChanges ? plainRows(diff.securityGroupChanges.summarize()) : [],
    permissionsBroadened: diff.permissionsBroadened,
    outputs,
    destructive,
  };
}

// cloudformation-diff colours its summary tables (chalk) whenever the environment allows it; Nx sets
// FORCE_COLOR for its tasks. The report is Markdown and JSON, so the escape codes go.
const ANSI_ESCAPE = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

function plainRows(rows: string[][]): string[][] {
  return rows.map((row) => row.map((cell) => cell.replace(ANSI_ESCAPE, '')));
}
