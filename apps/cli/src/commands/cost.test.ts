import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../main';
import { captureIo } from '@metaflow-gitops/testing/cli';

const REPO = path.resolve(__dirname, '../../../..');

/** A temp workspace with a copy of the repo's stage files, edited by `edit`. */
function workspace(edit: (text: string) => string = (t) => t): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfctl-cost-'));
  fs.cpSync(path.join(REPO, 'environments'), path.join(dir, 'environments'), { recursive: true });
  const file = path.join(dir, 'environments/example.yaml');
  fs.writeFileSync(file, edit(fs.readFileSync(file, 'utf8')));
  fs.writeFileSync(path.join(dir, 'nx.json'), '{}');
  return dir;
}

interface Estimate {
  region: string;
  total: number;
  items: { key: string; quantity: number; monthly: number }[];
}

async function costJson(dir: string): Promise<Estimate> {
  const io = captureIo({}, dir);
  expect(await main(['cost', 'example', '--json'], io)).toBe(0);
  return (JSON.parse(io.out()) as { stages: { stage: string; estimate: Estimate }[] }).stages[0].estimate;
}

describe('mfctl cost', () => {
  let base: Estimate;
  beforeAll(async () => {
    base = await costJson(workspace());
  });

  test('--json: the itemized estimate of the synthesized stage and its rendered manifests', () => {
    expect(base.region).toBe('us-west-2');
    const keys = base.items.map((i) => i.key);
    expect(keys).toEqual(
      expect.arrayContaining(['nat-instances:t4g.nano', 'public-ipv4', 'eks-control-plane', 'aurora-capacity', 'load-balancers']),
    );
    expect(keys.some((k) => k.startsWith('nodes:'))).toBe(true);
    expect(base.total).toBeCloseTo(
      base.items.reduce((n, i) => n + i.monthly, 0),
      2,
    );
  });

  test('natGateways: 3 adds exactly two NAT instances and their two addresses', async () => {
    const three = await costJson(workspace((t) => t.replace('natGateways: 1', 'natGateways: 3')));
    const qty = (e: Estimate, key: string) => e.items.find((i) => i.key === key)?.quantity;
    expect([qty(base, 'nat-instances:t4g.nano'), qty(three, 'nat-instances:t4g.nano')]).toEqual([1, 3]);
    expect((qty(three, 'public-ipv4') ?? 0) - (qty(base, 'public-ipv4') ?? 0)).toBe(2);
    // us-west-2: $0.0042 a t4g.nano hour, $0.005 an address hour, 730 hours.
    expect(three.total - base.total).toBeCloseTo(2 * (0.0042 + 0.005) * 730, 1);
  });

  test('natType: gateway puts a NAT gateway and its elastic IP in place of the instance and its address', async () => {
    const gateway = await costJson(workspace((t) => t.replace('natType: instance', 'natType: gateway')));
    const qty = (e: Estimate, key: string) => e.items.find((i) => i.key === key)?.quantity;
    expect([qty(gateway, 'nat-gateways'), qty(gateway, 'nat-instances:t4g.nano')]).toEqual([1, undefined]);
    expect(qty(gateway, 'public-ipv4')).toBe(qty(base, 'public-ipv4'));
    // us-west-2: $0.045 a NAT gateway hour against $0.0042 a t4g.nano hour, 730 hours.
    expect(gateway.total - base.total).toBeCloseTo((0.045 - 0.0042) * 730, 1);
    const three = await costJson(
      workspace((t) => t.replace('natType: instance', 'natType: gateway').replace('natGateways: 1', 'natGateways: 3')),
    );
    expect(qty(three, 'nat-gateways')).toBe(3);
    // Two more gateways and their two elastic IPs.
    expect(three.total - gateway.total).toBeCloseTo(2 * (0.045 + 0.005) * 730, 1);
  });

  test('text and markdown formats', async () => {
    const dir = workspace();
    const text = captureIo({}, dir);
    expect(await main(['cost', 'example'], text)).toBe(0);
    expect(text.out()).toMatch(/^example \(us-west-2\): idle cost \$\d+\.\d\d\/month/);
    expect(text.out()).toMatch(/NAT instances: t4g\.nano \(on-demand\)\s+1 instance/);
    const md = captureIo({}, dir);
    expect(await main(['cost', 'example', '--format', 'markdown'], md)).toBe(0);
    expect(md.out()).toContain('| Item | Quantity | $/month | How |');
  });

  test('exit 1 on an unknown stage, 2 on usage errors', async () => {
    const dir = workspace();
    const unknown = captureIo({}, dir);
    expect(await main(['cost', 'nope'], unknown)).toBe(1);
    expect(unknown.err()).toContain("no stage 'nope'");
    expect(await main(['cost'], captureIo({}, dir))).toBe(2);
    const format = captureIo({}, dir);
    expect(await main(['cost', 'example', '--format', 'html'], format)).toBe(2);
    expect(format.err()).toContain('--format must be text, json or markdown');
  });
});
