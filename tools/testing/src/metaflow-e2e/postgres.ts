import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort, waitFor } from './processes';
import { postgresBinDir } from './prerequisites';

export interface Postgres {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
  /** Runs SQL through psql over TLS and returns its unaligned output. */
  query(sql: string): string;
  stop(): Promise<void>;
}

/**
 * The uid/gid the server runs as: PostgreSQL refuses to run as root, so a root test run uses the
 * `postgres` account the Debian package creates; anyone else runs it as themselves.
 */
function serverAccount(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  const [uid, gid] = [id('-u'), id('-g')];
  if (uid.status !== 0 || gid.status !== 0) throw new Error('running as root, and there is no postgres account to run PostgreSQL as');
  return { uid: Number(uid.stdout), gid: Number(gid.stdout) };
}

/**
 * A throwaway PostgreSQL on 127.0.0.1 that accepts TCP connections over TLS only (self-signed
 * certificate, `hostssl` lines only, as RDS with `rds.force_ssl`), with one database and a
 * password user.
 */
export async function startPostgres(log: string): Promise<Postgres> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL server binaries not found');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'metaflow-e2e-pg-'));
  const account = serverAccount();
  const user = 'metaflow';
  const password = randomBytes(12).toString('hex');
  const database = 'metaflow';
  const file = (name: string) => path.join(dir, name);
  fs.writeFileSync(file('pwfile'), `${password}\n`);
  const cert = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      file('server.key'),
      '-out',
      file('server.crt'),
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
    ],
    { encoding: 'utf8' },
  );
  if (cert.status !== 0) throw new Error(`openssl: ${cert.stderr}`);
  fs.chmodSync(file('server.key'), 0o600);
  if (account) for (const f of [dir, file('pwfile'), file('server.key'), file('server.crt')]) fs.chownSync(f, account.uid, account.gid);
  const asServer = { ...(account ?? {}), encoding: 'utf8' as const };
  const init = spawnSync(
    path.join(bin, 'initdb'),
    ['-D', file('data'), '-U', user, `--pwfile=${file('pwfile')}`, '-A', 'scram-sha-256', '--no-sync'],
    asServer,
  );
  if (init.status !== 0) throw new Error(`initdb: ${init.stderr}`);
  // TCP only with TLS; the unix socket (in this folder, for psql in query()) trusts its owner.
  fs.writeFileSync(file('data/pg_hba.conf'), 'local all all trust\nhostssl all all 127.0.0.1/32 scram-sha-256\n');
  const port = await freePort();
  const out = fs.openSync(log, 'a');
  const server: ChildProcess = spawn(
    path.join(bin, 'postgres'),
    [
      '-D',
      file('data'),
      '-k',
      dir,
      '-h',
      '127.0.0.1',
      '-p',
      String(port),
      '-c',
      'ssl=on',
      '-c',
      `ssl_cert_file=${file('server.crt')}`,
    ].concat(['-c', `ssl_key_file=${file('server.key')}`, '-c', 'fsync=off', '-c', 'full_page_writes=off']),
    { ...(account ?? {}), stdio: ['ignore', out, out] },
  );
  const psql = (db: string, sql: string) =>
    spawnSync(path.join(bin, 'psql'), ['-h', dir, '-p', String(port), '-U', user, '-d', db, '-XAtq', '-v', 'ON_ERROR_STOP=1', '-c', sql], {
      ...asServer,
    });
  await waitFor('PostgreSQL', server, () => psql('postgres', 'SELECT 1').status === 0);
  const created = psql('postgres', `CREATE DATABASE ${database}`);
  if (created.status !== 0) throw new Error(`create database: ${created.stderr}`);
  return {
    host: '127.0.0.1',
    port,
    user,
    password,
    database,
    query: (sql) => {
      const r = psql(database, sql);
      if (r.status !== 0) throw new Error(`psql: ${r.stderr}`);
      return r.stdout.trim();
    },
    stop: async () => {
      if (server.exitCode === null) {
        const exited = new Promise((resolve) => server.once('exit', resolve));
        server.kill('SIGINT');
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
