import { IAMClient, ListOpenIDConnectProvidersCommand } from '@aws-sdk/client-iam';
import { GITHUB_OIDC_HOST, GitHubDeployRolesStack, synthStage } from '@metaflow-gitops/constructs';
import type { StageConfig } from '@metaflow-gitops/stage-config';
import { DeployStageResult, deployStage } from '../deploy/deploy';
import { bootstrapCdk } from './private/cdk-bootstrap';
import { ensureExecutionPolicy } from './private/execution-policy';

/**
 * `org/name` from a GitHub remote URL (`git@github.com:org/name.git`, `https://github.com/org/name`,
 * `ssh://git@github.com/org/name.git`); undefined when it is not one.
 */
export function parseGitHubRepository(url: string): string | undefined {
  const m = /^(?:git@[^:]+:|ssh:\/\/git@[^/]+\/|https?:\/\/(?:[^@/]+@)?[^/]+\/)([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+?)(?:\.git)?\/?$/.exec(
    url.trim(),
  );
  return m ? `${m[1]}/${m[2]}` : undefined;
}

/** ARN of the account's GitHub OIDC provider, or undefined when it does not exist. */
export async function findGitHubOidcProvider(region: string): Promise<string | undefined> {
  const res = await new IAMClient({ region }).send(new ListOpenIDConnectProvidersCommand({}));
  return (res.OpenIDConnectProviderList ?? []).map((p) => p.Arn ?? '').find((arn) => arn.endsWith(`oidc-provider/${GITHUB_OIDC_HOST}`));
}

export interface BootstrapStageOptions {
  readonly config: StageConfig;
  /** `org/name` of the repository that deploys the stage. */
  readonly repository: string;
  /** Root of the cloud assemblies: the roles stack's is `<outdir>/<stage>/`. */
  readonly outdir: string;
  readonly outputsFile: string;
  readonly print: (line: string) => void;
  readonly printError?: (line: string) => void;
}

export interface BootstrapStageResult {
  readonly ok: boolean;
  readonly stage: string;
  readonly repository: string;
  readonly cdkBootstrap: 'success' | 'no-op';
  /** The CDK bootstrap's CloudFormation execution policy (in place of AdministratorAccess). */
  readonly executionPolicy: { readonly arn: string; readonly action: 'created' | 'updated' | 'unchanged' };
  readonly oidcProvider: { readonly arn?: string; readonly existed: boolean };
  readonly roles: DeployStageResult;
}

/**
 * Once per account and stage: the CloudFormation execution policy (`ensureExecutionPolicy`), the
 * CDK bootstrap with it (the toolkit's `bootstrap`; the roles stack below deploys through it), then
 * the roles stack: the GitHub OIDC provider when the account has none
 * (checked with ListOpenIDConnectProviders first) and the deploy role, deployed with the same engine
 * as the stage (`deployStage`). The deploy role trusts the subject `SUBJECT_CLAIM_KEYS` produce, which
 * the repository must be set to once (`subjectTemplateCommand`).
 */
export async function bootstrapStage(options: BootstrapStageOptions): Promise<BootstrapStageResult> {
  const { config, repository, print } = options;
  const policy = await ensureExecutionPolicy(new IAMClient({ region: config.region }), config.accountId, config.region);
  print(`${config.name}: CloudFormation execution policy ${policy.arn} ${policy.action}`);
  print(`${config.name}: CDK bootstrap of aws://${config.accountId}/${config.region}`);
  const cdkBootstrap = await bootstrapCdk(config, policy.arn, print);
  const existing = await findGitHubOidcProvider(config.region);
  print(`${config.name}: GitHub OIDC provider ${existing ? `exists (${existing})` : 'absent: the roles stack creates it'}`);
  const assembly = synthStage(config, {
    outdir: options.outdir,
    nag: false,
    build: (app, c) => new GitHubDeployRolesStack(app, { stage: c, repository, existingOidcProviderArn: existing }),
  });
  const roles = await deployStage({
    config,
    assemblyDir: assembly.directory,
    outputsFile: options.outputsFile,
    concurrency: 1,
    print,
    printError: options.printError,
  });
  return {
    ok: roles.ok,
    stage: config.name,
    repository,
    cdkBootstrap,
    executionPolicy: policy,
    oidcProvider: { arn: existing, existed: !!existing },
    roles,
  };
}
