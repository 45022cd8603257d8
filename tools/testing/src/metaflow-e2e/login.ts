import { spawn, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { collect, type ContainerResult } from './container';
import { REPO_ROOT } from './vendor';

/** The login tests' real OpenID Provider (oidc-provider) and scripted browser, reused here. */
const FIXTURES = path.join(REPO_ROOT, 'libs/login/test/fixtures');
export const METAFLOW_LOGIN_BIN = path.join(REPO_ROOT, 'libs/login/bin/metaflow-login.js');

/** The BROWSER command that completes login and consent over HTTP, logging each use to `log`. */
export function scriptedBrowser(log: string): Record<string, string> {
  return { BROWSER: `"${process.execPath}" "${path.join(FIXTURES, 'browser.mjs')}"`, FAKE_BROWSER_LOG: log };
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** `count` consecutive loopback ports free right now, outside the ephemeral range (the CLI's redirect ports for this run). */
export async function reserveRedirectPorts(count: number): Promise<number[]> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 9_000);
    const ports = Array.from({ length: count }, (_, i) => base + i);
    if ((await Promise.all(ports.map(portFree))).every(Boolean)) return ports;
  }
  throw new Error('no free block of loopback ports for the redirect URIs');
}

export interface OidcProvider {
  readonly issuer: string;
  stop(): Promise<void>;
}

/** Starts the provider fixture with one public client; `accessTokenClaims` go into every access token. */
export function startOidcProvider(
  client: { id: string; redirectUris: string[] },
  accessTokenClaims: Record<string, unknown>,
): Promise<OidcProvider> {
  const config = { host: 'localhost', clients: [client], accessTokenClaims };
  const child: ChildProcess = spawn(process.execPath, [path.join(FIXTURES, 'oidc-provider.mjs'), JSON.stringify(config)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const { stdout, stderr: err } = child;
  if (!stdout || !err) throw new Error('fixture stdio not piped');
  let stderr = '';
  err.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    createInterface({ input: stdout }).once('line', (line) => {
      const { issuer } = JSON.parse(line) as { issuer: string };
      resolve({
        issuer,
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill();
          }),
      });
    });
    child.once('exit', (code) => reject(new Error(`oidc-provider fixture exited with ${code}: ${stderr}`)));
  });
}

/** Runs the real metaflow-login bin (without blocking this process: the stage stand-ins live in it). */
export function metaflowLogin(args: string[], env: Record<string, string>, cwd?: string): Promise<ContainerResult> {
  return collect(spawn(process.execPath, [METAFLOW_LOGIN_BIN, ...args], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] }));
}
