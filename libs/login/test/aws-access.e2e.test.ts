/**
 * The login is all a data scientist needs for AWS: after `metaflow-login <url>` (the real bin, the
 * real OpenID Provider and scripted browser of the login tests), the real AWS CLI gets credentials
 * of the stage's data-scientist role through the `metaflow-<stage>` profile the login wrote
 * (`credential_process = metaflow-login aws-credentials <stage>`), from STS on the local AWS emulator
 * (moto), and the kubeconfig's exec entry resolves them the same way. HOME, AWS_CONFIG_FILE and
 * AWS_SHARED_CREDENTIALS_FILE point into a sandbox; no environment key is set.
 *
 * moto's AssumeRoleWithWebIdentity checks nothing (not the token's signature, issuer or audience,
 * not even that the role exists) and moto does not enforce IAM policies on S3: the trust and the
 * permissions are the template tests' (libs/constructs data-scientist-role.test.ts). What this test
 * checks of STS is the request itself, through a recording proxy in front of moto: the stage's role
 * and the login's verified ID token (aud = the CLI client), not the access token.
 * Skipped, with the reason printed, where moto or the AWS CLI is missing.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as yaml from 'js-yaml';
import { motoUnavailable, startMoto, type MotoServer } from '@metaflow-gitops/testing/moto';
import {
  BIN,
  CLI_CLIENT,
  TEST_DATA_SCIENTIST_ROLE_ARN,
  reserveRedirectPorts,
  runCli,
  sandbox,
  startTestStage,
  type CliResult,
  type Sandbox,
  type TestStage,
} from './harness';

jest.setTimeout(120_000);

const awsCliMissing = (() => {
  try {
    execFileSync('aws', ['--version'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'the AWS CLI (aws) is not on PATH (pip install awscli)';
  }
})();
const unavailable = motoUnavailable() ?? awsCliMissing;
if (unavailable) process.stderr.write(`metaflow-login AWS access end-to-end test SKIPPED: ${unavailable}\n`);
const describeAws = unavailable ? describe.skip : describe;

const ACCOUNT = TEST_DATA_SCIENTIST_ROLE_ARN.split(':')[4];
const REGION = 'us-west-2';
/** The bucket of the harness's discovery document (`s3://metaflow-dev-artifacts/metaflow`). */
const BUCKET = 'metaflow-dev-artifacts';

/** A loopback proxy in front of moto that records the form bodies of the STS calls it forwards. */
class RecordingProxy {
  readonly stsCalls: URLSearchParams[] = [];
  private server?: Server;
  url = '';

