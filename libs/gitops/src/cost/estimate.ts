import { KUBERNETES_CALENDAR } from '@metaflow-gitops/stage-config';
import { CfnResource, CfnTemplate } from '../synth/stage-assembly';
import { databaseConnectionHolders } from './database-pause';
import { candidateTypes, nodePools, nodesNeeded } from './nodes';
import { InstanceType, Price, PRICE_BOOK, PriceBook, regionPrices, RegionPrices } from './prices';
import { asArray, at, isObject } from './private/json';
import { alwaysOnPods, AlwaysOnPods } from './workloads';

/** One line of the estimate: a kind of resource, how many, what a month of it costs idle. */
export interface CostItem {
  /** Stable key, for comparing two estimates. */
  readonly key: string;
  readonly label: string;
  readonly quantity: number;
  /** What `quantity` counts: `gateway`, `ACU`, `GB`, ... */
  readonly unit: string;
  /** USD a month (730 hours). */
  readonly monthly: number;
  /** How it was computed, in words. */
  readonly detail: string;
  /** Set when the quantity is a guess (log volumes, storage): what is assumed. */
  readonly assumption?: string;
}

export interface CostEstimate {
  /** The stage's region, and the region whose prices were used (the fallback when the file has none). */
  readonly region: string;
  readonly priceRegion: string;
  readonly currency: string;
  /** Date of the estimate (ISO day): decides standard or extended Kubernetes support. */
  readonly date: string;
  readonly items: readonly CostItem[];
  /** USD a month. */
  readonly total: number;
  readonly warnings: readonly string[];
}

export interface CostInput {
  /** The stage's synthesized templates. */
  readonly templates: readonly CfnTemplate[];
  /** The rendered manifests: Kubernetes objects and Helm releases. */
  readonly objects: readonly unknown[];
  readonly region: string;
  readonly date: Date;
  /** @default the shipped `prices.json` */
  readonly book?: PriceBook;
}

/** What the estimate leaves out: costs that depend on use, not on what is deployed. */
export const LEFT_OUT = [
  'data transfer and NAT gateway data processing (per GB)',
  'requests and use-based charges (S3 requests, Secrets Manager and KMS API calls, load balancer capacity units, Route 53 queries)',
  'S3 storage of artifacts and Aurora backups beyond the free allowance (both grow with use)',
  'the nodes flows start (they scale to zero when idle) and spot discounts',
  'EBS volumes of the nodes (Auto Mode root and data volumes) and the root volumes of NAT instances',
];

type Resource = CfnResource & { readonly id: string };

function resources(templates: readonly CfnTemplate[], type: string): Resource[] {
  return templates.flatMap((t) =>
    Object.entries(t.Resources ?? {})
      .filter(([, r]) => r.Type === type)
      .map(([id, r]) => ({ ...r, id })),
  );
}

const usd = (n: number) => `$${n < 1 ? n.toFixed(4).replace(/0+$/, '') : n.toFixed(2)}`;

interface Ctx {
  readonly prices: RegionPrices;
  readonly book: PriceBook;
  readonly hours: number;
}

function hourly(ctx: Ctx, key: string, label: string, quantity: number, unit: string, price: Price, detail: string): CostItem {
  return {
    key,
    label,
    quantity,
    unit,
    monthly: quantity * price.price * ctx.hours,
    detail: `${quantity} × ${usd(price.price)}/${price.unit} × ${ctx.hours} h${detail ? `; ${detail}` : ''}`,
  };
}

function monthlyItem(
  key: string,
  label: string,
  quantity: number,
  unit: string,
  price: Price,
  detail: string,
  assumption?: string,
): CostItem {
  return {
    key,
    label,
    quantity,
    unit,
    monthly: quantity * price.price,
    detail: `${quantity} × ${usd(price.price)}/${price.unit}${detail ? `; ${detail}` : ''}`,
    ...(assumption ? { assumption } : {}),
  };
}

function tagValue(r: CfnResource, key: string): unknown {
  return at(
    asArray(r.Properties?.Tags).find((t) => at(t, 'Key') === key),
    'Value',
  );
}

