import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { motoUnavailable } from '../rehearsal/moto';
import { vendorUnavailable } from './vendor';

/** Python modules the service, the migration and the Metaflow client import (Debian packages python3-<name>). */
const PYTHON_MODULES = ['aiohttp', 'aiopg', 'psycopg2', 'packaging', 'requests', 'boto3', 'kubernetes'];

/**
 * The Python that has the Debian packages: METAFLOW_E2E_PYTHON, else Debian's /usr/bin/python3 (a
 * `python3` earlier on PATH, such as pyenv's, lacks them).
 */
export function e2ePython(env: NodeJS.ProcessEnv = process.env): string {
  return env.METAFLOW_E2E_PYTHON ?? '/usr/bin/python3';
}

/** The folder with PostgreSQL's server binaries (initdb, postgres), from `pg_config --bindir` or Debian's layout. */
export function postgresBinDir(): string | undefined {
  const pgConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  const candidates = pgConfig.status === 0 ? [pgConfig.stdout.trim()] : [];
  const debian = '/usr/lib/postgresql';
  if (fs.existsSync(debian))
    candidates.push(
      ...fs
        .readdirSync(debian)
        .sort((a, b) => Number(b) - Number(a))
        .map((v) => path.join(debian, v, 'bin')),
    );
  return candidates.find((dir) => fs.existsSync(path.join(dir, 'initdb')) && fs.existsSync(path.join(dir, 'postgres')));
}

const onPath = (tool: string, PATH = process.env.PATH) => spawnSync('sh', ['-c', `command -v ${tool}`], { env: { PATH } }).status === 0;

/** The PATH the UI container's stand-in runs with (Debian puts nginx in /usr/sbin). */
export const UI_PATH = '/usr/sbin:/usr/bin:/bin';

/** Why the UI container step cannot run here (no nginx), or undefined when it can. */
export function nginxUnavailable(): string | undefined {
  return onPath('nginx', UI_PATH) ? undefined : 'nginx is not installed (apt-get install nginx)';
}

/** Why the Metaflow end-to-end test cannot run here, or undefined when it can. */
export function e2eUnavailable(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const vendor = vendorUnavailable(env);
  if (vendor) return vendor;
  const python = e2ePython(env);
  const imports = spawnSync(python, ['-c', `import ${PYTHON_MODULES.join(', ')}`], { encoding: 'utf8' });
  if (imports.status !== 0)
    return `${python} cannot import ${PYTHON_MODULES.join(', ')} (apt-get install ${PYTHON_MODULES.map((m) => `python3-${m}`).join(' ')}): ${(imports.stderr ?? imports.error?.message ?? '').trim().split('\n').pop()}`;
  if (!postgresBinDir()) return 'PostgreSQL server binaries (initdb, postgres) not found (apt-get install postgresql)';
  for (const tool of ['openssl', 'setpriv', 'tar'])
    if (!onPath(tool)) return `${tool} is not on PATH (apt-get install ${tool === 'setpriv' ? 'util-linux' : tool})`;
  return motoUnavailable(env);
}
