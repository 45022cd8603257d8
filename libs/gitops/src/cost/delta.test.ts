import { CfnTemplate } from '../synth/stage-assembly';
import { costDelta, deltaSummary, signedUsd } from './delta';
import { estimateIdleCost } from './estimate';
import { PRICE_BOOK } from './prices';

const at = (resources: Record<string, { Type: string }>) =>
  estimateIdleCost({
    templates: [{ Resources: resources } as CfnTemplate],
    objects: [],
    region: 'us-west-2',
    date: new Date('2026-12-01'),
  });

describe('costDelta', () => {
  it('two more NAT gateways (and their addresses): the delta is exactly their price, itemized', () => {
    const base = at({ Nat1: { Type: 'AWS::EC2::NatGateway' }, Eip1: { Type: 'AWS::EC2::EIP' } });
    const head = at({
      Nat1: { Type: 'AWS::EC2::NatGateway' },
      Nat2: { Type: 'AWS::EC2::NatGateway' },
      Nat3: { Type: 'AWS::EC2::NatGateway' },
      Eip1: { Type: 'AWS::EC2::EIP' },
      Eip2: { Type: 'AWS::EC2::EIP' },
      Eip3: { Type: 'AWS::EC2::EIP' },
    });
    const p = PRICE_BOOK.regions['us-west-2'];
    const d = costDelta(base, head);
    expect(d.change).toBeCloseTo(2 * (p.natGatewayHour.price + p.publicIpv4Hour.price) * 730, 2);
    expect(d.items.map((i) => [i.key, i.before, i.after])).toEqual([
      ['nat-gateways', 1, 3],
      ['public-ipv4', 1, 3],
    ]);
    expect(deltaSummary(d)).toBe('+$73.00/month: NAT gateways 1 → 3 (+$65.70), Public IPv4 addresses 1 → 3 (+$7.30)');
  });

  it('a NAT gateway replaced by a NAT instance: the gateway goes, the instance comes, the address stays', () => {
    const base = at({ Nat1: { Type: 'AWS::EC2::NatGateway' }, Eip1: { Type: 'AWS::EC2::EIP' } });
    const head = estimateIdleCost({
      templates: [
        {
          Resources: {
            Nat: {
              Type: 'AWS::EC2::Instance',
              Properties: { InstanceType: 't4g.nano', SourceDestCheck: false, NetworkInterfaces: [{ AssociatePublicIpAddress: true }] },
            },
          },
        } as CfnTemplate,
      ],
      objects: [],
      region: 'us-west-2',
      date: new Date('2026-12-01'),
    });
    const p = PRICE_BOOK.regions['us-west-2'];
    const d = costDelta(base, head);
    expect(d.change).toBeCloseTo((p.instanceHour.prices['t4g.nano'] - p.natGatewayHour.price) * 730, 1);
    expect(d.items.map((i) => [i.key, i.before, i.after])).toEqual([
      ['nat-gateways', 1, 0],
      ['nat-instances:t4g.nano', 0, 1],
    ]);
    expect(deltaSummary(d)).toMatch(
      /^-\$\d+\.\d\d\/month: NAT gateways 1 → 0 \(-\$32\.85\), NAT instances: t4g\.nano \(on-demand\) 0 → 1 \(\+\$3\.07\)$/,
    );
  });

  it('a new stage is all added; an unchanged one says so', () => {
    const head = at({ Nat1: { Type: 'AWS::EC2::NatGateway' } });
    expect(costDelta(undefined, head)).toMatchObject({ before: 0, after: head.total, change: head.total });
    expect(deltaSummary(costDelta(head, head))).toBe('$0.00/month: no priced resource changes');
  });

  it('signedUsd', () => {
    expect([signedUsd(1.5), signedUsd(-2), signedUsd(0)]).toEqual(['+$1.50', '-$2.00', '$0.00']);
  });
});
