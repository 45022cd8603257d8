import { fullDiff, ResourceImpact } from '@aws-cdk/cloudformation-diff';
import type { CfnTemplate } from '../synth/stage-assembly';
import { isStateful, STATEFUL_RESOURCE_TYPES } from './private/stateful';
import type { DestructiveChange, StackDiff } from './template-diff';

/** A resource of an importing stack that uses a changing export. */
export interface ImportingResource {
  readonly logicalId: string;
  readonly type: string;
  /** True when the new value forces its replacement (directly or through a replaced resource it uses). */
  readonly replaced: boolean;
}

/**
 * An export (a CDK cross-stack reference) whose value the change alters while other stacks of the
 * stage import it. CloudFormation refuses to update an export that is in use ("Cannot update export
 * ... as it is in use by ..."), so the deploy stops at the exporting stack.
 */
export interface CrossStackImpact {
  /** The exporting stack. */
  readonly stack: string;
  readonly exportName: string;
  /** Why the value changes, e.g. "`Vpc8378EB38` (AWS::EC2::VPC) is replaced". */
  readonly cause: string;
  readonly importers: readonly { readonly stack: string; readonly resources: readonly ImportingResource[] }[];
}

/**
 * Resource types bound to the VPC of what they use: given subnets or security groups of a NEW VPC
 * they cannot be updated in place. The subnets of a DB subnet group must all lie in one VPC (the
 * subnet group, hence the Aurora cluster using it, is replaced); an EKS cluster stays in the VPC it
 * was created in (https://docs.aws.amazon.com/eks/latest/userguide/network-reqs.html).
 */
const VPC_BOUND_TYPES: ReadonlySet<string> = new Set(['AWS::RDS::DBSubnetGroup', 'AWS::EKS::Cluster']);

type Json = unknown;

function exportName(output: { Export?: { Name?: Json } }): string | undefined {
  const name = output.Export?.Name;
  return typeof name === 'string' ? name : undefined;
}

/** The logical id an output value points at (`Ref` or `Fn::GetAtt`), when it is that simple. */
function referencedId(value: Json): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, Json>;
  if (typeof v.Ref === 'string') return v.Ref;
  const getAtt = v['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  if (typeof getAtt === 'string') return getAtt.split('.')[0];
  return undefined;
}

/** Deep copy of `value` with every `{ "Fn::ImportValue": name }` of `names` and every reference to `ids` made different. */
function withNewValues(value: Json, names: ReadonlySet<string>, ids: ReadonlySet<string>): Json {
  if (Array.isArray(value)) return value.map((v) => withNewValues(v, names, ids));
  if (typeof value !== 'object' || value === null) return value;
  const v = value as Record<string, Json>;
  const keys = Object.keys(v);
  if (keys.length === 1) {
    const [key] = keys;
    const arg = v[key];
    if (key === 'Fn::ImportValue' && typeof arg === 'string' && names.has(arg)) return { [key]: `${arg} (new value)` };
    if (key === 'Ref' && typeof arg === 'string' && ids.has(arg)) return { Ref: `${arg} (replaced)` };
    if (key === 'Fn::GetAtt' && Array.isArray(arg) && ids.has(arg[0] as string))
      return { [key]: [`${arg[0]} (replaced)`, ...arg.slice(1)] };
  }
  return Object.fromEntries(keys.map((k) => [k, withNewValues(v[k], names, ids)]));
}

function usesImport(value: Json, names: ReadonlySet<string>): boolean {
  if (Array.isArray(value)) return value.some((v) => usesImport(v, names));
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, Json>;
  const arg = v['Fn::ImportValue'];
  if (typeof arg === 'string' && names.has(arg)) return true;
  return Object.values(v).some((x) => usesImport(x, names));
}

const REPLACING = new Set([ResourceImpact.WILL_REPLACE, ResourceImpact.MAY_REPLACE]);

/** Logical ids `fullDiff` replaces or removes between two templates, with their types. */
function replacedIds(before: CfnTemplate, after: CfnTemplate): Map<string, string> {
  const out = new Map<string, string>();
  fullDiff(before, after).resources.forEachDifference((id, change) => {
    if (REPLACING.has(change.changeImpact) || change.changeImpact === ResourceImpact.WILL_DESTROY)
      out.set(id, change.oldResourceType ?? change.newResourceType ?? 'unknown');
  });
  return out;
}

export interface CrossStackResult {
  readonly impacts: readonly CrossStackImpact[];
  /**
   * Stateful resources the new values replace in importing stacks: the template diff alone shows
   * them unchanged (an import reads the same), but the deploy replaces them.
   */
  readonly destructive: readonly DestructiveChange[];
}

/**
 * Follows the imports of a stage's stacks: every export whose value changes (its resource replaced,
 * its value edited, or itself removed) while another stack imports it, with the importing resources
 * and which of them the new value replaces (CloudFormation's replacement rules, propagated through
 * the importing template, plus VPC-bound resources, `VPC_BOUND_TYPES`). Chains are followed: an
 * importing stack's own exports may change in turn. `before` are the deployed (base) templates.
 */
