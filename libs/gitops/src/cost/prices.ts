import data from './prices.json';

/** One list price: what it costs per `unit`, where it was read and when. */
export interface Price {
  readonly price: number;
  readonly unit: string;
  readonly source: string;
  readonly checked: string;
}

/** A per-instance-type price list (`prices` by instance type). */
export interface InstancePrices {
  readonly unit: string;
  readonly source: string;
  readonly checked: string;
  readonly prices: Readonly<Record<string, number>>;
}

/** The list prices of one region. */
export interface RegionPrices {
  readonly natGatewayHour: Price;
  readonly publicIpv4Hour: Price;
  readonly interfaceEndpointAzHour: Price;
  readonly eksStandardHour: Price;
  readonly eksExtendedHour: Price;
  readonly auroraAcuHour: Price;
  readonly auroraStorageGbMonth: Price;
  readonly loadBalancerHour: Price;
  readonly secretMonth: Price;
  readonly hostedZoneMonth: Price;
  readonly logsIngestionGb: Price;
  readonly logsStorageGbMonth: Price;
  readonly kmsKeyMonth: Price;
  readonly ecrStorageGbMonth: Price;
  /** On-demand Linux price of each candidate instance type. */
  readonly instanceHour: InstancePrices;
  /** The EKS Auto Mode management fee of each candidate instance type, billed on top of EC2. */
  readonly autoModeInstanceHour: InstancePrices;
}

/** A candidate instance type for the nodes: what the node pool requirements match on. */
export interface InstanceType {
  readonly type: string;
  readonly family: string;
  readonly category: string;
  readonly generation: number;
  readonly arch: 'amd64' | 'arm64';
  readonly vcpu: number;
  readonly memoryGiB: number;
}

/** A figure the estimate has to guess (log volumes, storage), with what it means. */
export interface Assumption<T> {
  readonly value: T;
  readonly note: string;
}

export interface Assumptions {
  readonly controlPlaneLogGbMonth: Assumption<Readonly<Record<string, number>>>;
  readonly flowLogGbMonth: Assumption<number>;
  readonly logStorageMonthsWithoutRetention: Assumption<number>;
  readonly auroraStorageGb: Assumption<number>;
  readonly ecrCacheGb: Assumption<number>;
}

/** The price file (`prices.json`): per region list prices, candidate instance types, assumptions. */
export interface PriceBook {
  readonly currency: string;
  readonly hoursPerMonth: number;
  readonly fallbackRegion: string;
  readonly instanceTypes: readonly InstanceType[];
  readonly regions: Readonly<Record<string, RegionPrices>>;
  readonly assumptions: Assumptions;
}

/** The prices shipped with the repository (`prices.json`). */
export const PRICE_BOOK = data as PriceBook;

/** The prices of `region`, or of the fallback region with a warning when the file has none for it. */
export function regionPrices(book: PriceBook, region: string): { region: string; prices: RegionPrices; warning?: string } {
  const own = book.regions[region];
  if (own) return { region, prices: own };
  return {
    region: book.fallbackRegion,
    prices: book.regions[book.fallbackRegion],
    warning: `no prices for region ${region} in the price file: using ${book.fallbackRegion}'s (add ${region} to libs/gitops/src/cost/prices.json)`,
  };
}
