import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadStage } from '@metaflow-gitops/stage-config';
import { main } from '../main';
import { captureIo } from '@metaflow-gitops/testing/cli';

const REPO = path.resolve(__dirname, '../../../..');

describe('mfctl stage', () => {
  let dir: string;
  let envs: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfctl-stage-'));
    envs = path.join(dir, 'environments');
    fs.cpSync(path.join(REPO, 'environments'), envs, { recursive: true });
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const run = async (...args: string[]) => {
    const io = captureIo({}, dir);
    const code = await main(args, io);
    return { code, out: io.out(), err: io.err() };
  };

  it('new writes a valid, commented stage file with the modeline', async () => {
    const r = await run(
      'stage',
      'new',
      'dev',
      '--account',
      '012345678901',
      '--region',
      'eu-west-1',
      '--gpu',
      '--groups',
      'ml,ops',
      '--environments',
      envs,
    );
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toContain('wrote environments/dev.yaml');
    const text = fs.readFileSync(path.join(envs, 'dev.yaml'), 'utf8');
    expect(text.split('\n')[0]).toMatch(/^# yaml-language-server: \$schema=.*libs\/stage-config\/schema\/stage\.schema\.json$/);
    expect(text).toContain('accountId: "012345678901"');
    const stage = loadStage(envs, 'dev');
    expect(stage).toMatchObject({
      accountId: '012345678901',
      region: 'eu-west-1',
      isProd: false,
      oidcConfig: { allowedGroups: ['ml', 'ops'], clientId: 'metaflow-dev' },
    });
    expect(stage.compute.gpu?.maxGpus).toBe(8);
    expect(stage.network.availabilityZones).toEqual(['eu-west-1a', 'eu-west-1b', 'eu-west-1c']);
    // The services hold database connections while they run: a non-prod stage is not promised a pausing database.
    expect(stage.database.minCapacity).toBe(0.5);
    expect(text).not.toMatch(/paus(es|ing) when idle/);
    expect(fs.readdirSync(envs).sort()).toEqual(['dev.yaml', 'example.yaml', 'prod-example.yaml']);
  });

  it('new writes a prod stage that passes the prod rules, with cross-account delegation', async () => {
    const r = await run(
      'stage',
      'new',
      'live',
      '--account',
      '123456789012',
      '--region',
      'us-east-1',
      '--azs',
      'us-east-1a,us-east-1b',
      '--prod',
      '--groups',
      'ml',
      '--allowed-cidrs',
      '203.0.113.0/24',
      '--parent-zone-id',
      'Z0123456789',
      '--delegation-role',
      'arn:aws:iam::999999999999:role/dns',
      '--environments',
      envs,
    );
    expect(r).toMatchObject({ code: 0, err: '' });
    const stage = loadStage(envs, 'live');
    expect(stage).toMatchObject({
      isProd: true,
      network: { natGateways: 2, availabilityZones: ['us-east-1a', 'us-east-1b'] },
      cluster: { publicEndpoint: false },
      database: { minCapacity: 0.5 },
    });
    expect(stage.domain.delegation).toEqual({
      mode: 'cross-account',
      parentHostedZoneId: 'Z0123456789',
      delegationRoleArn: 'arn:aws:iam::999999999999:role/dns',
    });
  });

  it('new refuses to overwrite (exit 1) and leaves the file as it was', async () => {
    const before = fs.readFileSync(path.join(envs, 'example.yaml'), 'utf8');
    const r = await run('stage', 'new', 'example', '--account', '123456789012', '--region', 'us-west-2', '--environments', envs);
    expect(r.code).toBe(1);
    expect(r.err).toContain('already exists; refusing to overwrite it');
    expect(fs.readFileSync(path.join(envs, 'example.yaml'), 'utf8')).toBe(before);
  });

  it('new writes nothing when the stage would be invalid, and says why (located)', async () => {
    const r = await run(
      'stage',
      'new',
      'dev',
      '--account',
      '123456789012',
      '--region',
      'us-west-2',
      '--issuer',
      'http://idp.example.com',
      '--environments',
      envs,
    );
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/environments\/dev\.yaml:\d+:14: oidcConfig\.issuerUrl: "http:\/\/idp\.example\.com" is not https/);
    expect(r.err).toContain('nothing was written');
    expect(fs.readdirSync(envs).sort()).toEqual(['example.yaml', 'prod-example.yaml']);
  });

  it('new checks the cross-stage rules against the existing stages', async () => {
    const example = path.join(envs, 'example.yaml');
    fs.writeFileSync(example, fs.readFileSync(example, 'utf8').replace('oidcConfig:\n', 'oidcConfig:\n  clientId: metaflow-dev\n'));
    const r = await run('stage', 'new', 'dev', '--account', '123456789012', '--region', 'us-west-2', '--environments', envs);
    expect(r.code).toBe(1);
    expect(r.err).toContain('oidcConfig.clientId: OIDC client id "metaflow-dev" is also used by stage "dev" (environments/dev.yaml)');
    expect(fs.existsSync(path.join(envs, 'dev.yaml'))).toBe(false);
  });

  it('new picks a VPC range free in the account and region, so no deployed stage is told to change', async () => {
    // example.yaml: account 111111111111, us-west-2, 10.0.0.0/16; "alpha" sorts before it.
    const r = await run('stage', 'new', 'alpha', '--account', '111111111111', '--region', 'us-west-2', '--environments', envs);
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(loadStage(envs, 'alpha').network.vpcCidr).toBe('10.1.0.0/16');
    const validate = await run('validate', '--environments', envs);
    expect(validate.err).not.toContain('overlaps the VPC');
    // Another account or region keeps the default range.
    await run('stage', 'new', 'beta', '--account', '222222222222', '--region', 'us-west-2', '--environments', envs);
    expect(loadStage(envs, 'beta').network.vpcCidr).toBe('10.0.0.0/16');
  });

  it.each([
    [['Bad_Name', '--account', '123456789012', '--region', 'us-west-2'], /stage name "Bad_Name"/],
    [['dev', '--account', '12345', '--region', 'us-west-2'], /not a 12-digit AWS account id/],
    [
      ['dev', '--account', '123456789012', '--region', 'ca-central-1'],
      /ca-central-1 needs --azs: EKS cannot place the control plane in cac1-az3/,
    ],
    [['dev', '--account', '123456789012', '--region', 'us-west-2', '--prod'], /--prod needs --groups/],
    [['dev', '--region', 'us-west-2'], /required option '--account <id>' not specified/],
  ])('new %j is a usage error', async (args, message) => {
    const r = await run('stage', 'new', ...args, '--environments', envs);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(fs.readdirSync(envs).sort()).toEqual(['example.yaml', 'prod-example.yaml']);
  });

  it('list prints a table', async () => {
    const r = await run('stage', 'list', '--environments', envs);
    expect(r.code).toBe(0);
    expect(r.out.split('\n')).toEqual([
      'NAME          ACCOUNT       REGION     PROD  HOST',
      'example       111111111111  us-west-2  no    example.metaflow.example.com',
      'prod-example  222222222222  eu-west-1  yes   prod-example.metaflow.example.com',
      '',
    ]);
  });

  it('list --json, and exit 1 naming the invalid files it skipped', async () => {
    fs.writeFileSync(path.join(envs, 'broken.yaml'), 'accountId: 1\n');
    const r = await run('stage', 'list', '--json', '--environments', envs);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out)).toEqual([
      {
        name: 'example',
        accountId: '111111111111',
        region: 'us-west-2',
        isProd: false,
        host: 'example.metaflow.example.com',
        file: 'environments/example.yaml',
      },
      {
        name: 'prod-example',
        accountId: '222222222222',
        region: 'eu-west-1',
        isProd: true,
        host: 'prod-example.metaflow.example.com',
        file: 'environments/prod-example.yaml',
      },
    ]);
    expect(r.err).toContain('1 invalid stage file(s) not listed: environments/broken.yaml');
  });
});
