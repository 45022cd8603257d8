import { ARGUMENTS, CommandSpec, defineCommand, jsonOption, OPTIONS, positiveInt } from './cli-options';
import type { AffectedOptions } from './commands/affected';
import type { BootstrapOptions } from './commands/bootstrap';
import type { CheckOptions } from './commands/check';
import type { CommentOptions } from './commands/comment';
import type { CostOptions } from './commands/cost';
import type { DeployOptions } from './commands/deploy';
import type { DeploySummaryOptions } from './commands/deploy-summary';
import type { DiffOptions } from './commands/diff';
import type { DoctorOptions } from './commands/doctor';
import type { DriftOptions } from './commands/drift';
import type { GateOptions } from './commands/gate';
import type { HealthIssueOptions } from './commands/health-issue';
import type { ManifestsOptions } from './commands/manifests';
import type { StageListOptions, StageNewOptions } from './commands/stage';
import type { SyncOptions } from './commands/sync';
import type { SynthOptions } from './commands/synth';
import type { TeardownCommandOptions } from './commands/teardown';
import type { ValidateOptions } from './commands/validate';
import type { VersionsOptions } from './commands/versions';

/** The options of a command that takes the stage as its argument. */
type WithoutStage<O> = Omit<O, 'stage'>;

/**
 * Every `mfctl` command, declared once: name, description, arguments, options (shared ones from
 * `OPTIONS`) and the module that runs it, loaded on first use. `main.ts` builds commander from this.
 */
