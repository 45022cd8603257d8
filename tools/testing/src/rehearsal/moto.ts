import { spawn, spawnSync, ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

/** The launcher that patches moto's custom-resource model (see the file's docstring). */
export const MOTO_LAUNCHER = path.join(__dirname, 'moto_launcher.py');

/** Why the emulator cannot run here, or undefined when it can. */
export function motoUnavailable(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (!motoServerPath(env)) return 'moto_server is not on PATH (pip install "moto[server]")';
  const python = pythonFor(env);
  const py = spawnSync(python, ['-c', 'import moto.server'], { env, encoding: 'utf8' });
  if (py.status !== 0) return `${python} cannot import moto.server: ${(py.stderr ?? py.error?.message ?? '').trim().split('\n').pop()}`;
  return undefined;
}

function motoServerPath(env: NodeJS.ProcessEnv): string | undefined {
  const which = spawnSync('sh', ['-c', 'command -v moto_server'], { env, encoding: 'utf8' });
  return which.status === 0 ? which.stdout.trim() : undefined;
}

/**
 * The Python that has moto: `MOTO_PYTHON`, else the `python3` beside `moto_server` (same virtualenv
 * or pyenv shims directory; a PATH that lists a system Python first, as npm scripts do, would
 * otherwise pick one without moto), else `python3`.
 */
function pythonFor(env: NodeJS.ProcessEnv): string {
  if (env.MOTO_PYTHON) return env.MOTO_PYTHON;
  const server = motoServerPath(env);
  const sibling = server ? path.join(path.dirname(server), 'python3') : undefined;
  return sibling && fs.existsSync(sibling) ? sibling : 'python3';
}

export interface MotoServer {
  /** `http://localhost:<port>`: the SDK must use `localhost` (with 127.0.0.1 moto misreads the template URL's bucket). */
  readonly endpoint: string;
  readonly accountId: string;
  /**
   * The SDK environment for this server: endpoint, region, a fresh access key id and a fresh HOME
   * (the CDK caches access key -> account in ~/.cdk/cache), no profile.
   */
  readonly env: Record<string, string>;
  readonly home: string;
  stop(): Promise<void>;
}

/** Starts moto's server on loopback answering as `accountId`, and waits until it accepts requests. */
export async function startMoto(accountId: string, region: string, log?: string): Promise<MotoServer> {
  const port = await freePort();
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mfctl-rehearsal-home-'));
  const out = log ? fs.openSync(log, 'a') : 'ignore';
  const child: ChildProcess = spawn(pythonFor(process.env), [MOTO_LAUNCHER, '-H', 'localhost', '-p', String(port)], {
    env: { ...process.env, MOTO_ACCOUNT_ID: accountId },
    stdio: ['ignore', out, out],
  });
  const endpoint = `http://localhost:${port}`;
  await waitUntilUp(endpoint, child);
  const env = {
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_ACCESS_KEY_ID: `AKIAREHEARSAL${randomBytes(4).toString('hex').toUpperCase()}`,
    AWS_SECRET_ACCESS_KEY: randomBytes(20).toString('hex'),
    HOME: home,
  };
  return {
    endpoint,
    accountId,
    env,
    home,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}

/**
 * Applies `env` to process.env (the AWS SDK and the CDK read it there) and returns a function that
 * restores the previous values. AWS_PROFILE and AWS_SESSION_TOKEN are cleared meanwhile.
 */
export function useEnv(env: Record<string, string>): () => void {
  const keys = [...Object.keys(env), 'AWS_PROFILE', 'AWS_SESSION_TOKEN'];
  const saved = new Map(keys.map((k) => [k, process.env[k]]));
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_SESSION_TOKEN;
  Object.assign(process.env, env);
  return () => {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, 'localhost', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

async function waitUntilUp(endpoint: string, child: ChildProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with code ${child.exitCode} before accepting requests`);
    try {
      const res = await fetch(`${endpoint}/moto-api/`);
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill('SIGTERM');
  throw new Error(`moto_server did not answer on ${endpoint} within ${timeoutMs / 1000}s`);
}
