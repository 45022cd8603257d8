import type { AssemblyStack, CfnResource, CfnTemplate } from '../synth/stage-assembly';
import type { CheckFinding } from './types';

/**
 * Rules a template can pass every linter with and still not deploy, or not tear down, or not deploy
 * again. Each returns its findings; `rule` is the id an acknowledgement names.
 */
export interface DeployabilityInput {
  readonly stacks: readonly AssemblyStack[];
  /** The stage's Kubernetes objects (parsed manifests), for the rules that need them. */
  readonly manifests: readonly unknown[];
}

export type DeployabilityRule = (input: DeployabilityInput) => CheckFinding[];

type Json = unknown;

const RETAINED = new Set(['Retain', 'RetainExceptOnCreate']);
const isRetained = (r: CfnResource) => RETAINED.has(r.DeletionPolicy ?? '');

/** Logical ids a value refers to with `Ref` or `Fn::GetAtt` (pseudo parameters left out). */
function refsOf(value: Json, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => refsOf(v, into));
  else if (typeof value === 'object' && value !== null) {
    const v = value as Record<string, Json>;
    if (typeof v.Ref === 'string' && !v.Ref.startsWith('AWS::')) into.add(v.Ref);
    const getAtt = v['Fn::GetAtt'];
    if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') into.add(getAtt[0]);
    if (typeof getAtt === 'string') into.add(getAtt.split('.')[0]);
    Object.values(v).forEach((x) => refsOf(x, into));
  }
  return into;
}

/** Export name -> [stack, the logical id and attribute its value points at]. */
function exportsOf(stacks: readonly AssemblyStack[]): Map<string, { stack: string; id: string; attribute?: string }> {
  const out = new Map<string, { stack: string; id: string; attribute?: string }>();
  for (const s of stacks) {
    for (const o of Object.values(s.template.Outputs ?? {})) {
      const name = o.Export?.Name;
      const v = o.Value as Record<string, Json> | undefined;
      if (typeof name !== 'string' || !v) continue;
      if (typeof v.Ref === 'string') out.set(name, { stack: s.name, id: v.Ref });
      const getAtt = v['Fn::GetAtt'];
      if (Array.isArray(getAtt)) out.set(name, { stack: s.name, id: String(getAtt[0]), attribute: String(getAtt[1]) });
    }
  }
  return out;
}

/** `[stack, logical id, attribute?]` a value points at, following `Fn::ImportValue` into the exporting stack. */
function targetOf(
  value: Json,
  stack: string,
  exported: ReturnType<typeof exportsOf>,
): { stack: string; id: string; attribute?: string } | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, Json>;
  if (typeof v.Ref === 'string') return { stack, id: v.Ref };
  const getAtt = v['Fn::GetAtt'];
  if (Array.isArray(getAtt)) return { stack, id: String(getAtt[0]), attribute: String(getAtt[1]) };
  const imported = v['Fn::ImportValue'];
  if (typeof imported === 'string') return exported.get(imported);
  return undefined;
}

function* resources(stacks: readonly AssemblyStack[]): Generator<[AssemblyStack, string, CfnResource]> {
  for (const s of stacks) for (const [id, r] of Object.entries(s.template.Resources ?? {})) yield [s, id, r];
}

/**
 * Resource types CloudFormation cannot delete while something still uses them (a security group with
 * network interfaces: DependencyViolation; a DB subnet or parameter group of a live cluster), and a
 * KMS key, whose deletion leaves what it encrypts unreadable.
 */
const DELETE_BLOCKED: Readonly<Record<string, string>> = {
  'AWS::EC2::SecurityGroup': 'a security group cannot be deleted while network interfaces use it (DependencyViolation)',
  'AWS::RDS::DBSubnetGroup': 'a DB subnet group cannot be deleted while a database uses it',
  'AWS::RDS::DBClusterParameterGroup': 'a DB cluster parameter group cannot be deleted while a cluster uses it',
  'AWS::RDS::DBParameterGroup': 'a DB parameter group cannot be deleted while an instance uses it',
  'AWS::KMS::Key': 'a deleted KMS key leaves everything it encrypts unreadable',
};

