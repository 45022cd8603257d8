import { createInterface } from 'node:readline/promises';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { awsCredentialsCommand } from './commands/aws-credentials';
import { execCommand } from './commands/exec';
import { loginCommand } from './commands/login';
import { logoutCommand } from './commands/logout';
import { statusCommand } from './commands/status';
import { tokenCommand } from './commands/token';
import { errorReport, isUsageError, runMain } from '@metaflow-gitops/stage-config/errors';
import { EXIT, UsageError } from './private/errors';
import { DEFAULT_CLOCK_TOLERANCE_S } from './private/oidc';
import type { Runtime } from './private/session';

const VERSION: string = require('../package.json').version;

const EXIT_CODES = `Exit codes:
  0  success
  1  failure (login refused or timed out, discovery/IdP unreachable, invalid document, file errors)
  2  usage error (bad option or argument)
  exec: the command's own exit code (128 + signal number if it was killed)`;

const HELP: Record<string, string> = {
  main: `Usage: metaflow-login <stage-url> [options]
       metaflow-login --stage <name> [options]      (inside the metaflow-gitops repository)
       metaflow-login <command> [options]

Logs you in to a Metaflow stage (OIDC in the browser, PKCE, loopback redirect), writes the Metaflow
profile config_<stage>.json and env.sh under $METAFLOW_HOME (default ~/.metaflowconfig), stores the
tokens apart (tokens/<stage>.json, mode 0600), adds the AWS profile metaflow-<stage> ($AWS_CONFIG_FILE
or ~/.aws/config; no keys in it) and a kubectl context for the stage's cluster that uses it.
Re-running it refreshes the session silently while the refresh token is valid.

Login options:
  --stage <name>            take the stage URL from environments/<name>.yaml (repository only)
  --no-browser              print the login URL instead of opening a browser ($BROWSER is honoured)
  --timeout <seconds>       how long to wait for the browser login (default 300)
  --no-kubeconfig           do not touch the kubeconfig ($KUBECONFIG or ~/.kube/config)
  --force                   log in through the browser even when a silent refresh would work
  --replace                 replace a stage of the same name set up from another URL (asked on a terminal)
  --clock-tolerance <s>     allowed clock difference with the issuer (default ${DEFAULT_CLOCK_TOLERANCE_S})
  --json                    print a JSON summary on stdout
  -h, --help                show this help
  -V, --version             print the version

Commands:
  token <stage>             print a fresh access token (refreshed silently) for scripts
  exec <stage> -- <cmd...>  run a command with the stage's profile and a token-adding local proxy
  aws-credentials <stage>   short-lived AWS credentials of the stage (the AWS profile's credential_process)
  status [--json]           stages logged in to, token expiry, files
  logout <stage>            revoke the session at the issuer and remove the stored tokens

${EXIT_CODES}
`,
  token: `Usage: metaflow-login token <stage> [--id-token] [--clock-tolerance <s>]

Prints a fresh access token of the stage on stdout (refreshing it without a browser when it has less
than a minute left). For scripts: curl -H "Authorization: Bearer $(metaflow-login token dev)" ...
  --id-token   print the ID token instead

${EXIT_CODES}
`,
  exec: `Usage: metaflow-login exec <stage> -- <command> [args...]

Runs the command with METAFLOW_PROFILE=<stage> and METAFLOW_SERVICE_URL pointing at a loopback proxy
that forwards to the stage's metadata service with a fresh bearer token. The token is never put in
the command's environment, so Metaflow cannot copy it into pods or Argo workflow templates (pods use
the in-cluster service URL). Tokens are refreshed during long runs. AWS_PROFILE=metaflow-<stage>
gives the command the stage's AWS credentials (S3, kubectl); AWS keys in your environment are not
passed on, so they cannot take precedence over it.
Example: metaflow-login exec dev -- python flow.py --with kubernetes run

${EXIT_CODES}
`,
  'aws-credentials': `Usage: metaflow-login aws-credentials <stage> [--clock-tolerance <s>]

Prints short-lived AWS credentials of the stage's data-scientist role as the AWS CLI and SDKs read
them from a credential_process (JSON: Version 1, AccessKeyId, SecretAccessKey, SessionToken,
Expiration). The login writes the AWS profile metaflow-<stage> that runs it:
  aws s3 ls s3://<bucket>/metaflow/ --profile metaflow-<stage>
Credentials come from AWS STS (AssumeRoleWithWebIdentity with your login's ID token), are cached in
aws-credentials/<stage>.json (mode 0600) and renewed when less than 5 minutes remain; the session is
refreshed silently when needed. Set AWS_ENDPOINT_URL_STS to use another STS endpoint.

${EXIT_CODES}
`,
  status: `Usage: metaflow-login status [--json]

Lists the stages you are logged in to: URL, user, token expiry, whether a silent refresh is possible,
which profile env.sh selects, and the files. Never prints a token.

${EXIT_CODES}
`,
  logout: `Usage: metaflow-login logout <stage>

Revokes the refresh token (and access token) at the issuer's revocation endpoint (Cognito: the
hosted-UI domain's /oauth2/revoke) and removes tokens/<stage>.json. The profile stays (it holds no
credential).

${EXIT_CODES}
`,
};

const COMMANDS = new Set(['token', 'exec', 'aws-credentials', 'status', 'logout', 'help']);

type Values = Record<string, string | boolean | undefined>;

