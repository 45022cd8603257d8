import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import {
  buildDiscoveryDocument,
  CLI_REDIRECT_PATH,
  CLI_REDIRECT_PORTS,
  DISCOVERY_PATH,
  placeholderOutputs,
  type StageOutputs,
} from '@metaflow-gitops/stage-config';
import { makeStageConfig } from '@metaflow-gitops/testing/stage-config';

export const PACKAGE_DIR = resolve(__dirname, '..');
export const BIN = join(PACKAGE_DIR, 'bin', 'metaflow-login.js');
export const FAKE_BROWSER = join(__dirname, 'fixtures', 'browser.mjs');
export const CLI_CLIENT = 'metaflow-cli-test';
export const OTHER_CLIENT = 'other-app';

let redirectPorts: number[] = [];

function portFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolvePort) => {
    const probe = createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => resolvePort(err.code === 'EADDRNOTAVAIL' || err.code === 'EAFNOSUPPORT'));
    probe.listen(port, host, () => probe.close(() => resolvePort(true)));
  });
}

/**
 * Picks the loopback ports this test run registers on the provider and publishes in its discovery
 * document: as many as CLI_REDIRECT_PORTS, free right now, outside the ephemeral range. Stand-ins
 * for the real ports (whose publication the contract test checks) so that two runs of this suite
 * on one machine (a colleague's `npm test`, CI) do not take each other's ports.
 */
export async function reserveRedirectPorts(): Promise<number[]> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 9_000);
    const ports = CLI_REDIRECT_PORTS.map((_, i) => base + i);
    const free = await Promise.all(ports.flatMap((p) => [portFree(p, '127.0.0.1'), portFree(p, '::1')]));
    if (free.every(Boolean)) {
      redirectPorts = ports;
      return ports;
    }
  }
  throw new Error('no free block of loopback ports for the redirect URIs');
}

/** The redirect ports of this run (reserveRedirectPorts first). */
export function testRedirectPorts(): number[] {
  if (redirectPorts.length === 0) throw new Error('call reserveRedirectPorts() in beforeAll first');
  return redirectPorts;
}

const testRedirectUris = () => testRedirectPorts().map((port) => `http://localhost:${port}${CLI_REDIRECT_PATH}`);

export interface ProviderHandle {
  readonly issuer: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** Starts the real oidc-provider fixture in its own process. */
export function startProvider(
  options: { host?: string; ttl?: Record<string, number>; cognitoRevocation?: boolean } = {},
): Promise<ProviderHandle> {
  const config = {
    host: options.host ?? 'localhost',
    ttl: options.ttl,
    cognitoRevocation: options.cognitoRevocation,
    clients: [
      { id: CLI_CLIENT, redirectUris: testRedirectUris() },
      { id: OTHER_CLIENT, redirectUris: testRedirectUris() },
    ],
  };
  const child: ChildProcess = spawn(process.execPath, [join(__dirname, 'fixtures', 'oidc-provider.mjs'), JSON.stringify(config)], {
    cwd: PACKAGE_DIR,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const { stdout: out, stderr: err } = child;
  if (!out || !err) throw new Error('fixture stdio not piped');
  let stderr = '';
  err.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolveStart, reject) => {
    const lines = createInterface({ input: out });
    lines.once('line', (line) => {
      const { issuer, port } = JSON.parse(line) as { issuer: string; port: number };
      resolveStart({
        issuer,
        port,
        stop: () =>
          new Promise((done) => {
            child.once('exit', () => done());
            child.kill();
          }),
      });
    });
    child.once('exit', (code) => reject(new Error(`oidc-provider fixture exited with ${code}: ${stderr}`)));
  });
}

/**
 * The stage side on loopback: serves the discovery document at DISCOVERY_PATH and a stand-in for
 * the metadata service under /cli/ that accepts only bearer tokens verifying against the
 * provider's JWKS (what the gateway's JWT filter does).
 */
export class StageServer {
  doc: unknown;
  /** Raw response override for the discovery path: status and body. */
  raw?: { status: number; body: string };
  readonly requests: { path: string; authorization?: string; sub?: string }[] = [];
  private server?: Server;
  port = 0;

