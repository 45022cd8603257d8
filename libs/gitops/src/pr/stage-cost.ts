import { costDelta, CostDelta } from '../cost/delta';
import { CostEstimate, estimateIdleCost } from '../cost/estimate';
import { AssemblyStack } from '../synth/stage-assembly';
import { ManifestObject } from './manifest-diff';

/** A stage's idle cost in a PR: at the head, at the base (absent for a new stage) and the change. */
export interface StageCost {
  readonly head: CostEstimate;
  readonly base?: CostEstimate;
  readonly delta: CostDelta;
}

/** One side of a stage as the diff read it: its stacks and its rendered manifests. */
export interface RenderedSide {
  readonly stacks: ReadonlyMap<string, AssemblyStack>;
  readonly objects: ReadonlyMap<string, ManifestObject>;
}

function estimate(side: RenderedSide, date: Date): CostEstimate | undefined {
  const stacks = [...side.stacks.values()];
  const region = stacks.find((s) => s.region)?.region;
  if (!region) return undefined;
  return estimateIdleCost({
    templates: stacks.map((s) => s.template),
    objects: [...side.objects.values()].map((o) => o.body),
    region,
    date,
  });
}

/** The idle cost of a stage's head and base (docs/cost.md), both priced on `date`; undefined when the head has no stacks. */
export function stageCost(head: RenderedSide, base: RenderedSide | undefined, date: Date): StageCost | undefined {
  const now = estimate(head, date);
  if (!now) return undefined;
  const before = base ? estimate(base, date) : undefined;
  return { head: now, ...(before ? { base: before } : {}), delta: costDelta(before, now) };
}
