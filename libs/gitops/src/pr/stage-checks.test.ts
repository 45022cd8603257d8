import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { minimalStageText } from '@metaflow-gitops/testing/stage-config';
import { TempRepo } from '@metaflow-gitops/testing/gitops';
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
    expect(bad.findings[0]).toMatchObject({
      severity: 'error',
      source: 'validate',
      location: expect.stringMatching(/^environments\/bad.yaml:\d+:\d+$/),
      message: expect.stringContaining('region: '),
    });
    const good = await check('good', { cdkDir: '', k8sDir: '' });
    expect(good.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  it('maps the template checks of a synthesized assembly into findings and outcomes', async () => {
    const cdkDir = path.join(root, 'cdk', 'good');
    fs.mkdirSync(cdkDir, { recursive: true });
    const resources = Object.fromEntries(Array.from({ length: 501 }, (_, i) => [`Topic${i}`, { Type: 'AWS::SNS::Topic' }]));
    fs.writeFileSync(path.join(cdkDir, 'good-vpc.template.json'), JSON.stringify({ Resources: resources }));
    fs.writeFileSync(
      path.join(cdkDir, 'manifest.json'),
      JSON.stringify({
        artifacts: {
          'good-vpc': {
            type: 'aws:cloudformation:stack',
            environment: 'aws://111111111111/us-west-2',
            properties: { templateFile: 'good-vpc.template.json' },
          },
        },
      }),
    );
    const r = await headStageChecker(envDir, { env: { PATH: '/nonexistent' } })('good', { cdkDir: path.join(root, 'cdk'), k8sDir: '' });
    expect(r.outcomes!.map((o) => [o.name, o.status])).toEqual([
      ['validate', 'pass'],
      ['cdk-nag', 'fail'],
      ['cfn-lint', 'skipped'],
      ['template-limits', 'fail'],
      ['custom-resources', 'pass'],
      ['deployability', 'pass'],
    ]);
    expect(r.findings).toContainEqual({
      severity: 'error',
      source: 'template-limits',
      message: "max-resources: 501 exceeds CloudFormation's limit of 500",
      location: 'good-vpc good-vpc.template.json',
    });
    expect(r.findings.map((f) => f.source)).toContain('cdk-nag');
    expect(r.skipped).toEqual([expect.stringMatching(/^cfn-lint: 'cfn-lint' is not installed/)]);
    expect(r.errors).toBe(2);
  });

  it('with the base ref, a Kubernetes jump of more than one minor version is a validate error, as in mfctl validate --base', async () => {
    const repo = new TempRepo('mfg-checks-base-');
    try {
      const stage = (v: string) => minimalStageText('cluster:', `  kubernetesVersion: "${v}"`);
      repo.write('environments/dev.yaml', stage('1.33')).commit('dev on 1.33');
      repo.git('branch', 'base');
      repo.write('environments/dev.yaml', stage('1.35')).commit('jump');
      const envs = path.join(repo.dir, 'environments');
      const jump = await headStageChecker(envs, { templateChecks: false, baseRef: 'base' })('dev', { cdkDir: '', k8sDir: '' });
      expect(jump.findings.filter((f) => f.severity === 'error')).toEqual([
        expect.objectContaining({
          source: 'validate',
          message: expect.stringMatching(/^cluster\.kubernetesVersion: jumps from 1\.33 to 1\.35/),
        }),
      ]);
      const without = await headStageChecker(envs, { templateChecks: false })('dev', { cdkDir: '', k8sDir: '' });
      expect(without.errors).toBe(0);
    } finally {
      repo.cleanup();
    }
  });
});
