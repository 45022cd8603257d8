import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { synthStage } from '@metaflow-gitops/constructs';
import { renderStageManifests, writeManifests } from '@metaflow-gitops/constructs/k8s';
import { loadStage, placeholderOutputs } from '@metaflow-gitops/stage-config';
import { AssemblyStack, readAssembly } from '../synth/stage-assembly';
import { AssemblyError } from '@metaflow-gitops/stage-config';

const execFileAsync = promisify(execFile);

/** Where one stage's synthesized output of one tree lands. */
export interface RenderedStage {
  /** `mfctl synth <stage> --out` directory (cloud assembly). */
  readonly cdkDir: string;
  /** `mfctl manifests <stage> --out` directory. */
  readonly k8sDir: string;
}

/**
 * Synthesizes one stage from one tree, its stage file read from `<tree>/<environments>/`
 * (`environments` is repo-relative). Throws with a readable message on failure.
 */
export type StageRenderer = (
  tree: string,
  stage: string,
  out: RenderedStage,
  env: NodeJS.ProcessEnv,
  environments: string,
) => Promise<void>;

async function runMfctl(tree: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const bin = path.join(tree, 'apps', 'cli', 'bin', 'mfctl.js');
  if (!fs.existsSync(bin)) throw new AssemblyError(`this tree has no mfctl (${path.relative(tree, bin)} missing)`);
  try {
    await execFileAsync(process.execPath, [bin, ...args], { cwd: tree, env, maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    const e = err as { stderr?: string; stdout?: string; message: string };
    const detail = (e.stderr || e.stdout || e.message).trim().split('\n').slice(-15).join('\n');
    throw new AssemblyError(`mfctl ${args.join(' ')} failed:\n${detail}`);
  }
}

/**
 * The default renderer: the tree's own `mfctl synth` and `mfctl manifests`, so base and head are
 * each synthesized by their own code.
 */
export const mfctlRenderer: StageRenderer = async (tree, stage, out, env, environments) => {
  await runMfctl(tree, ['synth', stage, '--out', out.cdkDir, '--environments', environments], env);
  await runMfctl(tree, ['manifests', stage, '--out', out.k8sDir, '--environments', environments], env);
};

/**
 * Renders a tree's stage files (`<tree>/<environments>/`) with the running code, in this process:
 * what `mfctl synth <stage> --out` and `mfctl manifests <stage> --out` write, without starting
 * them. Only for trees whose shipped code is the running code's (the head, or a base that changed
 * only stage files, docs or tests).
 */
export const inProcessRenderer: StageRenderer = async (tree, stage, out, _env, environments) => {
  const config = loadStage(path.join(tree, environments), stage);
  synthStage(config, { outdir: out.cdkDir });
  writeManifests(renderStageManifests(config, placeholderOutputs()), out.k8sDir);
};

function walk(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/**
 * The stacks of a synth output directory (one cloud assembly per stage below it), by
 * CloudFormation stack name, each assembly's stacks in deploy order.
 */
export function readStacks(dir: string): Map<string, AssemblyStack> {
  const manifests = walk(dir)
    .filter((f) => path.basename(f) === 'manifest.json')
    .sort();
  return new Map(manifests.flatMap((m) => readAssembly(path.dirname(m)).map((s): [string, AssemblyStack] => [s.name, s])));
}
