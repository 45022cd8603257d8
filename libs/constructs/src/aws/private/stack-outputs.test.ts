import * as cdk from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { OUTPUTS } from '@metaflow-gitops/stage-config';
import { addStackOutputs } from './stack-outputs';

describe('addStackOutputs', () => {
  it('declares the stack’s outputs with the contract’s ids and descriptions, in its order', () => {
    const stack = new cdk.Stack(new cdk.App(), 'S');
    addStackOutputs(stack, 'vpc', {
      podSubnetIds: 'pods',
      vpcId: 'vpc-1',
      privateSubnetIds: { value: 'a,b', description: 'Given by the stack' },
    });
    const outputs = Template.fromStack(stack).toJSON().Outputs;
    expect(Object.keys(outputs)).toEqual(['VpcId', 'PrivateSubnetIds', 'PodSubnetIds']);
    expect(outputs.VpcId).toEqual({ Value: 'vpc-1', Description: OUTPUTS.vpcId.description });
    expect(outputs.PrivateSubnetIds).toEqual({ Value: 'a,b', Description: 'Given by the stack' });
    expect(outputs.PodSubnetIds).toEqual({ Value: 'pods', Description: OUTPUTS.podSubnetIds.description });
  });
});
