import { Cidr, cidrsOverlap, isPrivate, parseCidr } from './cidr';
import { AUTO_PAUSE_MIN_ENGINE, AWS_NAME_LIMITS, EKS_RESTRICTED_AZ_IDS, NO_EGRESS_ENDPOINTS, REGION_AZ_LETTERS, TAG_LIMITS } from './facts';
import { FileContext } from './private/file-context';
import { kubernetesSupportWarning, newestKubernetesVersion } from './kubernetes-calendar';
import { CHART_KUBERNETES_SUPPORT, chartsExcluding, formatKubernetesRange } from './chart-kubernetes-support';
import { kubernetesUpgradeProblem } from './kubernetes-upgrade';
import { stageHost, STAGE_TAG } from './naming';
import type { StageConfig } from './stage-config';
import { isPlainObject } from './private/yaml-positions';

const ACCOUNT_ID = /^[0-9]{12}$/;
const IAM_ROLE_ARN = /^arn:aws:iam::([0-9]{12}):role\/((?:[\w+=,.@-]+\/)*)([\w+=,.@-]+)$/;
const IAM_PRINCIPAL_ARN = /^arn:aws:iam::([0-9]{12}):(role|user)\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]+$/;
const HOSTED_ZONE_ID = /^Z[A-Z0-9]{1,31}$/;
const DNS_NAME = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const INSTANCE_FAMILY = /^[a-z]+[0-9][a-z0-9-]*$/;
/** NVIDIA GPU instance families (EKS Auto Mode ships the NVIDIA driver): g4dn, g5, g6, g6e, gr6, p4d, p5, ... */
const GPU_FAMILY = /^(g|gr|p)[0-9]/;
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const COGNITO_CLIENT_NAME = /^[\w\s+=,.@-]+$/;
/** Cognito identity provider names: no leading/trailing whitespace or underscore (`[^_\p{Z}][\p{L}\p{M}\p{S}\p{N}\p{P}][^_\p{Z}]+`). */
const COGNITO_IDP_NAME = /^[^_\p{Z}][\p{L}\p{M}\p{S}\p{N}\p{P}]*[^_\p{Z}]$/u;
/** Whitespace, C0 and C1 control characters, and the Unicode line and paragraph separators. */
const WHITESPACE_OR_CONTROL = /[\s\p{Cc}]/u;
/** Control characters (C0, DEL, C1). */
const CONTROL = /\p{Cc}/u;
const RESERVED_TAG_PREFIXES = ['metaflow-gitops:', 'aws:'];

/** A rule: reads the normalized stage, and the checked file content for file-only switches. */
type Check = (ctx: FileContext, c: StageConfig, file: Record<string, unknown>) => void;

const accountId: Check = (ctx, c) => {
  if (!ACCOUNT_ID.test(c.accountId)) {
    ctx.error(
      ['accountId'],
      `"${c.accountId}" is not a 12-digit AWS account id`,
      'write the 12 digits of the account id, quoted, e.g. "012345678901"',
    );
  }
};

