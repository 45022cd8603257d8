/** A JSON value of Helm chart values. */
export type HelmValue = string | number | boolean | null | readonly HelmValue[] | { readonly [key: string]: HelmValue };
export type HelmValues = { readonly [key: string]: HelmValue };

/** One pinned third-party chart release, installed by the sync step (in list order). */
export interface HelmRelease {
  /** Release name. */
  readonly name: string;
  /** Namespace it is installed into (rendered by the `namespaces` component). */
  readonly namespace: string;
  /** Chart name in the repository. */
  readonly chart: string;
  /** Chart repository URL (`https://...`) or OCI registry (`oci://...`). */
  readonly repository: string;
  /** Exact chart version: never a range. */
  readonly version: string;
  /** Per-stage values. */
  readonly values: HelmValues;
  /**
   * The chart installs CustomResourceDefinitions that later releases or components use. The sync
   * server-side applies the chart's `crds/` directory before each upgrade (Helm installs it once only).
   */
  readonly crds?: boolean;
}
