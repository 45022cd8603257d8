/**
 * Changing `cluster.kubernetesVersion` of a deployed stage is its upgrade: the deploy updates the
 * EKS control plane in place, then EKS Auto Mode replaces the nodes. EKS updates one minor version
 * at a time and never downgrades
 * (https://docs.aws.amazon.com/eks/latest/userguide/update-cluster.html).
 */

/**
 * What the upgrade does and how long to expect. The control plane update runs inside the deploy of
 * the Eks stack, which waits for it: EKS says an update "should finish within a few minutes"
 * (https://docs.aws.amazon.com/eks/latest/APIReference/API_UpdateClusterVersion.html); plan for up
 * to half an hour. EKS Auto Mode then replaces the nodes with ones of the new version, respecting
 * PodDisruptionBudgets (https://docs.aws.amazon.com/eks/latest/userguide/auto-upgrade.html): minutes
 * to hours, with the number of nodes and the budgets.
 */
export const UPGRADE_EXPECTATION =
  'in-place EKS control-plane update (a few minutes, up to about 30, inside the deploy of the Eks stack), then EKS Auto Mode replaces the nodes with ones of the new version, respecting PodDisruptionBudgets (minutes to hours, with the number of nodes)';

function minor(version: string): number {
  const m = /^1\.([0-9]+)$/.exec(version);
  return m ? Number(m[1]) : NaN;
}

/** Negative when `a` is older than `b`, 0 when equal, positive when newer (`1.x` versions). */
export function compareKubernetesVersions(a: string, b: string): number {
  return minor(a) - minor(b);
}

/**
 * Why EKS cannot go from `from` to `to` (a downgrade, or more than one minor version up), or
 * undefined when it can (same version or the next minor).
 */
export function kubernetesUpgradeProblem(from: string, to: string): { message: string; fix: string } | undefined {
  const step = compareKubernetesVersions(to, from);
  if (Number.isNaN(step) || step === 0 || step === 1) return undefined;
  if (step < 0)
    return {
      message: `goes down from ${from} to ${to}: EKS cannot downgrade a cluster`,
      fix: `keep ${from}; a cluster on an older version can only be a new stage (another stage file)`,
    };
  const next = `1.${minor(from) + 1}`;
  return {
    message: `jumps from ${from} to ${to}: EKS updates one minor version at a time`,
    fix: `upgrade to ${next} first, deploy it, then to the next version in a later pull request`,
  };
}

/** The sentence a reviewer reads when a pull request changes the version (undefined when it does not). */
export function kubernetesUpgradeSummary(from: string, to: string): string | undefined {
  if (from === to) return undefined;
  const problem = kubernetesUpgradeProblem(from, to);
  if (problem) return `Kubernetes ${from} -> ${to}: not possible, ${problem.message} (${problem.fix})`;
  return `Kubernetes ${from} -> ${to}: ${UPGRADE_EXPECTATION}`;
}
