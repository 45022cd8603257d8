import { didYouMean } from '../diagnostics';
import { FileContext } from './file-context';
import { JsonSchema } from '../schema';
import { FieldPath, formatPath, isPlainObject } from './yaml-positions';

function describe(value: unknown): string {
  if (value === null) return 'nothing (null)';
  if (Array.isArray(value)) return 'a list';
  if (isPlainObject(value)) return 'a mapping';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  return `the ${typeof value} ${String(value)}`;
}

const TYPE_NAMES: Record<string, string> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
};

function typeMatches(type: JsonSchema['type'], value: unknown): boolean {
  switch (type) {
    case 'object':
      return isPlainObject(value);
    case 'array':
      return Array.isArray(value);
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    default:
      return true;
  }
}

/**
 * Checks `value` against the stage schema: types, unknown keys (with "did you mean"), required keys,
 * enums, lengths, ranges, list sizes and duplicates. Returns the value with every offending node
 * removed (so normalization fills defaults there) and marks those paths as reported, so the rules do
 * not report the same node twice. Patterns and formats are left to the rules, which say more.
 */
export function checkAgainstSchema(ctx: FileContext, schema: JsonSchema, value: unknown, path: FieldPath): unknown {
  const name = formatPath(path) || 'the file';
  const fail = (message: string, fix: string, at: 'key' | 'value' = 'value'): undefined => {
    ctx.error(path, message, fix, { at });
    ctx.markBad(path);
    return undefined;
  };

  if (value === null && schema.type !== undefined) {
    return fail(`is empty, expected ${TYPE_NAMES[schema.type]}`, 'give it a value or remove the key to use the default');
  }
  if (!typeMatches(schema.type, value)) {
    const written = ctx.written(path);
    if (schema.type === 'string' && (typeof value === 'number' || typeof value === 'boolean')) {
      return fail(
        `must be a string, but YAML reads the unquoted ${written ?? String(value)} as the ${typeof value} ${String(value)}`,
        `quote it: "${written ?? String(value)}"`,
      );
    }
    return fail(`must be ${TYPE_NAMES[schema.type as string]}, got ${describe(value)}`, `write ${TYPE_NAMES[schema.type as string]} here`);
  }

  if (schema.enum && !schema.enum.includes(value as string)) {
    const guess = typeof value === 'string' ? didYouMean(value, schema.enum.map(String)) : undefined;
    const allowed =
      schema.enum.length <= 12 ? `one of ${schema.enum.join(', ')}` : `a supported value (${schema.enum.slice(0, 6).join(', ')}, ...)`;
    return fail(`${describe(value)} is not allowed`, guess ? `did you mean "${guess}"? Allowed: ${allowed}` : `use ${allowed}`);
  }

  if (typeof value === 'string') {
    if (schema.minLength !== undefined && value.length < schema.minLength) {
      return fail(
        `${JSON.stringify(value)} is too short (${value.length} characters, at least ${schema.minLength})`,
        `use at least ${schema.minLength} characters`,
      );
    }
    if (schema.maxLength !== undefined && value.length > schema.maxLength) {
      return fail(
        `${JSON.stringify(value)} is too long (${value.length} characters, at most ${schema.maxLength})`,
        `shorten it to ${schema.maxLength} characters`,
      );
    }
    return value;
  }

  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) {
      return fail(`${value} is below the minimum ${schema.minimum}`, `use a value from ${schema.minimum} to ${schema.maximum ?? 'any'}`);
    }
    if (schema.maximum !== undefined && value > schema.maximum) {
      return fail(`${value} is above the maximum ${schema.maximum}`, `use a value from ${schema.minimum ?? 0} to ${schema.maximum}`);
    }
    if (schema.multipleOf !== undefined && Math.abs(value / schema.multipleOf - Math.round(value / schema.multipleOf)) > 1e-9) {
      return fail(`${value} is not a multiple of ${schema.multipleOf}`, `round it to a step of ${schema.multipleOf}`);
    }
    return value;
  }

  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) {
      return fail(`has ${value.length} item(s), needs at least ${schema.minItems}`, `list at least ${schema.minItems}`);
    }
    if (schema.maxItems !== undefined && value.length > schema.maxItems) {
      return fail(`has ${value.length} items, at most ${schema.maxItems} allowed`, `list at most ${schema.maxItems}`);
    }
    const out: unknown[] = [];
    const seen = new Set<string>();
    let ok = true;
    value.forEach((item, i) => {
      const itemPath = [...path, i];
      const key = schema.uniqueItems ? JSON.stringify(item) : '';
      if (schema.uniqueItems && seen.has(key)) {
        ctx.error(itemPath, `${describe(item)} is listed twice`, 'remove the duplicate');
        ctx.markBad(itemPath);
        ok = false;
        return;
      }
      seen.add(key);
      const checked = schema.items ? checkAgainstSchema(ctx, schema.items, item, itemPath) : item;
      if (checked === undefined) ok = false;
      out.push(checked);
    });
    // A list with a bad item is dropped whole: a partial list would be normalized into a wrong value.
    if (!ok) ctx.markBad(path);
    return ok ? out : undefined;
  }

  if (isPlainObject(value)) {
    const props = schema.properties ?? {};
    const out: Record<string, unknown> = {};
    for (const required of schema.required ?? []) {
      if (!Object.hasOwn(value, required)) {
        ctx.error(
          [...path, required],
          `required field "${required}" is missing from ${name === 'the file' ? 'the file' : name}`,
          `add "${required}:" (${props[required]?.description ?? 'see docs/stage-file.md'})`,
        );
        ctx.markBad([...path, required]);
      }
    }
    const entries = Object.entries(value);
    if (schema.maxProperties !== undefined && entries.length > schema.maxProperties) {
      return fail(
        `has ${entries.length} entries, at most ${schema.maxProperties} allowed`,
        `remove ${entries.length - schema.maxProperties}`,
      );
    }
    for (const [key, child] of entries) {
      const childPath = [...path, key];
      // Own properties only: a key named after an Object.prototype member (toString, constructor,
      // __proto__) is an unknown key like any other.
      const childSchema = Object.hasOwn(props, key)
        ? props[key]
        : typeof schema.additionalProperties === 'object'
          ? schema.additionalProperties
          : undefined;
      if (!childSchema) {
        if (schema.additionalProperties === true) {
          out[key] = child;
          continue;
        }
        const guess = didYouMean(key, Object.keys(props));
        ctx.error(
          childPath,
          `unknown key "${key}"${guess ? `; did you mean "${guess}"?` : ''}`,
          guess ? `rename it to "${guess}"` : `remove it (allowed here: ${Object.keys(props).join(', ')})`,
          { at: 'key' },
        );
        ctx.markBad(childPath);
        continue;
      }
      if (schema.propertyNames) {
        const { minLength = 0, maxLength = Infinity } = schema.propertyNames;
        if (key.length < minLength || key.length > maxLength) {
          ctx.error(
            childPath,
            `key "${key}" must be ${minLength}-${maxLength} characters long`,
            `shorten the key to ${maxLength} characters`,
            { at: 'key' },
          );
          ctx.markBad(childPath);
          continue;
        }
      }
      const checked = checkAgainstSchema(ctx, childSchema, child, childPath);
      if (checked !== undefined) out[key] = checked;
    }
    return out;
  }
  return value;
}