/** Internet-facing load balancers of the manifests: LoadBalancer Services and the Envoy proxies' services. */
function loadBalancers(objects: readonly unknown[]): { name: string; internetFacing: boolean }[] {
  const docs = objects.filter(isObject);
  // The annotation key has dots: read it directly, not as a path.
  const scheme = (annotations: unknown) =>
    isObject(annotations) && annotations['service.beta.kubernetes.io/aws-load-balancer-scheme'] === 'internet-facing';
  const services = docs
    .filter((o) => o.kind === 'Service' && at(o, 'spec.type') === 'LoadBalancer')
    .map((o) => ({
      name: `Service ${String(at(o, 'metadata.namespace'))}/${String(at(o, 'metadata.name'))}`,
      internetFacing: scheme(at(o, 'metadata.annotations')),
    }));
  // Envoy Gateway creates one Service per Gateway, of its class's EnvoyProxy type (LoadBalancer by default).
  const gateways = docs
    .filter((o) => o.kind === 'Gateway' && String(o.apiVersion).startsWith('gateway.networking.k8s.io/'))
    .flatMap((g) => {
      const cls = docs.find((o) => o.kind === 'GatewayClass' && at(o, 'metadata.name') === at(g, 'spec.gatewayClassName'));
      const ref = at(cls, 'spec.parametersRef');
      const proxy = docs.find(
        (o) =>
          o.kind === 'EnvoyProxy' && at(o, 'metadata.name') === at(ref, 'name') && at(o, 'metadata.namespace') === at(ref, 'namespace'),
      );
      const svc = at(proxy, 'spec.provider.kubernetes.envoyService');
      if ((at(svc, 'type') ?? 'LoadBalancer') !== 'LoadBalancer') return [];
      return [
        {
          name: `Gateway ${String(at(g, 'metadata.namespace'))}/${String(at(g, 'metadata.name'))}`,
          internetFacing: scheme(at(svc, 'annotations')),
        },
      ];
    });
  return [...services, ...gateways];
}

function clusterItems(ctx: Ctx, templates: readonly CfnTemplate[], date: Date, warnings: string[]): CostItem[] {
  return resources(templates, 'AWS::EKS::Cluster').map((c) => {
    const version = String(c.Properties?.Version ?? '');
    const release = KUBERNETES_CALENDAR.versions.find((r) => r.version === version);
    const day = date.toISOString().slice(0, 10);
    if (!release) warnings.push(`Kubernetes ${version || '(unset)'} is not in the EKS release calendar: priced at standard support`);
    const extended = release !== undefined && day >= release.endOfStandardSupport;
    const price = extended ? ctx.prices.eksExtendedHour : ctx.prices.eksStandardHour;
    const support = release
      ? extended
        ? `extended support since ${release.endOfStandardSupport}`
        : `standard support until ${release.endOfStandardSupport}`
      : 'not in the calendar';
    return hourly(
      ctx,
      'eks-control-plane',
      `EKS control plane (${extended ? 'extended' : 'standard'} support)`,
      1,
      'cluster',
      price,
      `Kubernetes ${version}, ${support}`,
    );
  });
}

function databaseItems(ctx: Ctx, templates: readonly CfnTemplate[], objects: readonly unknown[]): CostItem[] {
  const holders = databaseConnectionHolders(objects);
  const instances = resources(templates, 'AWS::RDS::DBInstance').filter((i) => i.Properties?.DBInstanceClass === 'db.serverless');
  return resources(templates, 'AWS::RDS::DBCluster').flatMap((c) => {
    const scaling = c.Properties?.ServerlessV2ScalingConfiguration;
    if (!isObject(scaling)) return [];
    const members = instances.filter((i) => at(i.Properties, 'DBClusterIdentifier.Ref') === c.id).length || 1;
    const min = Number(scaling.MinCapacity ?? 0.5);
    const pauses = min === 0 && holders.length === 0;
    // Aurora Serverless v2's lowest capacity above zero is 0.5 ACU: a cluster allowed to pause that cannot sits there.
    const idleAcu = pauses ? 0 : Math.max(min, 0.5);
    const why = pauses
      ? `min ${min} ACU and nothing holds a connection: pauses after ${Number(scaling.SecondsUntilAutoPause ?? 300)} s idle`
      : min === 0
        ? `min 0 ACU but it never pauses: ${holders.join(', ')} keep${holders.length === 1 ? 's' : ''} a connection open, so it idles at 0.5 ACU`
        : `min ${min} ACU (never pauses)`;
    const storageGb = ctx.book.assumptions.auroraStorageGb;
    return [
      hourly(
        ctx,
        'aurora-capacity',
        'Aurora Serverless v2 capacity',
        idleAcu * members,
        'ACU',
        ctx.prices.auroraAcuHour,
        `${members} instance${members === 1 ? '' : 's'}; ${why}`,
      ),
      monthlyItem('aurora-storage', 'Aurora storage', storageGb.value, 'GB', ctx.prices.auroraStorageGbMonth, '', storageGb.note),
    ];
  });
}

