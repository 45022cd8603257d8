import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { synthStage } from '@metaflow-gitops/constructs';
import { renderStageManifests } from '@metaflow-gitops/constructs/k8s';
import { loadStages, placeholderOutputs } from '@metaflow-gitops/stage-config';
import type { AssemblyStack, CfnTemplate } from '../synth/stage-assembly';
import { readAssembly } from '../synth/stage-assembly';
import { checkDeployability } from './deployability';
import { SECURITY_GROUP_RULE_QUOTA } from './deployability-rules';

/** Stacks of a stage `s` from templates, as the assembly reader returns them. */
function stacks(templates: Record<string, CfnTemplate>): AssemblyStack[] {
  return Object.entries(templates).map(([kind, template]) => ({
    id: `s-${kind}`,
    name: `s-${kind}`,
    dependsOn: [],
    templateFile: `s-${kind}.template.json`,
    templatePath: `/nowhere/s-${kind}.template.json`,
    terminationProtection: false,
    templateBytes: 0,
    template,
  }));
}

const rulesOf = (templates: Record<string, CfnTemplate>, manifests: unknown[] = []) =>
  checkDeployability(stacks(templates), { stage: 's', manifests }).findings.map((f) => [f.rule, f.location]);

const sg = (extra: Record<string, unknown> = {}) => ({ Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x', ...extra } });

describe('deployability rules, each on a template that breaks it and one that satisfies it', () => {
  it('retained-uses-deletable: a retained database using a security group deleted with the stack', () => {
    const data = (sgPolicy?: string): CfnTemplate => ({
      Resources: {
        DbSg: { ...sg(), ...(sgPolicy ? { DeletionPolicy: sgPolicy } : {}) },
        Db: {
          Type: 'AWS::RDS::DBCluster',
          DeletionPolicy: 'Retain',
          Properties: { Engine: 'aurora-postgresql', VpcSecurityGroupIds: [{ 'Fn::GetAtt': ['DbSg', 'GroupId'] }] },
        },
      },
    });
    expect(rulesOf({ data: data() })).toEqual([['retained-uses-deletable', 'retained-uses-deletable[data/Db]']]);
    expect(rulesOf({ data: data('Retain') })).toEqual([]);
  });

  it('retained-fixed-name: a retained secret with a fixed name; a generated name passes', () => {
    const secret = (name?: string): CfnTemplate => ({
      Resources: { Secret: { Type: 'AWS::SecretsManager::Secret', DeletionPolicy: 'Retain', Properties: name ? { Name: name } : {} } },
    });
    expect(rulesOf({ data: secret('metaflow/s/database') })).toEqual([['retained-fixed-name', 'retained-fixed-name[data/Secret]']]);
    expect(rulesOf({ data: secret() })).toEqual([]);
  });

  it('certificate-undelegated-zone: DNS validation in a zone nothing delegates; an NS record or an imported delegation passes', () => {
    const dns = (delegate: boolean): CfnTemplate => ({
      Resources: {
        Zone: { Type: 'AWS::Route53::HostedZone', Properties: { Name: 's.example.com.' } },
        Cert: {
          Type: 'AWS::CertificateManager::Certificate',
          Properties: {
            DomainName: 's.example.com',
            DomainValidationOptions: [{ DomainName: 's.example.com', HostedZoneId: { Ref: 'Zone' } }],
          },
        },
        ...(delegate
          ? {
              Ns: {
                Type: 'AWS::Route53::RecordSet',
                Properties: {
                  HostedZoneId: 'ZPARENT',
                  Name: 's.example.com.',
                  Type: 'NS',
                  ResourceRecords: { 'Fn::GetAtt': ['Zone', 'NameServers'] },
                },
              },
            }
          : {}),
      },
      Outputs: { NameServers: { Value: { 'Fn::Join': [',', { 'Fn::GetAtt': ['Zone', 'NameServers'] }] } } },
    });
    expect(rulesOf({ dns: dns(false) })).toEqual([['certificate-undelegated-zone', 'certificate-undelegated-zone[dns/Cert]']]);
    expect(rulesOf({ dns: dns(true) })).toEqual([]);
    // The delegation may live in another stack of the stage, through an export.
    const exporting = dns(false);
    exporting.Outputs = { Ns: { Value: { 'Fn::GetAtt': ['Zone', 'NameServers'] }, Export: { Name: 's-dns:Ns' } } };
    const parent: CfnTemplate = {
      Resources: {
        Delegation: { Type: 'AWS::Route53::RecordSet', Properties: { Type: 'NS', ResourceRecords: { 'Fn::ImportValue': 's-dns:Ns' } } },
      },
    };
    expect(rulesOf({ dns: exporting, parent })).toEqual([]);
  });

  it('nodeclass-tags-without-permission: NodeClass tags while the cluster role cannot tag; a tagging policy on the role passes', () => {
    const eks = (canTag: boolean): CfnTemplate => ({
      Resources: {
        ClusterRole: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: {} } },
        Cluster: { Type: 'AWS::EKS::Cluster', Properties: { RoleArn: { 'Fn::GetAtt': ['ClusterRole', 'Arn'] }, ResourcesVpcConfig: {} } },
        ...(canTag
          ? {
              Tagging: {
                Type: 'AWS::IAM::Policy',
                Properties: {
                  Roles: [{ Ref: 'ClusterRole' }],
                  PolicyDocument: { Statement: [{ Effect: 'Allow', Action: ['ec2:CreateTags'], Resource: '*' }] },
                },
              },
            }
          : {}),
      },
    });
    const nodeClass = { apiVersion: 'eks.amazonaws.com/v1', kind: 'NodeClass', metadata: { name: 'cpu' }, spec: { tags: { team: 'ml' } } };
    const untagged = { ...nodeClass, spec: {} };
    expect(rulesOf({ eks: eks(false) }, [nodeClass])).toEqual([
      ['nodeclass-tags-without-permission', 'nodeclass-tags-without-permission[eks/NodeClass/cpu]'],
    ]);
    expect(rulesOf({ eks: eks(true) }, [nodeClass])).toEqual([]);
    expect(rulesOf({ eks: eks(false) }, [untagged])).toEqual([]);
  });

  it(`security-group-rule-quota: over ${SECURITY_GROUP_RULE_QUOTA} inbound rules (inline and separate) fails; ${SECURITY_GROUP_RULE_QUOTA} passes`, () => {
    const rule = (i: number) => ({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: `10.${i}.0.0/16` });
    const ingress = (n: number, separate: number): CfnTemplate => ({
      Resources: {
        Lb: sg({ SecurityGroupIngress: Array.from({ length: n }, (_, i) => rule(i)) }),
        ...Object.fromEntries(
          Array.from({ length: separate }, (_, i) => [
            `Extra${i}`,
            { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: { Ref: 'Lb' }, ...rule(200 + i) } },
          ]),
        ),
      },
    });
    expect(rulesOf({ ingress: ingress(50, 11) })).toEqual([['security-group-rule-quota', 'security-group-rule-quota[ingress/Lb]']]);
    expect(rulesOf({ ingress: ingress(50, 10) })).toEqual([]);
  });

  it('private-endpoint-without-sync-path: a private-only endpoint with nothing in the VPC fails; a CodeBuild project in the VPC passes', () => {
    const eks = (syncPath: boolean): CfnTemplate => ({
      Resources: {
        Cluster: {
          Type: 'AWS::EKS::Cluster',
          Properties: { ResourcesVpcConfig: { EndpointPublicAccess: false, EndpointPrivateAccess: true } },
        },
        ...(syncPath ? { Sync: { Type: 'AWS::CodeBuild::Project', Properties: { VpcConfig: { VpcId: 'vpc-1' } } } } : {}),
      },
    });
    expect(rulesOf({ eks: eks(false) })).toEqual([
      ['private-endpoint-without-sync-path', 'private-endpoint-without-sync-path[eks/Cluster]'],
    ]);
    expect(rulesOf({ eks: eks(true) })).toEqual([]);
  });
});

