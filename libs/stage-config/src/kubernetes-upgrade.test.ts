import { minimalStageText } from '@metaflow-gitops/testing/stage-config';
import { compareKubernetesVersions, kubernetesUpgradeProblem, kubernetesUpgradeSummary, UPGRADE_EXPECTATION } from './kubernetes-upgrade';
import { parseStageText } from './loader';

test('versions compare by minor number, not as text (1.9 is older than 1.10)', () => {
  expect(compareKubernetesVersions('1.9', '1.10')).toBeLessThan(0);
  expect(compareKubernetesVersions('1.35', '1.34')).toBe(1);
  expect(compareKubernetesVersions('1.34', '1.34')).toBe(0);
});

test('the same version or the next minor is an upgrade EKS does; more than one minor up, or any down, is not', () => {
  expect(kubernetesUpgradeProblem('1.34', '1.34')).toBeUndefined();
  expect(kubernetesUpgradeProblem('1.34', '1.35')).toBeUndefined();
  expect(kubernetesUpgradeProblem('1.33', '1.35')).toEqual({
    message: 'jumps from 1.33 to 1.35: EKS updates one minor version at a time',
    fix: 'upgrade to 1.34 first, deploy it, then to the next version in a later pull request',
  });
  expect(kubernetesUpgradeProblem('1.35', '1.34')?.message).toBe('goes down from 1.35 to 1.34: EKS cannot downgrade a cluster');
});

test('the reviewer reads what the upgrade does and how long it takes, or why it cannot happen', () => {
  expect(kubernetesUpgradeSummary('1.34', '1.34')).toBeUndefined();
  expect(kubernetesUpgradeSummary('1.34', '1.35')).toBe(`Kubernetes 1.34 -> 1.35: ${UPGRADE_EXPECTATION}`);
  expect(UPGRADE_EXPECTATION).toMatch(/^in-place EKS control-plane update \(.*minutes.*\), then EKS Auto Mode replaces the nodes/);
  expect(kubernetesUpgradeSummary('1.33', '1.35')).toMatch(/^Kubernetes 1\.33 -> 1\.35: not possible, jumps from 1\.33 to 1\.35/);
});

describe('the version the stage runs now (validate --base) makes a jump a located error at the field', () => {
  const text = (version: string) => minimalStageText('cluster:', `  kubernetesVersion: "${version}"`);
  const errors = (version: string, previous?: string) =>
    parseStageText('dev', 'environments/dev.yaml', text(version), previous).diagnostics.filter((d) => d.severity === 'error');

  it('two minors up or one down is an error at cluster.kubernetesVersion with the fix', () => {
    expect(errors('1.35', '1.33')).toEqual([
      expect.objectContaining({
        path: 'cluster.kubernetesVersion',
        line: 9,
        message: 'jumps from 1.33 to 1.35: EKS updates one minor version at a time',
        fix: 'upgrade to 1.34 first, deploy it, then to the next version in a later pull request',
      }),
    ]);
    expect(errors('1.34', '1.35')).toEqual([
      expect.objectContaining({ path: 'cluster.kubernetesVersion', message: expect.stringMatching(/cannot downgrade/) }),
    ]);
  });

  it('one minor up, no change, or no previous version (a new stage) is valid', () => {
    expect(errors('1.35', '1.34')).toEqual([]);
    expect(errors('1.35', '1.35')).toEqual([]);
    expect(errors('1.35')).toEqual([]);
  });
});
