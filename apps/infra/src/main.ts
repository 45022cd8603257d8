import * as path from 'node:path';
import * as cdk from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildStage, createStageApp } from '@metaflow-gitops/constructs';
import { formatDiagnostic, loadStages, stageNameOfFile } from '@metaflow-gitops/stage-config';

/** Thrown when a stage file is invalid: the message lists every located diagnostic. */
export class InvalidStagesError extends Error {}

/**
 * The CDK app behind `npx cdk` (run from apps/infra): every valid stage of `environmentsDir` as its
 * six stacks, or only `onlyStage`. cdk-nag's AwsSolutions pack runs as a validation plugin, so an
 * unacknowledged finding fails `cdk synth` here as it fails `mfctl check`.
 */
export function buildInfraApp(app: cdk.App, environmentsDir: string, onlyStage?: string): string[] {
  const { stages, diagnostics } = loadStages(environmentsDir);
  const relevant = diagnostics.filter((d) => d.severity === 'error' && (!onlyStage || stageNameOfFile(d.file) === onlyStage));
  if (relevant.length > 0) throw new InvalidStagesError(relevant.map(formatDiagnostic).join('\n'));
  const selected = onlyStage ? stages.filter((s) => s.name === onlyStage) : stages;
  if (onlyStage && selected.length === 0) throw new InvalidStagesError(`no stage '${onlyStage}' in ${environmentsDir}`);
  for (const stage of selected) buildStage(app, stage);
  cdk.Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return selected.map((s) => s.name);
}

if (require.main === module) {
  // Entry point: the only place here that reads context (`-c stage=<name>`, `-c environments=<dir>`).
  const app = createStageApp();
  const dir = (app.node.tryGetContext('environments') as string | undefined) ?? path.resolve(__dirname, '../../../environments');
  try {
    buildInfraApp(app, dir, app.node.tryGetContext('stage') as string | undefined);
  } catch (err) {
    if (!(err instanceof InvalidStagesError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  app.synth();
}
