import { KUBERNETES_VERSIONS, REGIONS, VPC_ENDPOINTS } from './facts';
import { newestKubernetesVersion } from './kubernetes-calendar';

/**
 * The subset of JSON Schema (draft 2020-12) the stage schema uses. `default` is the default the
 * loader fills in (normalize.ts reads it from here); `x-prodDefault` replaces it on prod stages.
 * `x-defaultText` documents a default computed from other fields (the stage name, the region),
 * which JSON Schema's `default` cannot express.
 */
export interface JsonSchema {
  readonly $schema?: string;
  readonly $id?: string;
  readonly title?: string;
  readonly description?: string;
  readonly type?: 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean';
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | JsonSchema;
  readonly propertyNames?: JsonSchema;
  readonly maxProperties?: number;
  readonly items?: JsonSchema;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly uniqueItems?: boolean;
  readonly enum?: readonly (string | number | boolean)[];
  readonly pattern?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly multipleOf?: number;
  readonly default?: unknown;
  readonly 'x-prodDefault'?: unknown;
  readonly examples?: readonly unknown[];
  readonly 'x-defaultText'?: string;
}

const str = (description: string, extra: Partial<JsonSchema> = {}): JsonSchema => ({ type: 'string', description, ...extra });
const strList = (description: string, extra: Partial<JsonSchema> = {}): JsonSchema => ({
  type: 'array',
  items: { type: 'string' },
  description,
  ...extra,
});

const nodePool = (gpu: boolean): JsonSchema => ({
  type: 'object',
  description: gpu
    ? 'GPU node pool (EKS Auto Mode NodePool), tainted `nvidia.com/gpu:NoSchedule` so only GPU steps land there. Absent: no GPU pool.'
    : 'CPU node pool (EKS Auto Mode NodePool) for services and Metaflow steps.',
  additionalProperties: false,
  'x-defaultText': gpu ? 'no GPU pool' : 'see the fields',
  properties: {
    instanceFamilies: strList('EC2 instance families (`eks.amazonaws.com/instance-family`), e.g. `m7i`.', {
      minItems: 1,
      uniqueItems: true,
      default: gpu ? ['g6', 'g5'] : ['m7i', 'c7i', 'r7i'],
      items: { type: 'string', pattern: '^[a-z][a-z0-9-]*[0-9][a-z0-9-]*$' },
    }),
    capacityTypes: {
      type: 'array',
      description: 'Capacity types Karpenter may buy (`karpenter.sh/capacity-type`).',
      items: { type: 'string', enum: ['on-demand', 'spot'] },
      minItems: 1,
      uniqueItems: true,
      default: gpu ? ['on-demand'] : ['on-demand', 'spot'],
    },
    maxCpu: { type: 'integer', minimum: 1, maximum: 100000, description: 'Pool limit on total vCPUs.', default: gpu ? 192 : 256 },
    maxMemoryGiB: {
      type: 'integer',
      minimum: 1,
      maximum: 1000000,
      description: 'Pool limit on total memory, in GiB.',
      default: gpu ? 1536 : 1024,
    },
    ...(gpu
      ? {
          maxGpus: { type: 'integer', minimum: 1, maximum: 10000, description: 'Pool limit on total GPUs (`nvidia.com/gpu`).', default: 8 },
        }
      : {}),
  },
});

/**
 * JSON Schema of `environments/<stage>.yaml`. Editors pick it up through the
 * `# yaml-language-server: $schema=...` modeline; `docs/stage-file.md` is generated from it
 * (`npm run gen:stage-docs`). The loader checks types, enums, ranges and unknown keys against it and
 * adds the rules a schema cannot express (rules.ts).
 */