const domain: Check = (ctx, c) => {
  const { parentDomain, delegation } = c.domain;
  if (!DNS_NAME.test(parentDomain)) {
    ctx.error(
      ['domain', 'parentDomain'],
      `"${parentDomain}" is not a DNS zone name`,
      'use a lowercase domain name such as metaflow.example.com, without a trailing dot or scheme',
    );
  } else if (stageHost(c.name, parentDomain).length + 2 > 253) {
    ctx.error(
      ['domain', 'parentDomain'],
      `the certificate name "*.${stageHost(c.name, parentDomain)}" exceeds 253 characters`,
      'use a shorter parent domain',
    );
  }
  const d = ['domain', 'delegation'];
  if (delegation.mode === 'manual') {
    if (ctx.has([...d, 'parentHostedZoneId']))
      ctx.error([...d, 'parentHostedZoneId'], 'is ignored with mode "manual"', 'remove it, or set mode to same-account/cross-account', {
        at: 'key',
      });
    if (ctx.has([...d, 'delegationRoleArn']))
      ctx.error([...d, 'delegationRoleArn'], 'is ignored with mode "manual"', 'remove it, or set mode to cross-account', { at: 'key' });
    return;
  }
  if (!ctx.has([...d, 'parentHostedZoneId'])) {
    ctx.error(
      [...d, 'parentHostedZoneId'],
      `required field "parentHostedZoneId" is missing for mode "${delegation.mode}"`,
      "add the parent zone's hosted zone id (Z...), or use mode: manual",
    );
  } else if (!HOSTED_ZONE_ID.test(delegation.parentHostedZoneId)) {
    ctx.error(
      [...d, 'parentHostedZoneId'],
      `"${delegation.parentHostedZoneId}" is not a Route 53 hosted zone id`,
      'copy the id (Z followed by letters and digits) from `aws route53 list-hosted-zones`',
    );
  }
  if (delegation.mode === 'same-account') {
    if (ctx.has([...d, 'delegationRoleArn']))
      ctx.error([...d, 'delegationRoleArn'], 'is only used with mode "cross-account"', 'remove it, or set mode to cross-account', {
        at: 'key',
      });
    return;
  }
  if (!ctx.has([...d, 'delegationRoleArn'])) {
    ctx.error(
      [...d, 'delegationRoleArn'],
      'required field "delegationRoleArn" is missing for mode "cross-account"',
      "add the ARN of the role in the parent zone's account that may write the NS record",
    );
    return;
  }
  const m = IAM_ROLE_ARN.exec(delegation.delegationRoleArn);
  if (!m) {
    ctx.error(
      [...d, 'delegationRoleArn'],
      `"${delegation.delegationRoleArn}" is not an IAM role ARN`,
      'use arn:aws:iam::<parent account>:role/<name>',
    );
  } else if (m[1] === c.accountId) {
    ctx.warning(
      [...d, 'delegationRoleArn'],
      `the delegation role is in the stage's own account ${c.accountId}`,
      'use mode: same-account when the parent zone is in the stage account',
      { involves: [['accountId']] },
    );
  }
};

const oidc: Check = (ctx, c) => {
  const o = c.oidcConfig;
  const p = ['oidcConfig'];
  let url: URL | undefined;
  if (WHITESPACE_OR_CONTROL.test(o.issuerUrl)) {
    // `new URL` would drop tabs and line breaks and trim spaces, but Cognito compares the issuer as
    // written with the token's "iss" claim.
    ctx.error(
      [...p, 'issuerUrl'],
      `${JSON.stringify(o.issuerUrl)} contains whitespace or control characters`,
      'write the issuer URL exactly as the IdP publishes it: one line, no spaces',
    );
  } else {
    try {
      url = new URL(o.issuerUrl);
    } catch {
      ctx.error(
        [...p, 'issuerUrl'],
        `"${o.issuerUrl}" is not a URL`,
        'use the https URL the IdP publishes as "issuer" in /.well-known/openid-configuration',
      );
    }
  }
  if (url && (url.username || url.password)) {
    ctx.error(
      [...p, 'issuerUrl'],
      `"${o.issuerUrl}" carries user information (user:password@), which an issuer URL never has`,
      `use ${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}`,
    );
  } else if (url && url.protocol !== 'https:') {
    ctx.error(
      [...p, 'issuerUrl'],
      `"${o.issuerUrl}" is not https (Cognito only federates to https issuers)`,
      `use https://${url.host}${url.pathname === '/' ? '' : url.pathname}`,
    );
  } else if (url && (url.search || url.hash || o.issuerUrl.endsWith('/'))) {
    ctx.error(
      [...p, 'issuerUrl'],
      `"${o.issuerUrl}" has a query, fragment or trailing slash; the issuer must match the IdP's "iss" claim exactly`,
      `use ${url.origin}${url.pathname.replace(/\/$/, '')}`,
    );
  }
  // A default name that is too long comes from a too-long stage name, which the file-name rule reports.
  if (o.idpProviderName.length > AWS_NAME_LIMITS.cognitoIdpName && ctx.has([...p, 'idpProviderName'])) {
    ctx.error(
      [...p, 'idpProviderName'],
      `provider name too long: "${o.idpProviderName}" is ${o.idpProviderName.length} characters, Cognito allows ${AWS_NAME_LIMITS.cognitoIdpName}`,
      'shorten it to 32 characters',
    );
  } else if (o.idpProviderName.length < 3 || !COGNITO_IDP_NAME.test(o.idpProviderName)) {
    ctx.error(
      [...p, 'idpProviderName'],
      `"${o.idpProviderName}" is not a valid Cognito identity provider name (3-32 characters, no leading or trailing space or underscore)`,
      'use letters, digits and hyphens, e.g. metaflow-<stage>',
    );
  }
  if (!COGNITO_CLIENT_NAME.test(o.clientId)) {
    ctx.error(
      [...p, 'clientId'],
      `"${o.clientId}" contains characters Cognito does not allow in a client name`,
      'use letters, digits and + = , . @ - _',
    );
  }
  if (!o.scopes.includes('openid')) {
    ctx.error([...p, 'scopes'], 'does not include "openid" (without it the IdP returns no ID token)', 'add openid to the scopes');
  }
  if (c.isProd && o.allowedGroups.length === 0) {
    ctx.error(
      [...p, 'allowedGroups'],
      "is empty on a prod stage: every user of the company IdP could log in and run workloads with the stage's data",
      'list the IdP groups allowed to use this stage',
    );
  }
};

