import * as fs from 'node:fs';
import * as path from 'node:path';
import { PRICE_BOOK, regionPrices } from './prices';

describe('the price file', () => {
  it('has every item with a price, unit, source and date in each region, and a price for every candidate type', () => {
    expect(Object.keys(PRICE_BOOK.regions)).toEqual(expect.arrayContaining(['us-east-1', 'us-west-2', 'eu-west-1']));
    for (const [region, prices] of Object.entries(PRICE_BOOK.regions)) {
      for (const [item, p] of Object.entries(prices)) {
        expect([region, item, typeof p.unit, p.source.startsWith('https://'), /^\d{4}-\d{2}-\d{2}$/.test(p.checked)]).toEqual([
          region,
          item,
          'string',
          true,
          true,
        ]);
      }
      for (const t of PRICE_BOOK.instanceTypes) {
        expect([region, t.type, prices.instanceHour.prices[t.type] > 0, prices.autoModeInstanceHour.prices[t.type] > 0]).toEqual([
          region,
          t.type,
          true,
          true,
        ]);
      }
    }
  });

  it('prices every NAT instance type the stage schema allows, in each region', () => {
    const schema = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../stage-config/schema/stage.schema.json'), 'utf8'));
    const natTypes: string[] = schema.properties.network.properties.natInstanceType.enum;
    expect(natTypes).toContain('t4g.nano');
    for (const [region, prices] of Object.entries(PRICE_BOOK.regions)) {
      for (const type of natTypes) expect([region, type, prices.instanceHour.prices[type] > 0]).toEqual([region, type, true]);
    }
  });

  it('falls back to its fallback region, with a warning naming the missing one', () => {
    expect(regionPrices(PRICE_BOOK, 'eu-west-1')).toMatchObject({ region: 'eu-west-1' });
    const fallback = regionPrices(PRICE_BOOK, 'me-central-1');
    expect(fallback.region).toBe('us-east-1');
    expect(fallback.prices).toBe(PRICE_BOOK.regions['us-east-1']);
    expect(fallback.warning).toContain('me-central-1');
  });
});
