import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { credentialFreeEnv, linkNodeModules } from './worktree';

describe('credentialFreeEnv', () => {
  it('drops AWS credentials, the GitHub token and the OIDC request variables, and points the SDK files nowhere', () => {
    const env = credentialFreeEnv(
      {
        PATH: '/bin',
        HOME: '/home/x',
        AWS_ACCESS_KEY_ID: 'AKIA',
        AWS_SECRET_ACCESS_KEY: 's',
        AWS_SESSION_TOKEN: 't',
        AWS_PROFILE: 'p',
        AWS_REGION: 'us-east-1',
        GITHUB_TOKEN: 'ghs',
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'o',
        ACTIONS_ID_TOKEN_REQUEST_URL: 'u',
        ACTIONS_RUNTIME_TOKEN: 'r',
        GITHUB_REPOSITORY: 'a/b',
      },
      '/scratch',
    );
    expect(env).toEqual({
      PATH: '/bin',
      HOME: '/home/x',
      GITHUB_REPOSITORY: 'a/b',
      AWS_CONFIG_FILE: '/scratch/no-aws-config',
      AWS_SHARED_CREDENTIALS_FILE: '/scratch/no-aws-credentials',
      AWS_EC2_METADATA_DISABLED: 'true',
    });
  });
});

describe('linkNodeModules', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mfg-link-'));
  const head = path.join(root, 'head');
  const base = path.join(root, 'base');
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  beforeAll(() => {
    for (const tree of [head, base]) {
      fs.mkdirSync(path.join(tree, 'libs/a'), { recursive: true });
      fs.mkdirSync(path.join(tree, 'apps/cli'), { recursive: true });
    }
    fs.mkdirSync(path.join(head, 'node_modules/@metaflow-gitops'), { recursive: true });
    fs.mkdirSync(path.join(head, 'node_modules/dep'));
    fs.mkdirSync(path.join(head, 'node_modules/.bin'));
    fs.symlinkSync('../../libs/a', path.join(head, 'node_modules/@metaflow-gitops/a'));
    // An absolute workspace link is re-rooted into the base too.
    fs.symlinkSync(path.join(head, 'apps/cli'), path.join(head, 'node_modules/@metaflow-gitops/cli'));
    fs.mkdirSync(path.join(head, 'libs/a/node_modules/nested'), { recursive: true });
    linkNodeModules(head, base);
  });

  it('links third-party packages to the head and workspace packages to the base', () => {
    expect(fs.realpathSync(path.join(base, 'node_modules/dep'))).toBe(fs.realpathSync(path.join(head, 'node_modules/dep')));
    expect(fs.realpathSync(path.join(base, 'node_modules/@metaflow-gitops/a'))).toBe(fs.realpathSync(path.join(base, 'libs/a')));
    expect(fs.realpathSync(path.join(base, 'node_modules/@metaflow-gitops/cli'))).toBe(fs.realpathSync(path.join(base, 'apps/cli')));
    expect(fs.existsSync(path.join(base, 'node_modules/.bin'))).toBe(false);
  });

  it("links a workspace package's nested dependencies", () => {
    expect(fs.realpathSync(path.join(base, 'libs/a/node_modules'))).toBe(fs.realpathSync(path.join(head, 'libs/a/node_modules')));
  });

  it('removing the base links leaves the head untouched', () => {
    fs.rmSync(path.join(base, 'node_modules'), { recursive: true, force: true });
    expect(fs.existsSync(path.join(head, 'node_modules/dep'))).toBe(true);
    expect(fs.existsSync(path.join(head, 'libs/a'))).toBe(true);
  });
});
