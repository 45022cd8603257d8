import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { OUTPUTS } from '@metaflow-gitops/stage-config';
import { makeStageConfig } from '@metaflow-gitops/testing/stage-config';
import { NAG_REPORT_FILE, NagReport, synthStage } from './stage-app';

/** docs/infra.md must say what the code does: its outputs table and its acknowledgement list. */
const DOC = fs.readFileSync(path.resolve(__dirname, '../../../../docs/infra.md'), 'utf8');

function tableAfter(heading: string): string[][] {
  const section = DOC.slice(DOC.indexOf(heading));
  const lines = section.split('\n');
  const start = lines.findIndex((l) => l.startsWith('|'));
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .slice(1, -1)
        .split(' | ')
        .map((c) => c.trim().replace(/^`|`$/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>')),
    );
  }
  return rows;
}

test('the outputs table is OUTPUTS, row for row', () => {
  const rows = tableAfter('## Outputs');
  expect(rows).toEqual(Object.entries(OUTPUTS).map(([name, o]) => [o.stack, o.outputKey, name, o.description]));
});

const SYNC_CONNECTION = 'arn:aws:codeconnections:us-west-2:111111111111:connection/00000000-0000-0000-0000-000000000000';

test('the acknowledgement list is what the example and prod-like stages carry, with the same reasons', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'docs-'));
  const stages = [
    makeStageConfig({ name: 'example' }),
    makeStageConfig({
      name: 'prod-example',
      isProd: true,
      ingress: { allowedCidrs: ['198.51.100.0/24'] },
      deploy: { syncRunner: { repository: 'example-org/metaflow-platform', connectionArn: SYNC_CONNECTION } },
    }),
  ];
  const actual = new Map<string, string>();
  for (const stage of stages) {
    const dir = synthStage(stage, { outdir: out }).directory;
    const report = JSON.parse(fs.readFileSync(path.join(dir, NAG_REPORT_FILE), 'utf8')) as NagReport;
    for (const ack of report.acknowledgements) {
      const id = ack.ruleId.replace(`Resource::${stage.name}-data:`, 'Resource::<stage>-data:');
      const where = ack.constructPath.slice(stage.name.length + 1);
      actual.set(`${id} @ ${where}`, ack.reason);
    }
  }
  const documented = new Map(tableAfter('### cdk-nag acknowledgements').map(([id, where, reason]) => [`${id} @ ${where}`, reason]));
  expect(Object.fromEntries(documented)).toEqual(Object.fromEntries(actual));
});
