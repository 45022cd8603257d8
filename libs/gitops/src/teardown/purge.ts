import {
  DeleteDBClusterCommand,
  DeleteDBInstanceCommand,
  DeleteDBSubnetGroupCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  ModifyDBClusterCommand,
  ModifyDBInstanceCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import {
  ChangeResourceRecordSetsCommand,
  DeleteHostedZoneCommand,
  ListResourceRecordSetsCommand,
  ResourceRecordSet,
  Route53Client,
} from '@aws-sdk/client-route-53';
import { DeleteSecurityGroupCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DeleteBucketCommand, DeleteObjectsCommand, ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import { RetainedResource, finalSnapshotId } from './retained';
import { AwsError } from '@metaflow-gitops/stage-config';

export type PurgeOutcome = { readonly purged: true; readonly note?: string } | { readonly purged: false; readonly note: string };

/**
 * Removes one retained resource the way its removal commands describe: a bucket with every object
 * version and delete marker; an Aurora cluster with deletion protection off, its instances first
 * and a final snapshot kept; the database's security group once the cluster released it. Types without an automatic removal are left, with a note.
 */
export async function purgeRetained(r: RetainedResource, region: string, now: Date = new Date()): Promise<PurgeOutcome> {
  switch (r.resourceType) {
    case 'AWS::S3::Bucket':
      return { purged: true, note: `${await emptyBucket(s3Client(region), r.physicalId)} object versions and delete markers removed` };
    case 'AWS::RDS::DBCluster':
      return { purged: true, note: `final snapshot ${await deleteCluster(new RDSClient({ region }), r.physicalId, now)} kept` };
    case 'AWS::RDS::DBInstance': {
      const rds = new RDSClient({ region });
      await rds.send(
        new ModifyDBInstanceCommand({ DBInstanceIdentifier: r.physicalId, DeletionProtection: false, ApplyImmediately: true }),
      );
      await rds.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: r.physicalId, SkipFinalSnapshot: true }));
      await waitInstanceGone(rds, r.physicalId);
      return { purged: true, note: 'instance deleted (the cluster snapshot holds the data)' };
    }
    case 'AWS::RDS::DBSubnetGroup':
      await new RDSClient({ region }).send(new DeleteDBSubnetGroupCommand({ DBSubnetGroupName: r.physicalId }));
      return { purged: true };
    case 'AWS::EC2::SecurityGroup':
      await deleteSecurityGroup(new EC2Client({ region }), r.physicalId);
      return { purged: true, note: 'deleted once the database had released it' };
    case 'AWS::Route53::HostedZone':
      return { purged: true, note: `${await deleteZone(new Route53Client({ region }), r.physicalId)} records removed with the zone` };
    default:
      return { purged: false, note: 'no automatic removal for this type: run the commands' };
  }
}

/** The database's network interfaces go some minutes after the cluster: retry while the group is still in use. */
async function deleteSecurityGroup(ec2: EC2Client, groupId: string, timeoutMs = 900_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await ec2.send(new DeleteSecurityGroupCommand({ GroupId: groupId }));
      return;
    } catch (err) {
      if ((err as { name?: string }).name !== 'DependencyViolation' || Date.now() > deadline) throw err;
      await new Promise((res) => setTimeout(res, 15_000));
    }
  }
}

async function deleteZone(route53: Route53Client, zoneId: string): Promise<number> {
  const records: ResourceRecordSet[] = [];
  let start: { name?: string; type?: string } = {};
  for (;;) {
    const page = await route53.send(
      new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, StartRecordName: start.name, StartRecordType: start.type as never }),
    );
    records.push(...(page.ResourceRecordSets ?? []).filter((r) => r.Type !== 'NS' && r.Type !== 'SOA'));
    if (!page.IsTruncated) break;
    start = { name: page.NextRecordName, type: page.NextRecordType };
  }
  for (let i = 0; i < records.length; i += 100) {
    await route53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        ChangeBatch: { Changes: records.slice(i, i + 100).map((r) => ({ Action: 'DELETE', ResourceRecordSet: r })) },
      }),
    );
  }
  await route53.send(new DeleteHostedZoneCommand({ Id: zoneId }));
  return records.length;
}

async function emptyBucket(s3: S3Client, bucket: string): Promise<number> {
  let removed = 0;
  let keyMarker: string | undefined;
  let versionMarker: string | undefined;
  for (;;) {
    const page = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, KeyMarker: keyMarker, VersionIdMarker: versionMarker }));
    const objects = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].flatMap((v) =>
      v.Key ? [{ Key: v.Key, VersionId: v.VersionId }] : [],
    );
    for (let i = 0; i < objects.length; i += 1000) {
      const res = await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects.slice(i, i + 1000), Quiet: true } }));
      if (res.Errors?.length)
        throw new AwsError(`could not delete ${res.Errors.length} objects from ${bucket}: ${res.Errors[0].Code} ${res.Errors[0].Message}`, {
          fix: 'check that the role may delete object versions in the bucket, then run the teardown again',
        });
    }
    removed += objects.length;
    if (!page.IsTruncated) break;
    keyMarker = page.NextKeyMarker;
    versionMarker = page.NextVersionIdMarker;
  }
  await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
  return removed;
}

async function deleteCluster(rds: RDSClient, clusterId: string, now: Date): Promise<string> {
  await rds.send(new ModifyDBClusterCommand({ DBClusterIdentifier: clusterId, DeletionProtection: false, ApplyImmediately: true }));
  const cluster = (await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: clusterId }))).DBClusters?.[0];
  for (const m of cluster?.DBClusterMembers ?? []) {
    if (!m.DBInstanceIdentifier) continue;
    await rds.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: m.DBInstanceIdentifier }));
    await waitInstanceGone(rds, m.DBInstanceIdentifier);
  }
  const snapshot = finalSnapshotId(clusterId, now);
  await rds.send(new DeleteDBClusterCommand({ DBClusterIdentifier: clusterId, FinalDBSnapshotIdentifier: snapshot }));
  return snapshot;
}

async function waitInstanceGone(rds: RDSClient, id: string, timeoutMs = 1_800_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const r = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }));
      if ((r.DBInstances ?? []).length === 0) return;
    } catch {
      return; // DBInstanceNotFound
    }
    await new Promise((res) => setTimeout(res, 10_000));
  }
  throw new AwsError(`database instance ${id} still exists after ${timeoutMs / 60000} minutes`, {
    fix: 'run the teardown again once the instance is deleted (RDS console)',
  });
}

/** Path-style addressing when the endpoint is overridden (an emulator on localhost has no bucket subdomains). */
export function s3Client(region: string): S3Client {
  return new S3Client({ region, forcePathStyle: !!(process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL) });
}

/** Whether a manual cluster snapshot exists (the final snapshot a purge keeps). */
export async function clusterSnapshotExists(region: string, snapshotId: string): Promise<boolean> {
  try {
    const r = await new RDSClient({ region }).send(new DescribeDBClusterSnapshotsCommand({ DBClusterSnapshotIdentifier: snapshotId }));
    return (r.DBClusterSnapshots ?? []).length > 0;
  } catch {
    return false;
  }
}
