import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatDiagnostic, StageConfigError } from './diagnostics';
import { loadStage, loadStages, parseStageText } from './loader';
import { MAX_STAGE_FILE_BYTES } from './private/stage-file-read';
import { makeStageConfig } from '@metaflow-gitops/testing/stage-config';

/** A minimal valid stage; cases edit it, so line numbers below count from this text. */
const BASE = [
  'accountId: "111111111111"', // 1
  'region: us-west-2', // 2
  'isProd: false', // 3
  'domain:', // 4
  '  parentDomain: metaflow.example.com', // 5
  'oidcConfig:', // 6
  '  issuerUrl: https://idp.example.com', // 7
].join('\n');

/** BASE with lines replaced (`{ 3: 'isProd: true' }`, null drops the line) and lines appended (from line 8). */
function doc(replace: Record<number, string | null> = {}, ...appended: string[]): string {
  const lines = BASE.split('\n').flatMap((line, i) => {
    const r = replace[i + 1];
    return r === null ? [] : r === undefined ? [line] : r.split('\n');
  });
  return [...lines, ...appended].join('\n') + '\n';
}

const PROD = { 3: 'isProd: true', 7: '  issuerUrl: https://idp.example.com\n  allowedGroups: [ml-platform]' }; // prod lines 8+ shift by one

interface Expected {
  readonly path: string;
  readonly line: number;
  readonly column: number;
  readonly message: string | RegExp;
  readonly severity?: 'error' | 'warning';
}

interface Case {
  readonly name: string;
  readonly stage?: string;
  readonly yaml: string;
  readonly expected: readonly Expected[];
}

