import { sampleReport, sampleStage } from '@metaflow-gitops/testing/gitops';
import { renderMarkdown } from './markdown';
import { diffStack } from './template-diff';
import { COMMENT_MARKER } from './report';
import { COMMENT_LIMIT, cutAtSections, sectionBoundary } from './truncate';
import { prepareCommentBody } from './comment';
import { StageReport } from './report';
import { costDelta } from '../cost/delta';
import { CostEstimate, estimateIdleCost } from '../cost/estimate';

describe('renderMarkdown', () => {
  it('starts with the marker, then the summary table with counts per stage', () => {
    const md = renderMarkdown(sampleReport([sampleStage('dev'), sampleStage('prod')], { unaffected: ['other'] }));
    expect(md.startsWith(`${COMMENT_MARKER}\n## metaflow-gitops plan: 2 stages affected`)).toBe(true);
    const rows = md.split('\n').filter((l) => l.startsWith('| dev ') || l.startsWith('| prod '));
    expect(rows).toEqual([
      '| dev | 111111111111 eu-west-1 | stage file environments/dev.yaml changed | 1 | 0 | 0 | 0 | — | +0 ~1 -0 | n/a | — | ⚠️ 1 warning |',
      '| prod | 111111111111 eu-west-1 · prod | stage file environments/prod.yaml changed | 1 | 0 | 0 | 0 | — | +0 ~1 -0 | n/a | — | ⚠️ 1 warning |',
    ]);
    expect(md).toContain('Unaffected stages: `other`.');
    expect(md).not.toContain('DESTRUCTIVE');
    // The summary table comes before any collapsible detail.
    expect(md.indexOf('| Stage |')).toBeLessThan(md.indexOf('<details'));
  });

  it('has one collapsible block per stage and per changed stack, unchanged stacks listed by name', () => {
    const md = renderMarkdown(sampleReport([sampleStage('dev')]));
    expect(md).toContain('<details><summary><b>dev</b> 111111111111 eu-west-1 — +1 ~0 ±0 -0 — checks ⚠️ 1 warning</summary>');
    expect(md).toContain('<details><summary><code>dev-data</code> +1 ~0 ±0 -0</summary>');
    expect(md).toContain('unchanged: `dev-vpc`');
    expect(md).not.toContain('<code>dev-vpc</code>');
    expect(md).toContain('| ➕ add | Queue | AWS::SQS::Queue |  |');
    expect(md).toContain('```diff\n@@ -5,5 +5,5 @@');
    expect(md).toContain('-  replicas: 1\n+  replicas: 2');
    expect(md.match(/<details/g)!.length).toBe(md.match(/<\/details>/g)!.length);
  });

  it('shouts destructive changes at the top with how to acknowledge them', () => {
    const md = renderMarkdown(sampleReport([sampleStage('dev', { destructive: true })]), { ackLabel: 'allow-destructive' });
    const banner = md.indexOf('> [!CAUTION]');
    expect(banner).toBeGreaterThan(0);
    expect(banner).toBeLessThan(md.indexOf('| Stage |'));
    expect(md).toContain('**dev** `dev-data` `DatabaseCluster5B53A178` (AWS::RDS::DBCluster) would be **ORPHANED**');
    expect(md).toContain('rename of the logical ID to `MetadataDb0A1B2C3D`');
    expect(md).toContain('adds the `allow-destructive` label');
    expect(md).toMatch(/\| dev \|.*\| 💥 1 \|/);
  });

  it('says so when no stage is affected', () => {
    const md = renderMarkdown(sampleReport([], { unaffected: ['dev'] }));
    expect(md).toContain('no stage affected');
    expect(md).toContain('No stage is affected');
    expect(md).not.toContain('| Stage |');
  });
});

