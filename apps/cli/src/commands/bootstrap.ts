import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { BootstrapStageResult, bootstrapStage, parseGitHubRepository } from '@metaflow-gitops/gitops';
import { DEPLOY_BRANCH, subjectTemplateCommand } from '@metaflow-gitops/constructs';
import { DeliveryDeps, defaultDeliveryDeps } from '../delivery-deps';
import { EXIT, UsageError, withContext } from '../errors';
import { Io } from '../io';
import { environmentsDir, findRepoRoot } from '../repo';
import { StageConfig, syncRunnerProjectName } from '@metaflow-gitops/stage-config';

export interface BootstrapOptions {
  readonly stage: string;
  /** `org/name`; default: parsed from `git remote get-url origin`. */
  readonly repo?: string;
  readonly environments?: string;
  readonly json?: boolean;
}

/** The repository: `--repo`, else the origin remote. */
export function resolveRepository(flag: string | undefined, cwd: string): string {
  if (flag) {
    if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(flag)) throw new UsageError(`--repo must be <org>/<name> (got '${flag}')`);
    return flag;
  }
  const r = spawnSync('git', ['remote', 'get-url', 'origin'], { cwd, encoding: 'utf8' });
  const url = r.status === 0 ? r.stdout.trim() : '';
  const repo = url ? parseGitHubRepository(url) : undefined;
  if (!repo)
    throw new UsageError(
      `cannot tell the GitHub repository from ${url ? `the origin remote '${url}'` : 'git (no origin remote)'}: pass --repo <org>/<name>`,
    );
  return repo;
}

/**
 * The one-time step a private Kubernetes API needs: the deploy workflow syncs on a CodeBuild
 * runner in the stage VPC, which reaches GitHub through an AWS CodeConnections connection that
 * only a person can authorize (https://docs.aws.amazon.com/codebuild/latest/userguide/connections-github-app.html).
 * Empty for a stage whose API is public and has no runner.
 */
export function syncRunnerSteps(config: StageConfig, repository: string): string {
  if (config.cluster.publicEndpoint && !config.deploy.syncRunner) return '';
  const rg = `--region ${config.region}`;
  const lines = [
    `\nThe Kubernetes API of ${config.name} is private: mfctl sync runs on the CodeBuild runner ${syncRunnerProjectName(config.name)} in the stage VPC.`,
    'One-time step per account (a person must authorize it in the browser):',
    `  1. aws codeconnections create-connection --provider-type GitHub --connection-name metaflow-gitops-github ${rg}`,
    '  2. AWS console > Developer Tools > Settings > Connections: open the connection (PENDING), "Update pending connection",',
    `     install the AWS Connector for GitHub app on the organization with access to ${repository}; the status becomes AVAILABLE.`,
    `  3. Put its ARN in deploy.syncRunner.connectionArn (and repository: ${repository}) of environments/${config.name}.yaml.`,
  ];
  if (config.deploy.syncRunner)
    lines.push(
      `Configured: ${config.deploy.syncRunner.connectionArn} (check: aws codeconnections get-connection --connection-arn ${config.deploy.syncRunner.connectionArn} ${rg}).`,
    );
  return `${lines.join('\n')}\n`;
}

/**
 * `mfctl bootstrap <stage>`: once per account and stage, with administrator credentials: the CDK
 * bootstrap, the GitHub OIDC provider when absent and the deploy role; prints the one-time GitHub
 * step its trust needs (the repository's OIDC subject template). Exit 0 done, 1 failed.
 */
export async function bootstrapCommand(opts: BootstrapOptions, io: Io, deps: DeliveryDeps = defaultDeliveryDeps()): Promise<number> {
  const config = deps.loadStage(environmentsDir(io.cwd, opts.environments), opts.stage);
  const repository = resolveRepository(opts.repo, io.cwd);
  const root = findRepoRoot(io.cwd);
  const progress = opts.json ? io.stderr : io.stdout;
  let result: BootstrapStageResult;
  try {
    result = await bootstrapStage({
      config,
      repository,
      outdir: path.join(root, 'cdk.out', 'bootstrap'),
      outputsFile: path.join(root, 'dist', 'bootstrap', `${config.name}.json`),
      print: (line) => progress(`${line}\n`),
      printError: (line) => io.stderr(`${line}\n`),
    });
  } catch (err) {
    throw withContext(`bootstrap of ${config.name} failed`, err);
  }
  if (opts.json) io.stdout(`${JSON.stringify(result, null, 2)}\n`);
  else {
    const out = Object.values(result.roles.outputs ?? {})[0] ?? {};
    io.stdout(
      result.ok
        ? `\nStage ${config.name} bootstrapped for ${repository}:\n  deploy role  ${out.DeployRoleArn}\n  health role  ${out.HealthRoleArn} (read-only, the scheduled health workflow)\n  OIDC provider ${out.OidcProviderArn}\n` +
            `The deploy role is the stage file's deploy.roleArn; it trusts only jobs in the GitHub environment '${config.deploy.githubEnvironment}' on ${DEPLOY_BRANCH}.\n` +
            `Required once per repository (an admin), so that GitHub puts the branch in the OIDC subject the role checks:\n  ${subjectTemplateCommand(repository)}\n` +
            syncRunnerSteps(config, repository)
        : `\nStage ${config.name}: bootstrap FAILED at ${result.roles.failure?.stackName}: ${result.roles.failure?.reason}\n`,
    );
  }
  return result.ok ? EXIT.ok : EXIT.failure;
}
