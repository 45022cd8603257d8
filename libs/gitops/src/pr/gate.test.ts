import { sampleReport, sampleStage } from '@metaflow-gitops/testing/gitops';
import { evaluateGate } from './gate';

describe('evaluateGate', () => {
  const destructive = sampleReport([sampleStage('dev', { destructive: true }), sampleStage('prod')]);

  it('passes a report without destructive changes', () => {
    expect(evaluateGate(sampleReport([sampleStage('dev')]), [], 'allow-destructive')).toEqual({
      pass: true,
      message: 'No destructive or access-granting changes: nothing to acknowledge.',
    });
  });

  it('fails without the label, listing what would be lost and how to proceed', () => {
    const r = evaluateGate(destructive, ['documentation'], 'allow-destructive');
    expect(r.pass).toBe(false);
    expect(r.message).toContain("does not carry the 'allow-destructive' label");
    expect(r.message).toContain(
      'dev: dev-data DatabaseCluster5B53A178 (AWS::RDS::DBCluster) would be orphaned (left running, unmanaged): the Aurora metadata database',
    );
    expect(r.message).toContain('rename of the logical ID to `MetadataDb0A1B2C3D`');
    expect(r.message).toContain("add the\n    'allow-destructive' label");
    expect(r.message).not.toContain('prod:');
  });

  it('passes with the label (custom label names work)', () => {
    expect(evaluateGate(destructive, ['allow-destructive'], 'allow-destructive').pass).toBe(true);
    expect(evaluateGate(destructive, ['allow-destructive'], 'yes-really').pass).toBe(false);
    expect(evaluateGate(destructive, ['yes-really'], 'yes-really').message).toContain("acknowledged by the 'yes-really' label");
  });

  it('fails a removed stage without the label', () => {
    const r = evaluateGate(
      sampleReport([], { destructive: true, removedStages: [{ stage: 'old', loses: 'the stage leaves GitOps control' }] }),
      [],
      'allow-destructive',
    );
    expect(r.pass).toBe(false);
    expect(r.message).toContain('stage old: stage file deleted');
  });

  it('fails on an export in use that changes, a stage move and an access grant, naming each; passes with the label', () => {
    const dev = {
      ...sampleStage('dev'),
      crossStack: [
        {
          stack: 'dev-vpc',
          exportName: 'dev-vpc:Subnet1',
          cause: '`Subnet1` (AWS::EC2::Subnet) is replaced',
          importers: [{ stack: 'dev-data', resources: [{ logicalId: 'DbSubnets', type: 'AWS::RDS::DBSubnetGroup', replaced: true }] }],
        },
      ],
      access: [
        { field: 'deploy.roleArn', before: 'arn:aws:iam::1:role/a', after: 'arn:aws:iam::1:role/b', grants: 'a new identity deploys' },
      ],
      move: { from: { accountId: '111111111111', region: 'eu-west-1' }, to: { accountId: '111111111111', region: 'us-east-1' } },
    };
    const report = sampleReport([dev], {
      destructive: true,
      removedStages: [{ stage: 'dev', loses: 'the old stage is left running' }],
    });
    const r = evaluateGate(report, [], 'allow-destructive');
    expect(r.pass).toBe(false);
    expect(r.message).toContain('stage dev: moves to another account or region — the old stage is left running');
    expect(r.message).toContain(
      'dev: dev-vpc export dev-vpc:Subnet1 changes (`Subnet1` (AWS::EC2::Subnet) is replaced) while dev-data (DbSubnets) import it: CloudFormation refuses to update an export in use',
    );
    expect(r.message).toContain('dev: deploy.roleArn arn:aws:iam::1:role/a -> arn:aws:iam::1:role/b: a new identity deploys');
    expect(evaluateGate(report, ['allow-destructive'], 'allow-destructive').pass).toBe(true);
  });

  it('fails when the head diff could not be computed', () => {
    const broken = { ...sampleStage('dev'), errors: ['head: mfctl synth dev failed'] };
    const r = evaluateGate(sampleReport([broken]), ['allow-destructive'], 'allow-destructive');
    expect(r.pass).toBe(false);
    expect(r.message).toContain('dev: head: mfctl synth dev failed');
  });
});
