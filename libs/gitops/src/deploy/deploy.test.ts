import type { IoMessage } from '@aws-cdk/toolkit-lib';
import { DeliveryIoHost } from '../private/io-host';
import { StackReport, describeFailure } from './deploy';

const report = (stackName: string, wave: number, outcome: StackReport['outcome']): StackReport => ({
  stackName,
  wave,
  dependsOn: [],
  outcome,
});

async function hostWith(events: { stack: string; id: string; type: string; status: string; reason: string }[]): Promise<DeliveryIoHost> {
  const host = new DeliveryIoHost({ print: () => undefined });
  for (const e of events) {
    await host.notify({
      time: new Date(),
      level: 'info',
      action: 'deploy',
      code: 'CDK_TOOLKIT_I5502',
      message: '',
      data: {
        event: {
          StackName: e.stack,
          LogicalResourceId: e.id,
          ResourceType: e.type,
          ResourceStatus: e.status,
          ResourceStatusReason: e.reason,
        },
      },
    } as IoMessage<unknown>);
  }
  return host;
}

describe('describeFailure', () => {
  it('names the failing stack, its first failed resource and CloudFormation reason, and marks the stack failed', async () => {
    const host = await hostWith([
      {
        stack: 'dev-data',
        id: 'MetadataDatabase',
        type: 'AWS::RDS::DBCluster',
        status: 'CREATE_FAILED',
        reason: 'The parameter MasterUsername is not valid',
      },
    ]);
    const stacks = [report('dev-vpc', 1, 'deployed'), report('dev-data', 2, 'interrupted'), report('dev-eks', 3, 'not-attempted')];
    const f = describeFailure(new Error('❌  dev-data failed: ValidationError: Stack dev-data failed'), stacks, host);
    expect(f).toEqual({
      stackName: 'dev-data',
      logicalId: 'MetadataDatabase',
      resourceType: 'AWS::RDS::DBCluster',
      reason: 'The parameter MasterUsername is not valid',
    });
    expect(stacks.map((s) => s.outcome)).toEqual(['deployed', 'failed', 'not-attempted']);
  });

  it("uses the error's reason when the API call itself was rejected (no resource event)", async () => {
    const host = await hostWith([]);
    const f = describeFailure(
      new Error('❌  dev-data failed: ValidationError: Export names must be unique across a given region'),
      [report('dev-data', 2, 'interrupted')],
      host,
    );
    expect(f).toEqual({ stackName: 'dev-data', reason: 'Export names must be unique across a given region' });
  });

  it('falls back to the stack with a failed resource when the error does not name one', async () => {
    const host = await hostWith([
      { stack: 'dev-eks', id: 'Cluster', type: 'AWS::EKS::Cluster', status: 'CREATE_FAILED', reason: 'Subnets are in restricted zones' },
    ]);
    const f = describeFailure(new Error('Rate exceeded'), [report('dev-eks', 3, 'interrupted')], host);
    expect(f).toMatchObject({ stackName: 'dev-eks', logicalId: 'Cluster', reason: 'Subnets are in restricted zones' });
  });
});
