import { stageAssemblyDir, synthStage } from '@metaflow-gitops/constructs';
import { AssemblyError, STACK_KINDS, StageConfig, stackName } from '@metaflow-gitops/stage-config';
import { isAssemblyDir, readAssembly } from './stage-assembly';

export interface DeployableAssemblyOptions {
  /**
   * An assembly `mfctl synth`/`check` wrote: the stage's assembly directory, or the `--out` root
   * holding `<stage>/`. When absent the stage is synthesized into `<outdir>/<stage>/`.
   */
  readonly assembly?: string;
  /** Root of the cloud assemblies for a fresh synthesis. */
  readonly outdir: string;
}

/**
 * The cloud assembly directory deploy and teardown work on: the one given (checked to hold exactly
 * this stage's six stacks), or the one `synthStage` writes, the same synthesis `mfctl synth` and
 * `mfctl check` run, so what is deployed is byte for byte what was checked.
 */
export function deployableAssembly(config: StageConfig, options: DeployableAssemblyOptions): string {
  if (options.assembly === undefined) return synthStage(config, { outdir: options.outdir }).directory;
  const given = options.assembly;
  const dir = isAssemblyDir(given) ? given : stageAssemblyDir(given, config.name);
  if (!isAssemblyDir(dir)) {
    throw new AssemblyError(
      `--assembly ${given}: neither it nor ${dir} is a cloud assembly (no manifest.json): write one with 'mfctl synth ${config.name} --out ${given}'`,
    );
  }
  const expected = STACK_KINDS.map((kind) => stackName(config.name, kind));
  const stacks = readAssembly(dir);
  const found = stacks.map((s) => s.name);
  if (found.length !== expected.length || !expected.every((name) => found.includes(name))) {
    throw new AssemblyError(
      `--assembly ${dir} is not stage '${config.name}': it holds ${found.join(', ') || 'no stacks'}, the stage needs ${expected.join(', ')}. ` +
        `Pass the assembly of '${config.name}' (mfctl synth ${config.name} --out DIR writes DIR/${config.name}).`,
    );
  }
  const elsewhere = stacks.find((s) => s.account !== config.accountId || s.region !== config.region);
  if (elsewhere) {
    throw new AssemblyError(
      `--assembly ${dir}: ${elsewhere.name} deploys to aws://${elsewhere.account}/${elsewhere.region}, but ${config.sourceFile} says aws://${config.accountId}/${config.region}: synthesize it again from the current stage file`,
    );
  }
  return dir;
}
