import { JsonSchema, STAGE_SCHEMA } from './schema';

/** The schema of a field of the stage file, by its path as docs/stage-file.md writes it (`cluster.accessPrincipals[].arn`). */
function fieldSchema(path: string): JsonSchema {
  let node: JsonSchema | undefined = STAGE_SCHEMA;
  for (const key of path.split('.')) {
    node = key.endsWith('[]') ? node?.properties?.[key.slice(0, -2)]?.items : node?.properties?.[key];
  }
  if (!node) throw new Error(`the stage schema (schema.ts) has no field ${path}`);
  return node;
}

/**
 * The default of a field, as the stage schema states it (`default`, or `x-prodDefault` on a prod
 * stage), so the loader fills in what the schema and docs/stage-file.md document. A fresh copy:
 * callers may keep it. Throws when the schema states none.
 */
export function schemaDefault<T>(path: string, isProd = false): T {
  const s = fieldSchema(path);
  const value = isProd && s['x-prodDefault'] !== undefined ? s['x-prodDefault'] : s.default;
  if (value === undefined) throw new Error(`the stage schema (schema.ts) states no default for ${path}`);
  return structuredClone(value) as T;
}

/** The defaults of every field of an object field that has one (`compute.cpu`). */
export function schemaDefaults<T>(path: string): T {
  const fields = Object.entries(fieldSchema(path).properties ?? {}).filter(([, s]) => s.default !== undefined);
  return Object.fromEntries(fields.map(([key]) => [key, schemaDefault(`${path}.${key}`)])) as T;
}
