import { Match } from 'aws-cdk-lib/assertions';
import { BUCKET_PREFIXES, SERVICE_ACCOUNTS, clusterName, syncRunnerProjectName } from '@metaflow-gitops/stage-config';
import { makeStageConfig } from '@metaflow-gitops/testing/stage-config';
import { buildTestStage, BuiltStage } from '@metaflow-gitops/testing/constructs/aws';

let dev: BuiltStage;
let prod: BuiltStage;

beforeAll(() => {
  dev = buildTestStage(makeStageConfig({ name: 'dev' }));
  prod = buildTestStage(
    makeStageConfig({
      name: 'prod',
      isProd: true,
      cluster: {
        kubernetesVersion: '1.33',
        publicEndpoint: false,
        accessPrincipals: [
          { arn: 'arn:aws:iam::111111111111:role/admins', access: 'admin', namespaces: [] },
          { arn: 'arn:aws:iam::111111111111:role/scientists', access: 'edit', namespaces: ['metaflow-jobs'] },
          { arn: 'arn:aws:iam::444444444444:role/oncall', access: 'view', namespaces: [] },
        ],
      },
    }),
  );
});

type Resource = { Type: string; Properties: Record<string, unknown> };
const resources = (s: BuiltStage) => Object.values(s.template('eks').toJSON().Resources as Record<string, Resource>);

test('Auto Mode cluster: version from the stage file, own node role, API auth, no creator admin', () => {
  dev.template('eks').hasResourceProperties('AWS::EKS::Cluster', {
    Name: clusterName('dev'),
    Version: '1.35',
    AccessConfig: { AuthenticationMode: 'API', BootstrapClusterCreatorAdminPermissions: false },
    ComputeConfig: {
      Enabled: true,
      NodePools: ['system', 'general-purpose'],
      NodeRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^NodeRole'), 'Arn'] },
    },
    StorageConfig: { BlockStorage: { Enabled: true } },
    KubernetesNetworkConfig: Match.objectLike({ ElasticLoadBalancing: { Enabled: true } }),
  });
  prod.template('eks').hasResourceProperties('AWS::EKS::Cluster', { Version: '1.33' });
});

test('control-plane logs: all five types on prod, audit and authenticator on non-prod', () => {
  const logTypes = (s: BuiltStage) =>
    resources(s)
      .filter((r) => r.Type === 'AWS::EKS::Cluster')
      .map((r) =>
        (r.Properties.Logging as { ClusterLogging: { EnabledTypes: { Type: string }[] } }).ClusterLogging.EnabledTypes.map((t) => t.Type),
      );
  expect(logTypes(prod)).toEqual([['api', 'audit', 'authenticator', 'controllerManager', 'scheduler']]);
  expect(logTypes(dev)).toEqual([['audit', 'authenticator']]);
});

test('API endpoint: public on non-prod (stage default), private on prod', () => {
  dev.template('eks').hasResourceProperties('AWS::EKS::Cluster', {
    ResourcesVpcConfig: Match.objectLike({ EndpointPublicAccess: true, EndpointPrivateAccess: true }),
  });
  prod.template('eks').hasResourceProperties('AWS::EKS::Cluster', {
    ResourcesVpcConfig: Match.objectLike({ EndpointPublicAccess: false, EndpointPrivateAccess: true }),
  });
});

test('kubeconfig outputs: endpoint and CA data are native Fn::GetAtt of the cluster, private endpoint included', () => {
  for (const stage of [dev, prod]) {
    const t = stage.template('eks').toJSON() as { Resources: Record<string, Resource>; Outputs: Record<string, { Value: unknown }> };
    const clusterIds = Object.entries(t.Resources)
      .filter(([, r]) => r.Type === 'AWS::EKS::Cluster')
      .map(([id]) => id);
    expect(clusterIds).toHaveLength(1);
    expect(t.Outputs.ClusterEndpoint.Value).toEqual({ 'Fn::GetAtt': [clusterIds[0], 'Endpoint'] });
    expect(t.Outputs.ClusterCertificateAuthorityData.Value).toEqual({ 'Fn::GetAtt': [clusterIds[0], 'CertificateAuthorityData'] });
  }
});

test('no kubectl Lambda, no custom resource, no OIDC provider: only native resources', () => {
  for (const stage of [dev, prod]) {
    const types = resources(stage).map((r) => r.Type);
    expect(types.filter((t) => t.startsWith('Custom::') || t === 'AWS::Lambda::Function' || t === 'AWS::CloudFormation::Stack')).toEqual(
      [],
    );
    expect(types).not.toContain('Custom::AWSCDKOpenIdConnectProvider');
  }
});

