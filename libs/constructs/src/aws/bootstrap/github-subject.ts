/** The only branch whose deploy and teardown jobs may assume a stage's deploy role. */
export const DEPLOY_BRANCH = 'main';

/**
 * The claims the repository's OIDC subject template must list, in this order, for the deploy
 * role's trust to match: `repo:<org>/<repo>:environment:<env>:ref:refs/heads/<branch>`. GitHub's
 * default subject of a job with an environment names the environment only, so any branch could
 * deploy into an environment without branch protection. Set once per repository with
 * `subjectTemplateCommand` (https://docs.github.com/en/actions/reference/security/oidc#customizing-the-subject-claims-for-an-organization-or-repository).
 */
export const SUBJECT_CLAIM_KEYS = ['repo', 'context', 'ref'] as const;

/** GitHub writes a `:` inside a claim value as `%3A` in the subject. */
function claimValue(value: string): string {
  return value.replace(/:/g, '%3A');
}

/** `text` as a literal in an IAM `StringLike` value (`*`, `?` and `$` are special there). */
function likeLiteral(text: string): string {
  return text.replace(/[$*?]/g, (c) => `\${${c}}`);
}

/**
 * The `sub` values (IAM `StringLike`) of deploy jobs of `repository` in GitHub environment
 * `environment` on `DEPLOY_BRANCH`, with the subject template `SUBJECT_CLAIM_KEYS`: in the name
 * format, and in the immutable format GitHub uses for repositories created or renamed since July
 * 2026 (`repo:<org>@<org id>/<repo>@<repo id>:...`; names cannot contain `@`, `/` or `:`, so the ids
 * are the only part a wildcard matches).
 */
export function deploySubjects(repository: string, environment: string): string[] {
  const [owner, name] = repository.split('/');
  const rest = likeLiteral(`:environment:${claimValue(environment)}:ref:refs/heads/${DEPLOY_BRANCH}`);
  return [`repo:${likeLiteral(owner)}/${likeLiteral(name)}${rest}`, `repo:${likeLiteral(owner)}@*/${likeLiteral(name)}@*${rest}`];
}

/** The `gh` command that sets `repository`'s OIDC subject template to `SUBJECT_CLAIM_KEYS` (repository admin). */
export function subjectTemplateCommand(repository: string): string {
  const keys = SUBJECT_CLAIM_KEYS.map((k) => `-f 'include_claim_keys[]=${k}'`).join(' ');
  return `gh api --method PUT repos/${repository}/actions/oidc/customization/sub -F use_default=false ${keys}`;
}
