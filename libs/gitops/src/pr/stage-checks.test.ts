import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { headStageChecker } from './stage-checks';

describe('headStageChecker', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mfg-checks-'));
  const envDir = path.join(root, 'environments');
  const example = fs.readFileSync(path.resolve(__dirname, '../../../../environments/example.yaml'), 'utf8');
  beforeAll(() => {
    fs.mkdirSync(envDir);
    fs.writeFileSync(path.join(envDir, 'good.yaml'), example);
    fs.writeFileSync(path.join(envDir, 'bad.yaml'), example.replace('region: us-west-2', 'region: mars-1'));
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it("reports the stage file's located validation diagnostics, and only that stage's", async () => {
    const check = headStageChecker(envDir);
    const bad = await check('bad', { cdkDir: '', k8sDir: '' });
    expect(bad.errors).toBeGreaterThan(0);
    expect(bad.findings[0]).toMatchObject({ severity: 'error', source: 'validate', location: expect.stringMatching(/^environments\/bad.yaml:\d+:\d+$/), message: expect.stringContaining('region: ') });
    const good = await check('good', { cdkDir: '', k8sDir: '' });
    expect(good.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });
});
