import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RawStackOutputs } from '@metaflow-gitops/stage-config';

/**
 * Writes the stage's outputs file atomically (temporary file in the same directory, then rename):
 * a reader (the sync, a workflow step) never sees a half-written file, and a failed deploy leaves
 * the previous file in place.
 */
export function writeOutputsFile(file: string, outputs: RawStackOutputs): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(sortKeys(outputs), null, 2)}\n`);
  fs.renameSync(tmp, file);
}

export function readOutputsFile(file: string): RawStackOutputs {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as RawStackOutputs;
}

function sortKeys(outputs: RawStackOutputs): RawStackOutputs {
  const out: RawStackOutputs = {};
  for (const stack of Object.keys(outputs).sort()) {
    out[stack] = {};
    for (const key of Object.keys(outputs[stack]).sort()) out[stack][key] = outputs[stack][key];
  }
  return out;
}
