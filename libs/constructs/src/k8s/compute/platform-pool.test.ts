import { makeStageConfig } from '@metaflow-gitops/testing/stage-config';
import { RenderedManifests, renderStageManifests } from '../render';
import { allObjects, findObject, sampleOutputs } from '@metaflow-gitops/testing/constructs/k8s';
import { PLATFORM_NODE_POOL, PLATFORM_TAINT } from './platform-pool';

type Pool = {
  spec: {
    template: { spec: { requirements: { key: string; operator: string; values: string[] }[]; taints?: unknown[] } };
    disruption: { consolidationPolicy: string };
  };
};
type PodSpec = { nodeSelector?: Record<string, string>; tolerations?: unknown[] };

let dev: RenderedManifests;
let prod: RenderedManifests;

beforeAll(() => {
  dev = renderStageManifests(makeStageConfig({ name: 'dev' }), sampleOutputs('dev'));
  prod = renderStageManifests(makeStageConfig({ name: 'prod', isProd: true }), sampleOutputs('prod'));
});

const onPlatform = { 'karpenter.sh/nodepool': PLATFORM_NODE_POOL };
const tolerated = [{ key: PLATFORM_TAINT.key, operator: 'Exists', effect: 'NoSchedule' }];
const placement = (p: PodSpec) => ({ nodeSelector: p.nodeSelector, tolerations: p.tolerations });
const onPlatformNodes = { nodeSelector: onPlatform, tolerations: tolerated };
const requirement = (r: RenderedManifests, key: string) =>
  findObject<Pool>(r, 'NodePool', PLATFORM_NODE_POOL).spec.template.spec.requirements.find((x) => x.key === key);

describe('the platform node pool', () => {
  it('buys on-demand amd64 nodes (the static UI image has no arm64 build; one-replica services do not survive spot interruptions), tainted so no step lands there', () => {
    for (const r of [dev, prod]) {
      expect(requirement(r, 'kubernetes.io/arch')).toEqual({ key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] });
      expect(requirement(r, 'karpenter.sh/capacity-type')?.values).toEqual(['on-demand']);
      expect(findObject<Pool>(r, 'NodePool', PLATFORM_NODE_POOL).spec.template.spec.taints).toEqual([
        { key: 'metaflow-gitops/platform', effect: 'NoSchedule' },
      ]);
    }
  });

  it('allows the burstable 2-vCPU nodes an idle non-prod stage fits on, and no burstable node on prod', () => {
    const families = (r: RenderedManifests) => requirement(r, 'eks.amazonaws.com/instance-family')!.values;
    expect(families(dev)).toEqual(expect.arrayContaining(['t3a', 't3', 'm7a', 'c7i']));
    expect(families(prod).filter((f) => f.startsWith('t'))).toEqual([]);
    expect(families(prod)).toEqual(expect.arrayContaining(['m7a', 'm7i', 'c7a', 'c7i', 'r7a', 'r7i']));
  });

  it('consolidates underused nodes: every pod on it can move', () => {
    expect(findObject<Pool>(dev, 'NodePool', PLATFORM_NODE_POOL).spec.disruption.consolidationPolicy).toBe('WhenEmptyOrUnderutilized');
  });
});

describe('platform pods', () => {
  it.each(['dev', 'prod'])('of every long-running workload rendered here run on the platform nodes (%s)', (stage) => {
    const r = stage === 'dev' ? dev : prod;
    const workloads = allObjects(r).filter((o) => ['Deployment', 'StatefulSet', 'DaemonSet'].includes(o.kind));
    expect(workloads.map((o) => o.metadata.name).sort()).toEqual(['metaflow-metadata', 'metaflow-ui', 'metaflow-ui-backend']);
    for (const w of workloads)
      expect({ name: w.metadata.name, ...placement((w.spec as { template: { spec: PodSpec } }).template.spec) }).toEqual({
        name: w.metadata.name,
        ...onPlatformNodes,
      });
    const proxy = findObject<{ spec: { provider: { kubernetes: { envoyDeployment: { pod: PodSpec } } } } }>(
      r,
      'EnvoyProxy',
      'metaflow-nlb',
    );
    expect(placement(proxy.spec.provider.kubernetes.envoyDeployment.pod)).toEqual(onPlatformNodes);
    expect(placement(findObject<{ spec: { jetstream: PodSpec } }>(r, 'EventBus', 'default').spec.jetstream)).toEqual(onPlatformNodes);
    const source = allObjects(r).find((o) => o.kind === 'EventSource') as unknown as { spec: { template: PodSpec } };
    expect(placement(source.spec.template)).toEqual(onPlatformNodes);
  });

  /** The values path of each long-running component of each chart ('' for the chart's main Deployment). */
  const COMPONENTS: Record<string, string[]> = {
    kyverno: ['admissionController', 'backgroundController', 'cleanupController', 'reportsController'],
    'external-secrets': ['', 'webhook', 'certController'],
    'envoy-gateway': ['deployment.pod'],
    'external-dns': [''],
    'argo-workflows': ['controller', 'server'],
    'argo-events': ['controller'],
  };

  it.each(['dev', 'prod'])('of every chart component run on the platform nodes (%s)', (stage) => {
    const r = stage === 'dev' ? dev : prod;
    expect(r.releases.map((x) => x.name).sort()).toEqual(Object.keys(COMPONENTS).sort());
    for (const release of r.releases) {
      for (const at of COMPONENTS[release.name]) {
        const values = at.split('.').reduce<unknown>((v, k) => (k ? (v as Record<string, unknown>)[k] : v), release.values) as PodSpec;
        expect({ component: `${release.name} ${at}`, ...placement(values) }).toEqual({
          component: `${release.name} ${at}`,
          ...onPlatformNodes,
        });
      }
    }
  });
});
