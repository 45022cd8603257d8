import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { captureIo } from '@metaflow-gitops/testing/cli';
import { CHART_KUBERNETES_SUPPORT } from '@metaflow-gitops/stage-config';
import { main } from '../main';
import { versionsCommand } from './versions';

const REPO = path.resolve(__dirname, '../../../..');

describe('mfctl versions', () => {
  it('prints, per stage, the Kubernetes version with its support window and every pinned component', async () => {
    const io = captureIo({}, REPO);
    expect(await versionsCommand({}, io, new Date('2026-12-01T12:00:00Z'))).toBe(0);
    const out = io.out();
    // Both example stages run 1.35: released 2026-01-28, standard support until 2027-03-27.
    for (const stage of ['example', 'prod-example'])
      expect(out).toContain(
        `${stage}: Kubernetes 1.35: standard support, 116 days left (released 2026-01-28, standard support until 2027-03-27, extended until 2028-03-27)`,
      );
    for (const c of CHART_KUBERNETES_SUPPORT.charts)
      expect(out).toMatch(new RegExp(` ${c.version.replace(/\./g, '\\.')} +chart ${c.chart}, Kubernetes `));
    expect(out).toMatch(/ {2}image +public\.ecr\.aws\/outerbounds\/metaflow_ui +v\d/);
    expect(out).toMatch(/EKS release calendar: https:\/\/docs\.aws\.amazon\.com\/eks\/.* \(checked \d{4}-\d\d-\d\d\)\n$/);
  });

  it('--json gives the calendar source and, per stage, the support window and the components with their sources', async () => {
    const io = captureIo({}, REPO);
    expect(await main(['versions', '--json'], io)).toBe(0);
    const out = JSON.parse(io.out());
    expect(out.calendar.source).toMatch(/^https:\/\/docs\.aws\.amazon\.com\/eks\//);
    expect(out.stages.map((s: { stage: string }) => s.stage)).toEqual(['example', 'prod-example']);
    const example = out.stages[0];
    expect(example.kubernetes).toMatchObject({ version: '1.35', endOfStandardSupport: '2027-03-27', support: 'standard' });
    expect(example.components).toContainEqual(
      expect.objectContaining({
        kind: 'helm',
        name: 'envoy-gateway',
        chart: 'gateway-helm',
        version: 'v1.7.4',
        kubernetes: '1.32 to 1.35',
      }),
    );
  });

  it('lists the valid stages and exits 1 when a stage file is invalid', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfctl-versions-'));
    try {
      fs.cpSync(path.join(REPO, 'environments'), path.join(dir, 'environments'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'environments/broken.yaml'), 'accountId: nope\n');
      const io = captureIo({}, dir);
      expect(await main(['versions'], io)).toBe(1);
      expect(io.out()).toContain('example: Kubernetes');
      expect(io.err()).toContain('1 invalid stage file(s) not listed: environments/broken.yaml');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
