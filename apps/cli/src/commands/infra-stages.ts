import { formatDiagnostic, loadStages, StageConfig, stageNameOfFile } from '@metaflow-gitops/stage-config';
import { CliError, UsageError } from '../errors';
import { Io } from '../io';

/**
 * Loads the stages a command works on: one by name, or all with `--all`. The located diagnostics
 * of those stages are printed first (`file:line:col: path: message`); any error fails the command
 * (exit 1) before anything is synthesized.
 */
export function selectStages(io: Io, environmentsDir: string, stage: string | undefined, all: boolean | undefined): StageConfig[] {
  if (stage && all) throw new UsageError('give a stage name or --all, not both');
  if (!stage && !all) throw new UsageError('missing stage: give a stage name or --all');
  const result = loadStages(environmentsDir);
  const mine = result.diagnostics.filter((d) => all || stageNameOfFile(d.file) === stage);
  for (const d of mine) io.stderr(`${formatDiagnostic(d)}\n`);
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
    throw new CliError(`no stage '${stage}' in ${environmentsDir} (stages: ${names}); create it with 'mfctl stage new ${stage}'`);
  }
  return [found];
}
