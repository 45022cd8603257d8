import { FieldPath } from './yaml-positions';

/**
 * How many more nodes YAML aliases may add to a stage file than it writes out. Anchors and aliases
 * are fine for sharing a list or two; a "billion laughs" file (aliases of aliases) expands to
 * millions of nodes from a few lines, which every later check would walk.
 */
export const MAX_ALIAS_EXPANSION = 1000;

/**
 * The path of the node at which a walk of `value`, aliases expanded, passes `limit` nodes; undefined
 * when the whole value has at most `limit`. Stops there, so a file that expands without bound (or
 * refers to itself) costs `limit` steps.
 */
export function pathBeyondNodes(value: unknown, limit: number): FieldPath | undefined {
  let count = 0;
  const walk = (node: unknown, path: FieldPath): FieldPath | undefined => {
    if (++count > limit) return path;
    if (typeof node !== 'object' || node === null) return undefined;
    const entries: [string | number, unknown][] = Array.isArray(node) ? node.map((v, i) => [i, v]) : Object.entries(node);
    for (const [key, child] of entries) {
      const found = walk(child, [...path, key]);
      if (found) return found;
    }
    return undefined;
  };
  return walk(value, []);
}