const INVALID: readonly Case[] = [
  // --- YAML and file level ---
  {
    name: 'YAML syntax error (bad indentation)',
    yaml: doc({ 3: '  isProd: false' }),
    expected: [{ path: '', line: 3, column: 9, message: 'YAML syntax error: bad indentation of a mapping entry' }],
  },
  {
    name: 'YAML duplicate key',
    yaml: doc({}, 'region: eu-west-1'),
    expected: [{ path: '', line: 8, column: 1, message: 'YAML syntax error: duplicated mapping key' }],
  },
  { name: 'empty file', yaml: '# nothing here\n', expected: [{ path: '', line: 1, column: 1, message: 'the stage file is empty' }] },
  {
    name: 'two YAML documents in one file',
    yaml: `${doc()}---\n${doc()}`,
    expected: [{ path: '', line: 1, column: 1, message: 'YAML syntax error: expected a single document in the stream' }],
  },
  {
    name: 'CRLF file: positions still count lines',
    yaml: doc({ 2: 'region: us-west-9' }).replace(/\n/g, '\r\n'),
    expected: [{ path: 'region', line: 2, column: 9, message: 'the string "us-west-9" is not allowed' }],
  },
  {
    name: 'root is a list',
    yaml: '- accountId: "111111111111"\n',
    expected: [{ path: '', line: 1, column: 1, message: 'the stage file must be a mapping of fields' }],
  },
  {
    name: 'stage name with uppercase and underscore',
    stage: 'Dev_1',
    yaml: doc(),
    expected: [{ path: '', line: 1, column: 1, message: 'stage name "Dev_1" (the file name) must start with a lowercase letter' }],
  },
  {
    name: 'stage name with a word Cognito refuses in the domain prefix',
    stage: 'aws-lab',
    yaml: doc(),
    expected: [
      {
        path: '',
        line: 1,
        column: 1,
        message: 'stage name "aws-lab" puts the word "aws" in the Cognito domain prefix "metaflow-aws-lab-<account>"',
      },
    ],
  },
  {
    name: 'stage name longer than the Cognito IdP name allows',
    stage: 'a-very-long-stage-name-x',
    yaml: doc(),
    expected: [
      {
        path: '',
        line: 1,
        column: 1,
        message: 'stage name "a-very-long-stage-name-x" is 24 characters; at most 23 fit the Cognito identity provider name',
      },
    ],
  },
  // --- keys and types ---
  {
    name: 'unknown nested key with a suggestion',
    yaml: doc({}, 'network:', '  vpcCidrr: 10.0.0.0/16'),
    expected: [{ path: 'network.vpcCidrr', line: 9, column: 3, message: 'unknown key "vpcCidrr"; did you mean "vpcCidr"?' }],
  },
  {
    name: 'unknown key without a close match',
    yaml: doc({}, 'colour: blue'),
    expected: [{ path: 'colour', line: 8, column: 1, message: 'unknown key "colour"' }],
  },
  {
    name: 'keys named after Object.prototype members are unknown keys',
    yaml: doc({}, 'toString: x', 'constructor: y', '__proto__: z', 'network:', '  hasOwnProperty: 1'),
    expected: [
      { path: 'toString', line: 8, column: 1, message: 'unknown key "toString"' },
      { path: 'constructor', line: 9, column: 1, message: 'unknown key "constructor"' },
      { path: '__proto__', line: 10, column: 1, message: 'unknown key "__proto__"' },
      { path: 'network.hasOwnProperty', line: 12, column: 3, message: 'unknown key "hasOwnProperty"' },
    ],
  },
  {
    name: 'issuer URL with user information',
    yaml: doc({ 7: '  issuerUrl: https://admin:secret@idp.example.com' }),
    expected: [{ path: 'oidcConfig.issuerUrl', line: 7, column: 14, message: 'carries user information (user:password@)' }],
  },
  {
    name: 'issuer URL with a space, a tab or a line break',
    yaml: doc({ 7: '  issuerUrl: "https://idp.example.com\\n"' }, 'tags:', '  a: b'),
    expected: [
      {
        path: 'oidcConfig.issuerUrl',
        line: 7,
        column: 14,
        message: '"https://idp.example.com\\n" contains whitespace or control characters',
      },
    ],
  },
  {
    name: 'issuer URL with a control character',
    yaml: doc({ 7: '  issuerUrl: "https://idp.exa\\u0000mple.com"' }),
    expected: [{ path: 'oidcConfig.issuerUrl', line: 7, column: 14, message: 'contains whitespace or control characters' }],
  },
  {
    name: 'GitHub environment with control characters',
    yaml: doc({}, 'deploy:', '  githubEnvironment: "dev\\e[2J"'),
    expected: [{ path: 'deploy.githubEnvironment', line: 9, column: 22, message: '"dev\\u001b[2J" contains control characters' }],
  },
  {
    name: 'misspelt required key: unknown key and missing key at once',
    yaml: doc({ 2: 'regoin: us-west-2' }),
    expected: [
      { path: 'region', line: 1, column: 1, message: 'required field "region" is missing from the file' },
      { path: 'regoin', line: 2, column: 1, message: 'unknown key "regoin"; did you mean "region"?' },
    ],
  },
  {
    name: 'missing nested required key',
    yaml: doc({ 7: '  allowedGroups: [a]' }),
    expected: [{ path: 'oidcConfig.issuerUrl', line: 6, column: 1, message: 'required field "issuerUrl" is missing from oidcConfig' }],
  },
  {
    name: 'account id as a YAML number (leading zero lost)',
    yaml: doc({ 1: 'accountId: 012345678901' }),
    expected: [
      {
        path: 'accountId',
        line: 1,
        column: 12,
        message: 'must be a string, but YAML reads the unquoted 012345678901 as the number 12345678901',
      },
    ],
  },
  {
    name: 'account id in exponent notation',
    yaml: doc({ 1: 'accountId: 1.2e11' }),
    expected: [
      {
        path: 'accountId',
        line: 1,
        column: 12,
        message: 'must be a string, but YAML reads the unquoted 1.2e11 as the number 120000000000',
      },
    ],
  },
  {
    name: 'account id of the wrong length',
    yaml: doc({ 1: 'accountId: "12345"' }),
    expected: [{ path: 'accountId', line: 1, column: 12, message: '"12345" is not a 12-digit AWS account id' }],
  },
  {
    name: 'region typo',
    yaml: doc({ 2: 'region: us-wset-2' }),
    expected: [{ path: 'region', line: 2, column: 9, message: /the string "us-wset-2" is not allowed/ }],
  },
  {
    name: 'isProd as a string',
    yaml: doc({ 3: 'isProd: "no"' }),
    expected: [{ path: 'isProd', line: 3, column: 9, message: 'must be true or false, got the string "no"' }],
  },
  {
    name: 'empty section',
    yaml: doc({}, 'network:'),
    expected: [{ path: 'network', line: 8, column: 1, message: 'is empty, expected a mapping' }],
  },
  {
    name: 'section of the wrong type',
    yaml: doc({}, 'network:', '  - 10.0.0.0/16'),
    expected: [{ path: 'network', line: 9, column: 3, message: 'must be a mapping, got a list' }],
  },
  // --- domain ---
  {
    name: 'parent domain with a scheme',
    yaml: doc({ 5: '  parentDomain: https://example.com' }),
    expected: [{ path: 'domain.parentDomain', line: 5, column: 17, message: '"https://example.com" is not a DNS zone name' }],
  },
  {
    name: 'same-account delegation without a zone id',
    yaml: doc({ 5: '  parentDomain: metaflow.example.com\n  delegation:\n    mode: same-account' }),
    expected: [
      {
        path: 'domain.delegation.parentHostedZoneId',
        line: 6,
        column: 3,
        message: 'required field "parentHostedZoneId" is missing for mode "same-account"',
      },
    ],
  },
  {
    name: 'cross-account delegation without a role',
    yaml: doc({
      5: '  parentDomain: metaflow.example.com\n  delegation:\n    mode: cross-account\n    parentHostedZoneId: Z0123456789ABC',
    }),
    expected: [
      {
        path: 'domain.delegation.delegationRoleArn',
        line: 6,
        column: 3,
        message: 'required field "delegationRoleArn" is missing for mode "cross-account"',
      },
    ],
  },
  {
    name: 'delegation mode typo',
    yaml: doc({ 5: '  parentDomain: metaflow.example.com\n  delegation:\n    mode: cross_account' }),
    expected: [{ path: 'domain.delegation.mode', line: 7, column: 11, message: 'the string "cross_account" is not allowed' }],
  },
  {
    name: 'manual delegation with a zone id',
    yaml: doc({ 5: '  parentDomain: metaflow.example.com\n  delegation:\n    mode: manual\n    parentHostedZoneId: Z0123456789ABC' }),
    expected: [{ path: 'domain.delegation.parentHostedZoneId', line: 8, column: 5, message: 'is ignored with mode "manual"' }],
  },
  {
    name: 'malformed hosted zone id',
    yaml: doc({
      5: '  parentDomain: metaflow.example.com\n  delegation:\n    mode: same-account\n    parentHostedZoneId: /hostedzone/Z0123',
    }),
    expected: [
      {
        path: 'domain.delegation.parentHostedZoneId',
        line: 8,
        column: 25,
        message: '"/hostedzone/Z0123" is not a Route 53 hosted zone id',
      },
    ],
  },
  // --- identity ---
  {
    name: 'http issuer',
    yaml: doc({ 7: '  issuerUrl: http://idp.example.com' }),
    expected: [{ path: 'oidcConfig.issuerUrl', line: 7, column: 14, message: '"http://idp.example.com" is not https' }],
  },
  {
    name: 'issuer with a trailing slash',
    yaml: doc({ 7: '  issuerUrl: https://idp.example.com/' }),
    expected: [{ path: 'oidcConfig.issuerUrl', line: 7, column: 14, message: /has a query, fragment or trailing slash/ }],
  },
  {
    name: 'IdP provider name longer than the 32 characters Cognito allows',
    yaml: doc({}, '  idpProviderName: iss-metaflow-a-rather-long-stage-1'),
    expected: [
      {
        path: 'oidcConfig.idpProviderName',
        line: 8,
        column: 20,
        message: 'provider name too long: "iss-metaflow-a-rather-long-stage-1" is 34 characters, Cognito allows 32',
      },
    ],
  },
  {
    name: 'IdP provider name too short for Cognito',
    yaml: doc({}, '  idpProviderName: ab'),
    expected: [
      { path: 'oidcConfig.idpProviderName', line: 8, column: 20, message: '"ab" is not a valid Cognito identity provider name (3-32' },
    ],
  },
  {
    name: 'scopes without openid',
    yaml: doc({}, '  scopes: [email, profile]'),
    expected: [{ path: 'oidcConfig.scopes', line: 8, column: 11, message: 'does not include "openid"' }],
  },
  // --- network ---
  {
    name: 'CIDR prefix above 32',
    yaml: doc({}, 'network:', '  vpcCidr: 10.0.0.0/33'),
    expected: [{ path: 'network.vpcCidr', line: 9, column: 12, message: '"10.0.0.0/33" has a prefix length above 32' }],
  },
  {
    name: 'CIDR with host bits',
    yaml: doc({}, 'network:', '  vpcCidr: 10.0.0.1/16'),
    expected: [{ path: 'network.vpcCidr', line: 9, column: 12, message: '"10.0.0.1/16" has host bits set; the block is 10.0.0.0/16' }],
  },
  {
    name: 'pod CIDR overlapping the VPC',
    yaml: doc({}, 'network:', '  podCidr: 10.0.128.0/17'),
    expected: [{ path: 'network.podCidr', line: 9, column: 12, message: '"10.0.128.0/17" overlaps vpcCidr "10.0.0.0/16"' }],
  },
  {
    name: 'availability zone of another region',
    yaml: doc({}, 'network:', '  availabilityZones:', '    - us-west-2a', '    - us-east-1b'),
    expected: [
      { path: 'network.availabilityZones[1]', line: 11, column: 7, message: '"us-east-1b" is not an availability zone of us-west-2' },
    ],
  },
  {
    name: 'availability zone that does not exist',
    yaml: doc({}, 'network:', '  availabilityZones: [us-west-2a, us-west-2e]'),
    expected: [
      { path: 'network.availabilityZones[1]', line: 9, column: 35, message: '"us-west-2e" is not an availability zone of us-west-2' },
    ],
  },
  {
    name: 'a single availability zone',
    yaml: doc({}, 'network:', '  availabilityZones: [us-west-2a]'),
    expected: [{ path: 'network.availabilityZones', line: 9, column: 22, message: 'has 1 item(s), needs at least 2' }],
  },
  {
    name: 'duplicate availability zone',
    yaml: doc({}, 'network:', '  availabilityZones: [us-west-2a, us-west-2a]'),
    expected: [{ path: 'network.availabilityZones[1]', line: 9, column: 35, message: 'the string "us-west-2a" is listed twice' }],
  },
  {
    name: 'EKS-restricted region without explicit zones',
    yaml: doc({ 2: 'region: us-east-1' }),
    expected: [
      {
        path: 'network.availabilityZones',
        line: 1,
        column: 1,
        message: 'must be listed explicitly in us-east-1: EKS cannot place the control plane in use1-az3',
      },
    ],
  },
  {
    name: 'more NAT gateways than zones',
    yaml: doc({}, 'network:', '  availabilityZones: [us-west-2a, us-west-2b]', '  natGateways: 3'),
    expected: [{ path: 'network.natGateways', line: 10, column: 16, message: '3 NAT gateways for 2 availability zones' }],
  },
  {
    name: 'unknown VPC endpoint',
    yaml: doc({}, 'network:', '  vpcEndpoints: [s3, ecr-api]'),
    expected: [{ path: 'network.vpcEndpoints[1]', line: 9, column: 22, message: 'the string "ecr-api" is not allowed' }],
  },
  // --- database ---
  {
    name: 'ACUs not in 0.5 steps',
    yaml: doc({}, 'database:', '  minCapacity: 0.3'),
    expected: [{ path: 'database.minCapacity', line: 9, column: 16, message: '0.3 is not a multiple of 0.5' }],
  },
  {
    name: 'min ACUs above max',
    yaml: doc({}, 'database:', '  minCapacity: 8', '  maxCapacity: 4'),
    expected: [{ path: 'database.minCapacity', line: 9, column: 16, message: 'minCapacity (8) is greater than maxCapacity (4)' }],
  },
  {
    name: 'max ACUs below 1',
    yaml: doc({}, 'database:', '  maxCapacity: 0.5'),
    expected: [{ path: 'database.maxCapacity', line: 9, column: 16, message: '0.5 is below the minimum 1' }],
  },
  {
    name: 'auto-pause too short',
    yaml: doc({}, 'database:', '  secondsUntilAutoPause: 120'),
    expected: [{ path: 'database.secondsUntilAutoPause', line: 9, column: 26, message: '120 is below the minimum 300' }],
  },
  {
    name: 'auto-pause on an engine that cannot pause',
    yaml: doc({}, 'database:', '  minCapacity: 0', '  engineVersion: "16.1"'),
    expected: [
      {
        path: 'database.minCapacity',
        line: 9,
        column: 16,
        message: '0 ACUs (auto-pause) needs Aurora PostgreSQL 16.3 or later, engineVersion is 16.1',
      },
    ],
  },
  // --- compute ---
  {
    name: 'CPU family in the GPU pool',
    yaml: doc({}, 'compute:', '  gpu:', '    instanceFamilies: [g6, m7i]'),
    expected: [{ path: 'compute.gpu.instanceFamilies[1]', line: 10, column: 28, message: '"m7i" is not an NVIDIA GPU instance family' }],
  },
  {
    name: 'instance size instead of family',
    yaml: doc({}, 'compute:', '  cpu:', '    instanceFamilies: [m7i.large]'),
    expected: [{ path: 'compute.cpu.instanceFamilies[0]', line: 10, column: 24, message: '"m7i.large" is not an EC2 instance family' }],
  },
  {
    name: 'GPU pool whose CPU limit blocks its GPUs',
    yaml: doc({}, 'compute:', '  gpu:', '    maxGpus: 16', '    maxCpu: 32'),
    expected: [{ path: 'compute.gpu.maxCpu', line: 11, column: 13, message: /maxCpu \(32\) is below 4 vCPUs per GPU for maxGpus \(16\)/ }],
  },
  // --- cluster ---
  {
    name: 'Kubernetes version as a YAML number',
    yaml: doc({}, 'cluster:', '  kubernetesVersion: 1.30'),
    expected: [
      {
        path: 'cluster.kubernetesVersion',
        line: 9,
        column: 22,
        message: 'must be a string, but YAML reads the unquoted 1.30 as the number 1.3',
      },
    ],
  },
  {
    name: 'unsupported Kubernetes version',
    yaml: doc({}, 'cluster:', '  kubernetesVersion: "1.20"'),
    expected: [{ path: 'cluster.kubernetesVersion', line: 9, column: 22, message: 'the string "1.20" is not allowed' }],
  },
  {
    name: 'assumed-role session as access principal',
    yaml: doc({}, 'cluster:', '  accessPrincipals:', '    - arn: arn:aws:sts::111111111111:assumed-role/admin/me', '      access: admin'),
    expected: [{ path: 'cluster.accessPrincipals[0].arn', line: 10, column: 12, message: 'is an assumed-role session, not a role' }],
  },
  {
    name: 'admin access limited to namespaces',
    yaml: doc(
      {},
      'cluster:',
      '  accessPrincipals:',
      '    - arn: arn:aws:iam::999999999999:role/ops',
      '      access: admin',
      '      namespaces: [metaflow]',
    ),
    expected: [
      {
        path: 'cluster.accessPrincipals[0].namespaces',
        line: 12,
        column: 19,
        message: 'is set for admin access, which is always cluster-wide',
      },
    ],
  },
  {
    name: 'the deploy role listed again as an access principal',
    yaml: doc(
      {},
      'cluster:',
      '  accessPrincipals:',
      '    - arn: arn:aws:iam::111111111111:role/metaflow-gitops-deploy-dev',
      '      access: view',
    ),
    expected: [
      {
        path: 'cluster.accessPrincipals[0].arn',
        line: 10,
        column: 12,
        message:
          '"arn:aws:iam::111111111111:role/metaflow-gitops-deploy-dev" is the deploy role, which always gets its own cluster-admin access entry',
      },
    ],
  },
  {
    name: 'an empty ingress allow-list',
    yaml: doc({}, 'ingress:', '  allowedCidrs: []'),
    expected: [{ path: 'ingress.allowedCidrs', line: 9, column: 17, message: 'has 0 item(s), needs at least 1' }],
  },
  {
    name: 'access principal without access',
    yaml: doc({}, 'cluster:', '  accessPrincipals:', '    - arn: arn:aws:iam::999999999999:role/ops'),
    expected: [{ path: 'cluster.accessPrincipals[0].access', line: 10, column: 7, message: 'required field "access" is missing' }],
  },
  // --- deploy and tags ---
  {
    name: 'deploy role in another account',
    yaml: doc({}, 'deploy:', '  roleArn: arn:aws:iam::222222222222:role/deploy'),
    expected: [
      { path: 'deploy.roleArn', line: 9, column: 12, message: 'the deploy role is in account 222222222222, the stage is in 111111111111' },
    ],
  },
  {
    name: 'reserved tag prefix',
    yaml: doc({}, 'tags:', '  metaflow-gitops:stage: x'),
    expected: [
      {
        path: 'tags.metaflow-gitops:stage',
        line: 9,
        column: 3,
        message: 'tag key "metaflow-gitops:stage" uses the reserved prefix "metaflow-gitops:" (the stage tag is added automatically)',
      },
    ],
  },
  {
    name: 'tag value that is not a string',
    yaml: doc({}, 'tags:', '  cost-center: 4711'),
    expected: [
      { path: 'tags.cost-center', line: 9, column: 16, message: 'must be a string, but YAML reads the unquoted 4711 as the number 4711' },
    ],
  },
  // --- prod rules ---
  {
    name: 'prod without login groups',
    yaml: doc({ 3: 'isProd: true' }),
    expected: [
      { path: 'oidcConfig.allowedGroups', line: 6, column: 1, message: /is empty on a prod stage/ },
      { path: 'ingress.allowedCidrs[0]', line: 1, column: 1, message: /opens the prod load balancer/, severity: 'warning' },
    ],
  },
  {
    name: 'prod with a single NAT gateway',
    yaml: doc(PROD, 'network:', '  natGateways: 1', 'ingress:', '  allowedCidrs: [203.0.113.0/24]'),
    expected: [
      {
        path: 'network.natGateways',
        line: 10,
        column: 16,
        message: 'is 1 on a prod stage with 3 zones: a zone outage would cut egress for the others (no HA)',
      },
    ],
  },
  {
    name: 'prod without flow logs',
    yaml: doc(PROD, 'network:', '  flowLogs: false', 'ingress:', '  allowedCidrs: [203.0.113.0/24]'),
    expected: [{ path: 'network.flowLogs', line: 10, column: 13, message: /is false on a prod stage: without flow logs/ }],
  },
  {
    name: 'prod with a NAT instance',
    yaml: doc(PROD, 'network:', '  natType: instance', 'ingress:', '  allowedCidrs: [203.0.113.0/24]'),
    expected: [
      {
        path: 'network.natType',
        line: 10,
        column: 12,
        message: /is instance on a prod stage: a NAT instance is a single EC2 instance/,
      },
    ],
  },
  {
    name: 'prod database that pauses',
    yaml: doc(PROD, 'database:', '  minCapacity: 0', 'ingress:', '  allowedCidrs: [203.0.113.0/24]'),
    expected: [{ path: 'database.minCapacity', line: 10, column: 16, message: /is 0 on a prod stage: a paused database takes/ }],
  },
  {
    name: 'prod with a week of backups',
    yaml: doc(PROD, 'database:', '  backupRetentionDays: 7', 'ingress:', '  allowedCidrs: [203.0.113.0/24]'),
    expected: [
      { path: 'database.backupRetentionDays', line: 10, column: 24, message: /is 7 on a prod stage: prod keeps at least 14 days/ },
    ],
  },
  {
    name: 'prod with a public Kubernetes API',
    yaml: doc(PROD, 'cluster:', '  publicEndpoint: true', 'ingress:', '  allowedCidrs: [203.0.113.0/24]'),
    expected: [{ path: 'cluster.publicEndpoint', line: 10, column: 19, message: /is true on a prod stage/ }],
  },
  // --- several errors at once ---
  {
    name: 'several errors in one file, all reported',
    yaml: doc(
      { 1: 'accountId: 42', 7: '  issuerUrl: ftp://idp' },
      'network:',
      '  natGateways: -1',
      '  vpcEndpoint: [s3]',
      'database:',
      '  minCapacity: 9',
      '  maxCapacity: 2',
    ),
    expected: [
      { path: 'accountId', line: 1, column: 12, message: 'must be a string, but YAML reads the unquoted 42 as the number 42' },
      { path: 'network.natGateways', line: 9, column: 16, message: '-1 is below the minimum 0' },
      { path: 'network.vpcEndpoint', line: 10, column: 3, message: 'unknown key "vpcEndpoint"; did you mean "vpcEndpoints"?' },
      { path: 'oidcConfig.issuerUrl', line: 7, column: 14, message: '"ftp://idp" is not https' },
      { path: 'database.minCapacity', line: 12, column: 16, message: 'minCapacity (9) is greater than maxCapacity (2)' },
    ],
  },
  {
    name: 'errors in lists and nested mappings at once',
    yaml: doc(
      {},
      'ingress:',
      '  allowedCidrs: [0.0.0.0/0, 300.1.1.1/32]',
      'cluster:',
      '  accessPrincipals:',
      '    - arn: role/ops',
      '      access: owner',
    ),
    expected: [
      { path: 'cluster.accessPrincipals[0].access', line: 13, column: 15, message: 'the string "owner" is not allowed' },
      { path: 'ingress.allowedCidrs[1]', line: 9, column: 29, message: '"300.1.1.1/32" has an invalid address' },
      { path: 'cluster.accessPrincipals[0].arn', line: 12, column: 12, message: '"role/ops" is not an IAM role or user ARN' },
    ],
  },
];