/** A retained resource using a resource of its stack that is deleted with the stack. */
export const retainedUsesDeletable: DeployabilityRule = ({ stacks }) => {
  const findings: CheckFinding[] = [];
  for (const [stack, id, r] of resources(stacks)) {
    if (!isRetained(r)) continue;
    for (const used of refsOf(r.Properties ?? {})) {
      const target = stack.template.Resources?.[used];
      if (!target || isRetained(target) || !DELETE_BLOCKED[target.Type]) continue;
      findings.push({
        stack: stack.name,
        rule: 'retained-uses-deletable',
        location: id,
        message: `${id} (${r.Type}) is retained on teardown but uses ${used} (${target.Type}), which is not: ${DELETE_BLOCKED[target.Type]}, so the stack's deletion fails (DELETE_FAILED) or the retained resource is left broken. Retain ${used} too (DeletionPolicy: Retain), or do not retain ${id}`,
      });
    }
  }
  return findings;
};

/** Properties that give a resource a fixed physical name, by type. */
const NAME_PROPERTIES: Readonly<Record<string, string>> = {
  'AWS::S3::Bucket': 'BucketName',
  'AWS::SecretsManager::Secret': 'Name',
  'AWS::RDS::DBCluster': 'DBClusterIdentifier',
  'AWS::RDS::DBInstance': 'DBInstanceIdentifier',
  'AWS::RDS::DBSubnetGroup': 'DBSubnetGroupName',
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::KMS::Alias': 'AliasName',
  'AWS::ECR::Repository': 'RepositoryName',
  'AWS::IAM::Role': 'RoleName',
  'AWS::EKS::Cluster': 'Name',
};

/** A retained resource with a fixed physical name: a re-created stage collides with what teardown left. */
export const retainedFixedName: DeployabilityRule = ({ stacks }) => {
  const findings: CheckFinding[] = [];
  for (const [stack, id, r] of resources(stacks)) {
    const prop = NAME_PROPERTIES[r.Type];
    if (!isRetained(r) || !prop || r.Properties?.[prop] === undefined) continue;
    findings.push({
      stack: stack.name,
      rule: 'retained-fixed-name',
      location: id,
      message: `${id} (${r.Type}) is retained on teardown and has a fixed name (${prop}: ${JSON.stringify(r.Properties[prop]).slice(0, 80)}): re-creating the stage after a teardown fails with "already exists" until the retained one is deleted or imported. Let CloudFormation name it, or do not retain it`,
    });
  }
  return findings;
};

/**
 * A DNS-validated certificate in a zone of the stage that nothing in the deploy delegates: ACM waits
 * for the validation record to resolve publicly, which it cannot until the parent zone delegates to
 * the zone's name servers, so the stack waits (and fails) for someone to add the NS records by hand.
 */
export const certificateInUndelegatedZone: DeployabilityRule = ({ stacks }) => {
  const exported = exportsOf(stacks);
  // Zones whose name servers some resource (not an output) uses: an NS record or a delegation resource.
  const delegated = new Set<string>();
  for (const [stack, , r] of resources(stacks)) {
    const walk = (v: Json): void => {
      if (Array.isArray(v)) return v.forEach(walk);
      if (typeof v !== 'object' || v === null) return;
      const t = targetOf(v, stack.name, exported);
      if (t?.attribute === 'NameServers') delegated.add(`${t.stack}/${t.id}`);
      Object.values(v as Record<string, Json>).forEach(walk);
    };
    walk(r.Properties ?? {});
  }
  const findings: CheckFinding[] = [];
  for (const [stack, id, r] of resources(stacks)) {
    if (r.Type !== 'AWS::CertificateManager::Certificate' || r.Properties?.ValidationMethod === 'EMAIL') continue;
    for (const opt of (r.Properties?.DomainValidationOptions as { HostedZoneId?: Json }[] | undefined) ?? []) {
      const zone = targetOf(opt.HostedZoneId, stack.name, exported);
      if (!zone || delegated.has(`${zone.stack}/${zone.id}`)) continue;
      findings.push({
        stack: stack.name,
        rule: 'certificate-undelegated-zone',
        location: id,
        message: `${id} is validated by DNS in the zone ${zone.stack}/${zone.id}, which this deploy does not delegate (no NS record or delegation resource uses its NameServers): the validation cannot resolve and the stack waits until the NS records are added in the parent zone by hand. Delegate the zone in the same deploy (same-account or cross-account delegation), or deploy the zone first and the certificate after the delegation`,
      });
    }
  }
  return findings;
};

