import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { BootstrapStageResult, bootstrapStage, parseGitHubRepository } from '@metaflow-gitops/gitops';
import { DEPLOY_BRANCH, subjectTemplateCommand } from '@metaflow-gitops/constructs';
import { DeliveryDeps, defaultDeliveryDeps } from '../delivery-deps';
import { EXIT, UsageError, withContext } from '../errors';
import { Io } from '../io';
import { environmentsDir, findRepoRoot } from '../repo';

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
        ? `\nStage ${config.name} bootstrapped for ${repository}:\n  deploy role  ${out.DeployRoleArn}\n  OIDC provider ${out.OidcProviderArn}\n` +
            `The deploy role is the stage file's deploy.roleArn; it trusts only jobs in the GitHub environment '${config.deploy.githubEnvironment}' on ${DEPLOY_BRANCH}.\n` +
            `Required once per repository (an admin), so that GitHub puts the branch in the OIDC subject the role checks:\n  ${subjectTemplateCommand(repository)}\n`
        : `\nStage ${config.name}: bootstrap FAILED at ${result.roles.failure?.stackName}: ${result.roles.failure?.reason}\n`,
    );
  }
  return result.ok ? EXIT.ok : EXIT.failure;
}
