import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { OUTPUTS, stackName } from '@metaflow-gitops/stage-config';

// The delivery commands through the real bin (tsx, commander, the stage loader, the real renderer).
const bin = path.join(__dirname, '../../bin/mfctl.js');
const repo = path.join(__dirname, '../../../..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfctl-delivery-bin-'));
const mfctl = (...args: string[]) =>
  spawnSync(process.execPath, [bin, ...args], {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, AWS_ACCESS_KEY_ID: '', AWS_PROFILE: '' },
  });

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('mfctl sync --dry-run (real renderer)', () => {
  const outputs: Record<string, Record<string, string>> = {};
  for (const [name, spec] of Object.entries(OUTPUTS)) (outputs[stackName('example', spec.stack)] ??= {})[spec.outputKey] = `test-${name}`;
  Object.assign(outputs['example-vpc'], { VpcId: 'vpc-0abc', PrivateSubnetIds: 'subnet-1,subnet-2', PodSubnetIds: 'subnet-3,subnet-4' });
  Object.assign(outputs['example-data'], { DatabasePort: '5432' });
  Object.assign(outputs['example-ingress'], { AllowedCidrs: '0.0.0.0/0' });
  const outputsFile = path.join(dir, 'example.json');
  fs.writeFileSync(outputsFile, JSON.stringify(outputs));
  const inventoryFile = path.join(dir, 'inventory.json');
  fs.writeFileSync(
    inventoryFile,
    JSON.stringify({
      version: 1,
      stage: 'example',
      syncedAt: '2026-11-01T00:00:00Z',
      objects: [
        { apiVersion: 'v1', kind: 'Namespace', name: 'metaflow' },
        { apiVersion: 'batch/v1', kind: 'Job', namespace: 'metaflow', name: 'metaflow-migrate-0000000000' },
        { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'metaflow', name: 'metaflow-legacy' },
      ],
      releases: [{ name: 'kube-state-metrics', namespace: 'monitoring', chart: 'kube-state-metrics', version: '5.0.0' }],
    }),
  );
  let plan: {
    steps: {
      kind: string;
      phase?: string;
      objects?: { kind: string; name: string; namespace?: string }[];
      release?: { name: string };
      job?: { name: string };
      releases?: { name: string }[];
    }[];
  };

  beforeAll(() => {
    const r = mfctl('sync', 'example', '--dry-run', '--outputs', outputsFile, '--previous-inventory', inventoryFile, '--json');
    if (r.status !== 0) throw new Error(`exit ${r.status}: ${r.stderr}`);
    plan = JSON.parse(r.stdout);
  }, 120_000);

  it('applies the namespaces and node pools first (the releases wait for pods on the platform pool), then installs the releases in their pinned order', () => {
    expect(plan.steps[0]).toMatchObject({ kind: 'apply', phase: 'namespaces, CRDs and node pools' });
    const first = plan.steps[0].objects!.map((o) => o.kind);
    expect(first.every((k) => ['Namespace', 'CustomResourceDefinition', 'NodeClass', 'NodePool'].includes(k))).toBe(true);
    expect(first).toEqual(expect.arrayContaining(['Namespace', 'NodeClass', 'NodePool']));
    const helm = plan.steps.filter((s) => s.kind === 'helm').map((s) => s.release!.name);
    expect(helm.length).toBeGreaterThan(0);
    const lastHelm = plan.steps.map((s) => s.kind).lastIndexOf('helm');
    expect(plan.steps.slice(1, lastHelm + 1).every((s) => s.kind === 'helm' || s.kind === 'crds')).toBe(true);
  });

  it("applies the Gateway API and Envoy Gateway CRDs (gateway-helm's crds/ directory) before upgrading Envoy Gateway", () => {
    const crds = plan.steps.findIndex((s) => s.kind === 'crds' && s.release!.name === 'envoy-gateway');
    expect(crds).toBeGreaterThan(0);
    expect(plan.steps[crds + 1]).toMatchObject({ kind: 'helm', release: { name: 'envoy-gateway' } });
  });

  it('waits for the migration job before the metaflow services', () => {
    const job = plan.steps.findIndex((s) => s.kind === 'job');
    const services = plan.steps.findIndex((s) => s.kind === 'apply' && s.phase === 'metaflow');
    expect(plan.steps[job].job!.name).toMatch(/^metaflow-migrate/);
    expect(job).toBeGreaterThan(0);
    expect(services).toBeGreaterThan(job);
  });

  it('prunes what the previous inventory had and this render does not, and nothing rendered', () => {
    const prune = plan.steps.find((s) => s.kind === 'prune')!;
    expect(prune.objects!.map((o) => `${o.kind}/${o.name}`)).toEqual(['Job/metaflow-migrate-0000000000', 'Deployment/metaflow-legacy']);
    expect(prune.releases!.map((r) => r.name)).toEqual(['kube-state-metrics']);
  });

  it('prints the plan for humans with the same order', () => {
    const r = mfctl('sync', 'example', '--dry-run', '--outputs', outputsFile, '--previous-inventory', inventoryFile);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      /^Sync plan for stage example:\n1\. server-side apply \(field manager metaflow-gitops\): namespaces, CRDs and node pools/,
    );
    expect(r.stdout).toContain('delete apps/v1 Deployment metaflow/metaflow-legacy');
  });
});

describe('mfctl teardown refusals (real bin, nothing touched)', () => {
  it('refuses without --confirm repeating the stage name', () => {
    const r = mfctl('teardown', 'example', '--confirm', 'exmaple');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("refusing to tear down 'example': pass --confirm example (got --confirm exmaple). Nothing was deleted.");
  });

  it('refuses a production stage without --allow-prod', () => {
    const r = mfctl('teardown', 'prod-example', '--confirm', 'prod-example');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("refusing to tear down production stage 'prod-example' without --allow-prod");
  });

  it('rejects a bad --concurrency as a usage error', () => {
    const r = mfctl('deploy', 'example', '--concurrency', '0');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('must be a positive integer');
  });
});
