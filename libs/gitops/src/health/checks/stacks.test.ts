import { CloudFormationClient, CreateStackCommand, Stack, StackStatus } from '@aws-sdk/client-cloudformation';
import { STACK_KINDS, stackName } from '@metaflow-gitops/stage-config';
import { describeOnMoto, MOTO_REGION } from '@metaflow-gitops/testing/gitops';
import { makeStageConfig } from '@metaflow-gitops/testing/stage-config';
import { doctorContext } from '../doctor-context';
import { stacksCheck } from './stacks';

const config = makeStageConfig({ name: 'stk' });
const asList = async (ctx: ReturnType<typeof doctorContext>) => [await stacksCheck.run(ctx)].flat();

describeOnMoto('stacks check on moto', () => {
  it('is ok for six complete stacks and fails for one that is not deployed', async () => {
    const cfn = new CloudFormationClient({ region: MOTO_REGION });
    const body = JSON.stringify({ Resources: { H: { Type: 'AWS::CloudFormation::WaitConditionHandle' } } });
    for (const kind of STACK_KINDS.filter((k) => k !== 'ingress'))
      await cfn.send(new CreateStackCommand({ StackName: stackName('stk', kind), TemplateBody: body }));
    const findings = await asList(doctorContext(config));
    expect(findings.map((f) => [f.check, f.status])).toEqual([
      ['stacks:stk-vpc', 'ok'],
      ['stacks:stk-dns', 'ok'],
      ['stacks:stk-data', 'ok'],
      ['stacks:stk-auth', 'ok'],
      ['stacks:stk-eks', 'ok'],
      ['stacks:stk-ingress', 'fail'],
    ]);
    expect(findings[5]).toMatchObject({ summary: 'stk-ingress is not deployed', fix: 'mfctl deploy stk' });
  });
});

// moto completes or deletes every stack it is given: the failed and rolled-back states come from a fake.
describe('stacks check on failed states (a fake DescribeStacks: moto cannot produce them)', () => {
  const withStatus = (status: string, reason?: string) =>
    doctorContext(config, {
      stacks: async () =>
        new Map(
          STACK_KINDS.map((k, i): [string, Stack | undefined] => [
            stackName('stk', k),
            {
              StackName: stackName('stk', k),
              StackStatus: (i === 2 ? status : 'UPDATE_COMPLETE') as StackStatus,
              StackStatusReason: reason,
              CreationTime: new Date(),
            },
          ]),
        ),
    });

  it.each([
    ['ROLLBACK_COMPLETE', 'fail', /delete it \(aws cloudformation delete-stack --stack-name stk-data\), then mfctl deploy stk/],
    ['UPDATE_ROLLBACK_COMPLETE', 'fail', /last deploy of this stack failed and was rolled back/],
    ['UPDATE_ROLLBACK_FAILED', 'fail', /continue-update-rollback --stack-name stk-data/],
    ['DELETE_FAILED', 'fail', /retained-leftovers finding/],
    ['CREATE_FAILED', 'fail', /describe-stack-events --stack-name stk-data/],
    ['UPDATE_IN_PROGRESS', 'unknown', /run the doctor again when it has finished/],
  ])('%s is %s', async (status, verdict, fix) => {
    const findings = await asList(withStatus(status, 'Resource handler returned message: boom'));
    expect(findings.filter((f) => f.status !== 'ok')).toEqual([
      expect.objectContaining({
        check: 'stacks:stk-data',
        status: verdict,
        summary: `stk-data is ${status} (Resource handler returned message: boom)`,
      }),
    ]);
    expect(findings[2].fix).toMatch(fix);
  });

  it('an error describing the stacks propagates (the runner makes it unknown)', async () => {
    const ctx = doctorContext(config, { stacks: async () => Promise.reject(new Error('AccessDenied')) });
    await expect(stacksCheck.run(ctx)).rejects.toThrow('AccessDenied');
  });
});