function logItems(ctx: Ctx, templates: readonly CfnTemplate[]): CostItem[] {
  const a = ctx.book.assumptions;
  const groups = new Map(resources(templates, 'AWS::Logs::LogGroup').map((g) => [g.id, g]));
  const monthsKept = (retentionDays: unknown) =>
    typeof retentionDays === 'number' ? retentionDays / 30 : a.logStorageMonthsWithoutRetention.value;
  const cost = (gb: number, months: number) => gb * ctx.prices.logsIngestionGb.price + gb * months * ctx.prices.logsStorageGbMonth.price;
  const items: CostItem[] = [];
  const flowLogs = resources(templates, 'AWS::EC2::FlowLog').filter(
    (f) => (f.Properties?.LogDestinationType ?? 'cloud-watch-logs') === 'cloud-watch-logs',
  );
  if (flowLogs.length > 0) {
    const retention = flowLogs.map((f) => groups.get(String(at(f.Properties, 'LogGroupName.Ref')))?.Properties?.RetentionInDays);
    const gb = a.flowLogGbMonth.value * flowLogs.length;
    const monthly = flowLogs.reduce((n, _f, i) => n + cost(a.flowLogGbMonth.value, monthsKept(retention[i])), 0);
    items.push({
      key: 'flow-logs',
      label: 'VPC flow logs (CloudWatch Logs)',
      quantity: gb,
      unit: 'GB/month',
      monthly,
      detail: `${flowLogs.length} flow log${flowLogs.length === 1 ? '' : 's'}, ${gb} GB a month × ${usd(ctx.prices.logsIngestionGb.price)}/GB ingested, kept ${retention.map((r) => (typeof r === 'number' ? `${r} days` : 'forever')).join(', ')}`,
      assumption: a.flowLogGbMonth.note,
    });
  }
  for (const c of resources(templates, 'AWS::EKS::Cluster')) {
    const types = asArray(at(c.Properties, 'Logging.ClusterLogging.EnabledTypes')).map((t) => String(at(t, 'Type')));
    if (types.length === 0) continue;
    const gb = types.reduce((n, t) => n + (a.controlPlaneLogGbMonth.value[t] ?? 0), 0);
    items.push({
      key: 'control-plane-logs',
      label: 'EKS control-plane logs (CloudWatch Logs)',
      quantity: gb,
      unit: 'GB/month',
      monthly: cost(gb, a.logStorageMonthsWithoutRetention.value),
      detail: `${types.join(', ')}: ${gb} GB a month × ${usd(ctx.prices.logsIngestionGb.price)}/GB ingested, kept forever (EKS creates the log group without retention)`,
      assumption: a.controlPlaneLogGbMonth.note,
    });
  }
  return items;
}

/** EC2 instances the templates declare (the NAT instances), per instance type, at its on-demand price. */
function instanceItems(ctx: Ctx, templates: readonly CfnTemplate[], warnings: string[]): CostItem[] {
  const byType = new Map<string, Resource[]>();
  for (const i of resources(templates, 'AWS::EC2::Instance')) {
    const type = String(i.Properties?.InstanceType ?? '');
    byType.set(type, [...(byType.get(type) ?? []), i]);
  }
  return [...byType].flatMap(([type, instances]) => {
    const price = ctx.prices.instanceHour.prices[type];
    if (price === undefined) {
      warnings.push(
        `EC2 instance type ${type || '(unset)'} has no price in the price file (add it to libs/gitops/src/cost/prices.json): not counted`,
      );
      return [];
    }
    // Source/destination checking off is what makes an instance a NAT.
    const nat = instances.every((i) => i.Properties?.SourceDestCheck === false);
    return [
      hourly(
        ctx,
        `${nat ? 'nat-instances' : 'instances'}:${type}`,
        `${nat ? 'NAT instances' : 'EC2 instances'}: ${type} (on-demand)`,
        instances.length,
        'instance',
        { ...ctx.prices.instanceHour, price },
        'data transfer per GB and the root volume not included',
      ),
    ];
  });
}

/** Instances that get a public IPv4 address at launch (a network interface with `AssociatePublicIpAddress`). */
function instanceAddresses(templates: readonly CfnTemplate[]): number {
  return resources(templates, 'AWS::EC2::Instance').filter((i) =>
    asArray(i.Properties?.NetworkInterfaces).some((n) => at(n, 'AssociatePublicIpAddress') === true),
  ).length;
}

