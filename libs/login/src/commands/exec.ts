import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { awsProfileName } from '../private/aws-config';
import { EXIT, LoginError } from '../private/errors';
import { metaflowHome } from '../private/files';
import { startAuthProxy } from '../private/proxy';
import { freshTokens, type Runtime } from '../private/session';
import { requireTokens } from '../private/tokens';

/** Environment credentials, which the AWS CLI and SDKs prefer over AWS_PROFILE. */
const AWS_KEY_VARIABLES = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_SECURITY_TOKEN'] as const;

export interface ExecOptions {
  readonly stage: string;
  readonly command: readonly string[];
  readonly clockToleranceS: number;
}

/**
 * `metaflow-login exec <stage> -- <command...>`: runs the command with the stage's profile selected
 * and `METAFLOW_SERVICE_URL` pointing at a loopback proxy that adds a fresh bearer token. The child
 * never sees the token. Returns the child's exit code (128 + signal number when it was killed).
 */
export async function execCommand(opts: ExecOptions, rt: Runtime): Promise<number> {
  if (opts.command.length === 0) throw new LoginError('exec needs a command: metaflow-login exec <stage> -- <command...>', EXIT.usage);
  const home = metaflowHome(rt.env);
  const stored = requireTokens(home, opts.stage);
  // Fail before starting the command when the session is already over.
  await freshTokens(home, opts.stage, rt, opts.clockToleranceS);

  let pending: Promise<string> | undefined;
  const getToken = (force: boolean): Promise<string> => {
    pending ??= freshTokens(home, opts.stage, rt, opts.clockToleranceS, { force }).then(
      (t) => {
        pending = undefined;
        return t.accessToken;
      },
      (err: unknown) => {
        pending = undefined;
        throw err;
      },
    );
    return pending;
  };
  const proxy = await startAuthProxy(stored.serviceUrl, getToken);
  const env: NodeJS.ProcessEnv = { ...rt.env, METAFLOW_HOME: home, METAFLOW_PROFILE: opts.stage, METAFLOW_SERVICE_URL: proxy.url };
  if (stored.awsRoleArn) {
    // The stage's AWS profile (aws-credentials): S3 and kubectl act as the stage's data-scientist
    // role. Keys in the environment would take precedence over a profile, so they are not passed on.
    for (const key of AWS_KEY_VARIABLES) delete env[key];
    env.AWS_PROFILE = awsProfileName(opts.stage);
  }
  try {
    return await new Promise<number>((resolve, reject) => {
      const [file, ...args] = opts.command;
      const child = spawn(file, args, { env, stdio: 'inherit' });
      // Ctrl-C reaches the child directly (same process group): just stay alive to keep the proxy
      // up while it winds down. Signals sent to this process alone are passed on.
      const ignore = () => undefined;
      const forward = (signal: NodeJS.Signals) => child.kill(signal);
      process.on('SIGINT', ignore);
      process.on('SIGTERM', forward);
      process.on('SIGHUP', forward);
      const cleanup = () => {
        process.off('SIGINT', ignore);
        process.off('SIGTERM', forward);
        process.off('SIGHUP', forward);
      };
      child.once('error', (err: NodeJS.ErrnoException) => {
        cleanup();
        reject(new LoginError(err.code === 'ENOENT' ? `command not found: ${file}` : `cannot run ${file}: ${err.message}`));
      });
      child.once('exit', (code, signal) => {
        cleanup();
        resolve(code ?? 128 + (signal ? constants.signals[signal] : 0));
      });
    });
  } finally {
    await proxy.close();
  }
}
