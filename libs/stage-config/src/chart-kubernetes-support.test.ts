import { minimalStageText } from '@metaflow-gitops/testing/stage-config';
import { ChartKubernetesSupport, CHART_KUBERNETES_SUPPORT, chartsExcluding, formatKubernetesRange } from './chart-kubernetes-support';
import { KUBERNETES_CALENDAR } from './kubernetes-calendar';
import { parseStageText } from './loader';

const chart = (name: string, min?: string, max?: string): ChartKubernetesSupport => ({
  chart: name,
  version: '1.0.0',
  ...(min ? { minKubernetes: min } : {}),
  ...(max ? { maxKubernetes: max } : {}),
  sources: ['https://example.com'],
});

test('every entry names its sources by URL and has well-formed, ordered bounds', () => {
  expect(CHART_KUBERNETES_SUPPORT.charts.length).toBeGreaterThan(0);
  for (const c of CHART_KUBERNETES_SUPPORT.charts) {
    expect(c.sources.length).toBeGreaterThan(0);
    for (const s of c.sources) expect(s).toMatch(/^https:\/\/\S+/);
    for (const bound of [c.minKubernetes, c.maxKubernetes]) if (bound !== undefined) expect(bound).toMatch(/^1\.[0-9]+$/);
    if (c.minKubernetes && c.maxKubernetes) expect(chartsExcluding(c.minKubernetes, [c])).toEqual([]);
  }
});

test('a version below the minimum or above the maximum is excluded, comparing minors as numbers; absent bounds exclude nothing', () => {
  const charts = [chart('a', '1.32', '1.35'), chart('b', '1.9'), chart('c')];
  expect(chartsExcluding('1.35', charts)).toEqual([]);
  expect(chartsExcluding('1.36', charts).map((c) => c.chart)).toEqual(['a']);
  expect(chartsExcluding('1.31', charts).map((c) => c.chart)).toEqual(['a']);
  expect(chartsExcluding('1.8', charts).map((c) => c.chart)).toEqual(['a', 'b']);
  expect(charts.map(formatKubernetesRange)).toEqual(['1.32 to 1.35', '1.9 and later', 'any version (no bound documented)']);
});

test('today every calendar version is inside every pinned chart range (otherwise validate fails the stages on it)', () => {
  for (const r of KUBERNETES_CALENDAR.versions) expect(chartsExcluding(r.version, CHART_KUBERNETES_SUPPORT.charts)).toEqual([]);
});

describe('a stage on a version outside a pinned chart range', () => {
  const original = [...CHART_KUBERNETES_SUPPORT.charts];
  afterEach(() => (CHART_KUBERNETES_SUPPORT.charts as ChartKubernetesSupport[]).splice(0, Infinity, ...original));

  it('is a validate error at cluster.kubernetesVersion naming the chart to bump', () => {
    (CHART_KUBERNETES_SUPPORT.charts as ChartKubernetesSupport[]).push(chart('old-chart', '1.30', '1.34'));
    const text = minimalStageText('cluster:', '  kubernetesVersion: "1.35"');
    const errors = parseStageText('dev', 'environments/dev.yaml', text).diagnostics.filter((d) => d.severity === 'error');
    expect(errors).toEqual([
      expect.objectContaining({
        path: 'cluster.kubernetesVersion',
        line: 9,
        message: 'Kubernetes 1.35 is outside the range of the pinned Helm chart old-chart 1.0.0 (1.30 to 1.34)',
        fix: expect.stringMatching(
          /^bump old-chart in libs\/constructs\/src\/k8s\/releases\/releases\.ts to a release that supports 1\.35/,
        ),
      }),
    ]);
  });
});
