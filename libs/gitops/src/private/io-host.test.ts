import type { IoMessage, IoRequest } from '@aws-cdk/toolkit-lib';
import { DeliveryIoHost, nameFromArn } from './io-host';

function msg(code: string, data: unknown, level: IoMessage<unknown>['level'] = 'info', message = ''): IoMessage<unknown> {
  return { time: new Date(), level, action: 'deploy', code: code as IoMessage<unknown>['code'], message, data };
}

function event(stack: string, logicalId: string, type: string, status: string, reason?: string) {
  return msg('CDK_TOOLKIT_I5502', {
    event: { StackName: stack, LogicalResourceId: logicalId, ResourceType: type, ResourceStatus: status, ResourceStatusReason: reason },
  });
}

describe('DeliveryIoHost', () => {
  let clock = 0;
  let lines: string[];
  let host: DeliveryIoHost;
  beforeEach(() => {
    clock = 1000;
    lines = [];
    host = new DeliveryIoHost({ print: (l) => lines.push(l), now: () => clock });
  });

  it('prints per-stack progress with elapsed time and records no-op stacks', async () => {
    clock = 1500;
    await host.notify(msg('CDK_TOOLKIT_I5100', { stack: { stackName: 'dev-vpc' }, total: 6, current: 1 }));
    clock = 4000;
    await host.notify(msg('CDK_TOOLKIT_I5900', { noOp: true, stackArn: 'arn:aws:cloudformation:us-west-2:1:stack/dev-vpc/abc' }, 'result'));
    expect(lines).toEqual(['[   0.5s] dev-vpc: deploying', '[   3.0s] dev-vpc: no changes in 2.5s']);
    expect(host.stacks.get('dev-vpc')).toMatchObject({ status: 'no-op', startedAt: 500, finishedAt: 3000 });
  });

  it('keeps the first real resource failure, not cancellations or the stack roll-up', async () => {
    await host.notify(event('dev-data', 'Bucket', 'AWS::S3::Bucket', 'CREATE_FAILED', 'Resource creation cancelled'));
    await host.notify(event('dev-data', 'Database', 'AWS::RDS::DBCluster', 'CREATE_FAILED', 'Invalid master password'));
    await host.notify(event('dev-data', 'Other', 'AWS::SNS::Topic', 'CREATE_FAILED', 'later failure'));
    await host.notify(
      event(
        'dev-data',
        'dev-data',
        'AWS::CloudFormation::Stack',
        'ROLLBACK_FAILED',
        'The following resource(s) failed to create: [Database]',
      ),
    );
    expect(host.stacks.get('dev-data')?.failure).toEqual({
      logicalId: 'Database',
      resourceType: 'AWS::RDS::DBCluster',
      reason: 'Invalid master password',
    });
  });

  it('ignores successful resource events unless verbose', async () => {
    await host.notify(event('dev-vpc', 'Vpc', 'AWS::EC2::VPC', 'CREATE_COMPLETE'));
    expect(lines).toEqual([]);
    const verbose = new DeliveryIoHost({ print: (l) => lines.push(l), verbose: true, now: () => clock });
    await verbose.notify(event('dev-vpc', 'Vpc', 'AWS::EC2::VPC', 'CREATE_COMPLETE'));
    expect(lines[0]).toContain('dev-vpc: CREATE_COMPLETE AWS::EC2::VPC Vpc');
  });

  it('never prompts: confirms deploys and destroys, answers other requests with their default', async () => {
    const req = (code: string, defaultResponse: unknown) => ({ ...msg(code, {}), defaultResponse }) as IoRequest<unknown, unknown>;
    expect(await host.requestResponse(req('CDK_TOOLKIT_I5060', false))).toBe(true);
    expect(await host.requestResponse(req('CDK_TOOLKIT_I7010', false))).toBe(true);
    expect(await host.requestResponse(req('CDK_TOOLKIT_I3110', 'x'))).toBe('x');
  });

  it('routes toolkit errors to printError', async () => {
    const errors: string[] = [];
    const h = new DeliveryIoHost({ print: (l) => lines.push(l), printError: (l) => errors.push(l) });
    await h.notify(msg('CDK_TOOLKIT_E5500', {}, 'error', ' something broke '));
    expect(errors).toEqual(['something broke']);
  });
});

describe('nameFromArn', () => {
  it('reads the stack name from a stack ARN', () => {
    expect(nameFromArn('arn:aws:cloudformation:us-west-2:111111111111:stack/dev-eks/0f1e')).toBe('dev-eks');
    expect(nameFromArn('nope')).toBeUndefined();
    expect(nameFromArn(undefined)).toBeUndefined();
  });
});
