import * as fs from 'node:fs';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { GENERATED_FILES, renderSchemaJson, renderStageFileDoc } from './docs';
import { JsonSchema, STAGE_SCHEMA } from './schema';

const ROOT = path.resolve(__dirname, '../../..');

describe('generated files', () => {
  it.each([
    [GENERATED_FILES.schema, renderSchemaJson],
    [GENERATED_FILES.docs, renderStageFileDoc],
  ] as const)('%s is up to date (regenerate with `npm run gen:stage-docs`)', (file, render) => {
    const committed = fs.existsSync(path.join(ROOT, file)) ? fs.readFileSync(path.join(ROOT, file), 'utf8') : '';
    expect(committed === render() ? 'up to date' : `${file} is out of date: run npm run gen:stage-docs`).toBe('up to date');
  });

  it('the stage files point editors at the schema', () => {
    for (const file of ['example.yaml', 'prod-example.yaml']) {
      const first = fs.readFileSync(path.join(ROOT, 'environments', file), 'utf8').split('\n')[0];
      expect(first).toBe('# yaml-language-server: $schema=../libs/stage-config/schema/stage.schema.json');
    }
  });
});

describe('the schema', () => {
  const fields: [string, JsonSchema, boolean][] = [];
  const walk = (s: JsonSchema, prefix: string) => {
    for (const [key, child] of Object.entries(s.properties ?? {})) {
      fields.push([`${prefix}${key}`, child, (s.required ?? []).includes(key)]);
      walk(child, `${prefix}${key}.`);
      if (child.items) walk(child.items, `${prefix}${key}[].`);
    }
  };
  walk(STAGE_SCHEMA, '');

  it('is draft 2020-12 and closed (unknown keys are errors)', () => {
    expect(STAGE_SCHEMA.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    const open = fields.filter(
      ([, s]) => s.type === 'object' && s.additionalProperties !== false && typeof s.additionalProperties !== 'object',
    );
    expect(open.map(([f]) => f)).toEqual([]);
  });

  it('describes every field and gives every optional field a default', () => {
    expect(fields.length).toBeGreaterThan(40);
    expect(fields.filter(([, s]) => !s.description).map(([f]) => f)).toEqual([]);
    const noDefault = fields.filter(([f, s, required]) => !required && !f.includes('[]') && s.default === undefined && !s['x-defaultText']);
    expect(noDefault.map(([f]) => f)).toEqual([]);
  });

  it('documents every field in docs/stage-file.md', () => {
    const doc = renderStageFileDoc();
    for (const [field] of fields) expect(doc).toContain(`| \`${field}\` |`);
    expect(doc).toContain('at most **23** characters');
  });
});

describe('schema patterns (what editors check) accept the example stages', () => {
  const checked: string[] = [];
  const walk = (s: JsonSchema | undefined, value: unknown, at: string, bad: string[]) => {
    if (!s) return;
    if (typeof value === 'string' && s.pattern) {
      checked.push(at);
      if (!new RegExp(s.pattern, 'u').test(value)) bad.push(`${at}: ${value}`);
    }
    if (Array.isArray(value)) value.forEach((v, i) => walk(s.items, v, `${at}[${i}]`, bad));
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value))
        walk(s.properties?.[k] ?? (typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined), v, `${at}.${k}`, bad);
    }
  };

  it.each(['example.yaml', 'prod-example.yaml'])('%s', (file) => {
    const bad: string[] = [];
    walk(STAGE_SCHEMA, yaml.load(fs.readFileSync(path.join(ROOT, 'environments', file), 'utf8')), '', bad);
    expect(bad).toEqual([]);
    expect(checked.length).toBeGreaterThan(3);
  });
});
