import { makeStageConfig } from '@metaflow-gitops/testing/stage-config';
import { accessChanges, kubernetesUpgrade, stageFacts, stageMove } from './stage-facts';

describe('stage facts, access changes and moves', () => {
  const base = stageFacts(makeStageConfig({ name: 'prod', isProd: true }));

  it('a new stage lists every identity and access setting, none of them as granting more', () => {
    const rows = accessChanges(undefined, base);
    expect(rows.map((r) => r.field)).toEqual([
      'deploy.roleArn',
      'deploy.githubEnvironment',
      'cluster.accessPrincipals',
      'oidcConfig.allowedGroups',
      'ingress.allowedCidrs',
      'cluster.publicEndpoint',
    ]);
    expect(rows.every((r) => r.before === undefined && r.grants === undefined)).toBe(true);
  });

  it('an unchanged stage has no access rows; a new deploy role, environment, CIDR or public endpoint grants more', () => {
    expect(accessChanges(base, base)).toEqual([]);
    const after = {
      ...base,
      deployRole: 'arn:aws:iam::111111111111:role/someone-else',
      githubEnvironment: 'prod-unprotected',
      allowedCidrs: [...base.allowedCidrs, '192.0.2.0/24'],
      publicEndpoint: true,
    };
    const rows = accessChanges(base, after);
    expect(rows.map((r) => [r.field, r.before, r.after, !!r.grants])).toEqual([
      ['deploy.roleArn', base.deployRole, 'arn:aws:iam::111111111111:role/someone-else', true],
      ['deploy.githubEnvironment', base.githubEnvironment, 'prod-unprotected', true],
      ['ingress.allowedCidrs', base.allowedCidrs.join(', '), [...base.allowedCidrs, '192.0.2.0/24'].join(', '), true],
      ['cluster.publicEndpoint', 'false', 'true', true],
    ]);
  });

  it('narrowing access is shown without asking for the label', () => {
    const wide = { ...base, allowedGroups: ['a', 'b'] };
    const rows = accessChanges(wide, { ...wide, allowedGroups: ['a'] });
    expect(rows).toEqual([{ field: 'oidcConfig.allowedGroups', before: 'a, b', after: 'a' }]);
    expect(accessChanges(wide, { ...wide, allowedGroups: [] })[0].grants).toBe('every user of the IdP may log in');
  });

  it('a different account or region is a move', () => {
    expect(stageMove(base, base)).toBeUndefined();
    expect(stageMove(base, { ...base, region: 'us-east-1' })).toEqual({
      from: { accountId: base.accountId, region: base.region },
      to: { accountId: base.accountId, region: 'us-east-1' },
    });
    expect(stageMove(undefined, base)).toBeUndefined();
  });

  it('a Kubernetes version change says: in-place control-plane update, then node rollout, with the expected duration', () => {
    const on = (kubernetesVersion: string) => ({ ...base, kubernetesVersion });
    expect(kubernetesUpgrade(on('1.34'), on('1.35'))).toMatch(
      /^Kubernetes 1\.34 -> 1\.35: in-place EKS control-plane update \(.*minutes.*\), then EKS Auto Mode replaces the nodes .*\(minutes to hours/,
    );
    expect(kubernetesUpgrade(on('1.33'), on('1.35'))).toMatch(/not possible, jumps from 1\.33 to 1\.35/);
    expect(kubernetesUpgrade(on('1.35'), on('1.35'))).toBeUndefined();
    expect(kubernetesUpgrade(undefined, on('1.35'))).toBeUndefined();
  });
});
