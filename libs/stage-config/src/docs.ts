import { COGNITO_DOMAIN_RESERVED_WORDS, EKS_RESTRICTED_AZ_IDS, REGION_AZ_LETTERS } from './facts';
import { JsonSchema, STAGE_SCHEMA } from './schema';
import { MAX_STAGE_NAME_LENGTH, STAGE_NAME_BOUNDS, stageNameBudget } from './stage-name';

/** Repo-relative paths of the generated files (`npm run gen:stage-docs` writes them). */
export const GENERATED_FILES = {
  schema: 'libs/stage-config/schema/stage.schema.json',
  docs: 'docs/stage-file.md',
} as const;

/** The JSON Schema file's content. */
export function renderSchemaJson(): string {
  return `${JSON.stringify(STAGE_SCHEMA, null, 2)}\n`;
}

function typeOf(s: JsonSchema): string {
  if (s.type === 'array') return `list of ${s.items ? typeOf(s.items) : 'any'}`;
  if (s.type === 'object')
    return s.additionalProperties && typeof s.additionalProperties === 'object'
      ? `mapping of ${typeOf(s.additionalProperties)}`
      : 'mapping';
  if (s.enum) return s.enum.length > 12 ? 'string (AWS region, see below)' : s.enum.map((v) => `\`${v}\``).join(' | ');
  return s.type ?? 'any';
}

function constraints(s: JsonSchema): string {
  const parts: string[] = [];
  if (s.minimum !== undefined || s.maximum !== undefined) parts.push(`${s.minimum ?? ''}..${s.maximum ?? ''}`);
  if (s.multipleOf !== undefined) parts.push(`steps of ${s.multipleOf}`);
  if (s.minItems !== undefined || s.maxItems !== undefined) parts.push(`${s.minItems ?? 0}..${s.maxItems ?? 'n'} items`);
  if (s.minLength !== undefined || s.maxLength !== undefined) parts.push(`${s.minLength ?? 0}..${s.maxLength ?? 'n'} characters`);
  return parts.length ? ` (${parts.join('; ')})` : '';
}

