import { chmodSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** `$METAFLOW_HOME`, default `~/.metaflowconfig` (Metaflow's own default). */
export function metaflowHome(env: NodeJS.ProcessEnv): string {
  return env.METAFLOW_HOME && env.METAFLOW_HOME !== '' ? env.METAFLOW_HOME : join(env.HOME ?? homedir(), '.metaflowconfig');
}

/** Where everything of one stage lives under the Metaflow home. */
export function stagePaths(home: string, stage: string) {
  return {
    home,
    /** Metaflow reads `config_<METAFLOW_PROFILE>.json`. */
    profile: join(home, `config_${stage}.json`),
    envSh: join(home, 'env.sh'),
    tokensDir: join(home, 'tokens'),
    tokens: join(home, 'tokens', `${stage}.json`),
    /** Cached STS credentials of the stage's data-scientist role (`aws-credentials`). */
    awsCredentials: join(home, 'aws-credentials', `${stage}.json`),
  };
}

/** Creates a directory (and parents) and forces mode 0700 on it (an existing, looser directory is tightened). */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if ((statSync(dir).mode & 0o777) !== 0o700) chmodSync(dir, 0o700);
}

/**
 * Writes a file with mode 0600 atomically (temp file + rename), so a reader never sees half a
 * token file and the mode is right from the first byte (no window with umask defaults).
 */
export function writePrivateFile(path: string, content: string): void {
  ensurePrivateDir(dirname(path));
  replaceFile(path, content);
}

/**
 * Replaces a file of the user's own tools (kubeconfig, AWS config) atomically with mode 0600; its
 * directory is created 0700 when missing and otherwise left as it is.
 */
export function replaceFile(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, content, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}
