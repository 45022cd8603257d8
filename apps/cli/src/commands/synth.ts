import * as path from 'node:path';
import { StageConfig } from '@metaflow-gitops/stage-config';
import { synthStage } from '@metaflow-gitops/constructs';
import { readAssembly } from '@metaflow-gitops/gitops/checks';
import { EXIT } from '../errors';
import { Io } from '../io';
import { environmentsDir, findRepoRoot } from '../repo';
import { selectStages } from './infra-stages';

export interface SynthOptions {
  readonly stage?: string;
  readonly all?: boolean;
  /** Root of the cloud assemblies. @default `<repo>/cdk.out` */
  readonly out?: string;
  readonly environments?: string;
  readonly json?: boolean;
}

export interface SynthesizedStage {
  readonly stage: string;
  readonly assemblyDir: string;
  readonly milliseconds: number;
  /** In deploy order. */
  readonly stacks: { readonly stackName: string; readonly resources: number; readonly dependsOn: string[] }[];
}

/** Default root of the cloud assemblies: `<repo>/cdk.out`. */
export function defaultOutDir(io: Io, out: string | undefined): string {
  return out ? path.resolve(io.cwd, out) : path.join(findRepoRoot(io.cwd), 'cdk.out');
}

/** Synthesizes stages into `<out>/<stage>/` with no AWS access. Used by `synth` and `check`. */
export function synthesize(io: Io, stages: readonly StageConfig[], outRoot: string): SynthesizedStage[] {
  return stages.map((config) => {
    io.stderr(`synthesizing ${config.name} ...\n`);
    const started = Date.now();
    const assemblyDir = synthStage(config, { outdir: outRoot }).directory;
    const assembly = readAssembly(assemblyDir);
    const order = assembly.map((s) => s.name);
    const stacks = assembly.map((s) => ({
      stackName: s.name,
      resources: Object.keys(s.template.Resources ?? {}).length,
      dependsOn: [...s.dependsOn].sort((a, b) => order.indexOf(a) - order.indexOf(b)),
    }));
    return { stage: config.name, assemblyDir, milliseconds: Date.now() - started, stacks };
  });
}

/** `mfctl synth <stage>|--all`: writes `cdk.out/<stage>/` and prints the stacks in deploy order. */
export async function synthCommand(opts: SynthOptions, io: Io): Promise<number> {
  const stages = selectStages(io, environmentsDir(io.cwd, opts.environments), opts.stage, opts.all);
  const results = synthesize(io, stages, defaultOutDir(io, opts.out));
  if (opts.json) {
    io.stdout(`${JSON.stringify(results, undefined, 2)}\n`);
    return EXIT.ok;
  }
  for (const r of results) {
    io.stdout(`${r.stage}: ${path.relative(io.cwd, r.assemblyDir) || '.'} (${(r.milliseconds / 1000).toFixed(1)}s)\n`);
    r.stacks.forEach((s, i) => {
      const deps = s.dependsOn.length > 0 ? `  after ${s.dependsOn.join(', ')}` : '';
      io.stdout(`  ${i + 1}. ${s.stackName.padEnd(28)} ${String(s.resources).padStart(4)} resources${deps}\n`);
    });
  }
  return EXIT.ok;
}
