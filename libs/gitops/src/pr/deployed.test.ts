import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as net from 'node:net';
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { seedFakeRepo, TempRepo } from '@metaflow-gitops/testing/gitops';
import { awsDeployedTemplates } from './deployed';
import { computePrDiff } from './pr-diff';

const hasMoto = spawnSync('moto_server', ['--help'], { stdio: 'ignore' }).status === 0;
if (!hasMoto) process.stderr.write('SKIPPED deployed.test.ts: moto_server is not installed (pipx install "moto[server]==5.2.1")\n');

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

(hasMoto ? describe : describe.skip)('--against deployed (CloudFormation on moto_server)', () => {
  let moto: ChildProcess;
  let repo: TempRepo;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    const port = await freePort();
    moto = spawn('moto_server', ['-p', String(port)], { stdio: 'ignore' });
    // localhost, not 127.0.0.1: moto reads a TemplateURL path-style only when it contains "localhost";
    // otherwise it takes the host's first label ("127") as the bucket (docs/delivery.md, the rehearsal on moto).
    const endpoint = `http://localhost:${port}`;
    for (let i = 0; i < 100; i++) {
      if (
        await fetch(`${endpoint}/moto-api/`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      await new Promise((r) => setTimeout(r, 100));
    }
    env = {
      AWS_ACCESS_KEY_ID: 'AKIAMOTODEPLOYED0001',
      AWS_SECRET_ACCESS_KEY: 'x',
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL: endpoint,
      PATH: process.env.PATH,
    };
    const cfn = new CloudFormationClient({
      region: 'us-east-1',
      endpoint,
      credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: 'x' },
    });
    // What is "deployed": the data stack with only the bucket (no database yet); no vpc stack.
    await cfn.send(
      new CreateStackCommand({
        StackName: 'dev-data',
        TemplateBody: JSON.stringify({ Resources: { Bucket: { Type: 'AWS::S3::Bucket', DeletionPolicy: 'Retain', Properties: {} } } }),
      }),
    );
    repo = new TempRepo();
    seedFakeRepo(repo);
  }, 30_000);

  afterAll(() => {
    moto?.kill();
    repo?.cleanup();
  });

  it('diffs the head synthesis against the templates CloudFormation holds', async () => {
    repo.write('environments/dev.yaml', 'compute:\n  cpu:\n    maxCpu: 7\n').commit('change dev');
    const r = await computePrDiff({
      repoDir: repo.dir,
      baseRef: 'HEAD~1',
      env,
      progress: () => undefined,
      deployed: awsDeployedTemplates(env),
      stages: ['dev'],
    });
    expect(r.against).toBe('deployed');
    const dev = r.stages[0];
    expect(dev.errors).toEqual([]);
    const byStack = Object.fromEntries(dev.stacks.map((s) => [s.stack, [s.status, s.resources.map((x) => `${x.action} ${x.logicalId}`)]]));
    expect(byStack).toEqual({
      'dev-vpc': ['added', ['add Vpc']],
      'dev-data': ['changed', ['add DatabaseCluster5B53A178']],
    });
  });
});