const network: Check = (ctx, c) => {
  const n = c.network;
  const p = ['network'];
  const cidr = (key: 'vpcCidr' | 'podCidr'): Cidr | undefined => {
    const parsed = parseCidr(n[key]);
    if (typeof parsed === 'string') {
      ctx.error([...p, key], parsed, 'write a network address with a prefix length, e.g. 10.0.0.0/16');
      return undefined;
    }
    if (parsed.prefix < 16 || parsed.prefix > 24) {
      ctx.error(
        [...p, key],
        `"${n[key]}" has prefix /${parsed.prefix}; AWS allows /16 to /28 and the stage's subnets need at least a /24`,
        'use a prefix length from /16 to /24',
      );
      return undefined;
    }
    if (!isPrivate(parsed))
      ctx.warning(
        [...p, key],
        `"${n[key]}" is not in a private range (RFC 1918 or 100.64.0.0/10)`,
        'use a private range such as 10.0.0.0/16',
      );
    return parsed;
  };
  if (c.isProd && !n.flowLogs) {
    ctx.error(
      [...p, 'flowLogs'],
      'is false on a prod stage: without flow logs there is no record of who talked to what when investigating an incident',
      'remove flowLogs (prod turns them on) or set flowLogs: true',
    );
  }
  if (c.isProd && n.natType === 'instance') {
    ctx.error(
      [...p, 'natType'],
      'is instance on a prod stage: a NAT instance is a single EC2 instance you patch, and its zones lose egress while it is replaced or recovered',
      'use gateway: managed and highly available (remove natType; prod defaults to gateway)',
    );
  }
  const vpc = cidr('vpcCidr');
  const pod = cidr('podCidr');
  if (vpc && pod && cidrsOverlap(vpc, pod)) {
    ctx.error([...p, 'podCidr'], `"${n.podCidr}" overlaps vpcCidr "${n.vpcCidr}"`, 'use a separate range for pods, e.g. 100.64.0.0/16', {
      involves: [[...p, 'vpcCidr']],
    });
  }

  const letters = REGION_AZ_LETTERS[c.region];
  const restricted = EKS_RESTRICTED_AZ_IDS[c.region];
  if (!ctx.has([...p, 'availabilityZones']) && restricted) {
    ctx.error(
      [...p, 'availabilityZones'],
      `must be listed explicitly in ${c.region}: EKS cannot place the control plane in ${restricted}, and zone names map to different zone ids in each account`,
      `run \`aws ec2 describe-availability-zones --region ${c.region} --query "AvailabilityZones[].[ZoneName,ZoneId]"\` in account ${c.accountId} and list 2-3 zone names whose id is not ${restricted}`,
      { involves: [['region'], ['accountId']] },
    );
  }
  n.availabilityZones.forEach((az, i) => {
    const m = /^(.*)([a-z])$/.exec(az);
    if (!m || m[1] !== c.region || !letters?.includes(m[2])) {
      const valid = letters ? [...letters].map((l) => `${c.region}${l}`).join(', ') : 'the zones of the region';
      ctx.error(
        [...p, 'availabilityZones', i],
        `"${az}" is not an availability zone of ${c.region}`,
        `use zone names of the stage's region: ${valid}`,
        { involves: [['region']] },
      );
    }
  });
  const azCount = n.availabilityZones.length;
  if (azCount === 0) return; // no zones known (region invalid or zones required): reported above
  if (n.natGateways > azCount) {
    ctx.error(
      [...p, 'natGateways'],
      `${n.natGateways} NAT gateways for ${azCount} availability zones`,
      `use 0 to ${azCount} (one per zone at most)`,
      { involves: [[...p, 'availabilityZones']] },
    );
  } else if (c.isProd && n.natGateways !== azCount) {
    ctx.error(
      [...p, 'natGateways'],
      `is ${n.natGateways} on a prod stage with ${azCount} zones: a zone outage would cut egress for the others (no HA)`,
      `set natGateways: ${azCount} (one per zone)`,
      { involves: [[...p, 'availabilityZones']] },
    );
  }
  const missing = NO_EGRESS_ENDPOINTS.filter((e) => !n.vpcEndpoints.includes(e));
  if (n.natGateways === 0 && missing.length > 0) {
    ctx.error(
      [...p, 'natGateways'],
      `is 0 (no internet egress) but the VPC endpoints the stage then needs are not listed: ${missing.join(', ')}`,
      `add ${missing.join(', ')} to network.vpcEndpoints (and mirror the public images into ECR: docs/stage-file.md), or use 1 NAT gateway`,
      { involves: [[...p, 'vpcEndpoints']] },
    );
  }
};