export function crossStackImpacts(
  before: ReadonlyMap<string, CfnTemplate>,
  after: ReadonlyMap<string, CfnTemplate>,
  diffs: readonly StackDiff[],
): CrossStackResult {
  const REMOVING = new Set(['replace', 'may-replace', 'destroy']);
  // Per stack: resources replaced (or removed), by logical id -> type; the template diff's first.
  const replaced = new Map<string, Map<string, string>>(
    diffs.map((d) => [d.stack, new Map(d.resources.filter((r) => REMOVING.has(r.action)).map((r) => [r.logicalId, r.type]))]),
  );
  // Resources replaced only through the imports: stack -> logical id -> [type, export names].
  const throughImports = new Map<string, Map<string, { type: string; via: string[] }>>();
  const impacts = new Map<string, CrossStackImpact>();
  // Exports whose value changes, and whether they now point into a new VPC.
  const changed = new Map<string, { stack: string; cause: string; newVpc: boolean }>();
  const scan = (): void => {
    for (const [stack, b] of before) {
      const a = after.get(stack);
      const gone = replaced.get(stack) ?? new Map<string, string>();
      const newVpc = [...gone.values()].includes('AWS::EC2::VPC');
      for (const [key, out] of Object.entries((b.Outputs ?? {}) as Record<string, { Value?: Json; Export?: { Name?: Json } }>)) {
        const name = exportName(out);
        if (!name || changed.has(name)) continue;
        const now = (a?.Outputs as Record<string, { Value?: Json }> | undefined)?.[key];
        const id = referencedId(out.Value);
        const cause = !now
          ? `the output \`${key}\` is removed`
          : JSON.stringify(now.Value) !== JSON.stringify(out.Value)
            ? `the output \`${key}\` gets a new value`
            : id && gone.has(id)
              ? `\`${id}\` (${gone.get(id)}) is replaced`
              : undefined;
        if (cause) changed.set(name, { stack, cause, newVpc });
      }
    }
  };
  scan();
  // Each round may change more exports (an importing stack's own); a stage has a handful of stacks.
  for (let round = 0; round <= before.size; round++) {
    const names = new Set(changed.keys());
    const known = changed.size;
    for (const [stack, b] of before) {
      const a = after.get(stack);
      if (!a || !usesImport(b.Resources ?? {}, names)) continue;
      const intoNewVpc = new Set([...names].filter((n) => changed.get(n)?.newVpc));
      const bound = new Set(
        Object.entries(a.Resources ?? {})
          .filter(([, r]) => VPC_BOUND_TYPES.has(r.Type) && usesImport(r.Properties ?? {}, intoNewVpc))
          .map(([id]) => id),
      );
      // The importing template with the new values (and the VPC-bound resources replaced), diffed
      // by CloudFormation's rules: replacements propagate through the references.
      const modified = { ...a, Resources: withNewValues(a.Resources ?? {}, names, bound) } as CfnTemplate;
      const gone = replacedIds(b, modified);
      for (const id of bound) gone.set(id, (a.Resources ?? {})[id].Type);
      const own = replaced.get(stack) ?? new Map<string, string>();
      const extra = throughImports.get(stack) ?? new Map<string, { type: string; via: string[] }>();
      const usedNames = [...names].filter((n) => usesImport(b.Resources ?? {}, new Set([n])));
      for (const [id, type] of gone) {
        if (own.has(id) && !extra.has(id)) continue;
        own.set(id, type);
        extra.set(id, { type, via: usedNames });
      }
      replaced.set(stack, own);
      throughImports.set(stack, extra);
      for (const name of usedNames) {
        const users = Object.entries(b.Resources ?? {}).filter(([, r]) => usesImport(r, new Set([name])));
        const source = changed.get(name);
        if (!source) continue;
        const impact = impacts.get(name) ?? { stack: source.stack, exportName: name, cause: source.cause, importers: [] };
        const resources = users.map(([id, r]) => ({ logicalId: id, type: r.Type, replaced: own.has(id) }));
        impacts.set(name, { ...impact, importers: [...impact.importers.filter((i) => i.stack !== stack), { stack, resources }] });
      }
    }
    scan();
    if (changed.size === known) break;
  }
  const destructive: DestructiveChange[] = [];
  for (const [stack, extra] of throughImports) {
    for (const [logicalId, { type, via }] of extra) {
      if (!isStateful(type)) continue;
      destructive.push({
        stack,
        logicalId,
        type,
        action: 'replace',
        loses: STATEFUL_RESOURCE_TYPES[type],
        hint: `replaced because values it depends on change: ${via.map((n) => `\`${n}\``).join(', ')} (exported by ${[...new Set(via.map((n) => changed.get(n)?.stack))].join(', ')})`,
      });
    }
  }
  return { impacts: [...impacts.values()], destructive };
}
