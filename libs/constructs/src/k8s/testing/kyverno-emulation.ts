import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as jmespath from 'jmespath';

/**
 * Runs a Kyverno `foreach` + `patchStrategicMerge` mutation the way Kyverno does, with real tools
 * for the two parts that matter: JMESPath (the `jmespath` library, the language Kyverno's variables
 * and preconditions use) and the strategic merge patch (`kubectl patch --local`, Kubernetes' own
 * implementation). Only what our policies use is supported; anything else throws, so a policy
 * change cannot silently escape the test.
 */

type Json = unknown;
interface Condition { key: Json; operator: string; value: Json }
interface ForEach { list: string; preconditions?: { all: Condition[] }; patchStrategicMerge: Json }
export interface MutateRule { name: string; preconditions?: { all: Condition[] }; mutate: { foreach: ForEach[] } }

export function kubectlAvailable(): boolean {
  return spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
}

/** Replaces `{{ expr }}` strings with the JMESPath result of `expr` on `context` (Kyverno variables). */
export function substitute(value: Json, context: Json): Json {
  if (typeof value === 'string') {
    const whole = /^\{\{\s*(.+?)\s*\}\}$/.exec(value);
    if (whole) return jmespath.search(context, whole[1]);
    if (value.includes('{{')) throw new Error(`unsupported partial variable in '${value}'`);
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, context));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, context)]));
  return value;
}

function holds(conditions: { all: Condition[] } | undefined, context: Json): boolean {
  for (const c of conditions?.all ?? []) {
    const key = substitute(c.key, context);
    if (c.operator !== 'GreaterThan') throw new Error(`operator ${c.operator} is not emulated`);
    if (!(Number(key) > Number(c.value))) return false;
  }
  return true;
}

function kubectlPatch(object: Json, patch: Json): Json {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kyverno-'));
  try {
    const file = path.join(dir, 'object.json');
    fs.writeFileSync(file, JSON.stringify(object));
    const run = spawnSync('kubectl', ['patch', '--local', '-f', file, '--type', 'strategic', '-p', JSON.stringify(patch), '-o', 'json'], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`kubectl patch failed: ${run.stderr}`);
    return JSON.parse(run.stdout);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Applies the rules' mutations to `object` (a Pod being created) and returns the result. */
export function mutate(rules: readonly MutateRule[], object: Json): Json {
  let current = object;
  for (const rule of rules) {
    if (!holds(rule.preconditions, { request: { object: current } })) continue;
    for (const each of rule.mutate.foreach) {
      const list = jmespath.search({ request: { object: current } }, each.list);
      if (list === null) continue;
      if (!Array.isArray(list)) throw new Error(`foreach list ${each.list} is not a list`);
      for (const element of list) {
        const context = { request: { object: current }, element };
        if (!holds(each.preconditions, context)) continue;
        current = kubectlPatch(current, substitute(each.patchStrategicMerge, context));
      }
    }
  }
  return current;
}
