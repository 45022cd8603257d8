import { sampleReport, sampleStage } from '@metaflow-gitops/testing/gitops';
import { evaluateGate } from './gate';

describe('evaluateGate', () => {
  const destructive = sampleReport([sampleStage('dev', { destructive: true }), sampleStage('prod')]);

  it('passes a report without destructive changes', () => {
    expect(evaluateGate(sampleReport([sampleStage('dev')]), [], 'allow-destructive')).toEqual({
      pass: true,
      message: 'No destructive changes: nothing to acknowledge.',
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

  it('fails when the head diff could not be computed', () => {
    const broken = { ...sampleStage('dev'), errors: ['head: mfctl synth dev failed'] };
    const r = evaluateGate(sampleReport([broken]), ['allow-destructive'], 'allow-destructive');
    expect(r.pass).toBe(false);
    expect(r.message).toContain('dev: head: mfctl synth dev failed');
  });
});
