import { Io } from '@metaflow-gitops/cli/src/io';

/** An Io that records what a command prints, for in-process command tests. */
export function captureIo(env: NodeJS.ProcessEnv = {}, cwd = process.cwd()): Io & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: (t) => void (out += t),
    stderr: (t) => void (err += t),
    env,
    cwd,
    out: () => out,
    err: () => err,
  };
}
