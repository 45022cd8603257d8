import { AssemblyError } from '@metaflow-gitops/stage-config';
/** A stack and the stacks it depends on (by name): what the ordering needs of an `AssemblyStack`. */
export interface StackNode {
  readonly name: string;
  readonly dependsOn: readonly string[];
}

/**
 * Groups stacks into deploy waves: every stack of a wave depends only on stacks of earlier waves,
 * so a wave's stacks can deploy in parallel (the toolkit's `concurrency`). Within a wave the input
 * order is kept. Throws on a dependency cycle or a dependency outside the set.
 */
export function planDeployWaves(stacks: readonly StackNode[]): string[][] {
  const names = new Set(stacks.map((s) => s.name));
  for (const s of stacks) {
    for (const d of s.dependsOn) {
      if (!names.has(d))
        throw new AssemblyError(`stack '${s.name}' depends on '${d}', which is not part of the stage`, {
          fix: 'synthesize the stage again (mfctl synth)',
        });
    }
  }
  const waves: string[][] = [];
  const placed = new Set<string>();
  while (placed.size < stacks.length) {
    const wave = stacks.filter((s) => !placed.has(s.name) && s.dependsOn.every((d) => placed.has(d))).map((s) => s.name);
    if (wave.length === 0) {
      const left = stacks.filter((s) => !placed.has(s.name)).map((s) => s.name);
      throw new AssemblyError(`dependency cycle between stacks: ${left.join(', ')}`);
    }
    wave.forEach((n) => placed.add(n));
    waves.push(wave);
  }
  return waves;
}

/** Stacks in one flat deploy order: wave by wave (`planDeployWaves`), input order within a wave. */
export function deployOrder<T extends StackNode>(stacks: readonly T[]): T[] {
  const rank = new Map(planDeployWaves(stacks).flatMap((wave, i) => wave.map((name): [string, number] => [name, i])));
  return [...stacks].sort((a, b) => (rank.get(a.name) ?? 0) - (rank.get(b.name) ?? 0));
}

/** Waves for a teardown: the deploy waves reversed (dependents go first). */
export function planDestroyWaves(stacks: readonly StackNode[]): string[][] {
  return planDeployWaves(stacks).reverse();
}

/** `1: a, b | 2: c` — how waves are printed in progress output and reports. */
export function formatWaves(waves: readonly (readonly string[])[]): string {
  return waves.map((w, i) => `${i + 1}: ${w.join(', ')}`).join(' | ');
}
