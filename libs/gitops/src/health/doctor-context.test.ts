import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { MissingOutputsError, OUTPUTS, STACK_KINDS, stackName } from '@metaflow-gitops/stage-config';
import { describeOnMoto, MOTO_REGION } from '@metaflow-gitops/testing/gitops';
import { makeStageConfig } from '@metaflow-gitops/testing/stage-config';
import { doctorContext } from './doctor-context';

describeOnMoto('doctor context on moto', () => {
  const cfn = () => new CloudFormationClient({ region: MOTO_REGION });
  const deploy = async (stage: string, kinds: readonly string[]) => {
    for (const kind of kinds) {
      const outputs = Object.fromEntries(
        Object.entries(OUTPUTS)
          .filter(([, spec]) => spec.stack === kind)
          .map(([name, spec]) => [spec.outputKey, { Value: `${name}-value` }]),
      );
      const body = { Resources: { H: { Type: 'AWS::CloudFormation::WaitConditionHandle' } }, Outputs: outputs };
      await cfn().send(new CreateStackCommand({ StackName: `${stage}-${kind}`, TemplateBody: JSON.stringify(body) }));
    }
  };

  it("reads the stage's stacks once and its outputs from them", async () => {
    await deploy('ctx', STACK_KINDS);
    const ctx = doctorContext(makeStageConfig({ name: 'ctx' }));
    expect(ctx.host).toBe('ctx.metaflow.example.com');
    const stacks = await ctx.stacks();
    expect([...stacks.keys()]).toEqual(STACK_KINDS.map((k) => stackName('ctx', k)));
    expect(await ctx.stacks()).toBe(stacks);
    const outputs = await ctx.outputs();
    expect(outputs.certificateArn).toBe('certificateArn-value');
    expect(outputs.userPoolId).toBe('userPoolId-value');
  });

  it('a missing stack is undefined, and the outputs then name what is missing', async () => {
    await deploy('half', ['vpc', 'dns', 'data', 'auth', 'eks']);
    const ctx = doctorContext(makeStageConfig({ name: 'half' }));
    expect((await ctx.stacks()).get('half-ingress')).toBeUndefined();
    const err = await ctx.outputs().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MissingOutputsError);
    expect((err as MissingOutputsError).missing).toContain('half-ingress.CertificateArn');
  });
});