describe('cutting at section boundaries', () => {
  const body = [
    'head\n',
    sectionBoundary(0),
    '<details>A\n',
    sectionBoundary(1),
    'a1 '.repeat(50) + '\n',
    sectionBoundary(1),
    'a2 '.repeat(50) + '\n',
    '</details>\n',
    sectionBoundary(0),
    'tail\n',
  ].join('');

  it('leaves a body that fits alone', () => {
    expect(cutAtSections(body, body.length, () => 'NOTE')).toEqual({ text: body, truncated: false, omittedSections: 0 });
  });

  it('cuts at the last boundary that fits and closes the open blocks', () => {
    const cut = cutAtSections(body, 260, (n) => `NOTE ${n}`);
    expect(cut.truncated).toBe(true);
    expect(cut.omittedSections).toBe(2);
    expect(cut.text).toContain('a1 a1');
    expect(cut.text).not.toContain('a2');
    expect(cut.text.endsWith('</details>\n\nNOTE 2\n')).toBe(true);
    expect(cut.text.length).toBeLessThanOrEqual(260);
  });

  it('cuts a real oversized report under the comment limit, keeping the summary and marker', () => {
    const report = sampleReport(Array.from({ length: 12 }, (_, i) => sampleStage(`stage-${i}`, { manifestObjects: 60 })));
    const md = renderMarkdown(report);
    expect(md.length).toBeGreaterThan(COMMENT_LIMIT);
    const { body: cut, truncated } = prepareCommentBody(md, 'https://github.example/o/r/actions/runs/1');
    expect(truncated).toBe(true);
    expect(cut.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(cut.startsWith(COMMENT_MARKER)).toBe(true);
    expect(cut).toContain('| stage-11 |');
    expect(cut).toContain("cut at a section boundary to fit GitHub's limit");
    expect(cut).toContain('[the workflow run](https://github.example/o/r/actions/runs/1)');
    expect(cut.match(/<details/g)!.length).toBe(cut.match(/<\/details>/g)!.length);
    expect(cut.match(/```/g)!.length % 2).toBe(0);
  });
});

describe('resource table order', () => {
  it('lists destroyed, orphaned and replaced resources before additions and updates', () => {
    const md = renderMarkdown(sampleReport([sampleStage('dev', { destructive: true })]));
    const rows = md.split('\n').filter((l) => /^\| (➕|✏️|♻️|🗑️|🔓)/.test(l));
    expect(rows.map((r) => r.split(' | ')[1])).toEqual(['DatabaseCluster5B53A178', 'MetadataDb0A1B2C3D', 'Queue']);
  });
});

describe('IAM and security-group column', () => {
  it('flags broadened permissions and security-group changes per stage', () => {
    const stage = sampleStage('dev');
    const withIam = diffStack(
      'dev-eks',
      { Resources: {} },
      {
        Resources: {
          P: {
            Type: 'AWS::IAM::Policy',
            Properties: {
              PolicyName: 'p',
              Roles: ['r'],
              PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] },
            },
          },
          Sg: {
            Type: 'AWS::EC2::SecurityGroup',
            Properties: {
              GroupDescription: 'x',
              SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0' }],
            },
          },
        },
      },
    );
    const md = renderMarkdown(sampleReport([{ ...stage, stacks: [...stage.stacks, withIam] }]));
    expect(md).toMatch(/\| dev \| .* \| 🔐 IAM broadened, SG \| \+0 ~1 -0 \|/);
    expect(md).toContain('<code>dev-eks</code> +2 ~0 ±0 -0 — 🔐 permissions broadened, 🛡️ security groups');
    expect(md).toContain('**IAM changes** (permissions broadened)');
  });
});

describe('what a reviewer must not miss', () => {
  const iamStack = (name: string) =>
    diffStack(name, undefined, {
      Resources: {
        P: {
          Type: 'AWS::IAM::Policy',
          Properties: {
            PolicyName: 'p',
            Roles: ['r'],
            PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] },
          },
        },
        Q1: { Type: 'AWS::SQS::Queue', Properties: {} },
        Q2: { Type: 'AWS::SQS::Queue', Properties: {} },
      },
    });

  it('a new stage is compact: stacks with resource counts by type, its IAM new (not broadened), its access listed', () => {
    const stage = sampleStage('qa');
    const added = {
      ...stage,
      change: 'added' as const,
      stacks: [iamStack('qa-eks')],
      counts: { added: 3, updated: 0, replaced: 0, destroyed: 0, orphaned: 0 },
      access: [{ field: 'deploy.roleArn', after: 'arn:aws:iam::111111111111:role/deploy-qa' }],
    };
    const md = renderMarkdown(sampleReport([added]));
    expect(md).toContain('- `qa-eks`: 3 resources (2 SQS::Queue, 1 IAM::Policy)');
    expect(md).not.toContain('| ➕ add |');
    expect(md).not.toContain('broadened');
    expect(md).toMatch(/\| qa \(added\) \| 111111111111 eu-west-1 \| .* \| IAM \(new\) \|/);
    expect(md).toContain('| deploy.roleArn | arn:aws:iam::111111111111:role/deploy-qa |');
    expect(md).toContain('**Kubernetes manifests** (new): 0 objects');
  });

  it('an updated property shows its old and new value; a forcing one is marked', () => {
    const st = diffStack(
      'dev-data',
      { Resources: { Db: { Type: 'AWS::RDS::DBCluster', Properties: { Engine: 'aurora-postgresql', BackupRetentionPeriod: 7 } } } },
      { Resources: { Db: { Type: 'AWS::RDS::DBCluster', Properties: { Engine: 'aurora-mysql', BackupRetentionPeriod: 30 } } } },
    );
    const md = renderMarkdown(sampleReport([{ ...sampleStage('dev'), stacks: [st] }]));
    expect(md).toContain('BackupRetentionPeriod: 7 → 30');
    expect(md).toContain('Engine (forces replacement): "aurora-postgresql" → "aurora-mysql"');
  });

  it('access grants, exports in use and a move are in the banner and at the top of the stage block', () => {
    const dev = {
      ...sampleStage('dev'),
      access: [
        {
          field: 'deploy.githubEnvironment',
          before: 'prod',
          after: 'prod-unprotected',
          grants: 'the GitHub environment decides who must approve deploys',
        },
      ],
      crossStack: [
        {
          stack: 'dev-vpc',
          exportName: 'dev-vpc:Subnet1',
          cause: '`Subnet1` (AWS::EC2::Subnet) is replaced',
          importers: [{ stack: 'dev-data', resources: [{ logicalId: 'DbSubnets', type: 'AWS::RDS::DBSubnetGroup', replaced: true }] }],
        },
      ],
    };
    const moved = {
      ...sampleStage('qa'),
      move: { from: { accountId: '111111111111', region: 'eu-west-1' }, to: { accountId: '111111111111', region: 'us-east-1' } },
    };
    const md = renderMarkdown(
      sampleReport([dev, moved], {
        destructive: true,
        removedStages: [{ stage: 'qa', loses: 'the old stage is left running, with its data' }],
      }),
    );
    const banner = md.slice(md.indexOf('> [!CAUTION]'), md.indexOf('| Stage |'));
    expect(banner).toContain('> - **qa**: **moves** to another account or region — the old stage is left running, with its data');
    expect(banner).toContain(
      '> - **dev** `dev-vpc` export `dev-vpc:Subnet1` changes (`Subnet1` (AWS::EC2::Subnet) is replaced) while `dev-data` imports it: CloudFormation **refuses**',
    );
    expect(banner).toContain('> - 🔑 **dev** `deploy.githubEnvironment`: prod → prod-unprotected — the GitHub environment decides');
    expect(md).toMatch(/\| dev \| .* \| 🔑 access granted \| .* \| 💥 2 \|/);
    expect(md).toMatch(/\| qa \(moved\) \| .* \| 💥 1 \|/);
    expect(md).toContain('**Moved** from account 111111111111 eu-west-1 to account 111111111111 us-east-1: this is a NEW, empty stage');
    expect(md).toContain(
      '| deploy.githubEnvironment | prod | prod-unprotected | 🔑 the GitHub environment decides who must approve deploys |',
    );
    expect(md).toContain(
      '| dev-vpc: dev-vpc:Subnet1 | `Subnet1` (AWS::EC2::Subnet) is replaced | dev-data: DbSubnets (AWS::RDS::DBSubnetGroup, REPLACED) |',
    );
  });

  it('a Kubernetes version change is said at the top of the stage block', () => {
    const upgraded = { ...sampleStage('dev'), kubernetesUpgrade: 'Kubernetes 1.34 -> 1.35: in-place EKS control-plane update' };
    const md = renderMarkdown(sampleReport([upgraded, sampleStage('prod')]));
    expect(md).toContain('\n**Kubernetes upgrade**: Kubernetes 1.34 -&gt; 1.35: in-place EKS control-plane update\n');
    expect(md.match(/Kubernetes upgrade/g)).toHaveLength(1);
  });
});

describe('idle cost in the comment', () => {
  const estimateOf = (nat: number) =>
    estimateIdleCost({
      templates: [
        {
          Resources: Object.fromEntries(
            Array.from({ length: nat }, (_, i) => [
              [`Nat${i}`, { Type: 'AWS::EC2::NatGateway' }],
              [`Eip${i}`, { Type: 'AWS::EC2::EIP' }],
            ]).flat(),
          ),
        },
      ],
      objects: [],
      region: 'us-west-2',
      date: new Date('2026-12-01'),
    });
  const withCost = (base: CostEstimate | undefined, head: CostEstimate): StageReport => ({
    ...sampleStage('dev'),
    cost: { head, ...(base ? { base } : {}), delta: costDelta(base, head) },
  });

  it('the summary table shows the monthly cost and the change; the stage block itemizes the change, with a pie', () => {
    const md = renderMarkdown(sampleReport([withCost(estimateOf(1), estimateOf(3))]));
    expect(md).toMatch(/\| dev \|.*\| \$110 \(\+\$73\) \|/);
    expect(md).toContain(
      '<b>Idle cost</b> $109.50/month — +$73.00/month: NAT gateways 1 → 3 (+$65.70), Public IPv4 addresses 1 → 3 (+$7.30)</summary>',
    );
    expect(md).toContain('```mermaid\npie showData\n  "NAT gateways" : 98.55\n');
    expect(md).toContain('| NAT gateways | 3 gateway | $98.55 | +$65.70 (1 → 3) |');
    expect(md).toContain('| **total** | | **$109.50** | **+$73.00** |');
    expect(md.match(/<details/g)!.length).toBe(md.match(/<\/details>/g)!.length);
  });

  it('a new stage: its cost, marked new; an item gone at the head is listed with its saving', () => {
    const added = renderMarkdown(sampleReport([{ ...withCost(undefined, estimateOf(1)), change: 'added' }]));
    expect(added).toMatch(/\| dev \(added\) \|.*\| \$37 \(new\) \|/);
    // A new stage is compact: one line with its largest items, no pie, no table.
    expect(added).toContain('**Idle cost** $36.50/month (new stage): NAT gateways $32.85, Public IPv4 addresses $3.65.');
    expect(added).not.toContain('```mermaid');
    // An existing stage whose base could not be priced (e.g. --against deployed): the head's figure, not "new".
    const uncompared = renderMarkdown(sampleReport([withCost(undefined, estimateOf(1))]));
    expect(uncompared).toMatch(/\| dev \|.*\| \$37 \|/);
    expect(uncompared).toContain('not compared: the base side has no rendering to price');
    const md = renderMarkdown(sampleReport([withCost(estimateOf(1), estimateOf(0))]));
    expect(md).toContain('| NAT gateways | 0 gateway | $0.00 | -$32.85 (1 → 0) |');
  });

  it('the cost block is a section of its own: a cut body stays well-formed', () => {
    const md = renderMarkdown(sampleReport(Array.from({ length: 30 }, () => withCost(estimateOf(1), estimateOf(3)))));
    const cut = cutAtSections(md, 20_000, () => 'cut');
    expect(cut.truncated).toBe(true);
    expect(cut.text.match(/<details/g)!.length).toBe(cut.text.match(/<\/details>/g)!.length);
    expect(cut.text.length).toBeLessThanOrEqual(20_000);
  });
});