describe('acknowledgements in the stage file', () => {
  const broken = stacks({
    data: { Resources: { Secret: { Type: 'AWS::SecretsManager::Secret', DeletionPolicy: 'Retain', Properties: { Name: 'fixed' } } } },
  });

  it('an acknowledged finding passes and is listed with its reason; by rule or by id', () => {
    for (const id of ['retained-fixed-name[data/Secret]', 'retained-fixed-name']) {
      const r = checkDeployability(broken, { stage: 's', acknowledgements: [{ id, reason: 'imported back by the restore runbook' }] });
      expect(r.status).toBe('pass');
      expect(r.notes).toEqual(['acknowledged retained-fixed-name[data/Secret]: imported back by the restore runbook']);
    }
  });

  it('an acknowledgement matching nothing fails (stale or a typo), naming the id form', () => {
    const r = checkDeployability(broken, {
      stage: 's',
      acknowledgements: [
        { id: 'retained-fixed-name[data/Secret]', reason: 'imported back by the restore runbook' },
        { id: 'retained-fixed-name[data/Secrett]', reason: 'a typo in the logical id of the secret' },
      ],
    });
    expect(r.status).toBe('fail');
    expect(r.findings).toEqual([
      { rule: 'stale-acknowledgement', message: expect.stringContaining("'retained-fixed-name[data/Secrett]' matches no finding") },
    ]);
  });
});

describe('every stage of environments/', () => {
  jest.setTimeout(300_000);
  const root = path.resolve(__dirname, '../../../..');

  test('has no deployability finding', () => {
    const { stages } = loadStages(path.join(root, 'environments'));
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'deployability-'));
    try {
      const findings = stages.flatMap((config) => {
        const dir = synthStage(config, { outdir: out }).directory;
        const manifests = renderStageManifests(config, placeholderOutputs()).components.flatMap((c) => c.objects);
        const r = checkDeployability(readAssembly(dir), {
          stage: config.name,
          manifests,
          acknowledgements: config.deployability.acknowledge,
        });
        return r.findings.map((f) => `${config.name}: ${f.location}`);
      });
      expect(findings).toEqual([]);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
