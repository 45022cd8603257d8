import { formatStageVersions, stageVersions } from '@metaflow-gitops/gitops';
import { renderStageManifests } from '@metaflow-gitops/constructs/k8s';
import { KUBERNETES_CALENDAR, placeholderOutputs, printable } from '@metaflow-gitops/stage-config';
import { EXIT } from '../errors';
import { Io } from '../io';
import { readStages } from './validate';

export interface VersionsOptions {
  readonly environments?: string;
  /** Print `{ calendar, stages }` as JSON on stdout. */
  readonly json?: boolean;
}

/**
 * `mfctl versions`: per valid stage, its Kubernetes version with the support window from the EKS
 * release calendar, and every pinned component (Helm releases with their Kubernetes ranges,
 * container images). Needs no AWS access: the manifests are rendered with placeholder outputs,
 * which name no version. Exit 1 (after listing the valid stages) when a stage file is invalid.
 */
export async function versionsCommand(opts: VersionsOptions, io: Io, today: Date = new Date()): Promise<number> {
  const { stages, ok, diagnostics } = readStages(io, opts.environments);
  const list = stages.map((config) => stageVersions(config, renderStageManifests(config, placeholderOutputs()), today));
  if (opts.json) {
    const calendar = { source: KUBERNETES_CALENDAR.source, checked: KUBERNETES_CALENDAR.checked };
    io.stdout(`${JSON.stringify({ calendar, stages: list }, null, 2)}\n`);
  } else {
    io.stdout(formatStageVersions(list));
    io.stdout(`EKS release calendar: ${KUBERNETES_CALENDAR.source} (checked ${KUBERNETES_CALENDAR.checked})\n`);
  }
  if (!ok) {
    const invalid = new Set(diagnostics.filter((d) => d.severity === 'error').map((d) => d.file));
    io.stderr(`${invalid.size} invalid stage file(s) not listed: ${[...invalid].map(printable).join(', ')} (run \`mfctl validate\`)\n`);
    return EXIT.failure;
  }
  return EXIT.ok;
}
