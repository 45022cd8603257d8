import calendar from './kubernetes-versions.json';

/** One Kubernetes minor version on EKS: release and end-of-support dates (ISO dates, UTC). */
export interface KubernetesRelease {
  readonly version: string;
  readonly released: string;
  readonly endOfStandardSupport: string;
  readonly endOfExtendedSupport: string;
}

/**
 * The EKS Kubernetes release calendar (kubernetes-versions.json, copied from `source`): the
 * versions EKS offers for new clusters, newest first. Update the file when EKS releases a version
 * or one leaves extended support; the stage schema's allowed versions are its `version`s.
 */
export const KUBERNETES_CALENDAR: {
  readonly source: string;
  readonly checked: string;
  readonly versions: readonly KubernetesRelease[];
} = calendar;

/** Days before the end of standard support from which `mfctl validate` warns. */
export const SUPPORT_WARNING_DAYS = 60;

/** Extended support costs this much more per cluster hour than standard support (USD 0.60 instead of 0.10). */
const EXTENDED_SUPPORT_PRICE = 'USD 0.60 instead of 0.10 per cluster hour';

const DAY_MS = 86_400_000;
const days = (from: Date, to: string) => Math.ceil((Date.parse(`${to}T00:00:00Z`) - from.getTime()) / DAY_MS);

/**
 * Where `version` stands on `today`: nothing to say (undefined) while standard support has more
 * than `SUPPORT_WARNING_DAYS` days left, else a sentence for the operator. Versions outside the
 * calendar are the schema's business.
 */
export function kubernetesSupportWarning(version: string, today: Date): string | undefined {
  const release = KUBERNETES_CALENDAR.versions.find((r) => r.version === version);
  if (!release) return undefined;
  const standard = days(today, release.endOfStandardSupport);
  const extended = days(today, release.endOfExtendedSupport);
  if (standard > SUPPORT_WARNING_DAYS) return undefined;
  if (standard > 0)
    return `Kubernetes ${version} leaves EKS standard support on ${release.endOfStandardSupport} (in ${standard} days); extended support then costs ${EXTENDED_SUPPORT_PRICE}`;
  if (extended > 0)
    return `Kubernetes ${version} left EKS standard support on ${release.endOfStandardSupport}: the cluster is on extended support (${EXTENDED_SUPPORT_PRICE}) until ${release.endOfExtendedSupport}`;
  return `Kubernetes ${version} left EKS extended support on ${release.endOfExtendedSupport}: EKS upgrades such clusters itself`;
}

/** The newest version of the calendar: the default of new stages. */
export function newestKubernetesVersion(): string {
  return KUBERNETES_CALENDAR.versions[0].version;
}
