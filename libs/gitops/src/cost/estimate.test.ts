import { CfnTemplate } from '../synth/stage-assembly';
import { CostEstimate, estimateIdleCost } from './estimate';
import { PRICE_BOOK } from './prices';

const DATE = new Date('2026-12-01T12:00:00Z');
const HOURS = PRICE_BOOK.hoursPerMonth;
const P = PRICE_BOOK.regions['us-west-2'];

function template(resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>): CfnTemplate {
  return { Resources: resources };
}

function estimate(templates: CfnTemplate[], objects: unknown[] = [], region = 'us-west-2', date = DATE): CostEstimate {
  return estimateIdleCost({ templates, objects, region, date });
}

function item(e: CostEstimate, key: string) {
  return e.items.find((i) => i.key === key);
}

const cents = (n: number) => Math.round(n * 100) / 100;

const cluster = (props: Record<string, unknown> = {}) => ({
  Type: 'AWS::EKS::Cluster',
  Properties: { Version: '1.35', ComputeConfig: { Enabled: true, NodePools: ['system', 'general-purpose'] }, ...props },
});

const deployment = (name: string, replicas: number, cpu: string, memory: string, env: { name: string; value: string }[] = []) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'metaflow' },
  spec: { replicas, template: { spec: { containers: [{ name, env, resources: { requests: { cpu, memory } } }] } } },
});

