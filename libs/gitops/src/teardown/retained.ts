import type { AssemblyStack } from '../synth/stage-assembly';

/** A resource CloudFormation leaves behind when its stack is deleted (`DeletionPolicy: Retain`). */
export interface RetainedResource {
  readonly stackName: string;
  readonly logicalId: string;
  readonly resourceType: string;
  /** Physical id as CloudFormation reports it (DescribeStackResources), e.g. the bucket name. */
  readonly physicalId: string;
}

/**
 * Every resource of the deployed stacks whose template says `DeletionPolicy: Retain`, with its
 * physical id. Recorded BEFORE the stacks are destroyed: afterwards CloudFormation no longer knows
 * the physical ids. `physicalIds` maps stack name -> logical id -> physical id; stacks that are not
 * deployed are absent and contribute nothing.
 */
export function findRetained(
  stacks: readonly Pick<AssemblyStack, 'name' | 'template'>[],
  physicalIds: ReadonlyMap<string, ReadonlyMap<string, string>>,
): RetainedResource[] {
  const out: RetainedResource[] = [];
  for (const stack of stacks) {
    const deployed = physicalIds.get(stack.name);
    if (!deployed) continue;
    for (const [logicalId, res] of Object.entries(stack.template.Resources ?? {})) {
      if (res.DeletionPolicy !== 'Retain' && res.DeletionPolicy !== 'RetainExceptOnCreate') continue;
      const physicalId = deployed.get(logicalId);
      if (physicalId) out.push({ stackName: stack.name, logicalId, resourceType: res.Type, physicalId });
    }
  }
  return out;
}

/** Removal order when purging: instances before their cluster, everything before VPC-level objects. */
const ORDER = [
  'AWS::RDS::DBInstance',
  'AWS::RDS::DBCluster',
  'AWS::RDS::DBSubnetGroup',
  'AWS::EC2::SecurityGroup',
  'AWS::S3::Bucket',
  'AWS::Route53::HostedZone',
];

export function sortForRemoval(resources: readonly RetainedResource[]): RetainedResource[] {
  const rank = (t: string) => (ORDER.indexOf(t) === -1 ? ORDER.length : ORDER.indexOf(t));
  return [...resources].sort((a, b) => rank(a.resourceType) - rank(b.resourceType));
}

/** Name of the final snapshot kept when an Aurora cluster is removed. */
export function finalSnapshotId(clusterId: string, date: Date = new Date()): string {
  return `${clusterId}-final-${date.toISOString().slice(0, 10).replace(/-/g, '')}`.slice(0, 255);
}

/** The exact `aws` commands that remove a retained resource by hand (what `--purge-retained` does). */
export function removalCommands(
  r: Pick<RetainedResource, 'resourceType' | 'physicalId'>,
  region: string,
  now: Date = new Date(),
): string[] {
  const id = r.physicalId;
  const rg = `--region ${region}`;
  switch (r.resourceType) {
    case 'AWS::S3::Bucket':
      return [
        `# every object version and delete marker (repeat while objects remain: at most 1000 per call)`,
        `aws s3api delete-objects --bucket ${id} ${rg} --delete "$(aws s3api list-object-versions --bucket ${id} ${rg} --max-items 1000 --output json --query '{Objects: [Versions, DeleteMarkers][][].{Key: Key, VersionId: VersionId}, Quiet: \`true\`}')"`,
        `aws s3api delete-bucket --bucket ${id} ${rg}`,
      ];
    case 'AWS::RDS::DBCluster':
      return [
        `aws rds modify-db-cluster --db-cluster-identifier ${id} --no-deletion-protection --apply-immediately ${rg}`,
        `for i in $(aws rds describe-db-clusters --db-cluster-identifier ${id} ${rg} --query 'DBClusters[0].DBClusterMembers[].DBInstanceIdentifier' --output text); do aws rds delete-db-instance --db-instance-identifier "$i" ${rg} && aws rds wait db-instance-deleted --db-instance-identifier "$i" ${rg}; done`,
        `aws rds delete-db-cluster --db-cluster-identifier ${id} --final-db-snapshot-identifier ${finalSnapshotId(id, now)} ${rg}`,
      ];
    case 'AWS::RDS::DBInstance':
      return [
        `aws rds modify-db-instance --db-instance-identifier ${id} --no-deletion-protection --apply-immediately ${rg}`,
        `aws rds delete-db-instance --db-instance-identifier ${id} ${rg} && aws rds wait db-instance-deleted --db-instance-identifier ${id} ${rg}`,
      ];
    case 'AWS::RDS::DBSubnetGroup':
      return [`aws rds delete-db-subnet-group --db-subnet-group-name ${id} ${rg}`];
    case 'AWS::Route53::HostedZone':
      return [
        `# every record but the zone's own NS and SOA (ACM validation records, ExternalDNS records), then the zone`,
        `aws route53 change-resource-record-sets --hosted-zone-id ${id} --change-batch "$(aws route53 list-resource-record-sets --hosted-zone-id ${id} --output json --query '{Changes: ResourceRecordSets[?Type != \`NS\` && Type != \`SOA\`].{Action: \`DELETE\`, ResourceRecordSet: @}}')"`,
        `aws route53 delete-hosted-zone --id ${id}`,
      ];
    case 'AWS::EC2::VPCEndpoint':
      return [`aws ec2 delete-vpc-endpoints --vpc-endpoint-ids ${id} ${rg}`];
    case 'AWS::EC2::SecurityGroup':
      return [`aws ec2 delete-security-group --group-id ${id} ${rg}`];
    case 'AWS::Logs::LogGroup':
      return [`aws logs delete-log-group --log-group-name ${id} ${rg}`];
    case 'AWS::SecretsManager::Secret':
      return [`aws secretsmanager delete-secret --secret-id ${id} --recovery-window-in-days 7 ${rg}`];
    case 'AWS::KMS::Key':
      return [`aws kms schedule-key-deletion --key-id ${id} --pending-window-in-days 7 ${rg}`];
    case 'AWS::Cognito::UserPool':
      return [
        `aws cognito-idp update-user-pool --user-pool-id ${id} --deletion-protection INACTIVE ${rg}`,
        `aws cognito-idp delete-user-pool --user-pool-id ${id} ${rg}`,
      ];
    default:
      // Cloud Control deletes any resource type CloudFormation supports, by its primary identifier.
      return [`aws cloudcontrol delete-resource --type-name ${r.resourceType} --identifier ${id} ${rg}`];
  }
}
