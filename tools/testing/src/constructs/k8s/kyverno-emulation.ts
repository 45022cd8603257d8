import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as jmespath from 'jmespath';

/**
 * Runs a Kyverno `foreach` mutation (strategic merge or JSON patch, nested loops, preconditions)
 * the way Kyverno does, with real tools for the parts that matter: JMESPath (the `jmespath`
 * library; Kyverno's variables and preconditions are JMESPath) and the patches themselves
 * (`kubectl patch --local`, Kubernetes' own strategic merge and JSON patch). Only what our policies
 * use is supported; anything else throws, so a policy change cannot silently escape the tests.
 */

type Json = unknown;
type Context = Record<string, Json>;
interface Condition {
  key: Json;
  operator: string;
  value: Json;
}
export interface ForEach {
  list: string;
  order?: 'Ascending' | 'Descending';
  preconditions?: { all: Condition[] };
  patchStrategicMerge?: Json;
  patchesJson6902?: string;
  foreach?: ForEach[];
}
export interface MutateRule {
  name: string;
  preconditions?: { all: Condition[] };
  mutate: { foreach: ForEach[] };
}
export interface DenyRule {
  name: string;
  match: { any: { resources: { kinds: string[]; namespaces?: string[] } }[] };
  validate: { message: string; deny: { conditions: { any: Condition[] } } };
}

export function kubectlAvailable(): boolean {
  return spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
}

const VARIABLE = /\{\{\s*(.+?)\s*\}\}/g;

/** Resolves Kyverno `{{ expr }}` variables with JMESPath: a whole-string variable keeps its type, embedded ones become text. */
export function substitute(value: Json, context: Context): Json {
  if (typeof value === 'string') {
    const whole = /^\{\{\s*(.+?)\s*\}\}$/.exec(value);
    if (whole) return jmespath.search(context, whole[1]);
    return value.replace(VARIABLE, (_m, expr: string) => String(jmespath.search(context, expr)));
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, context));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, context)]));
  return value;
}

function holdsOne(c: Condition, context: Context): boolean {
  const key = substitute(c.key, context);
  const value = substitute(c.value, context);
  if (c.operator === 'GreaterThan') return Number(key) > Number(value);
  if (c.operator === 'Equals') return JSON.stringify(key) === JSON.stringify(value);
  throw new Error(`operator ${c.operator} is not emulated`);
}

function holds(conditions: { all: Condition[] } | undefined, context: Context): boolean {
  return (conditions?.all ?? []).every((c) => holdsOne(c, context));
}

function kubectlPatch(object: Json, type: 'strategic' | 'json', patch: Json): Json {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kyverno-'));
  try {
    const file = path.join(dir, 'object.json');
    fs.writeFileSync(file, JSON.stringify(object));
    const run = spawnSync('kubectl', ['patch', '--local', '-f', file, '--type', type, '-p', JSON.stringify(patch), '-o', 'json'], {
      encoding: 'utf8',
    });
    if (run.status !== 0) throw new Error(`kubectl patch failed: ${run.stderr}`);
    return JSON.parse(run.stdout);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** One `foreach` level; `outer` holds the enclosing elements (element0, elementIndex0, ...). */
function runForEach(each: ForEach, object: Json, outer: Context, depth: number, scope: Context): Json {
  let current = object;
  const list = jmespath.search({ ...scope, request: { object: current } }, each.list);
  if (list === null || list === undefined) return current;
  if (!Array.isArray(list)) throw new Error(`foreach list ${each.list} is not a list`);
  const indices = list.map((_e, i) => i);
  if (each.order === 'Descending') indices.reverse();
  for (const i of indices) {
    const element = list[i];
    const levels: Context = { ...outer, [`element${depth}`]: element, [`elementIndex${depth}`]: i };
    const context: Context = { ...levels, request: { object: current }, element, elementIndex: i };
    if (!holds(each.preconditions, context)) continue;
    if (each.foreach) {
      for (const inner of each.foreach) current = runForEach(inner, current, levels, depth + 1, { element });
    }
    if (each.patchStrategicMerge !== undefined) current = kubectlPatch(current, 'strategic', substitute(each.patchStrategicMerge, context));
    if (each.patchesJson6902 !== undefined) {
      // Kyverno reads patchesJson6902 as YAML; ours is JSON text (valid YAML), parsed after substitution.
      current = kubectlPatch(current, 'json', JSON.parse(substitute(each.patchesJson6902, context) as string));
    }
  }
  return current;
}

/** Applies the rules' mutations to `object` (a resource being created) and returns the result. */
export function mutate(rules: readonly MutateRule[], object: Json): Json {
  let current = object;
  for (const rule of rules) {
    if (!holds(rule.preconditions, { request: { object: current } })) continue;
    for (const each of rule.mutate.foreach) current = runForEach(each, current, {}, 0, {});
  }
  return current;
}

/** Whether a rule's `match.any` selects the object: kinds written `<group>/<version>/<Kind>`, as our policies write them. */
function matches(match: DenyRule['match'], object: Json): boolean {
  const o = object as { apiVersion: string; kind: string; metadata: { namespace?: string } };
  return match.any.some(
    ({ resources }) =>
      resources.kinds.includes(`${o.apiVersion}/${o.kind}`) &&
      (!resources.namespaces || resources.namespaces.includes(o.metadata.namespace ?? '')),
  );
}

/** The messages of the `validate.deny` rules that match and refuse `object` (a resource being created); empty when it is admitted. */
export function denials(rules: readonly DenyRule[], object: Json): string[] {
  return rules
    .filter((r) => matches(r.match, object) && r.validate.deny.conditions.any.some((c) => holdsOne(c, { request: { object } })))
    .map((r) => r.validate.message);
}
