import { CostEstimate } from './estimate';
import { formatCostMarkdown, formatCostText } from './format';

const estimate: CostEstimate = {
  region: 'ap-south-2',
  priceRegion: 'us-east-1',
  currency: 'USD',
  date: '2026-12-01',
  items: [
    { key: 'nat-gateways', label: 'NAT gateways', quantity: 1, unit: 'gateway', monthly: 32.85, detail: '1 × $0.045/hour × 730 h' },
    {
      key: 'aurora-storage',
      label: 'Aurora storage',
      quantity: 1,
      unit: 'GB',
      monthly: 0.1,
      detail: '1 × $0.1/GB-month',
      assumption: 'a guess',
    },
  ],
  total: 32.95,
  warnings: ['no prices for region ap-south-2'],
};

describe('cost formats', () => {
  it('text: a line per item, the total, the assumptions, what is left out, the warnings', () => {
    const text = formatCostText('dev', estimate);
    expect(text).toContain('dev (ap-south-2, priced as us-east-1): idle cost $32.95/month');
    expect(text).toMatch(/NAT gateways\s+1 gateway\s+\$32\.85/);
    expect(text).toMatch(/total\s+\$32\.95/);
    expect(text).toContain('assumed: Aurora storage: a guess');
    expect(text).toContain('left out: data transfer');
    expect(text).toContain('warning: no prices for region ap-south-2');
  });

  it('markdown: a table with the total row', () => {
    const md = formatCostMarkdown('dev', estimate);
    expect(md).toContain('| NAT gateways | 1 gateway | $32.85 | 1 × $0.045/hour × 730 h |');
    expect(md).toContain('| **total** | | **$32.95** | |');
    expect(md).toContain('(assumed: a guess)');
  });
});