const database: Check = (ctx, c) => {
  const d = c.database;
  const p = ['database'];
  if (d.minCapacity > d.maxCapacity) {
    ctx.error(
      [...p, 'minCapacity'],
      `minCapacity (${d.minCapacity}) is greater than maxCapacity (${d.maxCapacity})`,
      `lower minCapacity or raise maxCapacity to at least ${d.minCapacity}`,
      { involves: [[...p, 'maxCapacity']] },
    );
  }
  const m = /^([0-9]+)\.([0-9]+)$/.exec(d.engineVersion);
  const major = m ? Number(m[1]) : NaN;
  const minorForPause = AUTO_PAUSE_MIN_ENGINE[major];
  if (!m || minorForPause === undefined) {
    ctx.error(
      [...p, 'engineVersion'],
      `"${d.engineVersion}" is not a supported Aurora PostgreSQL version`,
      `use major.minor with major ${Object.keys(AUTO_PAUSE_MIN_ENGINE).join(', ')}, e.g. 16.6`,
    );
  } else if (d.minCapacity === 0 && Number(m[2]) < minorForPause) {
    ctx.error(
      [...p, 'minCapacity'],
      `0 ACUs (auto-pause) needs Aurora PostgreSQL ${major}.${minorForPause} or later, engineVersion is ${d.engineVersion}`,
      `raise engineVersion to ${major}.${minorForPause}+ or set minCapacity to 0.5`,
      { involves: [[...p, 'engineVersion']] },
    );
  }
  if (d.minCapacity > 0 && ctx.has([...p, 'secondsUntilAutoPause'])) {
    ctx.warning(
      [...p, 'secondsUntilAutoPause'],
      `is ignored: the cluster only pauses when minCapacity is 0 (it is ${d.minCapacity})`,
      'remove it or set minCapacity to 0',
      { involves: [[...p, 'minCapacity']] },
    );
  }
  if (c.isProd && d.minCapacity === 0) {
    ctx.error(
      [...p, 'minCapacity'],
      'is 0 on a prod stage: a paused database takes ~15 s to resume and the first requests fail (no cold start on prod)',
      'set minCapacity to 0.5 or more',
    );
  }
  if (c.isProd && d.backupRetentionDays < 14) {
    ctx.error(
      [...p, 'backupRetentionDays'],
      `is ${d.backupRetentionDays} on a prod stage: prod keeps at least 14 days of backups to recover from problems noticed late`,
      'set backupRetentionDays to 14 or more (the prod default is 30)',
    );
  }
};