export const STAGE_SCHEMA: JsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'metaflow-gitops stage',
  description: 'One stage: an isolated Metaflow platform in one AWS account and region. The file name (without .yaml) is the stage name.',
  type: 'object',
  additionalProperties: false,
  required: ['accountId', 'region', 'isProd', 'domain', 'oidcConfig'],
  properties: {
    accountId: str('12-digit AWS account id, quoted (a YAML number loses leading zeros).', {
      pattern: '^[0-9]{12}$',
      examples: ['111111111111'],
    }),
    region: str('AWS region of the stage.', { enum: REGIONS, examples: ['us-west-2'] }),
    isProd: {
      type: 'boolean',
      description:
        'Production stage: termination and deletion protection, stricter rules (HA NAT, no database cold start, 14+ days of backups, private cluster endpoint, restricted login groups).',
      default: false,
    },
    domain: {
      type: 'object',
      description: 'DNS: the stage is served at `https://<stage>.<parentDomain>`.',
      additionalProperties: false,
      required: ['parentDomain'],
      properties: {
        parentDomain: str('Parent DNS zone name, e.g. `metaflow.example.com`.', {
          pattern: '^([a-z0-9]([a-z0-9-]*[a-z0-9])?\\.)+[a-z]{2,63}$',
          examples: ['metaflow.example.com'],
        }),
        delegation: {
          type: 'object',
          description: 'How the stage subdomain is delegated from the parent zone.',
          additionalProperties: false,
          'x-defaultText': '`{ mode: manual }`',
          properties: {
            mode: {
              type: 'string',
              enum: ['same-account', 'cross-account', 'manual'],
              default: 'manual',
              description:
                '`same-account`: the parent zone is in the stage account; `cross-account`: another account owns it and grants `delegationRoleArn`; `manual`: the operator adds the NS records, which `mfctl deploy` prints before waiting for the delegation (docs/operator-guide.md).',
            },
            parentHostedZoneId: str('Hosted zone id of the parent zone. Required for `same-account` and `cross-account`.', {
              pattern: '^Z[A-Z0-9]{1,31}$',
              'x-defaultText': 'none (required unless `mode: manual`)',
            }),
            delegationRoleArn: str("Role in the parent zone's account allowed to write the NS record. Required for `cross-account` only.", {
              pattern: '^arn:aws:iam::[0-9]{12}:role/.+$',
              'x-defaultText': 'none (required for `mode: cross-account`)',
            }),
          },
        },
      },
    },
    oidcConfig: {
      type: 'object',
      description: 'The company OIDC identity provider that Cognito federates to.',
      additionalProperties: false,
      required: ['issuerUrl'],
      properties: {
        issuerUrl: str('Issuer URL of the company IdP (https).', { pattern: '^https://', examples: ['https://idp.example.com'] }),
        clientId: str('Client id registered with the company IdP (Cognito app client name).', {
          minLength: 1,
          maxLength: 128,
          'x-defaultText': '`metaflow-<stage>`',
        }),
        // No minLength/maxLength here: the rule reports it with the words of the troubleshooting entry in
        // docs/operator-guide.md ("provider name too long").
        idpProviderName: str('Cognito identity provider name (3-32 characters).', { 'x-defaultText': '`metaflow-<stage>`' }),
        allowedGroups: strList('IdP groups whose members may log in. Empty: every authenticated user of the IdP (not allowed on prod).', {
          uniqueItems: true,
          default: [],
        }),
        groupsClaim: str('Claim of the IdP ID token that carries the groups.', { default: 'groups', minLength: 1 }),
        killSwitchPrincipals: strList(
          "IAM principals (role, user or account root ARNs) of the company IdP allowed to assume the kill-switch role (`FederateKillSwitchRoleArn`: global sign-out and disabling users of this stage). The stage's own account is always trusted.",
          {
            uniqueItems: true,
            default: [],
            items: { type: 'string', pattern: '^arn:aws:iam::[0-9]{12}:(root|role/.+|user/.+)$' },
          },
        ),
        scopes: strList('Scopes requested from the IdP (must include `openid`).', {
          uniqueItems: true,
          minItems: 1,
          default: ['openid', 'email', 'profile'],
        }),
      },
    },
    network: {
      type: 'object',
      description: 'The stage VPC.',
      additionalProperties: false,
      'x-defaultText': 'see the fields',
      properties: {
        vpcCidr: str('Primary VPC CIDR (nodes, load balancers, database), /16 to /24.', { default: '10.0.0.0/16' }),
        podCidr: str('Secondary CIDR for pod addresses (must not overlap `vpcCidr`), /16 to /24.', { default: '100.64.0.0/16' }),
        availabilityZones: strList('Availability zone names (2-3, distinct, in the stage region).', {
          minItems: 2,
          maxItems: 3,
          uniqueItems: true,
          'x-defaultText': "`<region>a`, `b`, `c` (the region's first three zones); required in us-east-1, us-west-1, ca-central-1",
        }),
        natGateways: {
          type: 'integer',
          minimum: 0,
          maximum: 3,
          description:
            'NAT gateways, or NAT instances with `natType: instance`: 0 (no internet egress), 1 (shared) or one per AZ (HA, required on prod). 0 needs the `ecr.api`, `ecr.dkr`, `sts`, `eks-auth` and `secretsmanager` endpoints, and still cannot pull the public chart images (mirror them into ECR), log in through the gateway (it calls Cognito and the company IdP), let ExternalDNS reach Route 53 or run a sync runner (it talks to GitHub).',
          default: 1,
          'x-defaultText': '1 (prod: one per AZ)',
        },
        natType: {
          type: 'string',
          enum: ['gateway', 'instance'],
          description:
            'What provides the internet egress `natGateways` counts: `gateway` (managed NAT gateways: highly available within their zone, billed per hour and per GB processed) or `instance` (one arm64 EC2 instance of `natInstanceType` per count, Amazon Linux 2023 with security updates applied at launch: a fraction of the price of a gateway, but a single instance, so its zones have no egress while it is replaced, rebooted or recovered). Prod requires `gateway`.',
          default: 'instance',
          'x-prodDefault': 'gateway',
        },
        natInstanceType: {
          type: 'string',
          enum: ['t4g.nano', 't4g.micro', 't4g.small'],
          description:
            'EC2 instance type of the NAT instances (`natType: instance`): arm64 (Graviton) burstable types, priced by `mfctl cost`. t4g.nano (2 vCPU burst, 0.5 GiB, up to 5 Gbit/s) carries the idle and light traffic of a dev stage; pick a larger one for sustained image pulls or data transfer.',
          default: 't4g.nano',
        },
        vpcEndpoints: {
          type: 'array',
          description: 'VPC endpoints to create. The S3 gateway endpoint is always present.',
          items: { type: 'string', enum: VPC_ENDPOINTS },
          uniqueItems: true,
          default: ['s3'],
        },
        flowLogs: {
          type: 'boolean',
          description:
            'VPC flow logs of all traffic to CloudWatch Logs (a year of retention on prod, a week otherwise). Required on prod; off by default elsewhere: their ingestion is billed per GB.',
          default: false,
          'x-prodDefault': true,
        },
      },
    },
    database: {
      type: 'object',
      description: 'Aurora PostgreSQL Serverless v2 (Metaflow metadata store).',
      additionalProperties: false,
      'x-defaultText': 'see the fields',
      properties: {
        minCapacity: {
          type: 'number',
          minimum: 0,
          maximum: 256,
          multipleOf: 0.5,
          description:
            'Minimum ACUs (prod needs > 0). 0 lets the cluster auto-pause after `secondsUntilAutoPause` without client connections, but the metadata service (its connection pool and a `SELECT 1` readiness probe every 10 s) and the UI backend (a permanent `LISTEN` connection) keep it awake while they run: at 0 it pauses only while both are scaled to zero, and otherwise costs what 0.5 does.',
          default: 0.5,
        },
        maxCapacity: {
          type: 'number',
          minimum: 1,
          maximum: 256,
          multipleOf: 0.5,
          description: 'Maximum ACUs (>= minCapacity).',
          default: 4,
        },
        secondsUntilAutoPause: {
          type: 'integer',
          minimum: 300,
          maximum: 86400,
          description: 'Idle seconds before auto-pause (used when minCapacity is 0).',
          default: 600,
        },
        backupRetentionDays: {
          type: 'integer',
          minimum: 1,
          maximum: 35,
          description: 'Automated backup retention in days (prod: at least 14).',
          default: 7,
          'x-prodDefault': 30,
        },
        engineVersion: str('Aurora PostgreSQL engine version (`major.minor`).', { pattern: '^[0-9]{2}\\.[0-9]{1,2}$', default: '16.6' }),
      },
    },
    compute: {
      type: 'object',
      description: 'Node pools of the EKS Auto Mode cluster.',
      additionalProperties: false,
      'x-defaultText': 'see the fields',
      properties: { cpu: nodePool(false), gpu: nodePool(true) },
    },
    cluster: {
      type: 'object',
      description: 'The EKS cluster.',
      additionalProperties: false,
      'x-defaultText': 'see the fields',
      properties: {
        kubernetesVersion: str(
          "EKS Kubernetes version: one EKS offers (its release calendar). `mfctl validate` warns from 60 days before the end of standard support. Changing it upgrades the cluster in place: one minor version up at a time, never down (`mfctl validate --base`), and inside every pinned Helm chart's range (`mfctl versions`).",
          { enum: KUBERNETES_VERSIONS, default: newestKubernetesVersion() },
        ),
        accessPrincipals: {
          type: 'array',
          description: 'IAM principals given EKS access entries (the deploy role is always admin).',
          default: [],
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['arn', 'access'],
            description: 'One access entry.',
            properties: {
              arn: str('IAM role or user ARN (any account).', { pattern: '^arn:aws:iam::[0-9]{12}:(role|user)/.+$' }),
              access: {
                type: 'string',
                enum: ['admin', 'edit', 'view'],
                description: 'Kubernetes access: admin (cluster-admin), edit or view.',
              },
              namespaces: strList('Limit `edit`/`view` to these namespaces; empty: cluster-wide. Not allowed with `admin`.', {
                uniqueItems: true,
                default: [],
              }),
            },
          },
        },
        publicEndpoint: {
          type: 'boolean',
          description: 'EKS API endpoint reachable from the internet (prod: false unless `allowPublicEndpointOnProd`).',
          default: true,
          'x-prodDefault': false,
        },
        publicAccessCidrs: strList(
          'Source CIDRs allowed to reach the public API endpoint (`cluster.publicEndpoint: true`). A GitHub-hosted runner has no fixed address: a stage that narrows this list syncs on its in-VPC runner (`deploy.syncRunner`).',
          { minItems: 1, maxItems: 40, uniqueItems: true, default: ['0.0.0.0/0'] },
        ),
        allowPublicEndpointOnProd: {
          type: 'boolean',
          description: 'Explicitly accept a public EKS API endpoint on a prod stage.',
          default: false,
        },
      },
    },
    ingress: {
      type: 'object',
      description: 'The stage load balancer.',
      additionalProperties: false,
      'x-defaultText': 'see the fields',
      properties: {
        allowedCidrs: strList('Source CIDRs allowed to reach the load balancer.', {
          minItems: 1,
          uniqueItems: true,
          default: ['0.0.0.0/0'],
        }),
      },
    },
    deploy: {
      type: 'object',
      description: 'How GitHub Actions deploys the stage.',
      additionalProperties: false,
      'x-defaultText': 'see the fields',
      properties: {
        roleArn: str('Role GitHub Actions assumes through OIDC (in the stage account).', {
          pattern: '^arn:aws:iam::[0-9]{12}:role/.+$',
          'x-defaultText': '`arn:aws:iam::<accountId>:role/metaflow-gitops-deploy-<stage>` (created by `mfctl bootstrap`)',
        }),
        githubEnvironment: str('GitHub environment the deploy job runs in.', {
          minLength: 1,
          maxLength: 255,
          'x-defaultText': 'the stage name',
        }),
        syncRunner: {
          type: 'object',
          description:
            'A GitHub Actions runner inside the stage VPC (an AWS CodeBuild runner project) for `mfctl sync`, which a GitHub-hosted runner cannot do when the Kubernetes API is private. Needed when `cluster.publicEndpoint` is false.',
          additionalProperties: false,
          required: ['repository', 'connectionArn'],
          'x-defaultText': 'none (sync runs on a GitHub-hosted runner)',
          properties: {
            repository: str('The GitHub repository (`owner/name`) whose deploy workflow uses the runner.', {
              pattern: '^[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+$',
              examples: ['example-org/metaflow-platform'],
            }),
            connectionArn: str('The AWS CodeConnections connection to GitHub (created once per account: docs/operator-guide.md).', {
              pattern: '^arn:aws:(codeconnections|codestar-connections):[a-z0-9-]+:[0-9]{12}:connection/[A-Za-z0-9-]+$',
            }),
          },
        },
      },
    },
    deployability: {
      type: 'object',
      description:
        'The deployability rules of `mfctl check` (a template that would not deploy, tear down or deploy again): findings fail unless acknowledged here.',
      additionalProperties: false,
      'x-defaultText': 'see the fields',
      properties: {
        acknowledge: {
          type: 'array',
          description:
            'Findings accepted on purpose, each with the reason (like the cdk-nag acknowledgements). An acknowledgement that matches no finding fails the check.',
          default: [],
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['id', 'reason'],
            description: 'One acknowledged finding.',
            properties: {
              id: str('`<rule>` (all its findings) or `<rule>[<stack kind>/<logical id>]`, as `mfctl check` prints it.', {
                pattern: '^[a-z][a-z0-9-]*(\\[[A-Za-z0-9-]+/[^\\]]+\\])?$',
                examples: ['retained-fixed-name[data/MetadataDatabaseSecret]'],
              }),
              reason: str('Why the finding does not apply or is accepted (at least 20 characters).', { minLength: 20 }),
            },
          },
        },
      },
    },
    tags: {
      type: 'object',
      description: 'Extra tags on every resource of the stage (`metaflow-gitops:` keys are reserved).',
      additionalProperties: { type: 'string', maxLength: 256 },
      propertyNames: { minLength: 1, maxLength: 128 },
      maxProperties: 40,
      default: {},
    },
  },
};
