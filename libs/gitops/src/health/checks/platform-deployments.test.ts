import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { makeStageConfig } from '@metaflow-gitops/testing/stage-config';
import { ToolRunner, spawnRunner } from '../../sync/execute';
import { INVENTORY } from '../../sync/plan';
import { doctorContext } from '../doctor-context';
import { platformDeploymentsCheck } from './platform-deployments';

// A fake kubectl, spawned by the real runner (resolved from its directory: a child process started
// from a jest test does not see changes to process.env.PATH): it answers `get deployments` and
// `get configmap` from files, records its arguments, and fails as kubectl does when told to.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfg-fake-kubectl-'));
const file = (name: string) => path.join(dir, name);
fs.writeFileSync(
  file('kubectl'),
  `#!/bin/sh
echo "$*" >> "${file('calls')}"
if [ -f "${file('fail')}" ]; then cat "${file('fail')}" >&2; exit 1; fi
case "$*" in
  *"get deployments"*) cat "${file('deployments.json')}" ;;
  *"get configmap"*) if [ -f "${file('inventory.json')}" ]; then cat "${file('inventory.json')}"; else echo 'Error from server (NotFound): configmaps "${INVENTORY.name}" not found' >&2; exit 1; fi ;;
  *) exit 2 ;;
esac
`,
  { mode: 0o755 },
);
const fakeKubectl: ToolRunner = (command, args, input) => spawnRunner(path.join(dir, command), args, input);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
beforeEach(() => {
  for (const f of ['calls', 'fail', 'inventory.json']) fs.rmSync(file(f), { force: true });
});

const deployment = (namespace: string, name: string, ready: number, replicas = 1, generation = 2, observed = 2) => ({
  metadata: { namespace, name, generation },
  spec: { replicas },
  status: { observedGeneration: observed, readyReplicas: ready, updatedReplicas: replicas, availableReplicas: ready },
});
const given = (deployments: unknown[], inventoryObjects?: { kind: string; namespace: string; name: string }[]) => {
  fs.writeFileSync(file('deployments.json'), JSON.stringify({ items: deployments }));
  if (inventoryObjects)
    fs.writeFileSync(
      file('inventory.json'),
      JSON.stringify({
        data: {
          [INVENTORY.key]: JSON.stringify({
            version: 1,
            stage: 'k8s',
            syncedAt: '2026-11-30T10:00:00.000Z',
            objects: inventoryObjects.map((o) => ({ apiVersion: 'apps/v1', ...o })),
            releases: [],
          }),
        },
      }),
    );
};
const run = async () =>
  [
    await platformDeploymentsCheck.run(doctorContext(makeStageConfig({ name: 'k8s' }), { kubeContext: 'metaflow-k8s', run: fakeKubectl })),
  ].flat();

describe('platform-deployments check (a fake kubectl)', () => {
  it("is ok when every platform deployment is ready and the inventory is complete; users' namespace ignored", async () => {
    given(
      [
        deployment('metaflow', 'metaflow-metadata', 2, 2),
        deployment('argo', 'argo-server', 1),
        deployment('metaflow-jobs', 'user-thing', 0),
      ],
      [{ kind: 'Deployment', namespace: 'metaflow', name: 'metaflow-metadata' }],
    );
    expect(await run()).toEqual([
      expect.objectContaining({ status: 'ok', summary: '2 platform deployments ready (last sync 2026-11-30T10:00:00.000Z)' }),
    ]);
    expect(fs.readFileSync(file('calls'), 'utf8').split('\n')[0]).toBe('--context metaflow-k8s get deployments --all-namespaces -o json');
  });

  it('fails naming deployments not ready, not rolled out, or applied by the sync and now missing', async () => {
    given(
      [deployment('metaflow', 'metaflow-metadata', 0, 2), deployment('kyverno', 'kyverno-admission', 1, 1, 3, 2)],
      [
        { kind: 'Deployment', namespace: 'metaflow', name: 'metaflow-metadata' },
        { kind: 'Deployment', namespace: 'metaflow', name: 'metaflow-ui' },
      ],
    );
    const [f] = await run();
    expect(f).toMatchObject({ status: 'fail', summary: "3 of the platform's deployments are missing or not ready" });
    expect(f.details).toEqual([
      'metaflow/metaflow-ui: missing (the last sync applied it)',
      'metaflow/metaflow-metadata: 0/2 replicas ready',
      'kyverno/kyverno-admission: its latest spec is not rolled out yet',
    ]);
  });

  it('fails when the cluster was never synced', async () => {
    given([deployment('argo', 'argo-server', 1)]);
    expect(await run()).toEqual([expect.objectContaining({ status: 'fail', fix: 'mfctl sync k8s' })]);
  });

  it('is unknown when kubectl cannot read the cluster (no credentials, no access entry)', async () => {
    given([]);
    fs.writeFileSync(
      file('fail'),
      'E1201 memcache.go:265] "Unhandled Error" err="couldn\'t get current server API group list"\nerror: You must be logged in to the server (Unauthorized)\n',
    );
    expect(await run()).toEqual([
      expect.objectContaining({
        status: 'unknown',
        summary: 'kubectl get deployments failed (exit 1): error: You must be logged in to the server (Unauthorized)',
      }),
    ]);
  });
});
