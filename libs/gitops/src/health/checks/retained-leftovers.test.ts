import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStackResourcesCommand,
  Stack,
  StackStatus,
} from '@aws-sdk/client-cloudformation';
import { CreateSecurityGroupCommand, CreateSubnetCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateDBClusterCommand, CreateDBSubnetGroupCommand, RDSClient } from '@aws-sdk/client-rds';
import { STACK_KINDS, stackName } from '@metaflow-gitops/stage-config';
import { describeOnMoto, MOTO_REGION } from '@metaflow-gitops/testing/gitops';
import { makeStageConfig } from '@metaflow-gitops/testing/stage-config';
import { doctorContext } from '../doctor-context';
import { retainedLeftoversCheck } from './retained-leftovers';

// The VPC, the database and the security group are real (moto); the Vpc stack's DELETE_FAILED comes
// from a fake DescribeStacks, because moto deletes a stack whatever its VPC still holds.
describeOnMoto('retained-leftovers check on moto', () => {
  const config = makeStageConfig({ name: 'lo' });
  const vpcStack = stackName('lo', 'vpc');
  const withStatus = (status: string) =>
    doctorContext(config, {
      stacks: async () =>
        new Map(
          STACK_KINDS.map((k): [string, Stack | undefined] => [
            stackName('lo', k),
            k === 'vpc' ? { StackName: vpcStack, StackStatus: status as StackStatus, CreationTime: new Date() } : undefined,
          ]),
        ),
    });
  let groupId = '';

  beforeAll(async () => {
    const cfn = new CloudFormationClient({ region: MOTO_REGION });
    await cfn.send(
      new CreateStackCommand({
        StackName: vpcStack,
        TemplateBody: JSON.stringify({ Resources: { Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.40.0.0/16' } } } }),
      }),
    );
    const vpcId = (await cfn.send(new DescribeStackResourcesCommand({ StackName: vpcStack }))).StackResources!.find(
      (r) => r.LogicalResourceId === 'Vpc',
    )!.PhysicalResourceId!;
    const ec2 = new EC2Client({ region: MOTO_REGION });
    const subnets: string[] = [];
    for (const [i, az] of ['us-west-2a', 'us-west-2b'].entries())
      subnets.push(
        (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: `10.40.${i}.0/24`, AvailabilityZone: az }))).Subnet!.SubnetId!,
      );
    groupId = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'lo-data-db', Description: 'database', VpcId: vpcId }))).GroupId!;
    const rds = new RDSClient({ region: MOTO_REGION });
    await rds.send(
      new CreateDBSubnetGroupCommand({ DBSubnetGroupName: 'lo-data-subnets', DBSubnetGroupDescription: 'db', SubnetIds: subnets }),
    );
    await rds.send(
      new CreateDBClusterCommand({
        DBClusterIdentifier: 'lo-data-metadatadatabase',
        Engine: 'aurora-postgresql',
        MasterUsername: 'metaflow',
        MasterUserPassword: 'not-a-secret-123',
        DBSubnetGroupName: 'lo-data-subnets',
        VpcSecurityGroupIds: [groupId],
      }),
    );
  }, 60_000);

  it('is ok when no stack is stuck in DELETE_FAILED', async () => {
    expect([await retainedLeftoversCheck.run(withStatus('CREATE_COMPLETE'))].flat()).toEqual([
      expect.objectContaining({ check: 'retained-leftovers', status: 'ok' }),
    ]);
  });

  it('fails for a DELETE_FAILED Vpc stack, naming what the teardown retained in its VPC with the commands that remove it', async () => {
    const [f] = [await retainedLeftoversCheck.run(withStatus('DELETE_FAILED'))].flat();
    expect(f).toMatchObject({ check: `retained-leftovers:${vpcStack}`, status: 'fail' });
    expect(f.summary).toContain('3 retained resources hold its VPC');
    const heads = f.details!.filter((d) => !d.startsWith('  '));
    // Database first, then its subnet group, then its security group (the removal order of a teardown).
    expect(heads).toEqual([
      'AWS::RDS::DBCluster lo-data-metadatadatabase:',
      'AWS::RDS::DBSubnetGroup lo-data-subnets:',
      `AWS::EC2::SecurityGroup ${groupId}:`,
    ]);
    expect(f.details).toContain(
      `  aws rds modify-db-cluster --db-cluster-identifier lo-data-metadatadatabase --no-deletion-protection --apply-immediately --region ${MOTO_REGION}`,
    );
    expect(f.details).toContain(`  aws ec2 delete-security-group --group-id ${groupId} --region ${MOTO_REGION}`);
    expect(f.fix).toContain('mfctl teardown lo --confirm lo');
  });
});