test('access entries: the deploy role is admin; principals get their scope and namespaces', () => {
  const entries = resources(prod)
    .filter((r) => r.Type === 'AWS::EKS::AccessEntry')
    .map((r) => r.Properties);
  const policy = (name: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:eks::aws:cluster-access-policy/${name}`]] });
  expect(entries.map((e) => [e.PrincipalArn, e.AccessPolicies, e.KubernetesGroups])).toEqual([
    [
      'arn:aws:iam::111111111111:role/metaflow-gitops-deploy-prod',
      [{ PolicyArn: policy('AmazonEKSClusterAdminPolicy'), AccessScope: { Type: 'cluster' } }],
      undefined,
    ],
    [
      'arn:aws:iam::111111111111:role/admins',
      [{ PolicyArn: policy('AmazonEKSClusterAdminPolicy'), AccessScope: { Type: 'cluster' } }],
      undefined,
    ],
    [
      'arn:aws:iam::111111111111:role/scientists',
      [{ PolicyArn: policy('AmazonEKSEditPolicy'), AccessScope: { Type: 'namespace', Namespaces: ['metaflow-jobs'] } }],
      ['metaflow-users'],
    ],
    ['arn:aws:iam::444444444444:role/oncall', [{ PolicyArn: policy('AmazonEKSViewPolicy'), AccessScope: { Type: 'cluster' } }], undefined],
    // The data-scientist role (data-scientist-role.test.ts): RBAC through the group only.
    [{ 'Fn::GetAtt': [expect.stringMatching(/^DataScientistRole/), 'Arn'] }, undefined, ['metaflow-users']],
  ]);
});

describe('Pod Identity: one role per ServiceAccount that needs AWS, least privilege', () => {
  const podRoles = () => {
    const t = dev.template('eks');
    const all = t.toJSON().Resources as Record<string, Resource>;
    const out: Record<string, { statements: { Action: string | string[]; Resource: unknown; Condition?: unknown }[]; trust: unknown }> = {};
    for (const r of Object.values(all)) {
      if (r.Type !== 'AWS::EKS::PodIdentityAssociation') continue;
      const roleId = (r.Properties.RoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      const role = all[roleId].Properties as { Policies: { PolicyDocument: { Statement: never[] } }[]; AssumeRolePolicyDocument: unknown };
      out[`${r.Properties.Namespace}/${r.Properties.ServiceAccount}`] = {
        statements: role.Policies[0].PolicyDocument.Statement,
        trust: role.AssumeRolePolicyDocument,
      };
    }
    return out;
  };
  const sa = (key: keyof typeof SERVICE_ACCOUNTS) => `${SERVICE_ACCOUNTS[key].namespace}/${SERVICE_ACCOUNTS[key].name}`;
  const bucketArn = { 'Fn::ImportValue': expect.stringMatching(/^dev-data:ExportsOutputFnGetAttArtifactBucketArn/) };
  const objects = (suffix: string) => ({ 'Fn::Join': ['', [bucketArn, suffix]] });

  test('exactly the accounts with AWS needs get a role (names from the shared naming module)', () => {
    expect(Object.keys(podRoles()).sort()).toEqual(
      [sa('uiBackend'), sa('task'), sa('argoServer'), sa('argoController'), sa('externalSecrets'), sa('externalDns')].sort(),
    );
  });

  test('roles trust only the Pod Identity service of this account, for their own cluster, namespace and account', () => {
    for (const [key, { trust }] of Object.entries(podRoles())) {
      const [namespace, name] = key.split('/');
      expect(trust).toEqual({
        Statement: [
          {
            Action: ['sts:AssumeRole', 'sts:TagSession'],
            Condition: {
              StringEquals: {
                'aws:SourceAccount': '111111111111',
                'aws:RequestTag/eks-cluster-name': 'metaflow-dev',
                'aws:RequestTag/kubernetes-namespace': namespace,
                'aws:RequestTag/kubernetes-service-account': name,
              },
            },
            Effect: 'Allow',
            Principal: { Service: 'pods.eks.amazonaws.com' },
          },
        ],
        Version: '2012-10-17',
      });
    }
  });

  test('Metaflow tasks read/write the stage bucket only; the UI backend only reads it', () => {
    const roles = podRoles();
    expect(roles[sa('task')].statements).toEqual([
      { Action: 's3:ListBucket', Effect: 'Allow', Resource: bucketArn },
      { Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], Effect: 'Allow', Resource: objects('/*') },
    ]);
    expect(roles[sa('uiBackend')].statements).toEqual([
      { Action: 's3:ListBucket', Effect: 'Allow', Resource: bucketArn },
      { Action: 's3:GetObject', Effect: 'Allow', Resource: objects('/*') },
    ]);
  });

  test('Argo only touches its artifact prefix', () => {
    const prefix = BUCKET_PREFIXES.argo;
    expect(podRoles()[sa('argoController')].statements).toEqual([
      {
        Action: 's3:ListBucket',
        Condition: { StringLike: { 's3:prefix': [`${prefix}/*`, `${prefix}/`] } },
        Effect: 'Allow',
        Resource: bucketArn,
      },
      { Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], Effect: 'Allow', Resource: objects(`/${prefix}/*`) },
    ]);
    expect(podRoles()[sa('argoServer')].statements[1]).toEqual({
      Action: 's3:GetObject',
      Effect: 'Allow',
      Resource: objects(`/${prefix}/*`),
    });
  });

  test('External Secrets reads the database and gateway-client secrets only', () => {
    expect(podRoles()[sa('externalSecrets')].statements).toEqual([
      {
        Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        Effect: 'Allow',
        Resource: [
          { 'Fn::ImportValue': expect.stringMatching(/^dev-data:ExportsOutputRefDatabaseSecretAttachment/) },
          { 'Fn::ImportValue': expect.stringMatching(/^dev-auth:ExportsOutputRefGatewayClientSecret/) },
        ],
      },
    ]);
  });

  test("ExternalDNS changes the stage zone only; '*' only where IAM has no resource scope", () => {
    const [zone, list] = podRoles()[sa('externalDns')].statements;
    expect(zone.Action).toEqual(['route53:ChangeResourceRecordSets', 'route53:ListResourceRecordSets', 'route53:ListTagsForResource']);
    expect(JSON.stringify(zone.Resource)).toContain(':route53:::hostedzone/');
    expect(JSON.stringify(zone.Resource)).toContain('dev-dns:ExportsOutputRefStageHostedZone');
    expect(list).toEqual({ Action: 'route53:ListHostedZones', Effect: 'Allow', Resource: '*' });
  });

  test("no statement anywhere in the stage's pod roles uses '*' except ListHostedZones", () => {
    for (const [name, { statements }] of Object.entries(podRoles())) {
      for (const s of statements) {
        if (s.Resource === '*') expect({ name, action: s.Action }).toEqual({ name: sa('externalDns'), action: 'route53:ListHostedZones' });
      }
    }
  });
});

test('the database admits the cluster security group on 5432, from this stack', () => {
  dev.template('eks').hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
    GroupId: { 'Fn::ImportValue': Match.stringLikeRegexp('^dev-data:ExportsOutputFnGetAttMetadataDatabaseSecurityGroupGroupId') },
    SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Cluster'), 'ClusterSecurityGroupId'] },
    IpProtocol: 'tcp',
    FromPort: 5432,
    ToPort: 5432,
  });
});

test('node role: the two Auto Mode node policies, trusted by EC2', () => {
  dev.template('eks').hasResourceProperties('AWS::IAM::Role', {
    AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'ec2.amazonaws.com' } })] },
    ManagedPolicyArns: [
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AmazonEKSWorkerNodeMinimalPolicy']] },
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AmazonEC2ContainerRegistryPullOnly']] },
    ],
  });
});

test('a principal listed twice (or the deploy role again) is refused: EKS allows one access entry per principal', () => {
  const deployRole = 'arn:aws:iam::111111111111:role/metaflow-gitops-deploy-dup';
  expect(() =>
    buildTestStage(makeStageConfig({ name: 'dup', cluster: { accessPrincipals: [{ arn: deployRole, access: 'view', namespaces: [] }] } })),
  ).toThrow(`cluster.accessPrincipals: '${deployRole}' is listed twice (or is the deploy role, which is always admin)`);
});

test('the cluster role may tag what Auto Mode creates for the NodeClass (its tags), only with this cluster tag', () => {
  const name = clusterName('dev');
  const policies = resources(dev).filter((r) => r.Type === 'AWS::IAM::Policy');
  const tagging = policies.find((p) => JSON.stringify(p.Properties).includes('ec2:CreateAction'));
  expect(tagging).toBeDefined();
  const doc = tagging!.Properties.PolicyDocument as {
    Statement: { Action: string | string[]; Condition: Record<string, Record<string, unknown>> }[];
  };
  const actions = doc.Statement.flatMap((s) => [s.Action].flat());
  expect(actions).toEqual(
    expect.arrayContaining(['ec2:RunInstances', 'ec2:CreateFleet', 'ec2:CreateLaunchTemplate', 'ec2:CreateTags', 'ec2:DeleteTags']),
  );
  for (const s of doc.Statement) {
    const tags = { ...s.Condition.StringEquals };
    expect(tags['aws:RequestTag/eks:eks-cluster-name'] ?? tags['aws:ResourceTag/eks:eks-cluster-name']).toBe(name);
  }
  const roles = tagging!.Properties.Roles as { Ref: string }[];
  const cluster = resources(dev).find((r) => r.Type === 'AWS::EKS::Cluster')!;
  expect(cluster.Properties.RoleArn).toEqual({ 'Fn::GetAtt': [roles[0].Ref, 'Arn'] });
});

test('deletion protection on the prod cluster only', () => {
  prod.template('eks').hasResourceProperties('AWS::EKS::Cluster', { DeletionProtection: true });
  dev.template('eks').hasResourceProperties('AWS::EKS::Cluster', { DeletionProtection: Match.absent() });
});

describe('sync runner (private Kubernetes API): a CodeBuild GitHub Actions runner in the stage VPC', () => {
  const connectionArn = 'arn:aws:codeconnections:us-west-2:111111111111:connection/00000000-0000-0000-0000-000000000000';
  let withRunner: BuiltStage;
  beforeAll(() => {
    withRunner = buildTestStage(
      makeStageConfig({
        name: 'priv',
        cluster: { publicEndpoint: false },
        deploy: { syncRunner: { repository: 'example-org/metaflow-platform', connectionArn } },
      }),
    );
  });

  test('a runner project for the repository, started by queued workflow jobs, in the private subnets, through the connection', () => {
    const t = withRunner.template('eks');
    t.hasResourceProperties('AWS::CodeBuild::Project', {
      Name: syncRunnerProjectName('priv'),
      Source: {
        Type: 'GITHUB',
        Location: 'https://github.com/example-org/metaflow-platform.git',
        Auth: { Type: 'CODECONNECTIONS', Resource: connectionArn },
      },
      Triggers: { Webhook: true, FilterGroups: [[{ Type: 'EVENT', Pattern: 'WORKFLOW_JOB_QUEUED' }]] },
      VpcConfig: Match.objectLike({ Subnets: Match.anyValue(), SecurityGroupIds: Match.anyValue() }),
    });
    const project = resources(withRunner).find((r) => r.Type === 'AWS::CodeBuild::Project')!;
    const vpc = project.Properties.VpcConfig as { Subnets: unknown[] };
    const cluster = resources(withRunner).find((r) => r.Type === 'AWS::EKS::Cluster')!;
    expect(vpc.Subnets).toEqual((cluster.Properties.ResourcesVpcConfig as { SubnetIds: unknown[] }).SubnetIds);
  });

  test('the runner reaches the private API: HTTPS from its security group into the cluster security group', () => {
    const ingress = resources(withRunner).filter(
      (r) => r.Type === 'AWS::EC2::SecurityGroupIngress' && r.Properties.FromPort === 443 && r.Properties.ToPort === 443,
    );
    expect(ingress).toHaveLength(1);
    expect(ingress[0].Properties.GroupId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Cluster/), 'ClusterSecurityGroupId'] });
    expect(JSON.stringify(ingress[0].Properties.SourceSecurityGroupId)).toContain('SyncRunnerSecurityGroup');
  });

  test('the runner role may use the connection only, never the cluster (jobs assume the deploy role through OIDC)', () => {
    const policies = resources(withRunner).filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r).includes('codeconnections:'));
    expect(policies).toHaveLength(1);
    const text = JSON.stringify(policies[0].Properties);
    expect(text).toContain(connectionArn);
    expect(text).not.toMatch(/"eks:|"sts:AssumeRole/);
  });

  test('no runner without the setting (public API: sync keeps the GitHub-hosted runner)', () => {
    dev.template('eks').resourceCountIs('AWS::CodeBuild::Project', 0);
  });
});

test('public API endpoint only from the stage file CIDRs', () => {
  const narrowed = buildTestStage(makeStageConfig({ name: 'narrow', cluster: { publicAccessCidrs: ['203.0.113.0/24'] } }));
  narrowed.template('eks').hasResourceProperties('AWS::EKS::Cluster', {
    ResourcesVpcConfig: Match.objectLike({ EndpointPublicAccess: true, PublicAccessCidrs: ['203.0.113.0/24'] }),
  });
});