export const COMMANDS: readonly CommandSpec[] = [
  defineCommand({
    name: 'validate',
    description: 'Check every stage file: exit 0 when all are valid (warnings allowed), 1 when any is not, 2 on usage errors',
    options: [
      OPTIONS.environments,
      jsonOption('{ ok, stages, diagnostics }'),
      {
        flags: '--base <ref>',
        description:
          'also check each Kubernetes version change against the stage file at the merge-base of this ref (the version the cluster runs): one minor version up at most, never down',
      },
    ],
    load: async () => require('./commands/validate') as typeof import('./commands/validate'),
    run: (m, _args, opts: ValidateOptions, io) => m.validateCommand(opts, io),
  }),
  {
    name: 'stage',
    description: 'Create and list stages (environments/<name>.yaml)',
    subcommands: [
      defineCommand({
        name: 'new',
        description:
          'Write a valid, commented environments/<name>.yaml (refuses to overwrite; nothing is written when it would be invalid)',
        arguments: [{ name: '<name>', description: 'name of the new stage' }],
        options: [
          { flags: '--account <id>', description: '12-digit AWS account id', required: true },
          { flags: '--region <region>', description: 'AWS region, e.g. us-west-2', required: true },
          {
            flags: '--parent-domain <domain>',
            description: 'parent DNS zone; the stage is served at <name>.<domain> (default: metaflow.example.com)',
          },
          { flags: '--issuer <url>', description: "the company IdP's https issuer URL (default: https://idp.example.com)" },
          { flags: '--groups <list>', description: 'comma-separated IdP groups allowed to log in (required with --prod)' },
          { flags: '--prod', description: 'production stage (stricter rules)' },
          { flags: '--gpu', description: 'add a GPU node pool' },
          {
            flags: '--allowed-cidrs <list>',
            description: 'comma-separated source CIDRs allowed to reach the load balancer (default: 0.0.0.0/0)',
          },
          {
            flags: '--azs <list>',
            description: 'comma-separated availability zone names (required in us-east-1, us-west-1, ca-central-1)',
          },
          {
            flags: '--parent-zone-id <id>',
            description: 'hosted zone id of the parent zone: the Dns stack writes the NS records (default: manual delegation)',
          },
          {
            flags: '--delegation-role <arn>',
            description: "role in the parent zone's account for cross-account delegation (with --parent-zone-id)",
          },
          OPTIONS.environments,
        ],
        load: async () => require('./commands/stage') as typeof import('./commands/stage'),
        run: (m, [name], opts: StageNewOptions, io) => m.stageNewCommand(name, opts, io),
      }),
      defineCommand({
        name: 'list',
        description: 'List the stages: name, account, region, prod flag, host',
        options: [jsonOption('the list'), OPTIONS.environments],
        load: async () => require('./commands/stage') as typeof import('./commands/stage'),
        run: (m, _args, opts: StageListOptions, io) => m.stageListCommand(opts, io),
      }),
    ],
  },
  defineCommand({
    name: 'synth',
    description: 'Synthesize a stage (or --all) into cdk.out/<stage>/ with no AWS access; prints the stacks in deploy order',
    arguments: [ARGUMENTS.optionalStage],
    options: [OPTIONS.all, OPTIONS.assemblyRoot, OPTIONS.environments, jsonOption('the stages and their stacks')],
    load: async () => require('./commands/synth') as typeof import('./commands/synth'),
    run: (m, [stage], opts: WithoutStage<SynthOptions>, io) => m.synthCommand({ stage, ...opts }, io),
  }),
  defineCommand({
    name: 'check',
    description: 'Synthesize a stage and run cdk-nag, cfn-lint, template limits and the custom-resource listing; exit 1 on any finding',
    arguments: [ARGUMENTS.optionalStage],
    options: [OPTIONS.all, OPTIONS.assemblyRoot, OPTIONS.environments, jsonOption('the report')],
    load: async () => require('./commands/check') as typeof import('./commands/check'),
    run: (m, [stage], opts: WithoutStage<CheckOptions>, io) => m.checkCommand({ stage, ...opts }, io),
  }),
  defineCommand({
    name: 'manifests',
    description: "Render the stage's cluster manifests and Helm release list into dist/k8s/<stage>/ and print counts per component",
    arguments: [ARGUMENTS.stage],
    options: [
      {
        flags: '--outputs <file>',
        description: 'deployed stack outputs (dist/outputs/<stage>.json); without it every output is a marked placeholder',
      },
      { flags: '--out <dir>', description: 'output directory (default: dist/k8s/<stage>)' },
      OPTIONS.environments,
      jsonOption('the summary (files, object counts, releases)'),
    ],
    load: async () => require('./commands/manifests') as typeof import('./commands/manifests'),
    run: (m, [stage], opts: ManifestsOptions, io) => m.manifestsCommand(stage, opts, io),
  }),
  defineCommand({
    name: 'bootstrap',
    description:
      'Once per account and stage (administrator credentials): CDK bootstrap, the GitHub OIDC provider when absent, the deploy role (trusted by the stage environment on main)',
    arguments: [ARGUMENTS.stage],
    options: [
      { flags: '--repo <org/name>', description: 'GitHub repository that deploys the stage (default: from `git remote get-url origin`)' },
      OPTIONS.environments,
      jsonOption('the result', { progressOnStderr: true }),
    ],
    load: async () => require('./commands/bootstrap') as typeof import('./commands/bootstrap'),
    run: (m, [stage], opts: WithoutStage<BootstrapOptions>, io) => m.bootstrapCommand({ stage, ...opts }, io),
  }),
  defineCommand({
    name: 'deploy',
    description:
      'Synthesize the stage (or take --assembly) and deploy its stacks in dependency order (independent ones in parallel), no prompts; writes dist/outputs/<stage>.json',
    arguments: [ARGUMENTS.stage],
    options: [
      {
        flags: '--concurrency <n>',
        description: 'stacks deployed at the same time when dependencies allow',
        parse: positiveInt,
        default: 4,
      },
      {
        flags: '--assembly <dir>',
        description: "deploy this assembly of `mfctl synth`/`check --out <dir>` (checked to be the stage's) instead of synthesizing",
      },
      OPTIONS.environments,
      jsonOption('the result', { progressOnStderr: true }),
      OPTIONS.verbose,
    ],
    load: async () => require('./commands/deploy') as typeof import('./commands/deploy'),
    run: (m, [stage], opts: WithoutStage<DeployOptions>, io) => m.deployCommand({ stage, ...opts }, io),
  }),
  defineCommand({
    name: 'sync',
    description:
      'Render the cluster manifests with the deployed outputs and apply them: releases, migrations, server-side apply, prune, rollouts',
    arguments: [ARGUMENTS.stage],
    options: [
      { flags: '--dry-run', description: 'print the plan (releases, objects to apply in order, objects to prune); no cluster needed' },
      OPTIONS.outputs,
      { flags: '--previous-inventory <file>', description: 'previous inventory JSON, instead of the one kept in the cluster' },
      { flags: '--context <name>', description: 'kube context (default: the current one)' },
      OPTIONS.environments,
      jsonOption('the plan'),
    ],
    load: async () => require('./commands/sync') as typeof import('./commands/sync'),
    run: (m, [stage], opts: WithoutStage<SyncOptions>, io) => m.syncCommand({ stage, ...opts }, io),
  }),
  defineCommand({
    name: 'teardown',
    description: 'Destroy the stage in reverse order; report (or purge) the retained resources',
    arguments: [ARGUMENTS.stage],
    options: [
      { flags: '--confirm <stage>', description: 'repeat the stage name: nothing is deleted without it' },
      { flags: '--allow-prod', description: 'required to tear down a production stage' },
      {
        flags: '--purge-retained',
        description: 'also remove the retained resources (bucket versions, database with a final snapshot)',
      },
      OPTIONS.environments,
      jsonOption('the result', { progressOnStderr: true }),
      OPTIONS.verbose,
    ],
    load: async () => require('./commands/teardown') as typeof import('./commands/teardown'),
    run: (m, [stage], opts: WithoutStage<TeardownCommandOptions>, io) => m.teardownCommand({ stage, ...opts }, io),
  }),
  defineCommand({
    name: 'doctor',
    description:
      'Read-only live checks of a deployed stage (stacks, IdP secret, Cognito URLs, DNS, certificate, discovery, cluster, metadata service), each failure with its fix; exit 0 ok, 1 fail, 3 unknown',
    arguments: [ARGUMENTS.stage],
    options: [
      { flags: '--context <name>', description: 'kube context of the cluster (default: the current one)' },
      OPTIONS.environments,
      jsonOption('the report { kind, stage, checkedAt, findings }'),
    ],
    load: async () => require('./commands/doctor') as typeof import('./commands/doctor'),
    run: (m, [stage], opts: WithoutStage<DoctorOptions>, io) => m.doctorCommand({ stage, ...opts }, io),
  }),
  defineCommand({
    name: 'health-issue',
    description:
      "Open or update the stage's health issue when a doctor or drift report has a fail or unknown finding; close it when all are ok (GITHUB_TOKEN, issues: write)",
    arguments: [ARGUMENTS.stage],
    options: [{ flags: '--report <file...>', description: 'reports written by `mfctl doctor|drift <stage> --json`', required: true }],
    load: async () => require('./commands/health-issue') as typeof import('./commands/health-issue'),
    run: (m, [stage], opts: WithoutStage<HealthIssueOptions>, io) => m.healthIssueCommand({ stage, ...opts }, io),
  }),
  defineCommand({
    name: 'affected',
    description: 'List the stages a change affects and why; --matrix prints the deploy matrix',
    options: [
      { flags: '--base <ref>', description: 'compare with the merge-base of this ref (default: origin/main)' },
      { flags: '--since-last-deploy', description: 'compare with the commit of the last successful deploy run (GitHub API)' },
      { flags: '--workflow <file>', description: 'deploy workflow file, with --since-last-deploy', default: 'deploy.yml' },
      { flags: '--branch <name>', description: 'deploy branch, with --since-last-deploy', default: 'main' },
      { flags: '--stage <name...>', description: 'only these stages (alone: exactly these stages)' },
      { flags: '--all', description: 'every stage of the repository, changed or not (the scheduled health workflow)' },
      jsonOption('{ base, reason, stages }'),
      {
        flags: '--matrix',
        description: 'print a GitHub Actions matrix {include:[{stage,region,account,role,healthRole,environment,prod,cluster,syncRunner}]}',
      },
      OPTIONS.environments,
    ],
    load: async () => require('./commands/affected') as typeof import('./commands/affected'),
    run: (m, _args, opts: AffectedOptions, io) => m.affectedCommand(opts, io),
  }),
  defineCommand({
    name: 'diff',
    description:
      'What merging this branch changes: affected stages, per-stack CloudFormation diff, manifests diff, checks (no AWS credentials)',
    options: [
      {
        flags: '--base <ref>',
        description: 'base branch ref; the diff starts at its merge-base with HEAD (default: origin/$GITHUB_BASE_REF, else origin/main)',
      },
      { flags: '--stage <name...>', description: 'diff only these stages (forces them in even when unaffected)' },
      OPTIONS.environments,
      { flags: '--format <format>', description: 'markdown or json', default: 'markdown' },
      { flags: '--out <file>', description: 'write the report here instead of stdout' },
      { flags: '--json-out <file>', description: 'also write the JSON report (what `mfctl gate` reads)' },
      { flags: '--against <what>', description: "'deployed': diff against the deployed stacks (needs AWS credentials)" },
      OPTIONS.ackLabel,
      { flags: '--keep', description: 'keep the scratch directory (synth outputs, base worktree) for inspection' },
      {
        flags: '--no-checks',
        description: 'skip the template checks (cdk-nag, cfn-lint, limits) on the head; stage validation still runs',
      },
    ],
    load: async () => require('./commands/diff') as typeof import('./commands/diff'),
    run: (m, _args, opts: DiffOptions, io) => m.diffCommand(opts, io),
  }),
  defineCommand({
    name: 'comment',
    description: 'Post or update the sticky diff comment on a pull request, and write the job summary',
    options: [
      OPTIONS.pr,
      { flags: '--body-file <file>', description: 'markdown written by `mfctl diff --out`', required: true },
      { flags: '--no-summary', description: 'do not append the body to GITHUB_STEP_SUMMARY' },
      { flags: '--summary-only', description: 'only write the job summary (no GitHub API call)' },
      {
        flags: '--max-chars <n>',
        description: "cut the comment at a section boundary under this many characters (default and maximum: GitHub's 65536)",
      },
      {
        flags: '--artifact-url <url>',
        description: 'URL of the `pr-diff` artifact (full report): linked where the comment is cut and atop the job summary',
      },
    ],
    load: async () => require('./commands/comment') as typeof import('./commands/comment'),
    run: (m, _args, opts: CommentOptions, io) => m.commentCommand(opts, io),
  }),
  defineCommand({
    name: 'gate',
    description: 'Fail when the diff report has destructive changes and the PR lacks the acknowledgement label',
    options: [
      { flags: '--report <file>', description: 'JSON report written by `mfctl diff --json-out`', default: 'pr-diff/report.json' },
      OPTIONS.ackLabel,
      OPTIONS.pr,
    ],
    load: async () => require('./commands/gate') as typeof import('./commands/gate'),
    run: (m, _args, opts: GateOptions, io) => m.gateCommand(opts, io),
  }),
  defineCommand({
    name: 'deploy-summary',
    description: "Markdown summary of a deployed stage's URLs and outputs (appended to GITHUB_STEP_SUMMARY in Actions)",
    arguments: [ARGUMENTS.stage],
    options: [OPTIONS.outputs],
    load: async () => require('./commands/deploy-summary') as typeof import('./commands/deploy-summary'),
    run: (m, [stage], opts: DeploySummaryOptions, io) => m.deploySummaryCommand(stage, opts, io),
  }),
  defineCommand({
    name: 'login',
    description: 'Log in to a stage as a data scientist: profile, env.sh, tokens, kubeconfig (same as metaflow-login; mfctl login --help)',
    // Everything after `login` goes to metaflow-login verbatim, including `exec <stage> -- <cmd>`.
    passThrough: true,
    arguments: [{ name: '[args...]', description: 'metaflow-login arguments' }],
    load: async () => require('./commands/login') as typeof import('./commands/login'),
    run: (m, args, _opts, io) => m.loginCommand(args, io),
  }),
  defineCommand({
    name: 'versions',
    description:
      'Per stage: the Kubernetes version with its EKS support window, and every pinned component (Helm releases with the Kubernetes versions they support, images)',
    options: [OPTIONS.environments, jsonOption('{ calendar, stages }')],
    load: async () => require('./commands/versions') as typeof import('./commands/versions'),
    run: (m, _args, opts: VersionsOptions, io) => m.versionsCommand(opts, io),
  }),
  defineCommand({
    name: 'drift',
    description:
      'Read-only: CloudFormation drift of the six stacks and the cluster objects against the rendered manifests; exit 0 none, 1 drift, 3 could not check',
    arguments: [ARGUMENTS.stage],
    options: [
      { flags: '--context <name>', description: 'kube context of the stage cluster (default: the current one)' },
      OPTIONS.environments,
      jsonOption('the report { kind, stage, checkedAt, findings }'),
    ],
    load: async () => require('./commands/drift') as typeof import('./commands/drift'),
    run: (m, [stage], opts: WithoutStage<DriftOptions>, io) => m.driftCommand({ stage, ...opts }, io),
  }),
  defineCommand({
    name: 'cost',
    description: "The stage's idle monthly cost at list prices, itemized, from its templates and manifests (synthesizes like check)",
    arguments: [ARGUMENTS.optionalStage],
    options: [
      OPTIONS.all,
      OPTIONS.assemblyRoot,
      OPTIONS.environments,
      jsonOption('the estimates'),
      { flags: '--format <format>', description: 'text (default), json or markdown' },
    ],
    load: async () => require('./commands/cost') as typeof import('./commands/cost'),
    run: (m, [stage], opts: WithoutStage<CostOptions>, io) => m.costCommand({ stage, ...opts }, io),
  }),
];