  constructor(private readonly target: string) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const form = new URLSearchParams(body.toString('utf8'));
        if (form.get('Action') === 'AssumeRoleWithWebIdentity') this.stsCalls.push(form);
        const headers = Object.fromEntries(
          Object.entries(req.headers).filter((e): e is [string, string] => typeof e[1] === 'string' && e[0] !== 'host'),
        );
        fetch(`${this.target}${req.url ?? '/'}`, { method: req.method, headers, body: body.length > 0 ? body : undefined }).then(
          async (upstream) => {
            res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'text/xml' });
            res.end(Buffer.from(await upstream.arrayBuffer()));
          },
          (err: Error) => res.writeHead(502).end(err.message),
        );
      });
    });
    const server = this.server;
    await new Promise<void>((r) => server.listen(0, 'localhost', () => r()));
    this.url = `http://localhost:${(server.address() as { port: number }).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => {
      this.server?.closeAllConnections();
      this.server?.close(() => r());
    });
  }
}

/** Runs a command (the AWS CLI) with `env` only. */
function run(command: string, args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolveRun({ code, stdout, stderr }));
  });
}

describeAws('AWS access from the login: the metaflow-<stage> profile, STS on moto, the kubeconfig exec entry', () => {
  let moto: MotoServer;
  let testStage: TestStage;
  let sts: RecordingProxy;
  let s: Sandbox;
  /** The data scientist's shell: the sandbox HOME, `metaflow-login` on PATH, AWS endpoints on the emulator, no keys. */
  let userEnv: Record<string, string>;
  let login: CliResult;

  const storedTokens = () => JSON.parse(readFileSync(join(s.metaflowHome, 'tokens', 'dev.json'), 'utf8'));
  const cachePath = () => join(s.metaflowHome, 'aws-credentials', 'dev.json');
  const cached = () =>
    JSON.parse(readFileSync(cachePath(), 'utf8')) as {
      roleArn: string;
      credentials: { AccessKeyId: string; SessionToken: string; Expiration: string };
    };

  beforeAll(async () => {
    await reserveRedirectPorts();
    [moto, testStage] = await Promise.all([startMoto(ACCOUNT, REGION), startTestStage()]);
    sts = new RecordingProxy(moto.endpoint);
    await sts.start();
    // The stage's bucket with one object under metaflow/, made with the emulator's admin keys.
    const admin = { ...moto.env, PATH: process.env.PATH ?? '' };
    const object = join(moto.home, 'data.txt');
    writeFileSync(object, 'artifact\n');
    for (const args of [
      ['s3api', 'create-bucket', '--bucket', BUCKET, '--create-bucket-configuration', `LocationConstraint=${REGION}`],
      ['s3', 'cp', object, `s3://${BUCKET}/metaflow/HelloFlow/data.txt`],
    ]) {
      const res = await run('aws', args, admin);
      if (res.code !== 0) throw new Error(`aws ${args.join(' ')}: ${res.stderr}`);
    }

    s = sandbox();
    const bin = join(s.dir, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'metaflow-login'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
    chmodSync(join(bin, 'metaflow-login'), 0o755);
    userEnv = s.env({
      PATH: `${bin}:${process.env.PATH ?? ''}`,
      AWS_CONFIG_FILE: join(s.home, '.aws', 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(s.dir, 'no-credentials-file'),
      AWS_ENDPOINT_URL: sts.url,
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    login = await runCli([testStage.stage.url], userEnv);
  });

  afterAll(async () => {
    await Promise.all([sts?.stop(), testStage?.stop(), moto?.stop()]);
  });

  test('the login writes the metaflow-dev profile: credential_process, region, no keys', () => {
    expect(login.code).toBe(0);
    const config = join(s.home, '.aws', 'config');
    expect(login.stderr).toContain(`aws:     profile 'metaflow-dev' in ${config}`);
    expect(readFileSync(config, 'utf8')).toBe(
      [
        '[profile metaflow-dev]',
        "# Written by metaflow-login: short-lived credentials of stage 'dev's data-scientist role, from your login.",
        'credential_process = metaflow-login aws-credentials dev',
        `region = ${REGION}`,
        '',
      ].join('\n'),
    );
    expect(statSync(config).mode & 0o777).toBe(0o600);
    expect(sts.stsCalls).toHaveLength(0);
  });

  test('aws sts get-caller-identity --profile metaflow-dev: the stage role, assumed with the login ID token', async () => {
    const res = await run('aws', ['sts', 'get-caller-identity', '--profile', 'metaflow-dev', '--output', 'json'], userEnv);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const roleName = TEST_DATA_SCIENTIST_ROLE_ARN.split('/').pop();
    expect(JSON.parse(res.stdout).Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/${roleName}/alice@example.com`);

    expect(sts.stsCalls).toHaveLength(1);
    const call = sts.stsCalls[0];
    expect(call.get('RoleArn')).toBe(TEST_DATA_SCIENTIST_ROLE_ARN);
    expect(call.get('RoleSessionName')).toBe('alice@example.com');
    const tokens = storedTokens();
    expect(call.get('WebIdentityToken')).toBe(tokens.idToken);
    expect(call.get('WebIdentityToken')).not.toBe(tokens.accessToken);
    const jwks = createRemoteJWKSet(new URL(`${testStage.provider.issuer}/jwks`));
    const { payload } = await jwtVerify(call.get('WebIdentityToken') ?? '', jwks, {
      issuer: testStage.provider.issuer,
      audience: CLI_CLIENT,
    });
    expect(payload.sub).toBe('alice');

    // Cached beside the tokens, for the owner only.
    expect(statSync(cachePath()).mode & 0o777).toBe(0o600);
    expect(cached().roleArn).toBe(TEST_DATA_SCIENTIST_ROLE_ARN);
  });

  test('aws s3 ls s3://<bucket>/metaflow/ through the profile, with the cached credentials (no new STS call)', async () => {
    const res = await run('aws', ['s3', 'ls', `s3://${BUCKET}/metaflow/`, '--recursive', '--profile', 'metaflow-dev'], userEnv);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/ metaflow\/HelloFlow\/data\.txt\n$/);
    expect(sts.stsCalls).toHaveLength(1);
  });

  test('the kubeconfig exec entry resolves credentials through the profile', async () => {
    const kubeconfig = yaml.load(readFileSync(s.kubeconfig, 'utf8')) as {
      users: { name: string; user: { exec: { command: string; args: string[]; env: { name: string; value: string }[] } } }[];
    };
    const exec = kubeconfig.users.find((u) => u.name === 'metaflow-dev')?.user.exec;
    expect(exec?.env).toEqual([{ name: 'AWS_PROFILE', value: 'metaflow-dev' }]);
    // What kubectl does: run the command with the entry's env added to its own environment.
    const env = { ...userEnv, ...Object.fromEntries((exec?.env ?? []).map((e) => [e.name, e.value])) };
    const res = await run(exec?.command ?? '', exec?.args ?? [], env);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const credential = JSON.parse(res.stdout) as { kind: string; status: { token: string } };
    expect(credential.kind).toBe('ExecCredential');
    // The token is a presigned sts:GetCallerIdentity URL: signed with the role's session credentials.
    expect(credential.status.token).toMatch(/^k8s-aws-v1\./);
    const presigned = new URL(Buffer.from(credential.status.token.slice('k8s-aws-v1.'.length), 'base64url').toString('utf8'));
    const { AccessKeyId, SessionToken } = cached().credentials;
    expect(presigned.searchParams.get('X-Amz-Credential')?.split('/')[0]).toBe(AccessKeyId);
    expect(presigned.searchParams.get('X-Amz-Security-Token')).toBe(SessionToken);
    expect(presigned.searchParams.get('x-k8s-aws-id')).toBeNull(); // a header, not a query parameter
    expect(sts.stsCalls).toHaveLength(1);
  });

  test('credentials with less than five minutes left are renewed from STS', async () => {
    const before = cached();
    writeFileSync(
      cachePath(),
      JSON.stringify({ ...before, credentials: { ...before.credentials, Expiration: new Date(Date.now() + 4 * 60_000).toISOString() } }),
    );
    const res = await runCli(['aws-credentials', 'dev'], userEnv);
    expect(res.code).toBe(0);
    const out = JSON.parse(res.stdout) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(['Version', 'AccessKeyId', 'SecretAccessKey', 'SessionToken', 'Expiration']);
    expect(out.Version).toBe(1);
    expect(out.AccessKeyId).not.toBe(before.credentials.AccessKeyId);
    expect(Date.parse(out.Expiration as string) - Date.now()).toBeGreaterThan(50 * 60_000);
    expect(sts.stsCalls).toHaveLength(2);
  });

  test('a session that cannot be refreshed: "run metaflow-login <url> again", exit 1, no stack trace, through the AWS CLI too', async () => {
    const tokens = storedTokens();
    writeFileSync(
      join(s.metaflowHome, 'tokens', 'dev.json'),
      JSON.stringify({ ...tokens, expiresAt: Date.now() - 1000, idToken: undefined, refreshToken: 'revoked-or-expired' }),
    );
    writeFileSync(cachePath(), '{}');
    const expected = `the session of stage 'dev' has expired or was revoked: run metaflow-login ${testStage.stage.url} again`;
    const direct = await runCli(['aws-credentials', 'dev'], userEnv);
    expect(direct.code).toBe(1);
    expect(direct.stdout).toBe('');
    expect(direct.stderr).toBe(`error: ${expected}\n`);
    const viaAws = await run('aws', ['sts', 'get-caller-identity', '--profile', 'metaflow-dev'], userEnv);
    expect(viaAws.code).not.toBe(0);
    expect(viaAws.stderr).toContain(expected);
    expect(viaAws.stderr).not.toMatch(/\n\s+at /);
    expect(sts.stsCalls).toHaveLength(2);
  });
});
