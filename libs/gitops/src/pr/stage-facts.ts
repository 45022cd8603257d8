import { kubernetesUpgradeSummary, type StageConfig } from '@metaflow-gitops/stage-config';

/** What a reviewer needs at a glance about a stage, from its loaded stage file (defaults applied). */
export interface StageFacts {
  readonly accountId: string;
  readonly region: string;
  readonly isProd: boolean;
  readonly gpu: boolean;
  readonly deployRole: string;
  readonly githubEnvironment: string;
  readonly allowedGroups: readonly string[];
  /** `arn access` or `arn access (namespaces)`. */
  readonly accessPrincipals: readonly string[];
  readonly allowedCidrs: readonly string[];
  readonly publicEndpoint: boolean;
  readonly kubernetesVersion: string;
}

export function stageFacts(config: StageConfig): StageFacts {
  return {
    accountId: config.accountId,
    region: config.region,
    isProd: config.isProd,
    gpu: config.compute.gpu !== undefined,
    deployRole: config.deploy.roleArn,
    githubEnvironment: config.deploy.githubEnvironment,
    allowedGroups: config.oidcConfig.allowedGroups,
    accessPrincipals: config.cluster.accessPrincipals.map(
      (p) => `${p.arn} ${p.access}${p.namespaces.length ? ` (${p.namespaces.join(', ')})` : ''}`,
    ),
    allowedCidrs: config.ingress.allowedCidrs,
    publicEndpoint: config.cluster.publicEndpoint,
    kubernetesVersion: config.cluster.kubernetesVersion,
  };
}

/** One identity or access setting of a stage, before and after (absent: the stage is new). */
export interface AccessChange {
  /** The stage-file field, e.g. `deploy.roleArn`. */
  readonly field: string;
  readonly before?: string;
  readonly after: string;
  /** Why merging it needs the acknowledgement label (it grants more or moves who deploys); absent: it narrows access. */
  readonly grants?: string;
}

const list = (xs: readonly string[]) => (xs.length ? xs.join(', ') : '(none)');

/**
 * The identity and access settings of a stage: every one for a new stage (`before` absent), the
 * changed ones otherwise. A change that grants more, or moves who deploys and approves, says so in
 * `grants` (the gate asks for the acknowledgement label); a new stage's access is new, not broadened.
 */
export function accessChanges(before: StageFacts | undefined, after: StageFacts): AccessChange[] {
  const added = (b: readonly string[], a: readonly string[]) => a.filter((x) => !b.includes(x));
  const rows: { field: string; b?: string; a: string; grants?: string }[] = [];
  const row = (field: string, b: string | undefined, a: string, grants?: string) => {
    if (before && b === a) return;
    rows.push({ field, b, a, grants: before ? grants : undefined });
  };
  row('deploy.roleArn', before?.deployRole, after.deployRole, 'a new identity deploys the stage and is cluster admin (EKS access entry)');
  row(
    'deploy.githubEnvironment',
    before?.githubEnvironment,
    after.githubEnvironment,
    'the GitHub environment decides who must approve deploys (required reviewers) and which branches may deploy',
  );
  const principals = added(before?.accessPrincipals ?? [], after.accessPrincipals);
  row(
    'cluster.accessPrincipals',
    before && list(before.accessPrincipals),
    list(after.accessPrincipals),
    principals.length ? `new cluster access: ${principals.join('; ')}` : undefined,
  );
  const groups = added(before?.allowedGroups ?? [], after.allowedGroups);
  row(
    'oidcConfig.allowedGroups',
    before && list(before.allowedGroups),
    after.allowedGroups.length ? list(after.allowedGroups) : '(none: every user of the IdP)',
    before && before.allowedGroups.length > 0 && after.allowedGroups.length === 0
      ? 'every user of the IdP may log in'
      : groups.length
        ? `new groups may log in: ${groups.join(', ')}`
        : undefined,
  );
  const cidrs = added(before?.allowedCidrs ?? [], after.allowedCidrs);
  row(
    'ingress.allowedCidrs',
    before && list(before.allowedCidrs),
    list(after.allowedCidrs),
    cidrs.length ? `new source ranges reach the load balancer: ${cidrs.join(', ')}` : undefined,
  );
  row(
    'cluster.publicEndpoint',
    before && String(before.publicEndpoint),
    String(after.publicEndpoint),
    after.publicEndpoint ? 'the Kubernetes API becomes reachable from the internet' : undefined,
  );
  return rows.map((r) => ({
    field: r.field,
    ...(r.b !== undefined ? { before: r.b } : {}),
    after: r.a,
    ...(r.grants ? { grants: r.grants } : {}),
  }));
}

/** Where a stage lives; a different account or region is another stage. */
export interface StageMove {
  readonly from: { readonly accountId: string; readonly region: string };
  readonly to: { readonly accountId: string; readonly region: string };
}

export function stageMove(before: StageFacts | undefined, after: StageFacts | undefined): StageMove | undefined {
  if (!before || !after || (before.accountId === after.accountId && before.region === after.region)) return undefined;
  return { from: { accountId: before.accountId, region: before.region }, to: { accountId: after.accountId, region: after.region } };
}

/**
 * What changing `cluster.kubernetesVersion` of a deployed stage does: an in-place control-plane
 * update then a node rollout, with the expected duration (or why EKS cannot do it). Undefined for a
 * new stage or an unchanged version.
 */
export function kubernetesUpgrade(before: StageFacts | undefined, after: StageFacts | undefined): string | undefined {
  return before && after ? kubernetesUpgradeSummary(before.kubernetesVersion, after.kubernetesVersion) : undefined;
}
