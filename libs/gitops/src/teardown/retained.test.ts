import { makeStageConfig } from '@metaflow-gitops/testing/stage-config';
import type { AssemblyStack } from '../synth/stage-assembly';
import { finalSnapshotId, findRetained, removalCommands, sortForRemoval } from './retained';
import { teardownRefusal } from './teardown';

const stacks: Pick<AssemblyStack, 'name' | 'template'>[] = [
  {
    name: 'dev-data',
    template: {
      Resources: {
        Bucket: { Type: 'AWS::S3::Bucket', DeletionPolicy: 'Retain' },
        Cluster: { Type: 'AWS::RDS::DBCluster', DeletionPolicy: 'Retain' },
        Writer: { Type: 'AWS::RDS::DBInstance', DeletionPolicy: 'Retain' },
        Sg: { Type: 'AWS::EC2::SecurityGroup' },
        Snap: { Type: 'AWS::RDS::DBCluster', DeletionPolicy: 'Snapshot' },
      },
    },
  },
  {
    name: 'dev-eks',
    template: { Resources: { Logs: { Type: 'AWS::Logs::LogGroup', DeletionPolicy: 'Retain' } } },
  },
];

describe('findRetained', () => {
  const physical = new Map([
    [
      'dev-data',
      new Map([
        ['Bucket', 'dev-artifacts-1'],
        ['Cluster', 'dev-db'],
        ['Writer', 'dev-db-writer'],
        ['Sg', 'sg-1'],
      ]),
    ],
  ]);

  it('lists only Retain resources of deployed stacks, with their physical ids', () => {
    const found = findRetained(stacks, physical);
    expect(found.map((r) => `${r.stackName}/${r.logicalId}=${r.physicalId}`)).toEqual([
      'dev-data/Bucket=dev-artifacts-1',
      'dev-data/Cluster=dev-db',
      'dev-data/Writer=dev-db-writer',
    ]);
  });

  it('orders instances before their cluster for removal', () => {
    expect(sortForRemoval(findRetained(stacks, physical)).map((r) => r.logicalId)).toEqual(['Writer', 'Cluster', 'Bucket']);
  });
});

describe('removalCommands', () => {
  const now = new Date('2026-11-23T18:00:00Z');

  it('empties every version and delete marker of a bucket before deleting it', () => {
    const cmds = removalCommands({ resourceType: 'AWS::S3::Bucket', physicalId: 'b1' }, 'eu-west-1', now).filter((c) => !c.startsWith('#'));
    expect(cmds[0]).toContain('aws s3api delete-objects --bucket b1 --region eu-west-1');
    expect(cmds[0]).toContain('[Versions, DeleteMarkers]');
    expect(cmds[1]).toBe('aws s3api delete-bucket --bucket b1 --region eu-west-1');
  });

  it('lifts deletion protection, deletes the instances, then the cluster keeping a final snapshot', () => {
    const cmds = removalCommands({ resourceType: 'AWS::RDS::DBCluster', physicalId: 'dev-db' }, 'us-west-2', now);
    expect(cmds[0]).toBe(
      'aws rds modify-db-cluster --db-cluster-identifier dev-db --no-deletion-protection --apply-immediately --region us-west-2',
    );
    expect(cmds[1]).toContain('aws rds delete-db-instance --db-instance-identifier "$i"');
    expect(cmds[2]).toBe(
      'aws rds delete-db-cluster --db-cluster-identifier dev-db --final-db-snapshot-identifier dev-db-final-20261123 --region us-west-2',
    );
    expect(finalSnapshotId('dev-db', now)).toBe('dev-db-final-20261123');
  });

  it('deletes a retained zone after every record but its NS and SOA', () => {
    const cmds = removalCommands({ resourceType: 'AWS::Route53::HostedZone', physicalId: 'Z1' }, 'us-west-2').filter(
      (c) => !c.startsWith('#'),
    );
    expect(cmds[0]).toContain(
      "--query '{Changes: ResourceRecordSets[?Type != `NS` && Type != `SOA`].{Action: `DELETE`, ResourceRecordSet: @}}'",
    );
    expect(cmds[1]).toBe('aws route53 delete-hosted-zone --id Z1');
  });

  it('falls back to Cloud Control for other types', () => {
    expect(removalCommands({ resourceType: 'AWS::SQS::Queue', physicalId: 'q' }, 'us-west-2')).toEqual([
      'aws cloudcontrol delete-resource --type-name AWS::SQS::Queue --identifier q --region us-west-2',
    ]);
  });
});

describe('teardownRefusal', () => {
  it.each([
    [{}, 'pass --confirm dev (got no --confirm)'],
    [{ confirm: 'prod' }, 'pass --confirm dev (got --confirm prod)'],
  ])('refuses without the stage name repeated: %p', (guard, message) => {
    expect(teardownRefusal(makeStageConfig({ name: 'dev' }), guard)).toContain(message);
  });

  it('refuses a production stage without --allow-prod, allows it with', () => {
    const prod = makeStageConfig({ name: 'prod', isProd: true });
    expect(teardownRefusal(prod, { confirm: 'prod' })).toContain('without --allow-prod');
    expect(teardownRefusal(prod, { confirm: 'prod', allowProd: true })).toBeUndefined();
    expect(teardownRefusal(makeStageConfig({ name: 'dev' }), { confirm: 'dev' })).toBeUndefined();
  });
});