function defaultOf(s: JsonSchema, required: boolean): string {
  if (required) return '**required**';
  if (s['x-defaultText']) return s['x-defaultText'];
  if (s['x-prodDefault'] !== undefined) return `${JSON.stringify(s.default)} (prod: ${JSON.stringify(s['x-prodDefault'])})`;
  if (s.default !== undefined) return `\`${JSON.stringify(s.default)}\``;
  return '';
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function rows(s: JsonSchema, prefix: string, out: string[]): void {
  for (const [key, child] of Object.entries(s.properties ?? {})) {
    const field = `${prefix}${key}`;
    const required = (s.required ?? []).includes(key);
    out.push(
      `| \`${field}\` | ${cell(typeOf(child) + constraints(child))} | ${cell(defaultOf(child, required))} | ${cell(child.description ?? '')} |`,
    );
    if (child.type === 'object' && child.properties) rows(child, `${field}.`, out);
    if (child.type === 'array' && child.items?.type === 'object') rows(child.items, `${field}[].`, out);
  }
}

/** docs/stage-file.md: the field reference generated from the schema, plus the rules it cannot express. */
export function renderStageFileDoc(): string {
  const table: string[] = ['| Field | Type | Default | Description |', '|---|---|---|---|'];
  rows(STAGE_SCHEMA, '', table);
  const bounds = [...STAGE_NAME_BOUNDS]
    .sort((a, b) => stageNameBudget(a) - stageNameBudget(b))
    .map((b) => `| ${b.what} | \`${b.derive('<stage>')}\` | ${b.limit} | ${stageNameBudget(b)} |`);
  const regions = Object.entries(REGION_AZ_LETTERS)
    .map(
      ([r, letters]) =>
        `\`${r}\` (${[...letters].join(', ')}${EKS_RESTRICTED_AZ_IDS[r] ? `; zones must be listed, EKS cannot use ${EKS_RESTRICTED_AZ_IDS[r]}` : ''})`,
    )
    .join(', ');
  return [
    '<!-- Generated from libs/stage-config/src/schema.ts by `npm run gen:stage-docs`; do not edit by hand. -->',
    '# Stage files',
    '',
    'A stage is one isolated Metaflow platform in one AWS account and region, defined by one file',
    '`environments/<stage>.yaml`. The loader (`libs/stage-config`) parses it, checks it against the schema',
    `(\`${GENERATED_FILES.schema}\`) and the rules below, fills the defaults and hands a typed \`StageConfig\` to`,
    'the rest of the repository. `npx mfctl validate` reports every problem at once as',
    '`<file>:<line>:<col>: <field.path>: <message> (fix: ...)`; `npx mfctl stage new` writes a new file.',
    '',
    'Start every stage file with the modeline, so editors (VS Code with the YAML extension, any',
    'yaml-language-server client) complete and check the fields:',
    '',
    '```yaml',
    '# yaml-language-server: $schema=../libs/stage-config/schema/stage.schema.json',
    '```',
    '',
    '## Stage name',
    '',
    'The file name without `.yaml`: a lowercase letter, then lowercase letters, digits and single hyphens,',
    `at most **${MAX_STAGE_NAME_LENGTH}** characters, and without ${COGNITO_DOMAIN_RESERVED_WORDS.map((w) => `\`${w}\``).join(', ')} anywhere (Cognito`,
    'refuses them in the domain prefix). The length bound is computed from the names derived from the stage name:',
    '',
    '| Derived name | Form | AWS limit | Longest stage name |',
    '|---|---|---|---|',
    ...bounds,
    '',
    '## Fields',
    '',
    ...table,
    '',
    '## Rules beyond the schema',
    '',
    '- `accountId` is a quoted string of 12 digits (an unquoted `012345678901` loses its leading zero, `1.2e11` is a float).',
    '- `oidcConfig.issuerUrl` is https without query, fragment or trailing slash; `oidcConfig.idpProviderName` is 3-32 characters',
    '  ("provider name too long" otherwise); `oidcConfig.scopes` includes `openid`.',
    '- `domain.delegation`: `same-account` needs `parentHostedZoneId`; `cross-account` needs `parentHostedZoneId` and',
    '  `delegationRoleArn`; `manual` takes neither.',
    '- CIDRs are network addresses (no host bits) with a /16 to /24 prefix; `podCidr` must not overlap `vpcCidr`.',
    '- `network.availabilityZones` are zones of the stage region; `natGateways` is at most one per zone.',
    '- `database`: `minCapacity <= maxCapacity`; 0 ACUs (auto-pause) needs a recent engine (PostgreSQL 13.15, 14.12, 15.7, 16.3, 17.1 or later).',
    '- `compute.gpu.instanceFamilies` are NVIDIA GPU families (g*, p*); the CPU pool has none; `maxCpu >= 4 x maxGpus`.',
    '- `cluster.accessPrincipals[].arn` is an IAM role or user ARN in any account (not an assumed-role session);',
    '  `admin` is always cluster-wide (no `namespaces`); the deploy role is not listed (it always has its own admin entry).',
    '- `deploy.roleArn` is a role in the stage account.',
    '- `tags` keys may not start with `metaflow-gitops:` or `aws:` (reserved).',
    '',
    '### Prod rules',
    '',
    'With `isProd: true` (and why):',
    '',
    '- `network.natGateways` equals the number of zones: with fewer, one zone outage cuts egress for the others.',
    '- `network.natType` is `gateway`: a NAT instance is one EC2 instance to patch, and its zones lose egress while it is replaced.',
    '- `network.flowLogs` is not turned off: flow logs are the record of network traffic when investigating an incident.',
    '- `database.minCapacity > 0`: a paused database takes seconds to resume and the first requests fail.',
    '- `database.backupRetentionDays >= 14`: problems are often noticed late.',
    '- `cluster.publicEndpoint: false`, unless `cluster.allowPublicEndpointOnProd: true` accepts it explicitly.',
    '- `oidcConfig.allowedGroups` is not empty: otherwise every user of the company IdP could use the stage.',
    '- `ingress.allowedCidrs` containing `0.0.0.0/0` is a warning (login is still required).',
    '',
    '### Across stages',
    '',
    '- Stage names, OIDC client ids (they also name the secret `<clientId>/federate-client-secret`), Cognito IdP names,',
    '  stage hosts and GitHub environments are unique.',
    '- Two stages in the same account and region with overlapping VPC ranges get a warning (no peering possible).',
    '',
    '### Regions and zones',
    '',
    `Known regions (zone letters): ${regions}.`,
    'In us-east-1, us-west-1 and ca-central-1 EKS cannot place the control plane in one zone; zone names map to',
    'different zone ids in every account, so there the stage file must list its zones (check them with',
    '`aws ec2 describe-availability-zones --query "AvailabilityZones[].[ZoneName,ZoneId]"`).',
    '',
  ].join('\n');
}
