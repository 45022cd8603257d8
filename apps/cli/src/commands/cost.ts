import { renderStageManifests } from '@metaflow-gitops/constructs/k8s';
import { readAssembly } from '@metaflow-gitops/gitops/checks';
import { CostEstimate, estimateIdleCost, formatCostMarkdown, formatCostText } from '@metaflow-gitops/gitops/cost';
import { placeholderOutputs } from '@metaflow-gitops/stage-config';
import { EXIT, UsageError } from '../errors';
import { Io } from '../io';
import { environmentsDir } from '../repo';
import { selectStages } from './infra-stages';
import { defaultOutDir, synthesize } from './synth';

export interface CostOptions {
  readonly stage?: string;
  readonly all?: boolean;
  readonly out?: string;
  readonly environments?: string;
  readonly json?: boolean;
  readonly format?: string;
}

/**
 * `mfctl cost <stage>|--all`: the stage's idle monthly cost at list prices, itemized: synthesizes
 * the stage (like `mfctl check`) and renders its manifests in process, then prices what they hold
 * (docs/cost.md). Text, `--json` or `--format markdown`.
 */
export async function costCommand(opts: CostOptions, io: Io): Promise<number> {
  const format = opts.json ? 'json' : (opts.format ?? 'text');
  if (!['text', 'json', 'markdown'].includes(format)) throw new UsageError(`--format must be text, json or markdown (got '${format}')`);
  if (opts.json && opts.format !== undefined && opts.format !== 'json') throw new UsageError('give --json or --format, not both');
  const stages = selectStages(io, environmentsDir(io.cwd, opts.environments), opts.stage, opts.all);
  // Today decides standard or extended Kubernetes support.
  const date = new Date();
  const estimates: { stage: string; estimate: CostEstimate }[] = [];
  for (const config of stages) {
    const [s] = synthesize(io, [config], defaultOutDir(io, opts.out));
    const rendered = renderStageManifests(config, placeholderOutputs());
    const estimate = estimateIdleCost({
      templates: readAssembly(s.assemblyDir).map((st) => st.template),
      objects: [...rendered.components.flatMap((c) => c.objects), ...rendered.releases],
      region: config.region,
      date,
    });
    for (const w of estimate.warnings) io.stderr(`warning: ${config.name}: ${w}\n`);
    estimates.push({ stage: config.name, estimate });
  }
  if (format === 'json') io.stdout(`${JSON.stringify({ stages: estimates }, undefined, 2)}\n`);
  else if (format === 'markdown') io.stdout(estimates.map((e) => formatCostMarkdown(e.stage, e.estimate)).join('\n'));
  else io.stdout(estimates.map((e) => formatCostText(e.stage, e.estimate)).join('\n'));
  return EXIT.ok;
}