describe('estimateIdleCost: one priced resource type at a time', () => {
  it('NAT gateways: each adds its hourly price, whatever else the template holds', () => {
    const one = estimate([template({ Nat1: { Type: 'AWS::EC2::NatGateway' } })]);
    const three = estimate([
      template({ Nat1: { Type: 'AWS::EC2::NatGateway' }, Nat2: { Type: 'AWS::EC2::NatGateway' }, Nat3: { Type: 'AWS::EC2::NatGateway' } }),
    ]);
    expect(item(one, 'nat-gateways')?.quantity).toBe(1);
    expect(three.total - one.total).toBeCloseTo(2 * P.natGatewayHour.price * HOURS, 2);
  });

  it("NAT instances: each at its type's on-demand price plus its public address; a NAT gateway still costs its own price", () => {
    const natInstance = (type: string) => ({
      Type: 'AWS::EC2::Instance',
      Properties: { InstanceType: type, SourceDestCheck: false, NetworkInterfaces: [{ DeviceIndex: '0', AssociatePublicIpAddress: true }] },
    });
    const gateway = estimate([template({ Eip: { Type: 'AWS::EC2::EIP' }, Nat: { Type: 'AWS::EC2::NatGateway' } })]);
    const instance = estimate([template({ Nat: natInstance('t4g.nano') })]);
    expect(item(instance, 'nat-gateways')).toBeUndefined();
    expect(item(instance, 'nat-instances:t4g.nano')).toMatchObject({
      quantity: 1,
      monthly: cents(P.instanceHour.prices['t4g.nano'] * HOURS),
    });
    expect(item(instance, 'public-ipv4')).toMatchObject({ quantity: 1, detail: expect.stringContaining('1 of NAT instances') });
    expect(instance.total).toBeCloseTo((P.instanceHour.prices['t4g.nano'] + P.publicIpv4Hour.price) * HOURS, 1);
    expect(gateway.total).toBeCloseTo((P.natGatewayHour.price + P.publicIpv4Hour.price) * HOURS, 1);
    const two = estimate([template({ A: natInstance('t4g.small'), B: natInstance('t4g.small') })]);
    expect(item(two, 'nat-instances:t4g.small')?.monthly).toBe(cents(2 * P.instanceHour.prices['t4g.small'] * HOURS));
    const unpriced = estimate([template({ A: natInstance('x9.huge') })]);
    expect(unpriced.items.filter((i) => i.key.includes('instances'))).toEqual([]);
    expect(unpriced.warnings).toEqual([expect.stringContaining('x9.huge has no price')]);
  });

  it('public IPv4: elastic IPs, and one address per ELB zone for an internet-facing load balancer', () => {
    const subnets = Object.fromEntries(
      ['a', 'b', 'c'].map((z) => [
        `Public${z}`,
        {
          Type: 'AWS::EC2::Subnet',
          Properties: { AvailabilityZone: `us-west-2${z}`, Tags: [{ Key: 'kubernetes.io/role/elb', Value: '1' }] },
        },
      ]),
    );
    const service = (scheme: string) => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'lb', namespace: 'x', annotations: { 'service.beta.kubernetes.io/aws-load-balancer-scheme': scheme } },
      spec: { type: 'LoadBalancer' },
    });
    const e = estimate([template({ Eip: { Type: 'AWS::EC2::EIP' }, ...subnets })], [service('internet-facing')]);
    expect(item(e, 'public-ipv4')?.quantity).toBe(4);
    expect(item(e, 'public-ipv4')?.monthly).toBe(cents(4 * 0.005 * HOURS));
    expect(item(estimate([template(subnets)], [service('internal')]), 'public-ipv4')).toBeUndefined();
  });

  it('interface endpoints: priced per zone (subnet), gateway endpoints free', () => {
    const e = estimate([
      template({
        S3: { Type: 'AWS::EC2::VPCEndpoint', Properties: { VpcEndpointType: 'Gateway' } },
        Sts: { Type: 'AWS::EC2::VPCEndpoint', Properties: { VpcEndpointType: 'Interface', SubnetIds: ['a', 'b', 'c'] } },
        Ecr: { Type: 'AWS::EC2::VPCEndpoint', Properties: { VpcEndpointType: 'Interface', SubnetIds: ['a', 'b'] } },
      }),
    ]);
    expect(item(e, 'interface-endpoints')?.quantity).toBe(5);
    expect(item(e, 'interface-endpoints')?.monthly).toBe(cents(5 * P.interfaceEndpointAzHour.price * HOURS));
  });

  it('EKS control plane: standard support, then extended from the end of standard support in the calendar', () => {
    const before = estimate([template({ C: cluster({ Version: '1.34' }) })], [], 'us-west-2', new Date('2026-12-01T00:00:00Z'));
    const after = estimate([template({ C: cluster({ Version: '1.34' }) })], [], 'us-west-2', new Date('2026-12-02T00:00:00Z'));
    expect(item(before, 'eks-control-plane')?.monthly).toBe(cents(0.1 * HOURS));
    expect(item(after, 'eks-control-plane')?.monthly).toBe(cents(0.6 * HOURS));
    expect(item(after, 'eks-control-plane')?.label).toContain('extended');
    const unknown = estimate([template({ C: cluster({ Version: '1.20' }) })]);
    expect(item(unknown, 'eks-control-plane')?.monthly).toBe(cents(0.1 * HOURS));
    expect(unknown.warnings.join()).toContain('1.20 is not in the EKS release calendar');
  });

  describe('Aurora Serverless v2', () => {
    const data = (scaling: Record<string, unknown>, readers = 0) =>
      template({
        Db: { Type: 'AWS::RDS::DBCluster', Properties: { ServerlessV2ScalingConfiguration: scaling } },
        Writer: { Type: 'AWS::RDS::DBInstance', Properties: { DBInstanceClass: 'db.serverless', DBClusterIdentifier: { Ref: 'Db' } } },
        ...Object.fromEntries(
          Array.from({ length: readers }, (_, i) => [
            `Reader${i}`,
            { Type: 'AWS::RDS::DBInstance', Properties: { DBInstanceClass: 'db.serverless', DBClusterIdentifier: { Ref: 'Db' } } },
          ]),
        ),
      });
    const holder = deployment('metaflow-ui-backend', 1, '100m', '128Mi', [{ name: 'MF_METADATA_DB_HOST', value: 'db' }]);

    it('min capacity per instance, all hours, when it never pauses', () => {
      const e = estimate([data({ MinCapacity: 0.5, MaxCapacity: 16 }, 1)]);
      expect(item(e, 'aurora-capacity')?.quantity).toBe(1);
      expect(item(e, 'aurora-capacity')?.monthly).toBe(cents(1 * P.auroraAcuHour.price * HOURS));
      expect(item(e, 'aurora-storage')?.monthly).toBe(cents(PRICE_BOOK.assumptions.auroraStorageGb.value * P.auroraStorageGbMonth.price));
      expect(item(e, 'aurora-storage')?.assumption).toBeDefined();
    });

    it('min 0 pauses (no capacity cost) only when nothing holds a connection', () => {
      const paused = estimate([data({ MinCapacity: 0, SecondsUntilAutoPause: 600 })], []);
      expect(item(paused, 'aurora-capacity')).toBeUndefined();
      expect(item(paused, 'aurora-storage')).toBeDefined();
      const held = estimate([data({ MinCapacity: 0, SecondsUntilAutoPause: 600 })], [holder]);
      expect(item(held, 'aurora-capacity')?.quantity).toBe(0.5);
      expect(item(held, 'aurora-capacity')?.detail).toContain('Deployment metaflow/metaflow-ui-backend');
    });
  });

  it('load balancers: one per LoadBalancer Service and per Gateway whose EnvoyProxy service is a LoadBalancer', () => {
    const objects = [
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'a', namespace: 'x' }, spec: { type: 'LoadBalancer' } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'b', namespace: 'x' }, spec: { type: 'ClusterIP' } },
      {
        apiVersion: 'gateway.envoyproxy.io/v1alpha1',
        kind: 'EnvoyProxy',
        metadata: { name: 'nlb', namespace: 'eg' },
        spec: { provider: { kubernetes: { envoyService: { type: 'LoadBalancer' } } } },
      },
      {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'GatewayClass',
        metadata: { name: 'c' },
        spec: { parametersRef: { kind: 'EnvoyProxy', name: 'nlb', namespace: 'eg' } },
      },
      {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'Gateway',
        metadata: { name: 'g', namespace: 'm' },
        spec: { gatewayClassName: 'c' },
      },
    ];
    const e = estimate([], objects);
    expect(item(e, 'load-balancers')?.quantity).toBe(2);
    expect(item(e, 'load-balancers')?.monthly).toBe(cents(2 * P.loadBalancerHour.price * HOURS));
  });

  it('secrets, hosted zones, KMS keys: per month each', () => {
    const e = estimate([
      template({
        S1: { Type: 'AWS::SecretsManager::Secret' },
        S2: { Type: 'AWS::SecretsManager::Secret' },
        Z: { Type: 'AWS::Route53::HostedZone' },
        K: { Type: 'AWS::KMS::Key' },
      }),
    ]);
    expect(item(e, 'secrets')?.monthly).toBe(cents(2 * P.secretMonth.price));
    expect(item(e, 'hosted-zones')?.monthly).toBe(cents(P.hostedZoneMonth.price));
    expect(item(e, 'kms-keys')?.monthly).toBe(cents(P.kmsKeyMonth.price));
  });

  it('flow logs: priced only when present, storage by the log group retention (assumed volume)', () => {
    const flow = (retention?: number) =>
      template({
        G: { Type: 'AWS::Logs::LogGroup', Properties: retention === undefined ? {} : { RetentionInDays: retention } },
        F: { Type: 'AWS::EC2::FlowLog', Properties: { LogDestinationType: 'cloud-watch-logs', LogGroupName: { Ref: 'G' } } },
      });
    const gb = PRICE_BOOK.assumptions.flowLogGbMonth.value;
    const month = estimate([flow(30)]);
    expect(item(month, 'flow-logs')?.monthly).toBe(cents(gb * P.logsIngestionGb.price + gb * 1 * P.logsStorageGbMonth.price));
    expect(item(month, 'flow-logs')?.assumption).toBeDefined();
    const year = estimate([flow(365)]);
    expect(item(year, 'flow-logs')!.monthly).toBeGreaterThan(item(month, 'flow-logs')!.monthly);
    expect(item(estimate([template({ G: { Type: 'AWS::Logs::LogGroup' } })]), 'flow-logs')).toBeUndefined();
    const toS3 = template({ F: { Type: 'AWS::EC2::FlowLog', Properties: { LogDestinationType: 's3' } } });
    expect(item(estimate([toS3]), 'flow-logs')).toBeUndefined();
  });

  it('control-plane logs: by the enabled log types (assumed volume each)', () => {
    const a = PRICE_BOOK.assumptions.controlPlaneLogGbMonth.value;
    const logs = (types: string[]) => cluster({ Logging: { ClusterLogging: { EnabledTypes: types.map((Type) => ({ Type })) } } });
    const audit = estimate([template({ C: logs(['audit']) })]);
    expect(item(audit, 'control-plane-logs')?.quantity).toBe(a.audit);
    const all = estimate([template({ C: logs(['api', 'audit']) })]);
    expect(item(all, 'control-plane-logs')?.quantity).toBe(a.api + a.audit);
    expect(item(estimate([template({ C: cluster() })]), 'control-plane-logs')).toBeUndefined();
  });

  it('ECR: the assumed cache size when there is a pull-through cache rule', () => {
    const e = estimate([template({ R: { Type: 'AWS::ECR::PullThroughCacheRule' } })]);
    expect(item(e, 'ecr-storage')?.monthly).toBe(cents(PRICE_BOOK.assumptions.ecrCacheGb.value * P.ecrStorageGbMonth.price));
  });

  it('nodes and the Auto Mode fee: the always-on requests on the cheapest type the pools allow', () => {
    // 3 vCPU of requests on the built-in general-purpose pool (amd64): two c7i.large (1.93 vCPU each) beat an m7i.xlarge.
    const objects = [deployment('a', 3, '1', '1Gi')];
    const e = estimate([template({ C: cluster() })], objects);
    const nodes = e.items.find((i) => i.key.startsWith('nodes:'));
    expect(nodes?.key).toBe('nodes:c7i.large');
    expect(nodes?.quantity).toBe(2);
    expect(nodes?.monthly).toBe(cents(2 * P.instanceHour.prices['c7i.large'] * HOURS));
    expect(item(e, 'auto-mode:c7i.large')?.monthly).toBe(cents(2 * P.autoModeInstanceHour.prices['c7i.large'] * HOURS));
    // No always-on pod: no node.
    expect(estimate([template({ C: cluster() })]).items.some((i) => i.key.startsWith('nodes:'))).toBe(false);
  });

  it('nodes follow the node pool architecture: an arm64-only pool with the built-in ones off gets Graviton', () => {
    const pool = {
      apiVersion: 'karpenter.sh/v1',
      kind: 'NodePool',
      metadata: { name: 'platform' },
      spec: { template: { spec: { requirements: [{ key: 'kubernetes.io/arch', operator: 'In', values: ['arm64'] }] } } },
    };
    const e = estimate(
      [template({ C: cluster({ ComputeConfig: { Enabled: true, NodePools: [] } }) })],
      [pool, deployment('a', 1, '1', '1Gi')],
    );
    const nodes = e.items.find((i) => i.key.startsWith('nodes:'));
    expect(nodes?.key).toBe('nodes:c7g.large');
  });
});

describe('estimateIdleCost: regions and totals', () => {
  it('an unknown region falls back to us-east-1 with a warning', () => {
    const e = estimate([template({ Nat: { Type: 'AWS::EC2::NatGateway' } })], [], 'ap-south-2');
    expect(e.priceRegion).toBe('us-east-1');
    expect(e.warnings.join()).toContain('no prices for region ap-south-2');
    expect(item(e, 'nat-gateways')?.monthly).toBe(cents(PRICE_BOOK.regions['us-east-1'].natGatewayHour.price * HOURS));
  });

  it('the total is the sum of the items', () => {
    const e = estimate([template({ Nat: { Type: 'AWS::EC2::NatGateway' }, Eip: { Type: 'AWS::EC2::EIP' }, C: cluster() })]);
    expect(e.total).toBe(cents(e.items.reduce((n, i) => n + i.monthly, 0)));
  });
});