interface KubeLike {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: { readonly name?: string };
  readonly spec?: { readonly tags?: Record<string, string> };
}

/** Whether a policy document allows `ec2:CreateTags` (directly or through a wildcard). */
function allowsCreateTags(doc: Json): boolean {
  const statements = (doc as { Statement?: Json } | undefined)?.Statement;
  const list = Array.isArray(statements) ? statements : statements ? [statements] : [];
  return list.some((s) => {
    const st = s as { Effect?: string; Action?: Json };
    const actions = Array.isArray(st.Action) ? st.Action : [st.Action];
    return st.Effect === 'Allow' && actions.some((a) => a === 'ec2:CreateTags' || a === 'ec2:*' || a === '*');
  });
}

/**
 * An EKS Auto Mode NodeClass with custom tags while the cluster role may not tag: the AWS managed
 * Auto Mode policies do not allow user-defined tags, so nodes fail to launch
 * (https://docs.aws.amazon.com/eks/latest/userguide/auto-cluster-iam-role.html).
 */
export const nodeClassTagsWithoutPermission: DeployabilityRule = ({ stacks, manifests }) => {
  const tagged = (manifests as KubeLike[]).filter(
    (o) => o?.kind === 'NodeClass' && o.apiVersion?.startsWith('eks.amazonaws.com/') && Object.keys(o.spec?.tags ?? {}).length > 0,
  );
  if (tagged.length === 0) return [];
  const findings: CheckFinding[] = [];
  for (const [stack, id, cluster] of resources(stacks)) {
    if (cluster.Type !== 'AWS::EKS::Cluster') continue;
    const role = targetOf(cluster.Properties?.RoleArn, stack.name, exportsOf(stacks));
    if (!role) continue;
    const roleStack = stacks.find((s) => s.name === role.stack)?.template ?? ({} as CfnTemplate);
    const roleResource = roleStack.Resources?.[role.id];
    const inline = ((roleResource?.Properties?.Policies as { PolicyDocument?: Json }[] | undefined) ?? []).some((p) =>
      allowsCreateTags(p.PolicyDocument),
    );
    const attached = Object.values(roleStack.Resources ?? {}).some(
      (r) =>
        (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy') &&
        refsOf(r.Properties?.Roles ?? []).has(role.id) &&
        allowsCreateTags(r.Properties?.PolicyDocument),
    );
    if (inline || attached) continue;
    for (const nc of tagged) {
      findings.push({
        stack: stack.name,
        rule: 'nodeclass-tags-without-permission',
        location: `NodeClass/${nc.metadata?.name ?? '?'}`,
        message: `NodeClass ${nc.metadata?.name} sets custom tags (${Object.keys(nc.spec?.tags ?? {}).join(', ')}) but the cluster role ${role.id} of ${id} may not tag (no ec2:CreateTags beyond the AWS managed Auto Mode policies): nodes of this class fail to launch. Grant the cluster role the tagging permissions of https://docs.aws.amazon.com/eks/latest/userguide/auto-cluster-iam-role.html, or drop the NodeClass tags`,
      });
    }
  }
  return findings;
};

/** Inbound and outbound rules per security group (default quota; IPv4 and IPv6 are counted separately). */
export const SECURITY_GROUP_RULE_QUOTA = 60;

/** A security group with more rules in one direction than the default quota allows. */
export const securityGroupRuleQuota: DeployabilityRule = ({ stacks }) => {
  const exported = exportsOf(stacks);
  const counts = new Map<string, { ingress4: number; ingress6: number; egress4: number; egress6: number }>();
  const count = (key: string, dir: 'ingress' | 'egress', rule: Record<string, Json>) => {
    const c = counts.get(key) ?? { ingress4: 0, ingress6: 0, egress4: 0, egress6: 0 };
    c[`${dir}${rule.CidrIpv6 !== undefined ? '6' : '4'}`]++;
    counts.set(key, c);
  };
  for (const [stack, id, r] of resources(stacks)) {
    if (r.Type === 'AWS::EC2::SecurityGroup') {
      const key = `${stack.name}/${id}`;
      counts.set(key, counts.get(key) ?? { ingress4: 0, ingress6: 0, egress4: 0, egress6: 0 });
      for (const rule of (r.Properties?.SecurityGroupIngress as Record<string, Json>[] | undefined) ?? []) count(key, 'ingress', rule);
      for (const rule of (r.Properties?.SecurityGroupEgress as Record<string, Json>[] | undefined) ?? []) count(key, 'egress', rule);
    }
    if (r.Type === 'AWS::EC2::SecurityGroupIngress' || r.Type === 'AWS::EC2::SecurityGroupEgress') {
      const group = targetOf(r.Properties?.GroupId, stack.name, exported);
      if (group) count(`${group.stack}/${group.id}`, r.Type.endsWith('Ingress') ? 'ingress' : 'egress', r.Properties ?? {});
    }
  }
  const findings: CheckFinding[] = [];
  for (const [key, c] of counts) {
    const over = (Object.entries(c) as [string, number][]).filter(([, n]) => n > SECURITY_GROUP_RULE_QUOTA);
    if (over.length === 0) continue;
    const [stack, id] = key.split('/');
    findings.push({
      stack,
      rule: 'security-group-rule-quota',
      location: id,
      message: `${id} has ${over.map(([k, n]) => `${n} ${k.replace(/[46]$/, '')} rules (IPv${k.endsWith('6') ? 6 : 4})`).join(', ')}, over the default quota of ${SECURITY_GROUP_RULE_QUOTA} per direction: the deploy fails (RulesPerSecurityGroupLimitExceeded). Use fewer, wider CIDRs (e.g. fewer ingress.allowedCidrs), a managed prefix list, or raise the quota first (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups)`,
    });
  }
  return findings;
};

/**
 * A cluster whose API endpoint is private while nothing in the stage can reach it to sync the
 * manifests: the sync runs on a GitHub-hosted runner, outside the VPC. A CodeBuild project or a
 * Lambda function in a VPC counts as a sync path.
 */
export const privateEndpointWithoutSyncPath: DeployabilityRule = ({ stacks }) => {
  const inVpc = [...resources(stacks)].some(
    ([, , r]) => (r.Type === 'AWS::CodeBuild::Project' || r.Type === 'AWS::Lambda::Function') && r.Properties?.VpcConfig !== undefined,
  );
  const findings: CheckFinding[] = [];
  for (const [stack, id, r] of resources(stacks)) {
    if (r.Type !== 'AWS::EKS::Cluster') continue;
    const vpc = (r.Properties?.ResourcesVpcConfig ?? {}) as { EndpointPublicAccess?: Json };
    if (vpc.EndpointPublicAccess !== false || inVpc) continue;
    findings.push({
      stack: stack.name,
      rule: 'private-endpoint-without-sync-path',
      location: id,
      message: `${id} has a private API endpoint only (EndpointPublicAccess: false) and the stage has no sync path inside the VPC (a CodeBuild project or Lambda function with a VpcConfig): 'mfctl sync' on a GitHub-hosted runner cannot reach the cluster. Add a sync path in the VPC, or set cluster.publicEndpoint (with allowPublicEndpointOnProd on prod)`,
    });
  }
  return findings;
};

export const DEPLOYABILITY_RULES: readonly DeployabilityRule[] = [
  retainedUsesDeletable,
  retainedFixedName,
  certificateInUndelegatedZone,
  nodeClassTagsWithoutPermission,
  securityGroupRuleQuota,
  privateEndpointWithoutSyncPath,
];
