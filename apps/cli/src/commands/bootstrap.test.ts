import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { makeStageConfig } from '@metaflow-gitops/testing/stage-config';
import { resolveRepository, syncRunnerSteps } from './bootstrap';

describe('resolveRepository', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfctl-bootstrap-'));
  const git = (...args: string[]) => spawnSync('git', args, { cwd: dir, encoding: 'utf8' });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('takes --repo as given', () => {
    expect(resolveRepository('acme/platform', dir)).toBe('acme/platform');
  });

  it('rejects a --repo that is not <org>/<name> as a usage error', () => {
    expect(() => resolveRepository('platform', dir)).toThrow("--repo must be <org>/<name> (got 'platform')");
  });

  it('reads the origin remote, and asks for --repo without one', () => {
    git('init', '-q');
    expect(() => resolveRepository(undefined, dir)).toThrow('no origin remote');
    git('remote', 'add', 'origin', 'git@github.com:acme/metaflow-platform.git');
    expect(resolveRepository(undefined, dir)).toBe('acme/metaflow-platform');
  });
});

describe('syncRunnerSteps', () => {
  it('says nothing for a stage with a public Kubernetes API', () => {
    expect(syncRunnerSteps(makeStageConfig({ name: 'dev' }), 'acme/platform')).toBe('');
  });

  it('walks a private-API stage through the one-time GitHub connection of its CodeBuild runner', () => {
    const connectionArn = 'arn:aws:codeconnections:us-west-2:111111111111:connection/abc';
    const text = syncRunnerSteps(
      makeStageConfig({
        name: 'prod',
        cluster: { publicEndpoint: false },
        deploy: { syncRunner: { repository: 'acme/platform', connectionArn } },
      }),
      'acme/platform',
    );
    expect(text).toContain('CodeBuild runner metaflow-prod-sync');
    expect(text).toContain('aws codeconnections create-connection --provider-type GitHub');
    expect(text).toContain('AWS Connector for GitHub');
    expect(text).toContain('deploy.syncRunner.connectionArn');
    expect(text).toContain(`aws codeconnections get-connection --connection-arn ${connectionArn} --region us-west-2`);
  });
});
