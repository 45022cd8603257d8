import {
  CloudFormationClient,
  DescribeStackResourcesCommand,
  Stack,
  UpdateTerminationProtectionCommand,
} from '@aws-sdk/client-cloudformation';
import {
  DeleteSecurityGroupCommand,
  DeleteVpcEndpointsCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcEndpointsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { DescribeUpdateCommand, EKSClient, UpdateClusterConfigCommand } from '@aws-sdk/client-eks';
import {
  DeleteLoadBalancerCommand,
  DescribeLoadBalancersCommand,
  DescribeTagsCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { ChangeResourceRecordSetsCommand, ListResourceRecordSetsCommand, ResourceRecordSet, Route53Client } from '@aws-sdk/client-route-53';
import { AwsError } from '@metaflow-gitops/stage-config';
import { describeStack as describeLiveStack } from '../private/live-stacks';

/**
 * The AWS calls teardown makes besides the toolkit's destroy. Clients take the standard SDK
 * environment (AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL, ...); the region is the stage's.
 */
export class StageAws {
  readonly cfn: CloudFormationClient;
  readonly ec2: EC2Client;
  readonly elb: ElasticLoadBalancingV2Client;
  readonly route53: Route53Client;
  readonly eks: EKSClient;

  constructor(readonly region: string) {
    this.cfn = new CloudFormationClient({ region });
    this.ec2 = new EC2Client({ region });
    this.elb = new ElasticLoadBalancingV2Client({ region });
    this.route53 = new Route53Client({ region });
    this.eks = new EKSClient({ region });
  }

  /**
   * Turns the EKS cluster's deletion protection off (prod clusters have it) and waits for the
   * update; false when there is no such cluster in EKS.
   */
  async disableClusterDeletionProtection(name: string, timeoutMs = 600_000): Promise<boolean> {
    let updateId: string | undefined;
    try {
      const res = await this.eks.send(new UpdateClusterConfigCommand({ name, deletionProtection: false }));
      updateId = res.update?.id;
    } catch (err) {
      if ((err as { name?: string }).name === 'ResourceNotFoundException') return false;
      throw err;
    }
    const deadline = Date.now() + timeoutMs;
    while (updateId) {
      const { update } = await this.eks.send(new DescribeUpdateCommand({ name, updateId }));
      if (update?.status === 'Successful') break;
      if (update?.status === 'Failed' || update?.status === 'Cancelled' || Date.now() > deadline)
        throw new AwsError(`turning off deletion protection of EKS cluster ${name}: update ${updateId} is ${update?.status}`, {
          fix: `run: aws eks update-cluster-config --name ${name} --no-deletion-protection --region ${this.region}, then the teardown again`,
        });
      await new Promise((res) => setTimeout(res, 10_000));
    }
    return true;
  }

  /** The stack, or undefined when it does not exist (or is already deleted). */
  describeStack(stackName: string): Promise<Stack | undefined> {
    return describeLiveStack(this.cfn, stackName);
  }

  /** Logical id -> physical id of a deployed stack's resources. */
  async physicalIds(stackName: string): Promise<Map<string, string>> {
    const res = await this.cfn.send(new DescribeStackResourcesCommand({ StackName: stackName }));
    const map = new Map<string, string>();
    for (const r of res.StackResources ?? [])
      if (r.LogicalResourceId && r.PhysicalResourceId) map.set(r.LogicalResourceId, r.PhysicalResourceId);
    return map;
  }

  async disableTerminationProtection(stackName: string): Promise<void> {
    await this.cfn.send(new UpdateTerminationProtectionCommand({ StackName: stackName, EnableTerminationProtection: false }));
  }

  /**
   * ELBv2 load balancers in the VPC that the cluster created (for LoadBalancer Services): tagged
   * `eks:eks-cluster-name` (EKS Auto Mode), `elbv2.k8s.aws/cluster` (AWS Load Balancer Controller)
   * or `kubernetes.io/cluster/<name>`.
   */
  async clusterLoadBalancers(vpcId: string, cluster: string): Promise<{ arn: string; name: string }[]> {
    const lbs: { arn: string; name: string }[] = [];
    let marker: string | undefined;
    do {
      const page = await this.elb.send(new DescribeLoadBalancersCommand({ Marker: marker }));
      for (const lb of page.LoadBalancers ?? [])
        if (lb.VpcId === vpcId && lb.LoadBalancerArn)
          lbs.push({ arn: lb.LoadBalancerArn, name: lb.LoadBalancerName ?? lb.LoadBalancerArn });
      marker = page.NextMarker;
    } while (marker);
    const out: { arn: string; name: string }[] = [];
    for (let i = 0; i < lbs.length; i += 20) {
      const batch = lbs.slice(i, i + 20);
      const tags = await this.elb.send(new DescribeTagsCommand({ ResourceArns: batch.map((b) => b.arn) }));
      for (const d of tags.TagDescriptions ?? []) {
        const t = new Map((d.Tags ?? []).map((x) => [x.Key ?? '', x.Value ?? '']));
        if (
          t.get('eks:eks-cluster-name') === cluster ||
          t.get('elbv2.k8s.aws/cluster') === cluster ||
          t.has(`kubernetes.io/cluster/${cluster}`)
        ) {
          const lb = batch.find((b) => b.arn === d.ResourceArn);
          if (lb) out.push(lb);
        }
      }
    }
    return out;
  }

  /** Deletes the load balancers and waits until they are gone (their ENIs are then being released). */
  async deleteLoadBalancers(arns: readonly string[], timeoutMs = 600_000): Promise<void> {
    for (const arn of arns) await this.elb.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: arn }));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const left: string[] = [];
      for (const arn of arns) {
        try {
          const r = await this.elb.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [arn] }));
          if ((r.LoadBalancers ?? []).length > 0) left.push(arn);
        } catch {
          // LoadBalancerNotFound: gone
        }
      }
      if (left.length === 0) return;
      if (Date.now() > deadline)
        throw new AwsError(`load balancers still present after ${timeoutMs / 1000}s: ${left.join(', ')}`, {
          fix: 'run the teardown again once they are gone (EC2 console, Load Balancers)',
        });
      await new Promise((r) => setTimeout(r, 5000));
    }
  }

  /** ACM DNS validation CNAMEs in the stage zone: CloudFormation does not delete them, and they block the zone's deletion. */
  async acmValidationRecords(zoneId: string): Promise<ResourceRecordSet[]> {
    const out: ResourceRecordSet[] = [];
    let start: { name?: string; type?: string } = {};
    for (;;) {
      const page = await this.route53.send(
        new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, StartRecordName: start.name, StartRecordType: start.type as never }),
      );
      for (const r of page.ResourceRecordSets ?? []) {
        const values = (r.ResourceRecords ?? []).map((v) => v.Value ?? '');
        if (r.Type === 'CNAME' && r.Name?.startsWith('_') && values.some((v) => /\.acm-validations\.aws\.?$/.test(v))) out.push(r);
      }
      if (!page.IsTruncated) return out;
      start = { name: page.NextRecordName, type: page.NextRecordType };
    }
  }

  async deleteRecord(zoneId: string, record: ResourceRecordSet): Promise<void> {
    await this.route53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        ChangeBatch: { Changes: [{ Action: 'DELETE', ResourceRecordSet: record }] },
      }),
    );
  }

  /** VPC endpoints in the VPC that no stack owns (e.g. GuardDuty's runtime-monitoring endpoint): they hold ENIs and block the VPC's deletion. */
  async foreignVpcEndpoints(vpcId: string, owned: ReadonlySet<string>): Promise<string[]> {
    const res = await this.ec2.send(new DescribeVpcEndpointsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }));
    return (res.VpcEndpoints ?? [])
      .filter((e) => String(e.State ?? '').toLowerCase() !== 'deleted')
      .map((e) => e.VpcEndpointId)
      .filter((id): id is string => !!id && !owned.has(id));
  }

  /** GuardDuty's managed security groups in the VPC (created with its endpoint). */
  async guardDutySecurityGroups(vpcId: string): Promise<string[]> {
    const res = await this.ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }));
    return (res.SecurityGroups ?? [])
      .filter((g) => g.GroupName?.startsWith('GuardDutyManagedSecurityGroup'))
      .map((g) => g.GroupId)
      .filter((id): id is string => !!id);
  }

  async deleteVpcEndpoints(ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await this.ec2.send(new DeleteVpcEndpointsCommand({ VpcEndpointIds: [...ids] }));
  }

  async deleteSecurityGroup(id: string): Promise<void> {
    await this.ec2.send(new DeleteSecurityGroupCommand({ GroupId: id }));
  }
}