describe('invalid stage files', () => {
  it('has at least 30 cases', () => {
    expect(INVALID.length).toBeGreaterThanOrEqual(30);
  });

  it.each(INVALID.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const { stage, diagnostics } = parseStageText(c.stage ?? 'dev', `environments/${c.stage ?? 'dev'}.yaml`, c.yaml);
    const actual = diagnostics.map((d) => ({ severity: d.severity, path: d.path, line: d.line, column: d.column, message: d.message }));
    const expected = c.expected.map((e) => ({
      severity: e.severity ?? 'error',
      path: e.path,
      line: e.line,
      column: e.column,
      message: typeof e.message === 'string' ? expect.stringContaining(e.message) : expect.stringMatching(e.message),
    }));
    expect(actual).toEqual(expect.arrayContaining(expected));
    expect(actual).toHaveLength(expected.length);
    // An invalid file never yields a stage (no partial output).
    expect(stage).toBeUndefined();
    for (const d of diagnostics) {
      expect(d.file).toBe(`environments/${c.stage ?? 'dev'}.yaml`);
      expect(d.fix.length).toBeGreaterThan(5);
    }
  });
});

describe('valid stage files', () => {
  const VALID: readonly [string, string][] = [
    ['the minimal file', doc()],
    ['explicit zones in a restricted region', doc({ 2: 'region: us-east-1' }, 'network:', '  availabilityZones: [us-east-1a, us-east-1b]')],
    ['ap-northeast-1 (zone letters a, c, d)', doc({ 2: 'region: ap-northeast-1' })],
    ['a prod stage with restricted ingress', doc(PROD, 'ingress:', '  allowedCidrs: [203.0.113.0/24]')],
    [
      'a public prod endpoint accepted explicitly',
      doc(PROD, 'cluster:', '  publicEndpoint: true', '  allowPublicEndpointOnProd: true', 'ingress:', '  allowedCidrs: [203.0.113.0/24]'),
    ],
    ['manual delegation', doc({ 5: '  parentDomain: metaflow.example.com\n  delegation:\n    mode: manual' })],
    ['a GPU pool with defaults', doc({}, 'compute:', '  gpu: {}')],
    ['flow-style mappings', doc({}, 'database: {minCapacity: 0.5, maxCapacity: 8}', 'tags: {team: ml}')],
    ['Windows line endings', doc().replace(/\n/g, '\r\n')],
  ];

  it.each(VALID)('%s', (_name, yaml) => {
    const { stage, diagnostics } = parseStageText('dev', 'environments/dev.yaml', yaml);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(stage?.name).toBe('dev');
  });

  it('fills the documented defaults', () => {
    const { stage } = parseStageText('dev', 'environments/dev.yaml', doc());
    expect(stage).toMatchObject({
      name: 'dev',
      sourceFile: 'environments/dev.yaml',
      domain: { parentDomain: 'metaflow.example.com', delegation: { mode: 'manual' } },
      oidcConfig: {
        clientId: 'metaflow-dev',
        idpProviderName: 'metaflow-dev',
        groupsClaim: 'groups',
        scopes: ['openid', 'email', 'profile'],
        allowedGroups: [],
      },
      network: {
        vpcCidr: '10.0.0.0/16',
        podCidr: '100.64.0.0/16',
        availabilityZones: ['us-west-2a', 'us-west-2b', 'us-west-2c'],
        natGateways: 1,
        vpcEndpoints: ['s3'],
      },
      database: { minCapacity: 0.5, maxCapacity: 4, secondsUntilAutoPause: 600, backupRetentionDays: 7, engineVersion: '16.6' },
      cluster: { kubernetesVersion: '1.35', accessPrincipals: [], publicEndpoint: true },
      ingress: { allowedCidrs: ['0.0.0.0/0'] },
      deploy: { roleArn: 'arn:aws:iam::111111111111:role/metaflow-gitops-deploy-dev', githubEnvironment: 'dev' },
      tags: {},
    });
    expect(stage?.compute.gpu).toBeUndefined();
  });

  it('fills the prod defaults (HA NAT, warm database, 30 days of backups, private endpoint)', () => {
    const { stage } = parseStageText(
      'live',
      'environments/live.yaml',
      doc(PROD, 'network:', '  availabilityZones: [us-west-2a, us-west-2b]', 'ingress:', '  allowedCidrs: [203.0.113.0/24]'),
    );
    expect(stage?.network.natGateways).toBe(2);
    expect(stage?.database.minCapacity).toBe(0.5);
    expect(stage?.database.backupRetentionDays).toBe(30);
    expect(stage?.cluster.publicEndpoint).toBe(false);
  });

  it('uses the zone letters of the region', () => {
    const { stage } = parseStageText('dev', 'environments/dev.yaml', doc({ 2: 'region: ap-northeast-1' }));
    expect(stage?.network.availabilityZones).toEqual(['ap-northeast-1a', 'ap-northeast-1c', 'ap-northeast-1d']);
  });

  it('warns on a prod stage open to the internet but keeps it valid', () => {
    const { stage, diagnostics } = parseStageText('live', 'environments/live.yaml', doc(PROD));
    expect(stage?.isProd).toBe(true);
    expect(diagnostics).toEqual([expect.objectContaining({ severity: 'warning', path: 'ingress.allowedCidrs[0]' })]);
  });
});

