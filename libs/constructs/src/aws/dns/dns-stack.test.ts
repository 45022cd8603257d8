import { Match } from 'aws-cdk-lib/assertions';
import { makeStageConfig } from '@metaflow-gitops/testing/stage-config';
import { buildTestStage, BuiltStage } from '@metaflow-gitops/testing/constructs/aws';

let same: BuiltStage;
let cross: BuiltStage;
let manual: BuiltStage;

beforeAll(() => {
  same = buildTestStage(makeStageConfig({ name: 'dev' }));
  cross = buildTestStage(
    makeStageConfig({
      name: 'prod',
      isProd: true,
      domain: {
        delegation: { mode: 'cross-account', parentHostedZoneId: 'Z0PARENT', delegationRoleArn: 'arn:aws:iam::333333333333:role/delegate' },
      },
    }),
  );
  manual = buildTestStage(makeStageConfig({ name: 'man', domain: { delegation: { mode: 'manual' } } }));
});

test('the stage zone is <stage>.<parent>, under a pinned logical id, retained', () => {
  const zone = same.template('dns').toJSON().Resources.StageHostedZone;
  expect(zone.Type).toBe('AWS::Route53::HostedZone');
  expect(zone.Properties.Name).toBe('dev.metaflow.example.com.');
  expect(zone.DeletionPolicy).toBe('Retain');
});

test('same account: a native NS record in the parent zone, no custom resource', () => {
  same.template('dns').hasResourceProperties('AWS::Route53::RecordSet', {
    HostedZoneId: 'Z0000000000EXAMPLE000',
    Name: 'dev.metaflow.example.com.',
    Type: 'NS',
    TTL: '172800',
    ResourceRecords: { 'Fn::GetAtt': ['StageHostedZone', 'NameServers'] },
  });
  const types = Object.values(same.template('dns').toJSON().Resources).map((r) => (r as { Type: string }).Type);
  expect(types.sort()).toEqual(['AWS::Route53::HostedZone', 'AWS::Route53::RecordSet']);
});

test('cross account: the delegation custom resource assumes only the parent account role', () => {
  const t = cross.template('dns');
  t.hasResourceProperties('Custom::CrossAccountZoneDelegation', {
    AssumeRoleArn: 'arn:aws:iam::333333333333:role/delegate',
    ParentZoneId: 'Z0PARENT',
    DelegatedZoneName: 'prod.metaflow.example.com',
    TTL: 172800,
  });
  t.hasResourceProperties('AWS::IAM::Policy', {
    PolicyDocument: {
      Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Resource: 'arn:aws:iam::333333333333:role/delegate' }],
      Version: '2012-10-17',
    },
  });
  t.resourceCountIs('AWS::IAM::Policy', 1);
  t.resourceCountIs('AWS::Route53::RecordSet', 0);
});

test('manual: no record written anywhere; the name servers are an output with instructions', () => {
  const t = manual.template('dns');
  t.resourceCountIs('AWS::Route53::RecordSet', 0);
  t.resourceCountIs('Custom::CrossAccountZoneDelegation', 0);
  const out = t.toJSON().Outputs.NameServers;
  expect(out.Description).toContain('Add these as NS records for man.metaflow.example.com');
  expect(out.Value).toEqual({ 'Fn::Join': [',', { 'Fn::GetAtt': ['StageHostedZone', 'NameServers'] }] });
});

test("nothing in the Dns stack waits on DNS resolution (a DNS-validated certificate would wait for a delegation that, in manual mode, needs this stack's outputs first)", () => {
  for (const stage of [same, cross, manual]) stage.template('dns').resourceCountIs('AWS::CertificateManager::Certificate', 0);
});

test('DNS-validated certificate for the host and its wildcard, in the Ingress stack (last wave), validated in the stage zone', () => {
  const t = manual.template('ingress');
  t.hasResourceProperties('AWS::CertificateManager::Certificate', {
    DomainName: 'man.metaflow.example.com',
    SubjectAlternativeNames: ['*.man.metaflow.example.com'],
    ValidationMethod: 'DNS',
    DomainValidationOptions: [
      { DomainName: 'man.metaflow.example.com', HostedZoneId: { 'Fn::ImportValue': Match.stringLikeRegexp('^man-dns:') } },
    ],
  });
  expect(t.toJSON().Outputs.CertificateArn.Value).toEqual({ Ref: expect.stringMatching(/^Certificate/) });
});