/** The cheapest nodes that hold the always-on pods: per group of pods with the same candidate types. */
function nodeItems(
  ctx: Ctx,
  templates: readonly CfnTemplate[],
  objects: readonly unknown[],
  pods: readonly AlwaysOnPods[],
  warnings: string[],
): CostItem[] {
  const builtIn = resources(templates, 'AWS::EKS::Cluster').flatMap((c) =>
    at(c.Properties, 'ComputeConfig.Enabled') === true ? asArray(at(c.Properties, 'ComputeConfig.NodePools')).map(String) : [],
  );
  if (resources(templates, 'AWS::EKS::Cluster').length === 0) return [];
  const pools = nodePools(builtIn, objects);
  const priced = ctx.book.instanceTypes.filter((t) => ctx.prices.instanceHour.prices[t.type] !== undefined);
  const groups = new Map<string, { types: InstanceType[]; pods: AlwaysOnPods[] }>();
  for (const pod of pods) {
    const types = candidateTypes(pod, pools, priced);
    if (types.length === 0) {
      warnings.push(`${pod.source}: no node pool offers it a priced instance type (add its types to prices.json): not counted`);
      continue;
    }
    const key = types.map((t) => t.type).join(',');
    const g = groups.get(key) ?? { types, pods: [] };
    g.pods.push(pod);
    groups.set(key, g);
  }
  const hourlyOf = (t: InstanceType) => ctx.prices.instanceHour.prices[t.type] + (ctx.prices.autoModeInstanceHour.prices[t.type] ?? 0);
  const chosen: { type: InstanceType; count: number; pods: AlwaysOnPods[] }[] = [];
  for (const g of groups.values()) {
    // Per node the pods of every other group's DaemonSets run too; each group is packed on its own.
    const options = g.types.flatMap((t) => {
      const n = nodesNeeded(t, g.pods);
      return n === undefined ? [] : [{ type: t, count: n, cost: n * hourlyOf(t) }];
    });
    if (options.length === 0) {
      warnings.push(`${g.pods.map((p) => p.source).join(', ')}: no candidate instance type is large enough for one pod: not counted`);
      continue;
    }
    options.sort((a, b) => a.cost - b.cost || a.type.type.localeCompare(b.type.type));
    if (options[0].count > 0) chosen.push({ type: options[0].type, count: options[0].count, pods: g.pods });
  }
  const items: CostItem[] = [];
  for (const c of chosen) {
    const cpu = c.pods.filter((p) => !p.perNode).reduce((n, p) => n + p.cpu * p.replicas, 0);
    const mem = c.pods.filter((p) => !p.perNode).reduce((n, p) => n + p.memoryMiB * p.replicas, 0);
    const pods = c.pods.filter((p) => !p.perNode).reduce((n, p) => n + p.replicas, 0);
    const ec2 = ctx.prices.instanceHour.prices[c.type.type];
    const fee = ctx.prices.autoModeInstanceHour.prices[c.type.type] ?? 0;
    const detail = `${pods} always-on pods requesting ${cpu.toFixed(2)} vCPU and ${(mem / 1024).toFixed(2)} GiB, packed on the cheapest type the node pools allow (${c.type.vcpu} vCPU, ${c.type.memoryGiB} GiB, ${c.type.arch})`;
    items.push({
      key: `nodes:${c.type.type}`,
      label: `Nodes: ${c.type.type} (on-demand)`,
      quantity: c.count,
      unit: 'instance',
      monthly: c.count * ec2 * ctx.hours,
      detail: `${c.count} × ${usd(ec2)}/hour × ${ctx.hours} h; ${detail}`,
    });
    if (fee > 0)
      items.push({
        key: `auto-mode:${c.type.type}`,
        label: `EKS Auto Mode fee: ${c.type.type}`,
        quantity: c.count,
        unit: 'instance',
        monthly: c.count * fee * ctx.hours,
        detail: `${c.count} × ${usd(fee)}/hour × ${ctx.hours} h (management fee on top of EC2)`,
      });
  }
  return items;
}

/**
 * The idle monthly cost of a stage at list prices: what it costs deployed, before anyone runs a
 * flow. Read from the synthesized templates (NAT gateways or instances, public IPv4 addresses, interface
 * endpoints, the EKS control plane, Aurora, secrets, zones, logs, KMS keys, the ECR cache) and the
 * rendered manifests (load balancers; the always-on pods' requests packed on the cheapest instance
 * types the node pools allow; whether the database can pause). Items that cost nothing are left out.
 */
