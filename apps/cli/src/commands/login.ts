import { main as metaflowLogin } from '@metaflow-gitops/login';
import { Io } from '../io';

/**
 * `mfctl login ...`: the data scientist's login, delegated unchanged to `metaflow-login` (libs/login),
 * so both spellings behave the same, including their exit codes.
 */
export async function loginCommand(args: readonly string[], io: Io): Promise<number> {
  return metaflowLogin(args, { env: io.env, stdout: io.stdout, stderr: io.stderr, now: () => Date.now(), cwd: io.cwd });
}