function parse(args: string[], options: NonNullable<ParseArgsConfig['options']>): { values: Values; positionals: string[] } {
  try {
    const parsed = parseArgs({
      args,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    return { values: parsed.values as Values, positionals: parsed.positionals };
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

function seconds(value: string | boolean | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} must be a positive number of seconds, got '${String(value)}'`);
  return n;
}

function onePositional(positionals: string[], command: string): string {
  if (positionals.length !== 1) throw new UsageError(`${command} takes exactly one stage name (metaflow-login ${command} --help)`);
  return positionals[0];
}

async function dispatch(argv: string[], rt: Runtime): Promise<number> {
  const first = argv[0];
  const command = first !== undefined && COMMANDS.has(first) ? first : undefined;
  const rest = command ? argv.slice(1) : argv;
  const help = (name: string) => {
    rt.stdout(HELP[name]);
    return EXIT.ok;
  };
  const tolerance = { 'clock-tolerance': { type: 'string' } } as const;
  if (argv.length === 1 && (first === '--version' || first === '-V')) {
    rt.stdout(`${VERSION}\n`);
    return EXIT.ok;
  }

  switch (command) {
    case 'help':
      return help(rest[0] && HELP[rest[0]] ? rest[0] : 'main');
    case 'token': {
      const { values, positionals } = parse(rest, { 'id-token': { type: 'boolean' }, ...tolerance });
      if (values.help) return help('token');
      return tokenCommand(
        {
          stage: onePositional(positionals, 'token'),
          idToken: Boolean(values['id-token']),
          clockToleranceS: seconds(values['clock-tolerance'], 'clock-tolerance', DEFAULT_CLOCK_TOLERANCE_S),
        },
        rt,
      );
    }
    case 'exec': {
      const sep = rest.indexOf('--');
      const own = sep === -1 ? rest : rest.slice(0, sep);
      const { values, positionals } = parse(own, tolerance);
      if (values.help) return help('exec');
      if (sep === -1) throw new UsageError('exec needs -- before the command: metaflow-login exec <stage> -- <command...>');
      return execCommand(
        {
          stage: onePositional(positionals, 'exec'),
          command: rest.slice(sep + 1),
          clockToleranceS: seconds(values['clock-tolerance'], 'clock-tolerance', DEFAULT_CLOCK_TOLERANCE_S),
        },
        rt,
      );
    }
    case 'aws-credentials': {
      const { values, positionals } = parse(rest, tolerance);
      if (values.help) return help('aws-credentials');
      return awsCredentialsCommand(
        {
          stage: onePositional(positionals, 'aws-credentials'),
          clockToleranceS: seconds(values['clock-tolerance'], 'clock-tolerance', DEFAULT_CLOCK_TOLERANCE_S),
        },
        rt,
      );
    }
    case 'status': {
      const { values, positionals } = parse(rest, { json: { type: 'boolean' } });
      if (values.help) return help('status');
      if (positionals.length > 0) throw new UsageError('status takes no arguments');
      return statusCommand({ json: Boolean(values.json) }, rt);
    }
    case 'logout': {
      const { values, positionals } = parse(rest, {});
      if (values.help) return help('logout');
      return logoutCommand({ stage: onePositional(positionals, 'logout') }, rt);
    }
    default: {
      const { values, positionals } = parse(rest, {
        stage: { type: 'string' },
        'no-browser': { type: 'boolean' },
        timeout: { type: 'string' },
        'no-kubeconfig': { type: 'boolean' },
        force: { type: 'boolean' },
        replace: { type: 'boolean' },
        json: { type: 'boolean' },
        ...tolerance,
      });
      if (values.help) return help('main');
      if (positionals.length > 1) throw new UsageError(`unexpected arguments: ${positionals.slice(1).join(' ')}`);
      const stageUrl: string | undefined = positionals[0];
      if (!stageUrl && !values.stage) {
        rt.stderr(HELP.main);
        return EXIT.usage;
      }
      if (stageUrl && values.stage) throw new UsageError('pass either a stage URL or --stage <name>, not both');
      return loginCommand(
        {
          stageUrl,
          stage: values.stage as string | undefined,
          cwd: rt.cwd,
          browser: !values['no-browser'],
          timeoutS: seconds(values.timeout, 'timeout', 300),
          kubeconfig: !values['no-kubeconfig'],
          force: Boolean(values.force),
          replace: Boolean(values.replace),
          clockToleranceS: seconds(values['clock-tolerance'], 'clock-tolerance', DEFAULT_CLOCK_TOLERANCE_S),
          json: Boolean(values.json),
        },
        rt,
      );
    }
  }
}

export function processRuntime(): Runtime {
  return {
    env: process.env,
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    now: () => Date.now(),
    cwd: process.cwd(),
    confirm:
      process.stdin.isTTY && process.stderr.isTTY
        ? async (question) => {
            const rl = createInterface({ input: process.stdin, output: process.stderr });
            try {
              return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
            } finally {
              rl.close();
            }
          }
        : undefined,
  };
}

/** Runs metaflow-login with `argv` (without node and script); returns the exit code. Errors become exit codes here only. */
export async function main(argv: readonly string[], rt: Runtime = processRuntime()): Promise<number> {
  try {
    return await dispatch([...argv], rt);
  } catch (err) {
    const report = errorReport(err, Boolean(rt.env.METAFLOW_LOGIN_DEBUG));
    rt.stderr(report.text);
    if (isUsageError(err)) rt.stderr('(run metaflow-login --help for usage)\n');
    return report.exitCode;
  }
}

export function run(argv: readonly string[]): void {
  runMain(main, argv);
}