const compute: Check = (ctx, c) => {
  const pools = [
    ['cpu', c.compute.cpu],
    ['gpu', c.compute.gpu],
  ] as const;
  for (const [kind, pool] of pools) {
    if (!pool) continue;
    const p = ['compute', kind];
    pool.instanceFamilies.forEach((family, i) => {
      if (!INSTANCE_FAMILY.test(family)) {
        ctx.error(
          [...p, 'instanceFamilies', i],
          `"${family}" is not an EC2 instance family`,
          'write the family without the size, e.g. m7i (not m7i.large)',
        );
      } else if (kind === 'gpu' && !GPU_FAMILY.test(family)) {
        ctx.error(
          [...p, 'instanceFamilies', i],
          `"${family}" is not an NVIDIA GPU instance family`,
          'use GPU families such as g6, g6e, g5, p5',
        );
      } else if (kind === 'cpu' && GPU_FAMILY.test(family)) {
        ctx.error(
          [...p, 'instanceFamilies', i],
          `"${family}" is a GPU family in the CPU pool: CPU steps would run on GPU nodes`,
          'move it to compute.gpu',
        );
      }
    });
  }
  const gpu = c.compute.gpu;
  if (gpu && gpu.maxCpu < 4 * gpu.maxGpus) {
    ctx.error(
      ['compute', 'gpu', 'maxCpu'],
      `maxCpu (${gpu.maxCpu}) is below 4 vCPUs per GPU for maxGpus (${gpu.maxGpus}): every GPU instance has at least 4 vCPUs per GPU, so the pool could never reach maxGpus`,
      `raise maxCpu to at least ${4 * gpu.maxGpus} or lower maxGpus`,
      { involves: [['compute', 'gpu', 'maxGpus']] },
    );
  }
};

