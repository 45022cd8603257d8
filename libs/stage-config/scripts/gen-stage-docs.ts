// Writes the JSON Schema and docs/stage-file.md from libs/stage-config/src/schema.ts.
// Run from the repo root: npm run gen:stage-docs (docs.test.ts fails when they are out of date).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GENERATED_FILES, renderSchemaJson, renderStageFileDoc } from '../src/docs';

const root = path.resolve(__dirname, '../../..');
for (const [file, text] of [
  [GENERATED_FILES.schema, renderSchemaJson()],
  [GENERATED_FILES.docs, renderStageFileDoc()],
] as const) {
  const target = path.join(root, file);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(`${target}.tmp`, text);
  fs.renameSync(`${target}.tmp`, target);
  process.stdout.write(`wrote ${file}\n`);
}
