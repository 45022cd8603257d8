import { KUBERNETES_CALENDAR, SUPPORT_WARNING_DAYS, kubernetesSupportWarning, newestKubernetesVersion } from './kubernetes-calendar';
import { KUBERNETES_VERSIONS } from './facts';
import { schemaDefault } from './schema-default';
import { minimalStageText } from '@metaflow-gitops/testing/stage-config';
import { parseStageText } from './loader';

const at = (iso: string) => new Date(`${iso}T12:00:00Z`);

test('every calendar entry is complete and ordered: released < end of standard < end of extended support, newest first', () => {
  expect(KUBERNETES_CALENDAR.source).toMatch(/^https:\/\/docs\.aws\.amazon\.com\/eks\//);
  for (const r of KUBERNETES_CALENDAR.versions) {
    expect(r.version).toMatch(/^1\.[0-9]+$/);
    expect(Date.parse(r.released)).toBeLessThan(Date.parse(r.endOfStandardSupport));
    expect(Date.parse(r.endOfStandardSupport)).toBeLessThan(Date.parse(r.endOfExtendedSupport));
  }
  const minors = KUBERNETES_CALENDAR.versions.map((r) => Number(r.version.split('.')[1]));
  expect(minors).toEqual([...minors].sort((a, b) => b - a));
});

test('the schema allows exactly the calendar versions and defaults to the newest (1.35)', () => {
  expect([...KUBERNETES_VERSIONS].sort()).toEqual(KUBERNETES_CALENDAR.versions.map((r) => r.version).sort());
  expect(newestKubernetesVersion()).toBe('1.35');
  expect(schemaDefault<string>('cluster.kubernetesVersion')).toBe('1.35');
});

test('quiet until 60 days before the end of standard support, then warns with the date and the price', () => {
  // 1.34 leaves standard support on 2026-12-02.
  expect(kubernetesSupportWarning('1.34', at('2026-10-01'))).toBeUndefined();
  expect(kubernetesSupportWarning('1.34', at('2026-10-03'))).toMatch(/leaves EKS standard support on 2026-12-02 \(in 60 days\).*0\.60/);
  expect(SUPPORT_WARNING_DAYS).toBe(60);
});

test('past the end of standard support: on extended support until its end; past that: EKS upgrades it', () => {
  expect(kubernetesSupportWarning('1.34', at('2026-12-10'))).toMatch(
    /left EKS standard support on 2026-12-02.*extended support.*until 2027-12-02/,
  );
  expect(kubernetesSupportWarning('1.34', at('2028-01-01'))).toMatch(/left EKS extended support on 2027-12-02/);
  expect(kubernetesSupportWarning('1.35', at('2026-12-01'))).toBeUndefined();
  expect(kubernetesSupportWarning('9.99', at('2026-12-01'))).toBeUndefined();
});

test('loading a stage on a version near or past the end of standard support gives a located warning (mfctl validate prints it)', () => {
  const text = (version: string) => minimalStageText('cluster:', `  kubernetesVersion: "${version}"`);
  // 1.32 left standard support on 2026-03-23: whatever the day the test runs, it warns.
  const old = parseStageText('dev', 'environments/dev.yaml', text('1.32'));
  expect(old.stage).toBeDefined();
  expect(old.diagnostics.filter((d) => d.path === 'cluster.kubernetesVersion')).toEqual([
    expect.objectContaining({
      severity: 'warning',
      line: 9,
      message: expect.stringMatching(/^Kubernetes 1\.32 left EKS (standard|extended) support/),
    }),
  ]);
  const current = parseStageText('dev', 'environments/dev.yaml', text(newestKubernetesVersion()));
  expect(current.diagnostics.filter((d) => d.path === 'cluster.kubernetesVersion')).toEqual(
    kubernetesSupportWarning(newestKubernetesVersion(), new Date()) ? [expect.anything()] : [],
  );
});
