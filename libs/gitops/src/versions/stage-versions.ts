import type { KubeObject, RenderedManifests } from '@metaflow-gitops/constructs/k8s';
import { CHART_KUBERNETES_SUPPORT, KUBERNETES_CALENDAR, formatKubernetesRange, type StageConfig } from '@metaflow-gitops/stage-config';

/** Where a Kubernetes version stands on a day: in standard support, in extended support, or past both. */
export type KubernetesSupport = 'standard' | 'extended' | 'ended';

export interface KubernetesVersionInfo {
  readonly version: string;
  /** From the EKS release calendar (absent for a version it does not list). */
  readonly released?: string;
  readonly endOfStandardSupport?: string;
  readonly endOfExtendedSupport?: string;
  readonly support?: KubernetesSupport;
  /** Days until the end of the current support window (standard, else extended). */
  readonly daysLeft?: number;
}

/** One pinned piece of a stage's cluster: a Helm release or a container image of the rendered manifests. */
export interface PinnedComponent {
  readonly kind: 'helm' | 'image';
  /** Release name, or image repository. */
  readonly name: string;
  readonly version: string;
  /** Helm releases: the chart, its repository and the Kubernetes versions it supports. */
  readonly chart?: string;
  readonly repository?: string;
  readonly kubernetes?: string;
  readonly sources?: readonly string[];
  readonly note?: string;
}

export interface StageVersions {
  readonly stage: string;
  readonly kubernetes: KubernetesVersionInfo;
  readonly components: readonly PinnedComponent[];
}

const DAY_MS = 86_400_000;
const daysUntil = (today: Date, iso: string) => Math.ceil((Date.parse(`${iso}T00:00:00Z`) - today.getTime()) / DAY_MS);

/** The calendar entry of `version` and where it stands on `today`. */
export function kubernetesVersionInfo(version: string, today: Date): KubernetesVersionInfo {
  const r = KUBERNETES_CALENDAR.versions.find((x) => x.version === version);
  if (!r) return { version };
  const standard = daysUntil(today, r.endOfStandardSupport);
  const extended = daysUntil(today, r.endOfExtendedSupport);
  const [support, daysLeft]: [KubernetesSupport, number | undefined] =
    standard > 0 ? ['standard', standard] : extended > 0 ? ['extended', extended] : ['ended', undefined];
  return {
    version,
    released: r.released,
    endOfStandardSupport: r.endOfStandardSupport,
    endOfExtendedSupport: r.endOfExtendedSupport,
    support,
    ...(daysLeft !== undefined ? { daysLeft } : {}),
  };
}

/** `repository:tag` (or `repository@digest`) split at the tag; an image without one is `latest`. */
function splitImage(image: string): { name: string; version: string } {
  const digest = image.indexOf('@');
  if (digest >= 0) return { name: image.slice(0, digest), version: image.slice(digest + 1) };
  const colon = image.lastIndexOf(':');
  return colon > image.lastIndexOf('/')
    ? { name: image.slice(0, colon), version: image.slice(colon + 1) }
    : { name: image, version: 'latest' };
}

/** Every container image named anywhere in the objects (pod templates of any workload kind). */
function imagesOf(objects: readonly KubeObject[]): string[] {
  const found = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if ((key === 'containers' || key === 'initContainers') && Array.isArray(value)) {
          for (const c of value) if (c && typeof (c as { image?: unknown }).image === 'string') found.add((c as { image: string }).image);
        }
        visit(value);
      }
    }
  };
  visit(objects);
  return [...found].sort();
}

/**
 * A stage's Kubernetes version with its support window (EKS release calendar) and every component
 * its manifests pin: the Helm releases, with the Kubernetes versions each supports, then the
 * container images.
 */
export function stageVersions(config: StageConfig, manifests: RenderedManifests, today: Date): StageVersions {
  const helm = manifests.releases.map((r): PinnedComponent => {
    const support = CHART_KUBERNETES_SUPPORT.charts.find((c) => c.chart === r.chart && c.version === r.version);
    return {
      kind: 'helm',
      name: r.name,
      chart: r.chart,
      repository: r.repository,
      version: r.version,
      ...(support ? { kubernetes: formatKubernetesRange(support), sources: support.sources } : {}),
      ...(support?.note ? { note: support.note } : {}),
    };
  });
  const images = imagesOf(manifests.components.flatMap((c) => c.objects)).map((image): PinnedComponent => ({
    kind: 'image',
    ...splitImage(image),
  }));
  return {
    stage: config.name,
    kubernetes: kubernetesVersionInfo(config.cluster.kubernetesVersion, today),
    components: [...helm, ...images],
  };
}

function supportLine(k: KubernetesVersionInfo): string {
  if (!k.support) return `Kubernetes ${k.version} (not in the EKS release calendar)`;
  const window = `released ${k.released}, standard support until ${k.endOfStandardSupport}, extended until ${k.endOfExtendedSupport}`;
  const now =
    k.support === 'standard'
      ? `standard support, ${k.daysLeft} days left`
      : k.support === 'extended'
        ? `EXTENDED support (costs more), ${k.daysLeft} days left`
        : 'past extended support';
  return `Kubernetes ${k.version}: ${now} (${window})`;
}

/** The text `mfctl versions` prints: per stage, the Kubernetes line, then one aligned row per component. */
export function formatStageVersions(list: readonly StageVersions[]): string {
  const out: string[] = [];
  for (const s of list) {
    out.push(`${s.stage}: ${supportLine(s.kubernetes)}`);
    const rows = s.components.map((c) => [
      c.kind,
      c.name,
      c.version,
      c.kind === 'helm' ? `chart ${c.chart}, Kubernetes ${c.kubernetes ?? 'range unknown'}${c.note ? ` (${c.note})` : ''}` : '',
    ]);
    const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length)));
    for (const r of rows) out.push(`  ${r.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]) : cell)).join('  ')}`.trimEnd());
  }
  return out.length ? `${out.join('\n')}\n` : '';
}