const cluster: Check = (ctx, c, file) => {
  const p = ['cluster'];
  const seen = new Map<string, number>();
  c.cluster.accessPrincipals.forEach((principal, i) => {
    const at = [...p, 'accessPrincipals', i];
    if (/^arn:aws:sts::[0-9]{12}:assumed-role\//.test(principal.arn)) {
      ctx.error(
        [...at, 'arn'],
        `"${principal.arn}" is an assumed-role session, not a role`,
        'use the role ARN: arn:aws:iam::<account>:role/<name>',
      );
    } else if (!IAM_PRINCIPAL_ARN.test(principal.arn)) {
      ctx.error(
        [...at, 'arn'],
        `"${principal.arn}" is not an IAM role or user ARN`,
        'use arn:aws:iam::<account>:role/<name> or arn:aws:iam::<account>:user/<name>',
      );
    } else if (seen.has(principal.arn)) {
      ctx.error(
        [...at, 'arn'],
        `"${principal.arn}" is already listed at cluster.accessPrincipals[${seen.get(principal.arn)}]`,
        'merge the two entries (one access entry per principal)',
      );
    } else if (principal.arn === c.deploy.roleArn) {
      ctx.error(
        [...at, 'arn'],
        `"${principal.arn}" is the deploy role, which always gets its own cluster-admin access entry (EKS allows one per principal)`,
        'remove this entry',
        { involves: [['deploy', 'roleArn']] },
      );
    }
    seen.set(principal.arn, i);
    if (principal.access === 'admin' && principal.namespaces.length > 0) {
      ctx.error(
        [...at, 'namespaces'],
        'is set for admin access, which is always cluster-wide',
        'remove namespaces, or use access: edit or view',
        { involves: [[...at, 'access']] },
      );
    }
    principal.namespaces.forEach((ns, j) => {
      if (!DNS_LABEL.test(ns))
        ctx.error(
          [...at, 'namespaces', j],
          `"${ns}" is not a Kubernetes namespace name`,
          'use lowercase letters, digits and hyphens (at most 63)',
        );
    });
  });
  c.cluster.publicAccessCidrs.forEach((text, i) => {
    const parsed = parseCidr(text);
    if (typeof parsed === 'string')
      ctx.error([...p, 'publicAccessCidrs', i], parsed, 'write a network address with a prefix length, e.g. 203.0.113.0/24');
  });
  if (!c.cluster.publicEndpoint && ctx.has([...p, 'publicAccessCidrs'])) {
    ctx.error(
      [...p, 'publicAccessCidrs'],
      'is set but the API endpoint is private (publicEndpoint: false)',
      'remove it, or set publicEndpoint: true',
      {
        at: 'key',
        involves: [[...p, 'publicEndpoint']],
      },
    );
  }
  const open = c.cluster.publicAccessCidrs.some((text) => {
    const parsed = parseCidr(text);
    return typeof parsed !== 'string' && parsed.prefix === 0;
  });
  if (c.cluster.publicEndpoint && !open && !c.deploy.syncRunner) {
    ctx.error(
      [...p, 'publicAccessCidrs'],
      'narrows the public Kubernetes API, which the deploy workflow then cannot reach from a GitHub-hosted runner (no fixed addresses) to run mfctl sync',
      'add deploy.syncRunner (a runner inside the stage VPC: docs/operator-guide.md), or keep 0.0.0.0/0',
      { involves: [['deploy']] },
    );
  }
  const version = c.cluster.kubernetesVersion;
  const excluding = chartsExcluding(version, CHART_KUBERNETES_SUPPORT.charts);
  if (excluding.length > 0) {
    ctx.error(
      [...p, 'kubernetesVersion'],
      `Kubernetes ${version} is outside the range of the pinned Helm chart${excluding.length === 1 ? '' : 's'} ${excluding
        .map((chart) => `${chart.chart} ${chart.version} (${formatKubernetesRange(chart)})`)
        .join(', ')}`,
      `bump ${excluding.map((chart) => chart.chart).join(', ')} in libs/constructs/src/k8s/releases/releases.ts to a release that supports ${version}, with its range in libs/stage-config/src/chart-kubernetes-support.json (mfctl versions lists them)`,
    );
  }
  const support = kubernetesSupportWarning(version, new Date());
  if (support) {
    ctx.warning([...p, 'kubernetesVersion'], support, `upgrade to Kubernetes ${newestKubernetesVersion()} (docs/operator-guide.md)`);
  }
  if (c.isProd && c.cluster.publicEndpoint && !(isPlainObject(file.cluster) && file.cluster.allowPublicEndpointOnProd === true)) {
    ctx.error(
      [...p, 'publicEndpoint'],
      'is true on a prod stage: the Kubernetes API would be reachable from the internet',
      'set publicEndpoint: false, or add allowPublicEndpointOnProd: true to accept it explicitly',
    );
  }
};

const ingress: Check = (ctx, c) => {
  c.ingress.allowedCidrs.forEach((text, i) => {
    const parsed = parseCidr(text);
    if (typeof parsed === 'string')
      ctx.error(['ingress', 'allowedCidrs', i], parsed, 'write a network address with a prefix length, e.g. 203.0.113.0/24');
    else if (c.isProd && parsed.prefix === 0) {
      ctx.warning(
        ['ingress', 'allowedCidrs', i],
        'opens the prod load balancer to the whole internet (login is still required)',
        'list the company egress ranges instead of 0.0.0.0/0',
      );
    }
  });
};