  constructor(private readonly provider: ProviderHandle) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const jwks = createRemoteJWKSet(new URL(`${this.provider.issuer}/jwks`));
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const path = req.url ?? '/';
      if (path === DISCOVERY_PATH) {
        const body = this.raw ? this.raw.body : JSON.stringify(this.doc);
        res.writeHead(this.raw?.status ?? 200, { 'content-type': 'application/json' }).end(body);
        return;
      }
      if (path.startsWith('/cli/')) {
        const auth = req.headers.authorization;
        const token = auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length) : undefined;
        const verify = token ? jwtVerify(token, jwks, { issuer: this.provider.issuer }) : Promise.reject(new Error('no token'));
        verify.then(
          ({ payload }) => {
            this.requests.push({ path, authorization: auth, sub: String(payload.sub) });
            res
              .writeHead(200, { 'content-type': 'application/json' })
              .end(JSON.stringify({ path, sub: payload.sub, clientId: payload.client_id }));
          },
          () => {
            this.requests.push({ path, authorization: auth });
            res.writeHead(401).end('unauthorized');
          },
        );
        return;
      }
      res.writeHead(404).end();
    });
    const server = this.server;
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    this.port = (server.address() as { port: number }).port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => {
      this.server?.closeAllConnections();
      this.server?.close(() => r());
    });
  }
}

/** EKS endpoint and CA data of the test stage, published through the real builder from the stage outputs. */
/** A provider and a stage serving its discovery document; `stop()` ends both. */
export interface TestStage {
  readonly provider: ProviderHandle;
  readonly stage: StageServer;
  stop(): Promise<void>;
}

export async function startTestStage(options: Parameters<typeof startProvider>[0] = {}): Promise<TestStage> {
  const provider = await startProvider(options);
  const stage = new StageServer(provider);
  await stage.start();
  stage.doc = discoveryDoc(stage.url, provider.issuer);
  return {
    provider,
    stage,
    async stop() {
      await stage.stop();
      await provider.stop();
    },
  };
}

export const TEST_CLUSTER_ENDPOINT = 'https://ABCDEF0123456789.gr7.us-west-2.eks.amazonaws.com';
export const TEST_DATA_SCIENTIST_ROLE_ARN = 'arn:aws:iam::111111111111:role/metaflow-dev-data-scientist';
export const TEST_CLUSTER_CA_DATA = Buffer.from('-----BEGIN CERTIFICATE-----\nMIIBtestCA\n-----END CERTIFICATE-----\n').toString('base64');

/**
 * The discovery document the manifests publish for a stage `dev` (`buildDiscoveryDocument`, the
 * real builder), pointed at the loopback provider and stage; `overrides` change single fields.
 */
export function discoveryDoc(stageUrl: string, issuer: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const outputs: StageOutputs = {
    ...placeholderOutputs(),
    issuerUrl: issuer,
    cliClientId: CLI_CLIENT,
    cognitoDomain: 'https://metaflow-dev-111111111111.auth.us-west-2.amazoncognito.com',
    artifactBucketName: 'metaflow-dev-artifacts',
    clusterName: 'metaflow-dev',
    clusterEndpoint: TEST_CLUSTER_ENDPOINT,
    clusterCertificateAuthorityData: TEST_CLUSTER_CA_DATA,
    dataScientistRoleArn: TEST_DATA_SCIENTIST_ROLE_ARN,
  };
  const doc = buildDiscoveryDocument(makeStageConfig({ name: 'dev', region: 'us-west-2' }), outputs);
  return {
    ...doc,
    redirectPorts: testRedirectPorts(),
    serviceUrl: `${stageUrl}/cli/`,
    uiUrl: `${stageUrl}/`,
    argoEvents: { ...doc.argoEvents, publicWebhookUrl: `${stageUrl}/events/metaflow-event` },
    ...overrides,
  };
}

export interface Sandbox {
  readonly dir: string;
  readonly home: string;
  readonly metaflowHome: string;
  readonly kubeconfig: string;
  readonly browserLog: string;
  env(extra?: Record<string, string>): Record<string, string>;
}

/** A fresh HOME, METAFLOW_HOME, KUBECONFIG and scripted browser for one scenario. */
export function sandbox(): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), 'metaflow-login-'));
  const s = {
    dir,
    home: join(dir, 'home'),
    metaflowHome: join(dir, 'home', '.metaflowconfig'),
    kubeconfig: join(dir, 'home', '.kube', 'config'),
    browserLog: join(dir, 'browser.log'),
  };
  return {
    ...s,
    env: (extra = {}) => ({
      PATH: process.env.PATH ?? '',
      HOME: s.home,
      METAFLOW_HOME: s.metaflowHome,
      KUBECONFIG: s.kubeconfig,
      BROWSER: `"${process.execPath}" "${FAKE_BROWSER}"`,
      FAKE_BROWSER_LOG: s.browserLog,
      ...extra,
    }),
  };
}

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real bin (through its tsx shim) as a subprocess. */
export function runCli(args: string[], env: Record<string, string>, timeoutMs = 60_000, bin = BIN): Promise<CliResult> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env, cwd: PACKAGE_DIR, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`metaflow-login ${args.join(' ')} did not finish in ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolveRun({ code, stdout, stderr });
    });
  });
}
