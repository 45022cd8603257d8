/** A JSON object, as the rendered manifests and templates hold them. */
export type Json = Record<string, unknown>;

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The value at a dotted path (`a.b.c`) of a JSON object, or undefined. */
export function at(v: unknown, dotted: string): unknown {
  let cur = v;
  for (const key of dotted.split('.')) {
    if (!isObject(cur)) return undefined;
    cur = cur[key];
  }
  return cur;
}

export function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