const deploy: Check = (ctx, c) => {
  if (CONTROL.test(c.deploy.githubEnvironment)) {
    ctx.error(
      ['deploy', 'githubEnvironment'],
      `${JSON.stringify(c.deploy.githubEnvironment)} contains control characters, which no GitHub environment name has`,
      'use the name of the GitHub environment as shown in the repository settings',
    );
  }
  // A private API without a runner is reported by `mfctl check` (the synthesized stage has no sync path).
  const runner = c.deploy.syncRunner;
  if (runner && c.network.natGateways === 0) {
    ctx.error(
      ['deploy', 'syncRunner'],
      'needs internet egress (the runner talks to GitHub), but network.natGateways is 0',
      'set network.natGateways to 1 or more',
      { involves: [['network', 'natGateways']] },
    );
  }
  const m = IAM_ROLE_ARN.exec(c.deploy.roleArn);
  if (!m) {
    ctx.error(['deploy', 'roleArn'], `"${c.deploy.roleArn}" is not an IAM role ARN`, `use arn:aws:iam::${c.accountId}:role/<name>`, {
      involves: [['accountId']],
    });
  } else if (m[1] !== c.accountId) {
    ctx.error(
      ['deploy', 'roleArn'],
      `the deploy role is in account ${m[1]}, the stage is in ${c.accountId}`,
      `use a role in the stage account: arn:aws:iam::${c.accountId}:role/...`,
      { involves: [['accountId']] },
    );
  } else if (m[3].length > AWS_NAME_LIMITS.iamRole) {
    ctx.error(
      ['deploy', 'roleArn'],
      `role name "${m[3]}" is ${m[3].length} characters, IAM allows ${AWS_NAME_LIMITS.iamRole}`,
      'use a shorter role name',
    );
  }
};

const tags: Check = (ctx, c) => {
  for (const [key, value] of Object.entries(c.tags)) {
    const reserved = RESERVED_TAG_PREFIXES.find((prefix) => key.toLowerCase().startsWith(prefix));
    if (reserved) {
      ctx.error(
        ['tags', key],
        `tag key "${key}" uses the reserved prefix "${reserved}"${key === STAGE_TAG ? ' (the stage tag is added automatically)' : ''}`,
        'use another key prefix',
        { at: 'key' },
      );
    } else if (!TAG_TEXT.test(key)) {
      ctx.error(
        ['tags', key],
        `tag key "${key}" has characters AWS does not allow in tags`,
        'use letters, digits, spaces and _ . : / = + - @',
        { at: 'key' },
      );
    }
    if (!TAG_TEXT.test(value))
      ctx.error(
        ['tags', key],
        `tag value "${value}" has characters AWS does not allow in tags`,
        'use letters, digits, spaces and _ . : / = + - @',
      );
    if (value.length > TAG_LIMITS.value)
      ctx.error(['tags', key], `tag value is ${value.length} characters, AWS allows ${TAG_LIMITS.value}`, 'shorten it');
  }
};

/**
 * The change of `cluster.kubernetesVersion` from `previous`, the version the stage's cluster runs
 * (its stage file on the base branch): EKS goes up one minor version at a time and never down.
 */
export function kubernetesUpgradeRule(ctx: FileContext, c: StageConfig, previous: string): void {
  const problem = kubernetesUpgradeProblem(previous, c.cluster.kubernetesVersion);
  if (problem) ctx.error(['cluster', 'kubernetesVersion'], problem.message, problem.fix);
}

/** The rules a schema cannot express, run on the normalized stage (defaults filled). */
export const STAGE_RULES: readonly Check[] = [accountId, domain, oidc, network, database, compute, cluster, ingress, deploy, tags];
