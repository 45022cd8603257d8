import { motoUnavailable } from './moto';
import * as path from 'node:path';
import { defaultDeliveryDeps } from '@metaflow-gitops/cli/src/delivery-deps';
import { RehearsalReport, rehearse } from './scenario';

// The deploy rehearsal on moto_server (docs/delivery.md). Skipped, visibly, where moto is not installed.
const unavailable = motoUnavailable();
if (unavailable) process.stderr.write(`deploy rehearsal SKIPPED: ${unavailable}\n`);
const describeMoto = unavailable ? describe.skip : describe;

describeMoto('deploy rehearsal on moto', () => {
  let report: RehearsalReport;
  beforeAll(async () => {
    const environments = path.join(__dirname, '../../../../environments');
    report = await rehearse({ stage: 'example', environments, deps: defaultDeliveryDeps() });
    if (!report.ok)
      console.log(
        report.checks.filter((c) => !c.ok),
        report.transcript.slice(-4000),
      );
  }, 600_000);

  const passes = (name: string) => expect(report.checks.find((c) => c.name === name)).toMatchObject({ ok: true });

  it('deploys the assembly mfctl synth wrote (the one mfctl check checks): the deployed templates are its files, byte for byte', () => {
    passes('the deployed templates are the synthesized (checked) ones, byte for byte');
  });

  it('bootstraps the account: CDK toolkit, OIDC provider, deploy role scoped to the stage environment; again a no-op', () => {
    passes('bootstrap: CDK toolkit, OIDC provider, deploy role trusted by the stage environment only');
    passes('bootstrap again is a no-op');
    expect(report.bootstrap!.roles.stacks.map((s) => s.stackName)).toEqual(['metaflow-gitops-bootstrap-example']);
  });

  it('deploys six stacks in dependency order, independent ones in parallel', () => {
    passes('deploy exits 0');
    passes('six stacks deployed');
    passes('dependency order');
    // buildStage's dependencies: Vpc, Dns and Auth have none; Data needs Vpc; Eks needs the four; Ingress needs Eks.
    expect(report.waves).toEqual([['example-vpc', 'example-dns', 'example-auth'], ['example-data'], ['example-eks'], ['example-ingress']]);
    for (const s of report.deploy!.stacks) {
      for (const d of s.dependsOn)
        expect(s.startedAt!).toBeGreaterThanOrEqual(report.deploy!.stacks.find((x) => x.stackName === d)!.finishedAt!);
    }
  });

  it('writes a complete outputs file', () => {
    passes('outputs file complete');
    passes('discovery document gives a kubeconfig context');
    expect(Object.keys(report.deploy!.outputs!)).toHaveLength(6);
  });

  it('re-deploys as a no-op', () => {
    passes('redeploy is a no-op');
    expect(report.redeploy!.stacks.map((s) => s.outcome)).toEqual(Array(6).fill('no-op'));
  });

  it('tears down every stack; the retained bucket and its objects survive and are named', () => {
    passes('teardown exits 0');
    passes("cluster's load balancers removed first, others kept");
    passes('every stack gone');
    passes('retained bucket and objects survive');
    passes('report names the retained bucket with commands');
    const order = report.teardown!.destroyed;
    expect([...order].sort()).toEqual(['example-auth', 'example-data', 'example-dns', 'example-eks', 'example-ingress', 'example-vpc']);
    for (const s of report.deploy!.stacks) for (const d of s.dependsOn) expect(order.indexOf(s.stackName)).toBeLessThan(order.indexOf(d));
    const retained = report.teardown!.retained.map((r) => r.resourceType);
    expect(retained).toEqual(expect.arrayContaining(['AWS::S3::Bucket', 'AWS::RDS::DBCluster']));
  });

  it('deploys the same stage again after its teardown (manual delegation: the zone first, then the rest once delegated)', () => {
    passes('manual delegation: the zone first, its NS records printed, nothing else until public DNS delegates');
    passes('redeploy after teardown: the stage is created again, with new retained resources beside the old ones');
    passes('teardown after the redeploy');
    expect(report.undelegatedDeploy!.stacks.filter((s) => s.outcome !== 'not-attempted').map((s) => s.stackName)).toEqual(['example-dns']);
  });

  it('stops at a failing middle stack with the reason, later stacks not attempted', () => {
    passes('failed deploy exits 1');
    passes('failure names the middle stack and the reason');
    passes('later stacks not attempted');
    expect(report.failedDeploy!.failure).toMatchObject({
      stackName: 'example-data',
      reason: expect.stringContaining('Export names must be unique'),
    });
    expect(report.failedDeploy!.stacks.filter((s) => s.outcome === 'not-attempted').map((s) => s.stackName)).toEqual([
      'example-eks',
      'example-ingress',
    ]);
    expect(report.failedDeploy!.stacks.filter((s) => s.wave === 1).map((s) => s.outcome)).toEqual(['deployed', 'deployed', 'deployed']);
  });

  it('refuses a prod teardown without --allow-prod and deletes nothing', () => {
    passes('prod teardown without --allow-prod deletes nothing');
    expect(report.prodRefusal!.stacksAfter).toHaveLength(6);
    passes('prod teardown with --allow-prod (termination protection lifted)');
  });

  it('purges retained resources on request: bucket versions removed, final database snapshot kept', () => {
    passes('--purge-retained removes the bucket with its versions');
    passes('--purge-retained keeps a final database snapshot');
    const purged = report.purgeTeardown!.retained.filter((r) => r.purged).map((r) => r.resourceType);
    // The database's security group is retained with it and goes once the database is gone.
    expect(purged).toEqual(
      expect.arrayContaining(['AWS::S3::Bucket', 'AWS::RDS::DBCluster', 'AWS::RDS::DBInstance', 'AWS::EC2::SecurityGroup']),
    );
  });

  it('passes every check', () => {
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
  });
});
