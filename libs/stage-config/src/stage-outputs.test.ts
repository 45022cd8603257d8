import {
  OUTPUTS,
  MissingOutputsError,
  isPlaceholder,
  outputsOfStack,
  placeholderOutputs,
  readStageOutputs,
  RawStackOutputs,
} from './stage-outputs';
import { STACK_KINDS, stackName } from './naming';

function rawFor(stage: string, skip?: string): RawStackOutputs {
  const raw: RawStackOutputs = {};
  for (const [name, spec] of Object.entries(OUTPUTS)) {
    if (name === skip) continue;
    const stack = stackName(stage, spec.stack);
    raw[stack] = { ...raw[stack], [spec.outputKey]: `value-of-${name}` };
  }
  return raw;
}

describe('stage outputs contract', () => {
  it('reads every output from the raw stack outputs', () => {
    const outputs = readStageOutputs('dev', rawFor('dev'));
    expect(outputs.artifactBucketName).toBe('value-of-artifactBucketName');
    expect(outputs.clusterName).toBe('value-of-clusterName');
    expect(Object.keys(outputs)).toHaveLength(Object.keys(OUTPUTS).length);
  });

  it('names every missing output with its stack', () => {
    expect(() => readStageOutputs('dev', rawFor('dev', 'certificateArn'))).toThrow(MissingOutputsError);
    expect(() => readStageOutputs('dev', rawFor('dev', 'certificateArn'))).toThrow('dev-ingress.CertificateArn');
  });

  it("does not read another stage's outputs", () => {
    expect(() => readStageOutputs('prod', rawFor('dev'))).toThrow(/missing prod-vpc\.VpcId/);
  });

  it('marks every placeholder', () => {
    const values = Object.values(placeholderOutputs());
    expect(values.every(isPlaceholder)).toBe(true);
    expect(isPlaceholder('vpc-0123')).toBe(false);
  });

  it('gives every stack but none of the output keys twice', () => {
    for (const kind of STACK_KINDS) expect(outputsOfStack(kind).length).toBeGreaterThan(0);
    const keys = Object.values(OUTPUTS).map((o) => o.outputKey);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
