import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { captureIo } from '@metaflow-gitops/testing/cli';
import { GitHubDouble } from '@metaflow-gitops/testing/gitops';
import { main } from '../main';

// The workflow's last step, from report files (not from the doctor or drift commands themselves).
describe('mfctl health-issue', () => {
  let gh: GitHubDouble;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfctl-health-issue-'));
  const write = (name: string, text: string) => (fs.writeFileSync(path.join(dir, name), text), name);
  const report = (kind: string, status: string) =>
    JSON.stringify({
      kind,
      stage: 'example',
      checkedAt: '2026-12-07T06:00:00.000Z',
      findings: [{ check: 'c', status, summary: 's', fix: 'f' }],
    });
  const io = () =>
    captureIo(
      {
        GITHUB_TOKEN: 'ghs_test',
        GITHUB_API_URL: gh.url,
        GITHUB_REPOSITORY: 'acme/platform',
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_RUN_ID: '9',
      },
      dir,
    );

  beforeEach(async () => {
    gh = await new GitHubDouble().start();
  });
  afterEach(() => gh.stop());
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('opens the issue for a failing doctor report and an empty drift report (its command failed), then closes it when both are ok', async () => {
    const out = io();
    expect(
      await main(['health-issue', 'example', '--report', write('doctor.json', report('doctor', 'fail')), write('drift.json', '')], out),
    ).toBe(0);
    expect(out.out()).toBe(`stage example: health issue #1 opened: ${gh.url}/issues/1\n`);
    expect(gh.issues[0].body).toContain('drift.json is empty: the command failed before writing its report');
    expect(gh.issues[0].body).toContain('(https://github.com/acme/platform/actions/runs/9)');

    const again = io();
    write('doctor.json', report('doctor', 'ok'));
    write('drift.json', report('drift', 'ok'));
    expect(await main(['health-issue', 'example', '--report', 'doctor.json', 'drift.json'], again)).toBe(0);
    expect(again.out()).toBe(`stage example: health issue #1 closed: ${gh.url}/issues/1\n`);
    expect(gh.issues[0].state).toBe('closed');
  });

  it("refuses a missing report file or another stage's report (exit 2, 1), touching no issue", async () => {
    const missing = io();
    expect(await main(['health-issue', 'example', '--report', 'nowhere.json'], missing)).toBe(2);
    expect(missing.err()).toContain('--report nowhere.json does not exist');
    const other = io();
    const file = write('other.json', report('doctor', 'ok').replace('"example"', '"prod"'));
    expect(await main(['health-issue', 'example', '--report', file], other)).toBe(1);
    expect(other.err()).toContain("other.json is the report of stage 'prod', not of 'example'");
    expect(gh.requests).toEqual([]);
  });
});
