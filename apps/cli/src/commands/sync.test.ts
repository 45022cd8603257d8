import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RenderedManifests } from '@metaflow-gitops/constructs/k8s';
import { OUTPUTS, StageOutputs, stackName } from '@metaflow-gitops/stage-config';
import { makeStageConfig } from '@metaflow-gitops/testing/stage-config';
import { DeliveryDeps } from '../delivery-deps';
import { captureIo } from '@metaflow-gitops/testing/cli';
import { syncCommand } from './sync';

describe('mfctl sync --dry-run', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfctl-sync-test-'));
  const config = makeStageConfig({ name: 'dev' });
  const raw: Record<string, Record<string, string>> = {};
  for (const [name, spec] of Object.entries(OUTPUTS)) (raw[stackName('dev', spec.stack)] ??= {})[spec.outputKey] = `value-of-${name}`;
  const outputsFile = path.join(dir, 'dev.json');
  fs.writeFileSync(outputsFile, JSON.stringify(raw));
  const previousFile = path.join(dir, 'inventory.json');
  fs.writeFileSync(
    previousFile,
    JSON.stringify({
      version: 1,
      stage: 'dev',
      syncedAt: '2026-11-01T00:00:00Z',
      objects: [{ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'metaflow', name: 'gone' }],
      releases: [],
    }),
  );
  let seen: StageOutputs | undefined;
  const deps: DeliveryDeps = {
    loadStage: () => config,
    assembly: () => {
      throw new Error('sync synthesizes nothing');
    },
    renderManifests: (_c, outputs): RenderedManifests => {
      seen = outputs;
      return {
        releases: [
          {
            name: 'envoy-gateway',
            namespace: 'envoy-gateway-system',
            chart: 'gateway-helm',
            repository: 'oci://docker.io/envoyproxy',
            version: 'v1.5.0',
            values: {},
            crds: true,
          },
        ],
        components: [
          { name: 'namespaces', objects: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'metaflow' } }] },
          {
            name: 'metaflow',
            objects: [{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'metaflow-metadata', namespace: 'metaflow' } }],
          },
        ],
      };
    },
  };
  const noTools = () => {
    throw new Error('a dry run must not run helm or kubectl');
  };
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('renders with the deployed outputs and prints the plan in order with the pruning, touching no cluster', async () => {
    const io = captureIo({}, dir);
    expect(
      await syncCommand({ stage: 'dev', dryRun: true, outputs: outputsFile, previousInventory: previousFile }, io, deps, noTools),
    ).toBe(0);
    expect(seen?.clusterName).toBe('value-of-clusterName');
    const out = io.out();
    const order = [
      'server-side apply (field manager metaflow-gitops): namespaces, CRDs and node pools',
      'server-side apply (field manager metaflow-gitops): the crds/ directory of gateway-helm v1.5.0 (helm show crds)',
      'helm upgrade --install envoy-gateway gateway-helm v1.5.0',
      'apps/v1 Deployment metaflow/metaflow-metadata',
      'delete v1 ConfigMap metaflow/gone',
      'wait for rollouts',
    ];
    const positions = order.map((t) => out.indexOf(t));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it('prints the plan as JSON for machines', async () => {
    const io = captureIo({}, dir);
    expect(
      await syncCommand(
        { stage: 'dev', dryRun: true, outputs: outputsFile, previousInventory: previousFile, json: true },
        io,
        deps,
        noTools,
      ),
    ).toBe(0);
    const plan = JSON.parse(io.out());
    expect(plan.steps.map((s: { kind: string }) => s.kind)).toEqual(['apply', 'crds', 'helm', 'apply', 'prune', 'rollout', 'inventory']);
    expect(plan.steps[4].objects).toEqual([{ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'metaflow', name: 'gone' }]);
  });

  it('refuses without a complete outputs file', async () => {
    await expect(
      syncCommand({ stage: 'dev', dryRun: true, outputs: path.join(dir, 'missing.json') }, captureIo({}, dir), deps, noTools),
    ).rejects.toThrow('no outputs file');
    const partial = path.join(dir, 'partial.json');
    fs.writeFileSync(partial, JSON.stringify({ 'dev-vpc': { VpcId: 'vpc-1' } }));
    await expect(syncCommand({ stage: 'dev', dryRun: true, outputs: partial }, captureIo({}, dir), deps, noTools)).rejects.toThrow(
      "outputs of stage 'dev' are incomplete",
    );
  });

  it('says clearly when helm or kubectl is missing (without --dry-run)', async () => {
    const missing = () => ({ code: 127, stdout: '', stderr: 'spawn helm ENOENT' });
    await expect(syncCommand({ stage: 'dev', outputs: outputsFile }, captureIo({}, dir), deps, missing)).rejects.toThrow(
      'sync needs kubectl',
    );
  });
});