describe('loadStages and loadStage', () => {
  let dir: string;
  const write = (name: string, text: string) => fs.writeFileSync(path.join(dir, 'environments', name), text);

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stages-'));
    fs.mkdirSync(path.join(dir, 'environments'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("loads the repository's stages without errors", () => {
    const result = loadStages(path.join(__dirname, '../../../environments'));
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.stages.map((s) => s.name)).toEqual(expect.arrayContaining(['example', 'prod-example']));
    const prod = result.stages.find((s) => s.name === 'prod-example');
    expect(prod?.isProd).toBe(true);
    expect(prod?.compute.gpu?.maxGpus).toBeGreaterThan(0);
    expect(prod?.domain.delegation.mode).toBe('cross-account');
    expect(result.stages.find((s) => s.name === 'example')?.sourceFile).toBe('environments/example.yaml');
  });

  it('makeStageConfig gives exactly what loading environments/example.yaml gives', () => {
    expect(makeStageConfig()).toEqual(loadStage(path.join(__dirname, '../../../environments'), 'example'));
    expect(makeStageConfig({ isProd: true }).network.natGateways).toBe(3);
    expect([makeStageConfig().network.flowLogs, makeStageConfig({ isProd: true }).network.flowLogs]).toEqual([false, true]);
    expect([makeStageConfig().network.natType, makeStageConfig({ isProd: true }).network.natType]).toEqual(['instance', 'gateway']);
    expect(makeStageConfig().network.natInstanceType).toBe('t4g.nano');
  });

  it('reports every file, names files relative to the parent of the directory, and keeps valid stages', () => {
    write('good.yaml', doc());
    write('bad.yaml', doc({ 1: 'accountId: "1"', 2: 'region: mars-1' }));
    const result = loadStages(path.join(dir, 'environments'));
    expect(result.ok).toBe(false);
    expect(result.stages.map((s) => s.name)).toEqual(['good']);
    expect(result.diagnostics.map(formatDiagnostic)).toEqual([
      expect.stringMatching(/^environments\/bad\.yaml:1:12: accountId: "1" is not a 12-digit AWS account id \(fix: /),
      expect.stringMatching(/^environments\/bad\.yaml:2:9: region: the string "mars-1" is not allowed/),
    ]);
  });

  it('rejects derived names shared by two stages', () => {
    write('a.yaml', doc({}, '  clientId: shared-client'));
    write('b.yaml', doc({ 1: 'accountId: "222222222222"' }, '  clientId: shared-client', 'deploy:', '  githubEnvironment: a'));
    const result = loadStages(path.join(dir, 'environments'));
    expect(result.diagnostics).toEqual([
      expect.objectContaining({
        file: 'environments/b.yaml',
        path: 'oidcConfig.clientId',
        line: 8,
        column: 13,
        message: 'OIDC client id "shared-client" is also used by stage "a" (environments/a.yaml)',
      }),
      expect.objectContaining({
        file: 'environments/b.yaml',
        path: 'deploy.githubEnvironment',
        line: 10,
        column: 22,
        message: 'GitHub environment "a" is also used by stage "a" (environments/a.yaml)',
      }),
    ]);
    expect(result.stages.map((s) => s.name)).toEqual(['a']);
  });

  it('rejects the same IdP provider name in two stages', () => {
    write('a.yaml', doc({}, '  idpProviderName: corp-idp'));
    write('b.yaml', doc({ 1: 'accountId: "222222222222"' }, '  idpProviderName: corp-idp'));
    const result = loadStages(path.join(dir, 'environments'));
    expect(result.diagnostics).toEqual([
      expect.objectContaining({ file: 'environments/b.yaml', path: 'oidcConfig.idpProviderName', line: 8, column: 20 }),
    ]);
  });

  it('rejects a .yml stage file, alone or next to its .yaml', () => {
    write('dev.yaml', doc());
    write('dev.yml', doc());
    write('other.yml', doc({ 1: 'accountId: "222222222222"' }));
    const result = loadStages(path.join(dir, 'environments'));
    expect(result.stages.map((s) => s.name)).toEqual(['dev']);
    expect(result.diagnostics).toEqual(
      ['dev', 'other'].map((name) =>
        expect.objectContaining({
          severity: 'error',
          file: `environments/${name}.yml`,
          line: 1,
          column: 1,
          message: `environments/${name}.yml does not end in .yaml; stage files are named <stage>.yaml`,
          fix: `rename it to ${name}.yaml`,
        }),
      ),
    );
  });

  it('warns when two stages of one account and region share a VPC range', () => {
    write('a.yaml', doc());
    write('b.yaml', doc({}, 'network:', '  vpcCidr: 10.0.0.0/20'));
    write('c.yaml', doc({ 1: 'accountId: "999999999999"' }));
    const result = loadStages(path.join(dir, 'environments'));
    expect(result.ok).toBe(true);
    expect(result.diagnostics).toEqual([
      expect.objectContaining({
        severity: 'warning',
        file: 'environments/b.yaml',
        path: 'network.vpcCidr',
        line: 9,
        column: 12,
        message: expect.stringContaining('overlaps the VPC of stage "a" (10.0.0.0/16)'),
      }),
    ]);
  });

  it('loadStage returns one stage and throws StageConfigError with located diagnostics', () => {
    write('good.yaml', doc());
    write('bad.yaml', doc({ 7: '  issuerUrl: http://idp' }));
    expect(loadStage(path.join(dir, 'environments'), 'good').accountId).toBe('111111111111');
    let error: unknown;
    try {
      loadStage(path.join(dir, 'environments'), 'bad');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(StageConfigError);
    expect((error as StageConfigError).diagnostics).toEqual([
      expect.objectContaining({ path: 'oidcConfig.issuerUrl', line: 7, column: 14 }),
    ]);
    expect((error as StageConfigError).message).toContain('environments/bad.yaml:7:14: oidcConfig.issuerUrl:');
    expect(() => loadStage(path.join(dir, 'environments'), 'nope')).toThrow('no stage "nope" (known stages: good)');
  });
});

describe('bounded and hostile stage files', () => {
  let dir: string;
  const envDir = () => path.join(dir, 'environments');
  const write = (name: string, text: string | Buffer) => fs.writeFileSync(path.join(envDir(), name), text);

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stages-'));
    fs.mkdirSync(envDir());
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const groups = (n: number) => Array.from({ length: n }, (_, i) => `g${i}`);

  it('checks a list of 40 000 items for duplicates in one pass and locates the duplicate', () => {
    const many = groups(40_000);
    const ok = parseStageText(
      'dev',
      'environments/dev.yaml',
      doc({ 7: `  issuerUrl: https://idp.example.com\n  allowedGroups: [${many.join(', ')}]` }),
    );
    expect(ok.diagnostics).toEqual([]);
    expect(ok.stage?.oidcConfig.allowedGroups).toHaveLength(40_000);

    const twice = parseStageText(
      'dev',
      'environments/dev.yaml',
      doc({ 7: `  issuerUrl: https://idp.example.com\n  allowedGroups:\n${[...many, 'g123'].map((g) => `    - ${g}`).join('\n')}` }),
    );
    expect(twice.diagnostics).toEqual([
      expect.objectContaining({
        path: 'oidcConfig.allowedGroups[40000]',
        line: 8 + 40_001,
        column: 7,
        message: 'the string "g123" is listed twice',
      }),
    ]);
  });

  it('reports 40 000 duplicates one by one (no quadratic bookkeeping of reported fields)', () => {
    const same = Array.from({ length: 40_000 }, () => 'g');
    const { diagnostics } = parseStageText(
      'dev',
      'environments/dev.yaml',
      doc({ 7: `  issuerUrl: https://idp.example.com\n  allowedGroups: [${same.join(', ')}]` }),
    );
    expect(diagnostics).toHaveLength(39_999);
    expect(diagnostics[39_998]).toMatchObject({ path: 'oidcConfig.allowedGroups[39999]', message: 'the string "g" is listed twice' });
  });

  it('rejects an alias bomb at the node where the expansion passes the bound', () => {
    const levels = ['  a0: &a0 [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++)
      levels.push(
        `  a${i}: &a${i} [${Array(9)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      );
    const bomb = doc({}, 'tags: {}', 'x-anchors:', ...levels, 'ingress:', '  allowedCidrs: *a8');
    const { stage, diagnostics } = parseStageText('dev', 'environments/dev.yaml', bomb);
    expect(stage).toBeUndefined();
    expect(diagnostics).toEqual([
      expect.objectContaining({
        severity: 'error',
        path: expect.stringMatching(/^x-anchors\.a\d/),
        message: 'YAML aliases expand the file by more than 1000 nodes (found here)',
      }),
    ]);
    expect(diagnostics[0].line).toBeGreaterThanOrEqual(10);
  });

  it('accepts a few aliases within the bound', () => {
    const { diagnostics } = parseStageText(
      'dev',
      'environments/dev.yaml',
      doc(
        { 7: '  issuerUrl: https://idp.example.com\n  allowedGroups: &groups [ml, data]' },
        'cluster:',
        '  accessPrincipals:',
        '    - arn: arn:aws:iam::111111111111:role/ops',
        '      access: edit',
        '      namespaces: *groups',
      ),
    );
    expect(diagnostics).toEqual([]);
  });

  it('refuses a file over the size bound without parsing it', () => {
    write('big.yaml', `${doc()}# ${'x'.repeat(MAX_STAGE_FILE_BYTES)}\n`);
    write('good.yaml', doc({ 1: 'accountId: "222222222222"' }));
    const result = loadStages(envDir());
    expect(result.stages.map((s) => s.name)).toEqual(['good']);
    expect(result.diagnostics).toEqual([
      expect.objectContaining({
        file: 'environments/big.yaml',
        line: 1,
        column: 1,
        message: expect.stringMatching(/^environments\/big\.yaml is \d+ bytes, more than the 524288 bytes a stage file may have$/),
      }),
    ]);
  });

  it('refuses a file that is not UTF-8, at the first bad byte', () => {
    const text = doc({}, 'tags:', '  owner: Andr').trimEnd();
    write('latin.yaml', Buffer.concat([Buffer.from(text), Buffer.from([0xe9]), Buffer.from('\n')]));
    expect(loadStages(envDir()).diagnostics).toEqual([
      expect.objectContaining({
        file: 'environments/latin.yaml',
        line: 9,
        column: 14,
        message: `environments/latin.yaml is not valid UTF-8 (byte 0xe9 at offset ${text.length})`,
      }),
    ]);
  });

  it('refuses a symbolic link and a directory named like a stage file', () => {
    write('real.yaml', doc());
    fs.symlinkSync('real.yaml', path.join(envDir(), 'link.yaml'));
    fs.mkdirSync(path.join(envDir(), 'folder.yaml'));
    const result = loadStages(envDir());
    expect(result.ok).toBe(false);
    expect(result.stages.map((s) => s.name)).toEqual(['real']);
    expect(result.diagnostics).toEqual([
      expect.objectContaining({
        file: 'environments/folder.yaml',
        line: 1,
        column: 1,
        message: 'environments/folder.yaml is a directory; a stage file must be a regular file',
      }),
      expect.objectContaining({
        file: 'environments/link.yaml',
        line: 1,
        column: 1,
        message: 'environments/link.yaml is a symbolic link; a stage file must be a regular file',
      }),
    ]);
  });

  it('prints a file name with a line break on one line (no injected workflow command)', () => {
    write('x\n::error file=README.md::injected.yaml', doc());
    const lines = loadStages(envDir()).diagnostics.map(formatDiagnostic);
    expect(lines[0]).toMatch(/^environments\/x\\n::error file=README\.md::injected\.yaml:1:1: stage name "x\\n::error/);
    for (const line of lines) expect(line).toMatch(/^environments\/x\\n::error file=README\.md::injected\.yaml:\d+:\d+: /);
    expect(
      lines
        .join('\n')
        .split('\n')
        .filter((l) => l.startsWith('::')),
    ).toEqual([]);
  });
});