export function estimateIdleCost(input: CostInput): CostEstimate {
  const book = input.book ?? PRICE_BOOK;
  const { region: priceRegion, prices, warning } = regionPrices(book, input.region);
  const warnings: string[] = warning ? [warning] : [];
  const ctx: Ctx = { prices, book, hours: book.hoursPerMonth };
  const { templates, objects } = input;
  const count = (type: string) => resources(templates, type).length;

  // Public and private NAT gateways cost the same per hour.
  const nat = count('AWS::EC2::NatGateway');
  const eips = count('AWS::EC2::EIP');
  const instanceIps = instanceAddresses(templates);
  const lbs = loadBalancers(objects);
  // An internet-facing load balancer has a public address in each subnet it uses: one per zone of the ELB-tagged public subnets.
  const lbZones = new Set(
    resources(templates, 'AWS::EC2::Subnet')
      .filter((s) => tagValue(s, 'kubernetes.io/role/elb') === '1')
      .map((s) => String(s.Properties?.AvailabilityZone)),
  ).size;
  const lbAddresses = lbs.filter((l) => l.internetFacing).length * lbZones;
  const endpointAzs = resources(templates, 'AWS::EC2::VPCEndpoint')
    .filter((e) => e.Properties?.VpcEndpointType === 'Interface')
    .map((e) => asArray(e.Properties?.SubnetIds).length);
  const { pods, warnings: podWarnings } = alwaysOnPods(objects);
  warnings.push(...podWarnings);
  const ecr = count('AWS::ECR::PullThroughCacheRule') + count('AWS::ECR::Repository');

  const items: CostItem[] = [
    hourly(ctx, 'nat-gateways', 'NAT gateways', nat, 'gateway', prices.natGatewayHour, 'data processing per GB not included'),
    hourly(
      ctx,
      'public-ipv4',
      'Public IPv4 addresses',
      eips + instanceIps + lbAddresses,
      'address',
      prices.publicIpv4Hour,
      `${eips} elastic IP${eips === 1 ? '' : 's'}, ${instanceIps > 0 ? `${instanceIps} of NAT instances, ` : ''}${lbAddresses} of internet-facing load balancers`,
    ),
    ...instanceItems(ctx, templates, warnings),
    hourly(
      ctx,
      'interface-endpoints',
      'Interface VPC endpoints',
      endpointAzs.reduce((a, b) => a + b, 0),
      'endpoint-AZ',
      prices.interfaceEndpointAzHour,
      `${endpointAzs.length} endpoint${endpointAzs.length === 1 ? '' : 's'} in ${[...new Set(endpointAzs)].join('/') || 0} zones`,
    ),
    ...clusterItems(ctx, templates, input.date, warnings),
    ...nodeItems(ctx, templates, objects, pods, warnings),
    ...databaseItems(ctx, templates, objects),
    hourly(
      ctx,
      'load-balancers',
      'Network/application load balancers',
      lbs.length,
      'load balancer',
      prices.loadBalancerHour,
      `${lbs.map((l) => l.name).join(', ')}; capacity units are billed on use`,
    ),
    monthlyItem('secrets', 'Secrets Manager secrets', count('AWS::SecretsManager::Secret'), 'secret', prices.secretMonth, ''),
    monthlyItem('hosted-zones', 'Route 53 hosted zones', count('AWS::Route53::HostedZone'), 'zone', prices.hostedZoneMonth, ''),
    ...logItems(ctx, templates),
    monthlyItem('kms-keys', 'KMS customer managed keys', count('AWS::KMS::Key'), 'key', prices.kmsKeyMonth, ''),
    ...(ecr > 0
      ? [
          monthlyItem(
            'ecr-storage',
            'ECR image storage',
            book.assumptions.ecrCacheGb.value,
            'GB',
            prices.ecrStorageGbMonth,
            `${ecr} pull-through cache rule${ecr === 1 ? '' : 's'} or repositor${ecr === 1 ? 'y' : 'ies'}`,
            book.assumptions.ecrCacheGb.note,
          ),
        ]
      : []),
  ].filter((i) => i.quantity > 0 || i.monthly > 0);
  const round = (n: number) => Math.round(n * 100) / 100;
  const rounded = items.map((i) => ({ ...i, monthly: round(i.monthly) }));
  return {
    region: input.region,
    priceRegion,
    currency: book.currency,
    date: input.date.toISOString().slice(0, 10),
    items: rounded,
    total: round(rounded.reduce((n, i) => n + i.monthly, 0)),
    warnings,
  };
}
