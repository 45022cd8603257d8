import { CommandResult } from './execute';
import { executeSync } from './execute';
import type { KubeObject, RenderedManifests } from '@metaflow-gitops/constructs/k8s';
import { isInputError, isInternalError } from '@metaflow-gitops/stage-config';
import { thrownBy } from '@metaflow-gitops/testing/errors';
import { INVENTORY, Inventory, formatPlan, parseInventory, planSync, refKey } from './plan';

const obj = (apiVersion: string, kind: string, name: string, namespace?: string, annotations?: Record<string, string>): KubeObject => ({
  apiVersion,
  kind,
  metadata: { name, ...(namespace ? { namespace } : {}), ...(annotations ? { annotations } : {}) },
});

const manifests: RenderedManifests = {
  releases: [
    {
      name: 'external-secrets',
      namespace: 'external-secrets',
      chart: 'external-secrets',
      repository: 'https://charts.external-secrets.io',
      version: '0.19.2',
      values: {},
      crds: true,
    },
    {
      name: 'argo-workflows',
      namespace: 'argo',
      chart: 'argo-workflows',
      repository: 'https://argoproj.github.io/argo-helm',
      version: '0.45.0',
      values: { server: { authModes: ['server'] } },
    },
  ],
  components: [
    { name: 'namespaces', objects: [obj('v1', 'Namespace', 'metaflow'), obj('v1', 'Namespace', 'argo')] },
    {
      name: 'compute',
      objects: [obj('karpenter.sh/v1', 'NodePool', 'metaflow-platform'), obj('eks.amazonaws.com/v1', 'NodeClass', 'metaflow')],
    },
    {
      name: 'secrets',
      objects: [
        obj('external-secrets.io/v1', 'ExternalSecret', 'db', 'metaflow'),
        obj('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'things.example.com'),
      ],
    },
    {
      name: 'metaflow-migrations',
      objects: [
        obj('v1', 'ServiceAccount', 'migrate', 'metaflow'),
        obj('batch/v1', 'Job', 'metaflow-db-migrate', 'metaflow', { 'metaflow-gitops/sync-wait': 'complete' }),
      ],
    },
    {
      name: 'metaflow',
      objects: [obj('v1', 'Service', 'metaflow-metadata', 'metaflow'), obj('apps/v1', 'Deployment', 'metaflow-metadata', 'metaflow')],
    },
  ],
};

const previous: Inventory = {
  version: 1,
  stage: 'dev',
  syncedAt: '2026-11-01T00:00:00.000Z',
  objects: [
    { apiVersion: 'v1', kind: 'Namespace', name: 'legacy' },
    { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'metaflow', name: 'metaflow-metadata' },
    { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'legacy', name: 'old-ui' },
    { apiVersion: 'external-secrets.io/v1beta1', kind: 'ExternalSecret', namespace: 'metaflow', name: 'db' },
  ],
  releases: [
    { name: 'argo-workflows', namespace: 'argo', chart: 'argo-workflows', version: '0.44.0' },
    { name: 'kube-prometheus', namespace: 'monitoring', chart: 'kube-prometheus-stack', version: '60.0.0' },
  ],
};

describe('planSync', () => {
  const plan = planSync('dev', manifests, previous, new Date('2026-11-23T18:00:00Z'));
  const kinds = plan.steps.map((s) => s.kind);

  it('applies namespaces, CRDs, node classes and node pools first (the releases wait for pods placed on them), then the releases in order, then the components', () => {
    expect(kinds).toEqual(['apply', 'crds', 'helm', 'helm', 'apply', 'apply', 'job', 'apply', 'prune', 'rollout', 'inventory']);
    const first = plan.steps[0];
    expect(first.kind === 'apply' && first.objects.map((o) => `${o.kind}/${o.name}`)).toEqual([
      'Namespace/metaflow',
      'Namespace/argo',
      'CustomResourceDefinition/things.example.com',
      'NodeClass/metaflow',
      'NodePool/metaflow-platform',
    ]);
    expect(plan.steps.filter((s) => s.kind === 'helm').map((s) => (s.kind === 'helm' ? s.release.name : ''))).toEqual([
      'external-secrets',
      'argo-workflows',
    ]);
  });

  it("applies the chart's CRDs right before each release whose chart installs CRDs, and only those", () => {
    const crds = plan.steps.flatMap((s, i) => (s.kind === 'crds' ? [{ i, name: s.release.name }] : []));
    expect(crds.map((c) => c.name)).toEqual(['external-secrets']);
    const next = plan.steps[crds[0].i + 1];
    expect(next.kind === 'helm' && next.release.name).toBe('external-secrets');
  });

  it('waits for the migration job before the services are applied', () => {
    const job = kinds.indexOf('job');
    const step = plan.steps[job];
    expect(step.kind === 'job' && step.job.name).toBe('metaflow-db-migrate');
    const before = plan.steps[job - 1];
    const after = plan.steps[job + 1];
    expect(before.kind === 'apply' && before.objects.map((o) => o.name)).toEqual(['migrate']);
    expect(after.kind === 'apply' && after.objects.map((o) => o.name)).toEqual(['metaflow-metadata', 'metaflow-metadata']);
  });

  it('prunes what the previous inventory had and this render does not, namespaces last, and stale releases', () => {
    const prune = plan.steps.find((s) => s.kind === 'prune');
    expect(prune?.kind === 'prune' && prune.objects.map((o) => `${o.kind}/${o.namespace ?? ''}/${o.name}`)).toEqual([
      'Deployment/legacy/old-ui',
      'Namespace//legacy',
    ]);
    expect(prune?.kind === 'prune' && prune.releases.map((r) => r.name)).toEqual(['kube-prometheus']);
  });

  it('treats an API version change as the same object (not pruned)', () => {
    expect(refKey({ apiVersion: 'external-secrets.io/v1beta1', kind: 'ExternalSecret', namespace: 'metaflow', name: 'db' })).toBe(
      refKey({ apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', namespace: 'metaflow', name: 'db' }),
    );
  });

  it('prunes nothing on a first sync', () => {
    expect(planSync('dev', manifests, undefined).steps.some((s) => s.kind === 'prune')).toBe(false);
  });

  it('records every rendered object and release in the new inventory', () => {
    expect(plan.inventory.objects).toHaveLength(10);
    expect(plan.inventory.releases.map((r) => `${r.name}@${r.version}`)).toEqual(['external-secrets@0.19.2', 'argo-workflows@0.45.0']);
    expect(parseInventory(JSON.stringify(plan.inventory))).toEqual(plan.inventory);
    const foreign = thrownBy(() => parseInventory('{"objects": []}'));
    expect(isInputError(foreign)).toBe(true);
    expect(foreign.message).toMatch(/^not a metaflow-gitops inventory/);
  });

  it('rejects an object rendered twice', () => {
    const twice = { releases: [], components: [{ name: 'a', objects: [obj('v1', 'Namespace', 'x'), obj('v1', 'Namespace', 'x')] }] };
    const err = thrownBy(() => planSync('dev', twice, undefined));
    expect(isInternalError(err)).toBe(true);
    expect(err.message).toBe('object rendered twice: v1 Namespace x');
  });

  it('prints the full plan for humans', () => {
    const text = formatPlan(plan);
    expect(text).toContain('helm upgrade --install external-secrets external-secrets 0.19.2');
    expect(text).toContain(
      '2. server-side apply (field manager metaflow-gitops): the crds/ directory of external-secrets 0.19.2 (helm show crds), which helm upgrade leaves as first installed',
    );
    expect(text).toContain('3. helm upgrade --install external-secrets');
    expect(text).toContain('run job metaflow/metaflow-db-migrate and wait for completion');
    expect(text).toContain('delete apps/v1 Deployment legacy/old-ui');
    expect(text).toContain('helm uninstall kube-prometheus -n monitoring');
    expect(text).toContain(`ConfigMap ${INVENTORY.namespace}/${INVENTORY.name} (10 objects, 2 releases)`);
  });
});

describe('executeSync', () => {
  it('runs helm and kubectl in plan order with server-side apply and writes the inventory last', () => {
    const calls: string[] = [];
    const inputs: string[] = [];
    const run = (cmd: string, args: readonly string[], input?: string): CommandResult => {
      calls.push(`${cmd} ${args.join(' ')}`);
      if (input) inputs.push(input);
      return { code: 0, stdout: '', stderr: '' };
    };
    executeSync(planSync('dev', manifests, previous), { run, print: () => undefined });
    expect(calls[0]).toBe('kubectl apply --server-side --field-manager=metaflow-gitops --force-conflicts -f -');
    expect(calls[1]).toBe('helm show crds external-secrets --repo https://charts.external-secrets.io --version 0.19.2');
    expect(calls[2]).toMatch(
      /^helm upgrade --install external-secrets external-secrets --repo https:\/\/charts.external-secrets.io --version 0.19.2 --namespace external-secrets --values \S+ --wait --timeout 15m$/,
    );
    expect(calls).toContain('kubectl wait --for=condition=complete job/metaflow-db-migrate -n metaflow --timeout=15m');
    expect(calls).toContain('kubectl delete deployment.apps old-ui -n legacy --ignore-not-found');
    expect(calls).toContain('helm uninstall kube-prometheus --namespace monitoring --ignore-not-found');
    expect(calls).toContain('kubectl rollout status deployment/metaflow-metadata -n metaflow --timeout=15m');
    expect(calls.indexOf('kubectl delete job metaflow-db-migrate -n metaflow --ignore-not-found --wait=true')).toBeLessThan(
      calls.indexOf('kubectl wait --for=condition=complete job/metaflow-db-migrate -n metaflow --timeout=15m'),
    );
    const last = JSON.parse(inputs.at(-1)!);
    expect(last.items[0]).toMatchObject({ kind: 'ConfigMap', metadata: { name: 'metaflow-gitops-inventory', namespace: 'kube-system' } });
  });

  it('server-side applies what helm show crds prints before upgrading the release, and nothing when the chart has no crds/', () => {
    const crdYaml =
      'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: gateways.gateway.networking.k8s.io\n';
    const oci: RenderedManifests = {
      releases: [
        {
          name: 'envoy-gateway',
          namespace: 'envoy-gateway-system',
          chart: 'gateway-helm',
          repository: 'oci://docker.io/envoyproxy',
          version: 'v1.7.4',
          values: {},
          crds: true,
        },
        { ...manifests.releases[0], crds: true },
      ],
      components: [],
    };
    const calls: { call: string; input?: string }[] = [];
    const printed: string[] = [];
    const run = (cmd: string, args: readonly string[], input?: string): CommandResult => {
      calls.push({ call: `${cmd} ${args.join(' ')}`, input });
      const show = cmd === 'helm' && args[0] === 'show';
      return { code: 0, stdout: show && args.includes('oci://docker.io/envoyproxy/gateway-helm') ? crdYaml : '', stderr: '' };
    };
    executeSync(planSync('dev', oci, undefined), { run, print: (l) => printed.push(l), context: 'stage-dev' });
    expect(calls.slice(0, 3).map((c) => c.call)).toEqual([
      'helm show crds oci://docker.io/envoyproxy/gateway-helm --version v1.7.4',
      'kubectl --context stage-dev apply --server-side --field-manager=metaflow-gitops --force-conflicts -f -',
      expect.stringMatching(
        /^helm --kube-context stage-dev upgrade --install envoy-gateway oci:\/\/docker.io\/envoyproxy\/gateway-helm --version v1.7.4 /,
      ),
    ]);
    expect(calls[1].input).toBe(crdYaml);
    // external-secrets installs its CRDs from templates: nothing to apply, straight to the upgrade.
    expect(calls[3].call).toBe('helm show crds external-secrets --repo https://charts.external-secrets.io --version 0.19.2');
    expect(calls[4].call).toMatch(/^helm --kube-context stage-dev upgrade --install external-secrets /);
    expect(printed).toContain('crds external-secrets 0.19.2: no crds/ directory (its templates install its CRDs)');
  });

  it('stops at the first failing command with its error', () => {
    const run = (cmd: string): CommandResult =>
      cmd === 'helm' ? { code: 1, stdout: '', stderr: 'Error: chart not found' } : { code: 0, stdout: '', stderr: '' };
    expect(() => executeSync(planSync('dev', manifests, undefined), { run, print: () => undefined })).toThrow(
      'helm show crds external-secrets failed (exit 1): Error: chart not found',
    );
  });
});
