import support from './chart-kubernetes-support.json';
import { compareKubernetesVersions } from './kubernetes-upgrade';

/**
 * The Kubernetes versions one pinned Helm chart release supports: the narrower of its Chart.yaml
 * `kubeVersion` (Helm refuses to install outside it) and the project's documented support matrix.
 * An absent bound is one neither source sets.
 */
export interface ChartKubernetesSupport {
  readonly chart: string;
  readonly version: string;
  readonly minKubernetes?: string;
  readonly maxKubernetes?: string;
  /** Where the bounds come from (URL, then what it says). */
  readonly sources: readonly string[];
  /** A caveat the bounds do not express, shown by `mfctl versions`. */
  readonly note?: string;
}

/**
 * The supported Kubernetes versions of every Helm chart release the manifests pin
 * (chart-kubernetes-support.json; a test checks it lists exactly the pinned releases). Update the
 * entry together with the pin.
 */
export const CHART_KUBERNETES_SUPPORT: { readonly checked: string; readonly charts: readonly ChartKubernetesSupport[] } = support;

/** `1.32 to 1.35`, `1.21 and later`, `any version`. */
export function formatKubernetesRange(c: ChartKubernetesSupport): string {
  if (c.minKubernetes && c.maxKubernetes) return `${c.minKubernetes} to ${c.maxKubernetes}`;
  if (c.minKubernetes) return `${c.minKubernetes} and later`;
  if (c.maxKubernetes) return `up to ${c.maxKubernetes}`;
  return 'any version (no bound documented)';
}

/** The chart releases of `charts` whose range excludes Kubernetes `version`. */
export function chartsExcluding(version: string, charts: readonly ChartKubernetesSupport[]): ChartKubernetesSupport[] {
  return charts.filter(
    (c) =>
      (c.minKubernetes !== undefined && compareKubernetesVersions(version, c.minKubernetes) < 0) ||
      (c.maxKubernetes !== undefined && compareKubernetesVersions(version, c.maxKubernetes) > 0),
  );
}
