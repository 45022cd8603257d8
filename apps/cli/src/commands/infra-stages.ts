import * as stageConfig from '@metaflow-gitops/stage-config';
import { StageConfig } from '@metaflow-gitops/stage-config';
import { CliError, UsageError } from '../errors';
import { Io } from '../io';

interface Diagnostic {
  readonly severity: 'error' | 'warning';
  readonly file: string;
}

/** The stage loader API (libs/stage-config loader; see common contract). */
interface LoaderApi {
  loadStages(environmentsDir: string): { stages: StageConfig[]; diagnostics: Diagnostic[]; ok: boolean };
  formatDiagnostic(d: Diagnostic): string;
}

function loaderApi(): LoaderApi {
  const api = stageConfig as unknown as Partial<LoaderApi>;
  if (typeof api.loadStages !== 'function' || typeof api.formatDiagnostic !== 'function') {
    throw new CliError('this build of @metaflow-gitops/stage-config has no stage loader (loadStages): update the workspace');
  }
  return api as LoaderApi;
}

/**
 * Loads the stages a command works on: one by name, or all with `--all`. Located errors of those
 * stages are printed first (`file:line:col: path: message`) and fail the command (exit 1).
 */
export function selectStages(io: Io, environmentsDir: string, stage: string | undefined, all: boolean | undefined): StageConfig[] {
  if (stage && all) throw new UsageError('give a stage name or --all, not both');
  if (!stage && !all) throw new UsageError('missing stage: give a stage name or --all');
  const api = loaderApi();
  const result = api.loadStages(environmentsDir);
  const base = (file: string) => file.replace(/\\/g, '/').split('/').pop() ?? file;
  const wanted = (file: string) => all || base(file) === `${stage}.yaml` || base(file) === `${stage}.yml`;
  const mine = result.diagnostics.filter((d) => wanted(d.file));
  for (const d of mine) io.stderr(`${api.formatDiagnostic(d)}\n`);
  const errors = mine.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    throw new CliError(`${errors.length} error(s) in the stage file${all ? 's' : ''}: fix them and run again`);
  }
  if (all) {
    if (result.stages.length === 0) throw new CliError(`no stage files in ${environmentsDir}`);
    return result.stages;
  }
  const found = result.stages.find((s) => s.name === stage);
  if (!found) {
    const names = result.stages.map((s) => s.name).join(', ') || 'none';
    throw new CliError(`no stage '${stage}' in ${environmentsDir} (stages: ${names})`);
  }
  return [found];
}
