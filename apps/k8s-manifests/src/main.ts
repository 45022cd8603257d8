import * as fs from 'node:fs';
import * as path from 'node:path';
import { RawStackOutputs, loadStage, placeholderOutputs, readStageOutputs } from '@metaflow-gitops/stage-config';
import { RenderedManifests, renderStageManifests, writeManifests } from '@metaflow-gitops/constructs/k8s';

/** What the app renders: the entry point's only inputs. */
export interface SynthInput {
  readonly stage: string;
  /** Directory of stage files. */
  readonly environmentsDir: string;
  /** Deployed outputs file; absent means placeholders. */
  readonly outputsFile?: string;
  /** Where the manifests are written. */
  readonly outDir: string;
}

/**
 * The cdk8s app: loads the stage (the only place besides the CLI that reads `environments/`),
 * reads its outputs, renders and writes. `mfctl manifests` is the operator-facing way to run it.
 */
export function synth(input: SynthInput): RenderedManifests {
  const config = loadStage(input.environmentsDir, input.stage);
  const outputs = input.outputsFile
    ? readStageOutputs(input.stage, JSON.parse(fs.readFileSync(input.outputsFile, 'utf8')) as RawStackOutputs)
    : placeholderOutputs();
  const rendered = renderStageManifests(config, outputs);
  writeManifests(rendered, input.outDir);
  return rendered;
}

/** Reads the inputs from the environment the way `cdk8s synth` passes them (STAGE, OUTPUTS_FILE, ENVIRONMENTS_DIR, CDK8S_OUTDIR). */
export function inputFromEnv(env: NodeJS.ProcessEnv, cwd: string): SynthInput {
  const stage = env.STAGE;
  if (!stage) throw new Error('set STAGE to the stage to render (e.g. STAGE=example)');
  const root = path.resolve(cwd, '../..');
  return {
    stage,
    environmentsDir: path.resolve(cwd, env.ENVIRONMENTS_DIR ?? path.join(root, 'environments')),
    outputsFile: env.OUTPUTS_FILE ? path.resolve(cwd, env.OUTPUTS_FILE) : undefined,
    outDir: path.resolve(cwd, env.CDK8S_OUTDIR ?? 'dist'),
  };
}

if (require.main === module) {
  const input = inputFromEnv(process.env, process.cwd());
  const rendered = synth(input);
  const objects = rendered.components.reduce((n, c) => n + c.objects.length, 0);
  process.stdout.write(
    `${input.stage}: ${objects} objects in ${rendered.components.length} components, ${rendered.releases.length} releases -> ${input.outDir}\n`,
  );
}
