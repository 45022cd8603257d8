import { DescribeStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
import { DescribeDBClustersCommand, DescribeDBInstancesCommand, DescribeDBSubnetGroupsCommand } from '@aws-sdk/client-rds';
import { Finding } from '../report';
import { DoctorCheck } from '../doctor-check';
import { DoctorContext } from '../doctor-context';
import { RetainedResource, removalCommands, sortForRemoval } from '../../teardown/retained';

type Leftover = Pick<RetainedResource, 'resourceType' | 'physicalId'>;

/**
 * What a teardown retained (`DeletionPolicy: Retain`) that still sits in the VPC: the database
 * cluster, its instances, its subnet group and security groups other than the VPC's default and
 * the Vpc stack's own. Their network interfaces keep the subnets, so the Vpc stack's deletion fails.
 */
async function retainedInVpc(ctx: DoctorContext, vpcId: string, owned: ReadonlySet<string>): Promise<Leftover[]> {
  const out: Leftover[] = [];
  const groups = (await ctx.aws.rds.send(new DescribeDBSubnetGroupsCommand({}))).DBSubnetGroups ?? [];
  const inVpc = new Set(groups.filter((g) => g.VpcId === vpcId).map((g) => g.DBSubnetGroupName ?? ''));
  for (const c of (await ctx.aws.rds.send(new DescribeDBClustersCommand({}))).DBClusters ?? [])
    if (c.DBSubnetGroup && inVpc.has(c.DBSubnetGroup) && c.DBClusterIdentifier)
      out.push({ resourceType: 'AWS::RDS::DBCluster', physicalId: c.DBClusterIdentifier });
  for (const i of (await ctx.aws.rds.send(new DescribeDBInstancesCommand({}))).DBInstances ?? [])
    if (i.DBSubnetGroup?.VpcId === vpcId && i.DBInstanceIdentifier && !i.DBClusterIdentifier)
      out.push({ resourceType: 'AWS::RDS::DBInstance', physicalId: i.DBInstanceIdentifier });
  for (const name of inVpc) out.push({ resourceType: 'AWS::RDS::DBSubnetGroup', physicalId: name });
  const sgs = await ctx.aws.ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }));
  for (const g of sgs.SecurityGroups ?? [])
    if (g.GroupId && g.GroupName !== 'default' && !owned.has(g.GroupId))
      out.push({ resourceType: 'AWS::EC2::SecurityGroup', physicalId: g.GroupId });
  return sortForRemoval(out.map((l) => ({ ...l, stackName: '', logicalId: '' })));
}

/**
 * Nothing left by an earlier teardown blocks a deploy: no stack of the stage is stuck in
 * DELETE_FAILED (CloudFormation can neither update nor re-create it). For a stuck Vpc stack it
 * lists the retained resources still in the VPC, with the commands that remove them.
 */
export const retainedLeftoversCheck: DoctorCheck = {
  id: 'retained-leftovers',
  title: 'no stack stuck in DELETE_FAILED by resources an earlier teardown retained',
  async run(ctx) {
    const stage = ctx.config.name;
    const stuck = [...(await ctx.stacks())].filter(([, s]) => s?.StackStatus === 'DELETE_FAILED');
    if (stuck.length === 0)
      return { check: 'retained-leftovers', status: 'ok', summary: 'no stack of the stage is stuck in DELETE_FAILED' };
    const findings: Finding[] = [];
    for (const [name] of stuck) {
      const resources = (await ctx.aws.cfn.send(new DescribeStackResourcesCommand({ StackName: name }))).StackResources ?? [];
      const owned = new Set(resources.map((r) => r.PhysicalResourceId ?? ''));
      const failed = resources.filter((r) => r.ResourceStatus === 'DELETE_FAILED');
      const vpcs = resources.flatMap((r) => (r.ResourceType === 'AWS::EC2::VPC' && r.PhysicalResourceId ? [r.PhysicalResourceId] : []));
      const leftovers: Leftover[] = [];
      for (const vpc of vpcs) leftovers.push(...(await retainedInVpc(ctx, vpc, owned)));
      findings.push({
        check: `retained-leftovers:${name}`,
        status: 'fail',
        summary: `${name} is DELETE_FAILED (${failed.map((r) => r.LogicalResourceId).join(', ') || 'no resource named'}): a deploy cannot use it${leftovers.length ? `; ${leftovers.length} retained resources hold its VPC` : ''}`,
        details: [
          ...failed.map((r) => `${r.LogicalResourceId} (${r.ResourceType}): ${r.ResourceStatusReason ?? 'DELETE_FAILED'}`),
          ...leftovers.flatMap((l) => [
            `${l.resourceType} ${l.physicalId}:`,
            ...removalCommands(l, ctx.config.region).map((c) => `  ${c}`),
          ]),
        ],
        fix: `remove what holds it (the commands above; the database's final snapshot keeps its data), then finish the teardown: mfctl teardown ${stage} --confirm ${stage}${ctx.config.isProd ? ' --allow-prod' : ''}; deploy afterwards`,
      });
    }
    return findings;
  },
};
