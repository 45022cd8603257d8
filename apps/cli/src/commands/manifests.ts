import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  MissingOutputsError,
  RawStackOutputs,
  StageConfig,
  StageConfigError,
  StageOutputs,
  formatDiagnostic,
  loadStage,
  placeholderOutputs,
  readStageOutputs,
} from '@metaflow-gitops/stage-config';
import { renderStageManifests, writeManifests } from '@metaflow-gitops/constructs/k8s';
import { CliError, UsageError } from '../errors';
import { Io } from '../io';
import { environmentsDir, findRepoRoot } from '../repo';

export interface ManifestsOptions {
  /** Deployed outputs (`{ "<stack>": { "<OutputKey>": "value" } }`, as `mfctl deploy` writes them). @default placeholders */
  readonly outputs?: string;
  /** Output directory. @default `dist/k8s/<stage>` under the repo root */
  readonly out?: string;
  /** Directory of stage files. @default the repo's `environments/` */
  readonly environments?: string;
  /** Print the summary as JSON on stdout. */
  readonly json?: boolean;
}

export interface ManifestsSummary {
  readonly stage: string;
  readonly outDir: string;
  /** True when rendered with placeholder outputs (the stage is not deployed yet). */
  readonly placeholders: boolean;
  readonly components: { readonly name: string; readonly objects: number; readonly file: string }[];
  readonly releases: { readonly name: string; readonly chart: string; readonly version: string; readonly namespace: string }[];
}

function readStage(io: Io, name: string, flag: string | undefined): StageConfig {
  const dir = environmentsDir(io.cwd, flag);
  if (!fs.existsSync(dir)) throw new UsageError(`environments directory ${dir} does not exist (pass --environments DIR)`);
  try {
    return loadStage(dir, name);
  } catch (err) {
    if (err instanceof StageConfigError) {
      throw new CliError(`cannot load stage '${name}':\n${err.diagnostics.map((d) => `  ${formatDiagnostic(d)}`).join('\n')}`);
    }
    throw err;
  }
}

function readOutputs(io: Io, stage: string, file: string): StageOutputs {
  const full = path.resolve(io.cwd, file);
  if (!fs.existsSync(full))
    throw new CliError(`${file}: outputs file not found (deploy the stage, or omit --outputs to render with placeholders)`);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(full, 'utf8'));
  } catch (err) {
    throw new CliError(`${file}: not valid JSON: ${(err as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new CliError(`${file}: expected an object of stacks ({ "<stack>": { "<OutputKey>": "value" } })`);
  }
  try {
    return readStageOutputs(stage, raw as RawStackOutputs);
  } catch (err) {
    if (err instanceof MissingOutputsError) throw new CliError(`${file}: ${err.message}`);
    throw err;
  }
}

/**
 * `mfctl manifests <stage>`: renders the stage's cluster manifests and release list into
 * `dist/k8s/<stage>/` (one YAML file per component, `releases.json`, `releases.yaml`) and prints
 * the object count of each component. Without `--outputs` every stack output is a marked
 * placeholder, so a pull request can show the manifests a stage that is not deployed would get.
 */
export async function manifestsCommand(stage: string, opts: ManifestsOptions, io: Io): Promise<number> {
  const config = readStage(io, stage, opts.environments);
  const placeholders = opts.outputs === undefined;
  const outputs = opts.outputs === undefined ? placeholderOutputs() : readOutputs(io, stage, opts.outputs);
  if (placeholders) {
    io.stderr(
      `note: no --outputs given: rendering '${stage}' with placeholder outputs (<pending:NAME>); these manifests are for review, not for applying\n`,
    );
  }
  const rendered = renderStageManifests(config, outputs);
  const outDir = opts.out ? path.resolve(io.cwd, opts.out) : path.join(findRepoRoot(io.cwd), 'dist', 'k8s', stage);
  writeManifests(rendered, outDir);

  const summary: ManifestsSummary = {
    stage,
    outDir,
    placeholders,
    components: rendered.components.map((c) => ({ name: c.name, objects: c.objects.length, file: path.join(outDir, `${c.name}.yaml`) })),
    releases: rendered.releases.map((r) => ({ name: r.name, chart: r.chart, version: r.version, namespace: r.namespace })),
  };
  if (opts.json) {
    io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
    return 0;
  }
  const width = Math.max(...summary.components.map((c) => c.name.length));
  io.stdout(`manifests for stage '${stage}'${placeholders ? ' (PLACEHOLDER outputs)' : ''} -> ${path.relative(io.cwd, outDir) || '.'}\n`);
  for (const c of summary.components)
    io.stdout(`  ${c.name.padEnd(width)}  ${String(c.objects).padStart(3)} object${c.objects === 1 ? '' : 's'}\n`);
  const total = summary.components.reduce((n, c) => n + c.objects, 0);
  io.stdout(`  ${'total'.padEnd(width)}  ${String(total).padStart(3)} objects in ${summary.components.length} files\n`);
  io.stdout(`releases (install order): ${summary.releases.map((r) => `${r.name}@${r.version}`).join(', ')}\n`);
  return 0;
}
