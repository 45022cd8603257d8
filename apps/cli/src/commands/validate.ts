import * as fs from 'node:fs';
import { Diagnostic, formatDiagnostic, loadStages, StageConfig, stageNameOfFile } from '@metaflow-gitops/stage-config';
import { EXIT, UsageError } from '../errors';
import { Io } from '../io';
import { environmentsDir } from '../repo';

export interface ValidateOptions {
  /** Directory of stage files. @default the repo's `environments/` */
  readonly environments?: string;
  /** Print `{ ok, stages, diagnostics }` as JSON on stdout instead of text. */
  readonly json?: boolean;
  /**
   * Base branch ref: each stage's `cluster.kubernetesVersion` may only move one minor version up
   * from its value at the merge-base (the version its cluster runs).
   */
  readonly base?: string;
}

/** The stages of a directory, or a usage error when it does not exist. */
export function readStages(
  io: Io,
  flag: string | undefined,
  base?: string,
): { dir: string; stages: StageConfig[]; diagnostics: Diagnostic[]; ok: boolean } {
  const dir = environmentsDir(io.cwd, flag);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new UsageError(`environments directory ${dir} does not exist (pass --environments DIR)`);
  }
  if (!base) return { dir, ...loadStages(dir) };
  // Loaded only with --base: the delivery library (git, AWS SDK) would slow every validate down.
  const { baseKubernetesVersions } = require('@metaflow-gitops/gitops') as typeof import('@metaflow-gitops/gitops');
  return { dir, ...loadStages(dir, { previousKubernetesVersions: baseKubernetesVersions(dir, base) }) };
}

/** Escapes a GitHub workflow-command value (data after `::`, or a property value with `property`). */
function escapeAnnotation(text: string, property = false): string {
  const data = text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  return property ? data.replace(/:/g, '%3A').replace(/,/g, '%2C') : data;
}

/** `::error file=...,line=...,col=...,title=...::message` for the Actions log (annotations on the PR diff). */
export function githubAnnotation(d: Diagnostic): string {
  const props = [
    `file=${escapeAnnotation(d.file, true)}`,
    `line=${d.line}`,
    `col=${d.column}`,
    `title=${escapeAnnotation(d.path || 'stage file', true)}`,
  ].join(',');
  return `::${d.severity} ${props}::${escapeAnnotation(`${d.message} (fix: ${d.fix})`)}`;
}

/** `mfctl validate`: checks every stage file; exit 0 when all are valid (warnings allowed), 1 otherwise. */
export async function validateCommand(opts: ValidateOptions, io: Io): Promise<number> {
  const { dir, stages, diagnostics, ok } = readStages(io, opts.environments, opts.base);
  const files = new Set(diagnostics.map((d) => d.file));
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const warnings = diagnostics.length - errors.length;
  const total = new Set([...stages.map((s) => s.name), ...[...files].map(stageNameOfFile)]).size;

  if (opts.json) {
    io.stdout(`${JSON.stringify({ ok: ok && total > 0, environmentsDir: dir, stages, diagnostics }, null, 2)}\n`);
  } else {
    for (const d of diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
  }
  if (io.env.GITHUB_ACTIONS === 'true') for (const d of diagnostics) io.stderr(`${githubAnnotation(d)}\n`);
  if (total === 0) {
    io.stderr(`error: no stage files (*.yaml) in ${dir}\n`);
    return EXIT.failure;
  }
  const invalid = new Set(errors.map((d) => d.file)).size;
  const summary = `${total} stage${total === 1 ? '' : 's'} checked: ${total - invalid} valid, ${invalid} invalid (${errors.length} error${errors.length === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'})`;
  if (!opts.json) (ok ? io.stdout : io.stderr)(`${summary}\n`);
  return ok ? EXIT.ok : EXIT.failure;
}
