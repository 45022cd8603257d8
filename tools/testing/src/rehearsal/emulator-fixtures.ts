import { CloudFormationClient, CreateStackCommand, DeleteStackCommand, GetTemplateCommand } from '@aws-sdk/client-cloudformation';
import {
  CreateLoadBalancerCommand,
  DeleteLoadBalancerCommand,
  DescribeLoadBalancersCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateHostedZoneCommand, Route53Client } from '@aws-sdk/client-route-53';
import { HeadBucketCommand, ListObjectVersionsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { s3Client } from '@metaflow-gitops/gitops';

/**
 * What the deploy rehearsal sets up and inspects in the emulator besides the mfctl commands: the
 * prerequisites a real account has (the parent zone), what the cluster would create (a load
 * balancer), a conflicting stack for the forced failure, and the checks' reads.
 */
export class EmulatorFixtures {
  constructor(private readonly region: string) {}

  /** Creates the parent zone; returns its id (the emulator picks ids itself). */
  async createParentZone(name: string): Promise<string> {
    const res = await new Route53Client({ region: this.region }).send(
      new CreateHostedZoneCommand({ Name: name, CallerReference: `rehearsal-${Date.now()}` }),
    );
    const id = res.HostedZone?.Id;
    if (!id) throw new Error(`CreateHostedZone ${name} returned no id`);
    return id.replace('/hostedzone/', '');
  }

  /** The role's trust policy as text, or '' when the role does not exist. */
  async roleTrust(roleName: string): Promise<string> {
    try {
      const r = await new IAMClient({ region: this.region }).send(new GetRoleCommand({ RoleName: roleName }));
      return decodeURIComponent(r.Role?.AssumeRolePolicyDocument ?? '');
    } catch {
      return '';
    }
  }

  /** A network load balancer as EKS Auto Mode creates one for a LoadBalancer Service: tagged with its cluster. */
  async createLoadBalancer(name: string, subnets: string[], cluster: string): Promise<string> {
    const res = await new ElasticLoadBalancingV2Client({ region: this.region }).send(
      new CreateLoadBalancerCommand({
        Name: name,
        Type: 'network',
        Scheme: 'internet-facing',
        Subnets: subnets,
        Tags: [{ Key: 'eks:eks-cluster-name', Value: cluster }],
      }),
    );
    return res.LoadBalancers?.[0]?.LoadBalancerArn ?? '';
  }

  async loadBalancerArns(): Promise<string[]> {
    const res = await new ElasticLoadBalancingV2Client({ region: this.region }).send(new DescribeLoadBalancersCommand({}));
    return (res.LoadBalancers ?? []).map((l) => l.LoadBalancerArn ?? '');
  }

  async deleteLoadBalancer(arn: string): Promise<void> {
    await new ElasticLoadBalancingV2Client({ region: this.region }).send(new DeleteLoadBalancerCommand({ LoadBalancerArn: arn }));
  }

  /** A stack that already exports `exportName`: the stack that exports it next fails, as in CloudFormation. */
  async createExportConflict(stackName: string, exportName: string): Promise<void> {
    const template = {
      Resources: { Handle: { Type: 'AWS::CloudFormation::WaitConditionHandle' } },
      Outputs: { Taken: { Value: 'taken-by-rehearsal', Export: { Name: exportName } } },
    };
    await new CloudFormationClient({ region: this.region }).send(
      new CreateStackCommand({ StackName: stackName, TemplateBody: JSON.stringify(template) }),
    );
  }

  /** The template body CloudFormation holds for a stack, as it was deployed. */
  async templateBody(stackName: string): Promise<string | undefined> {
    const res = await new CloudFormationClient({ region: this.region }).send(
      new GetTemplateCommand({ StackName: stackName, TemplateStage: 'Original' }),
    );
    return res.TemplateBody;
  }

  async deleteStack(stackName: string): Promise<void> {
    await new CloudFormationClient({ region: this.region }).send(new DeleteStackCommand({ StackName: stackName }));
  }

  async putObject(bucket: string, key: string, body: string): Promise<void> {
    await s3Client(this.region).send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  }

  /** Object versions in the bucket, or undefined when the bucket does not exist. */
  async bucketVersions(bucket: string): Promise<number | undefined> {
    const s3 = s3Client(this.region);
    try {
      await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    } catch {
      return undefined;
    }
    return (await s3.send(new ListObjectVersionsCommand({ Bucket: bucket }))).Versions?.length ?? 0;
  }
}
