import { AWS_NAME_LIMITS, COGNITO_DOMAIN_RESERVED_WORDS } from './facts';
import { clusterName, cognitoDomainPrefix, defaultOidcName, deployRoleName, stackName, STACK_KINDS } from './naming';

/** One AWS name derived from the stage name, with its limit. */
export interface StageNameBound {
  /** What the name is, for messages. */
  readonly what: string;
  /** The name derived from a stage name. */
  readonly derive: (stage: string) => string;
  /** The AWS limit on the derived name. */
  readonly limit: number;
}

/**
 * Every name derived from the stage name that has a length limit. The bound on the stage name is
 * computed from these (`MAX_STAGE_NAME_LENGTH`), so a change to a naming function moves it.
 */
export const STAGE_NAME_BOUNDS: readonly StageNameBound[] = [
  ...STACK_KINDS.map((kind) => ({
    what: `CloudFormation stack name (${kind})`,
    derive: (s: string) => stackName(s, kind),
    limit: AWS_NAME_LIMITS.cloudFormationStack,
  })),
  {
    what: 'Cognito identity provider name (default oidcConfig.idpProviderName)',
    derive: defaultOidcName,
    limit: AWS_NAME_LIMITS.cognitoIdpName,
  },
  { what: 'IAM deploy role name', derive: deployRoleName, limit: AWS_NAME_LIMITS.iamRole },
  { what: 'EKS cluster name', derive: clusterName, limit: AWS_NAME_LIMITS.eksCluster },
  {
    what: 'Cognito domain prefix',
    derive: (s: string) => cognitoDomainPrefix(s, '000000000000'),
    limit: AWS_NAME_LIMITS.cognitoDomainPrefix,
  },
  { what: 'DNS label of the stage host', derive: (s: string) => s, limit: AWS_NAME_LIMITS.dnsLabel },
  {
    what: 'GitHub environment name (default deploy.githubEnvironment)',
    derive: (s: string) => s,
    limit: AWS_NAME_LIMITS.githubEnvironment,
  },
];

/** The longest stage name for which each bound holds, per bound (derived names grow one for one with the stage name). */
export function stageNameBudget(bound: StageNameBound): number {
  return bound.limit - bound.derive('').length;
}

/** The tightest bound, and so the longest allowed stage name. */
export const TIGHTEST_STAGE_NAME_BOUND: StageNameBound = STAGE_NAME_BOUNDS.reduce((a, b) =>
  stageNameBudget(b) < stageNameBudget(a) ? b : a,
);
export const MAX_STAGE_NAME_LENGTH = stageNameBudget(TIGHTEST_STAGE_NAME_BOUND);

/** Lowercase letter first, then lowercase letters, digits and single hyphens; no trailing hyphen. */
export const STAGE_NAME_PATTERN = /^[a-z](?:[a-z0-9]|-(?=[a-z0-9]))*$/;

/** Why `name` cannot be a stage name, or undefined when it can. */
export function stageNameProblem(name: string): string | undefined {
  if (!STAGE_NAME_PATTERN.test(name)) {
    return `stage name "${name}" (the file name) must start with a lowercase letter and contain only lowercase letters, digits and single hyphens, not ending with a hyphen`;
  }
  if (name.length > MAX_STAGE_NAME_LENGTH) {
    return `stage name "${name}" is ${name.length} characters; at most ${MAX_STAGE_NAME_LENGTH} fit the ${TIGHTEST_STAGE_NAME_BOUND.what} "${TIGHTEST_STAGE_NAME_BOUND.derive(name)}" (limit ${TIGHTEST_STAGE_NAME_BOUND.limit})`;
  }
  const domainPrefix = cognitoDomainPrefix(name, '<account>');
  const reserved = COGNITO_DOMAIN_RESERVED_WORDS.find((word) => domainPrefix.includes(word));
  if (reserved) {
    return `stage name "${name}" puts the word "${reserved}" in the Cognito domain prefix "${domainPrefix}", and Cognito refuses ${COGNITO_DOMAIN_RESERVED_WORDS.join(', ')} there`;
  }
  return undefined;
}

/**
 * The stage a stage file defines: the file name without its `.yaml` (or `.yml`) extension, whatever
 * the directory; undefined for any other file. Whether it is a valid stage name is `stageNameProblem`'s
 * question.
 */
export function stageNameOfFile(file: string): string | undefined {
  return /^(.+)\.ya?ml$/s.exec(file.slice(file.lastIndexOf('/') + 1))?.[1];
}
