import * as fs from 'node:fs';
import * as path from 'node:path';
import { GitHubDouble, TempRepo } from '@metaflow-gitops/testing/gitops';
import { main } from '../main';
import { captureIo } from '@metaflow-gitops/testing/cli';

const ROOT = path.resolve(__dirname, '../../../..');
const example = fs.readFileSync(path.join(ROOT, 'environments/example.yaml'), 'utf8');
const prodExample = fs.readFileSync(path.join(ROOT, 'environments/prod-example.yaml'), 'utf8');

describe('mfctl affected', () => {
  let repo: TempRepo;
  let gh: GitHubDouble;
  let base: string;
  let head: string;

  beforeAll(async () => {
    gh = await new GitHubDouble().start();
    repo = new TempRepo();
    repo
      .write('package.json', '{}\n')
      .write('nx.json', '{}\n')
      .write('environments/example.yaml', example)
      .write('environments/prod-example.yaml', prodExample)
      .write('docs/a.md', 'a\n');
    base = repo.commit('base');
    repo.write('environments/example.yaml', example.replace('maxCpu: 256', 'maxCpu: 300')).commit('bigger node pool');
    head = repo.write('docs/a.md', 'b\n').commit('docs');
  });
  afterAll(async () => {
    repo.cleanup();
    await gh.stop();
  });

  it('lists affected stages with the reason', async () => {
    const io = captureIo({}, repo.dir);
    expect(await main(['affected', '--base', base], io)).toBe(0);
    expect(io.out()).toBe('example: stage file environments/example.yaml changed\n');
  });

  it('prints the deploy matrix from the stage files', async () => {
    const io = captureIo({}, repo.dir);
    expect(await main(['affected', '--base', base, '--matrix'], io)).toBe(0);
    expect(JSON.parse(io.out())).toEqual({
      include: [
        {
          stage: 'example',
          region: 'us-west-2',
          account: '111111111111',
          role: 'arn:aws:iam::111111111111:role/metaflow-gitops-deploy-example',
          healthRole: 'arn:aws:iam::111111111111:role/metaflow-gitops-health-example',
          environment: 'example',
          prod: false,
          cluster: 'metaflow-example',
          syncRunner: '',
        },
      ],
    });
  });

  it('--since-last-deploy diffs from the last successful deploy run', async () => {
    gh.runs = [
      { id: 2, head_sha: head, status: 'completed', conclusion: 'failure', event: 'push', head_branch: 'main' },
      { id: 1, head_sha: base, status: 'completed', conclusion: 'success', event: 'push', head_branch: 'main' },
    ];
    const io = captureIo({ GITHUB_TOKEN: 't', GITHUB_REPOSITORY: 'acme/platform', GITHUB_API_URL: gh.url }, repo.dir);
    expect(await main(['affected', '--since-last-deploy', '--matrix'], io)).toBe(0);
    expect(JSON.parse(io.out()).include.map((t: { stage: string }) => t.stage)).toEqual(['example']);
    expect(io.err()).toContain(`last successful deploy: run 1 at ${base.slice(0, 7)}`);
  });

  it('--since-last-deploy with no successful deploy yet: every stage', async () => {
    gh.runs = [];
    const io = captureIo({ GITHUB_TOKEN: 't', GITHUB_REPOSITORY: 'acme/platform', GITHUB_API_URL: gh.url }, repo.dir);
    expect(await main(['affected', '--since-last-deploy', '--matrix'], io)).toBe(0);
    expect(JSON.parse(io.out()).include.map((t: { stage: string; prod: boolean }) => [t.stage, t.prod])).toEqual([
      ['example', false],
      ['prod-example', true],
    ]);
  });

  it('--stage alone: exactly that stage (workflow_dispatch); unknown stages are usage errors', async () => {
    let io = captureIo({}, repo.dir);
    expect(await main(['affected', '--stage', 'prod-example', '--matrix'], io)).toBe(0);
    expect(JSON.parse(io.out()).include.map((t: { environment: string }) => t.environment)).toEqual(['prod-example']);
    // Its Kubernetes API is private: sync runs on its CodeBuild runner in the stage VPC.
    expect(JSON.parse(io.out()).include[0].syncRunner).toBe('codebuild-metaflow-prod-example-sync');
    io = captureIo({}, repo.dir);
    expect(await main(['affected', '--stage', 'nope', '--matrix'], io)).toBe(2);
    expect(io.err()).toContain("unknown stage 'nope' (stages: example, prod-example)");
  });

  it('--all: every stage, changed or not (the health workflow); exclusive with a base or stage list', async () => {
    let io = captureIo({}, repo.dir);
    expect(await main(['affected', '--all', '--matrix'], io)).toBe(0);
    expect(JSON.parse(io.out()).include.map((t: { stage: string; healthRole: string }) => [t.stage, t.healthRole])).toEqual([
      ['example', 'arn:aws:iam::111111111111:role/metaflow-gitops-health-example'],
      ['prod-example', expect.stringMatching(/^arn:aws:iam::\d{12}:role\/metaflow-gitops-health-prod-example$/)],
    ]);
    io = captureIo({}, repo.dir);
    expect(await main(['affected', '--all', '--stage', 'example'], io)).toBe(2);
    expect(io.err()).toContain('--all takes no --base, --since-last-deploy or --stage');
  });

  it('refuses a matrix with an invalid affected stage', async () => {
    repo.write('environments/example.yaml', example.replace('region: us-west-2', 'region: mars-1')).commit('broken');
    const io = captureIo({}, repo.dir);
    expect(await main(['affected', '--base', base, '--matrix'], io)).toBe(1);
    expect(io.err()).toMatch(/environments\/example.yaml:\d+:\d+: region: /);
    expect(io.err()).toContain('an affected stage is invalid: nothing is deployed');
    expect(io.out()).toBe('');
  });

  it('--since-last-deploy needs a token', async () => {
    const io = captureIo({}, repo.dir);
    expect(await main(['affected', '--since-last-deploy'], io)).toBe(2);
    expect(io.err()).toContain('set GITHUB_TOKEN');
  });
});
