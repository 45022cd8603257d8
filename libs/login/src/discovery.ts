import { DISCOVERY_PATH, DISCOVERY_SCHEMA_VERSION, printable, type DiscoveryDocument } from '@metaflow-gitops/stage-config';
import { boundedText } from './private/bounded-text';
import { LoginError } from './private/errors';

/**
 * The discovery document is defined once, in @metaflow-gitops/stage-config (the manifests render it
 * with `buildDiscoveryDocument`); this module checks what a stage actually serves against it.
 */
export type { DiscoveryDocument };

/** One problem of a discovery document: the field path and what is wrong with it. */
export interface DiscoveryIssue {
  readonly path: string;
  readonly message: string;
}

export class DiscoveryError extends LoginError {
  constructor(
    readonly url: string,
    readonly issues: readonly DiscoveryIssue[],
  ) {
    super(
      `invalid discovery document at ${printable(url)}:\n${issues.map((i) => `  ${i.path}: ${printable(i.message)}`).join('\n')}\n` +
        'The stage publishes this document with its manifests; check that the stage is fully deployed and synced.',
    );
  }
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** True for loopback hosts, where plain http is acceptable (local tests, port-forwards). */
export function isLoopbackUrl(url: URL): boolean {
  return LOOPBACK_HOSTS.has(url.hostname);
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

class Checker {
  readonly issues: DiscoveryIssue[] = [];

  string(obj: Json, key: string, path: string): string | undefined {
    const v = obj[key];
    if (typeof v !== 'string' || v.trim() === '') {
      this.issues.push({
        path,
        message: v === undefined ? 'missing (a non-empty string is required)' : `must be a non-empty string, got ${JSON.stringify(v)}`,
      });
      return undefined;
    }
    return v;
  }

  /** https URL; http only on loopback hosts unless `internal` (in-cluster URLs are plain http). */
  url(obj: Json, key: string, path: string, kind: 'public' | 'internal'): string | undefined {
    const v = this.string(obj, key, path);
    if (v === undefined) return undefined;
    let parsed: URL;
    try {
      parsed = new URL(v);
    } catch {
      this.issues.push({ path, message: `must be an absolute URL, got ${JSON.stringify(v)}` });
      return undefined;
    }
    const okProtocols = kind === 'internal' || isLoopbackUrl(parsed) ? ['https:', 'http:'] : ['https:'];
    if (!okProtocols.includes(parsed.protocol)) {
      this.issues.push({ path, message: `must use ${okProtocols.join(' or ')}, got ${JSON.stringify(v)}` });
      return undefined;
    }
    return v;
  }

  /** A public URL on `origin` (scheme, host and port), or an in-cluster URL when `inClusterToo`. */
  onOrigin(obj: Json, key: string, path: string, origin: string, inClusterToo = false): string | undefined {
    const v = this.url(obj, key, path, inClusterToo ? 'internal' : 'public');
    if (v === undefined || new URL(v).origin === origin || (inClusterToo && isInClusterUrl(new URL(v)))) return v;
    this.issues.push({
      path,
      message: `must be on the stage host ${origin} (the URL you are logging in to)${inClusterToo ? ' or an in-cluster URL' : ''}, got ${JSON.stringify(v)}`,
    });
    return undefined;
  }

  /** A plain-http or https URL of a Kubernetes Service (`<service>.<namespace>.svc[.cluster.local]`). */
  inCluster(obj: Json, key: string, path: string): string | undefined {
    const v = this.url(obj, key, path, 'internal');
    if (v === undefined || isInClusterUrl(new URL(v))) return v;
    this.issues.push({
      path,
      message: `must be an in-cluster URL (http://<service>.<namespace>.svc.cluster.local:<port>), got ${JSON.stringify(v)}`,
    });
    return undefined;
  }

  /** An https URL whose host matches `host` (an AWS service host of the stage's region); loopback hosts pass when `loopbackToo`. */
  awsHost(obj: Json, key: string, path: string, host: RegExp, what: string, loopbackToo: boolean): string | undefined {
    const v = this.url(obj, key, path, 'public');
    if (v === undefined) return undefined;
    const parsed = new URL(v);
    if ((loopbackToo && isLoopbackUrl(parsed)) || (parsed.protocol === 'https:' && parsed.port === '' && host.test(parsed.hostname)))
      return v;
    this.issues.push({ path, message: `must be ${what}, got ${JSON.stringify(v)}` });
    return undefined;
  }

  s3(obj: Json, key: string, path: string): string | undefined {
    const v = this.string(obj, key, path);
    if (v !== undefined && !/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/.test(v)) {
      this.issues.push({ path, message: `must be an s3://<bucket>/<prefix> URL, got ${JSON.stringify(v)}` });
      return undefined;
    }
    return v;
  }

  /** Base64 of a PEM certificate (a kubeconfig's `certificate-authority-data`). */
  certificateData(obj: Json, key: string, path: string): string | undefined {
    const v = this.string(obj, key, path);
    if (v === undefined) return undefined;
    const base64 = /^[A-Za-z0-9+/]+={0,2}$/.test(v) && v.length % 4 === 0;
    if (!base64 || !Buffer.from(v, 'base64').toString('latin1').startsWith('-----BEGIN CERTIFICATE-----')) {
      this.issues.push({
        path,
        message: `must be the base64 of a PEM certificate (-----BEGIN CERTIFICATE-----...), got ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v)}`,
      });
      return undefined;
    }
    return v;
  }

  pattern(obj: Json, key: string, path: string, re: RegExp, what: string): string | undefined {
    const v = this.string(obj, key, path);
    if (v !== undefined && !re.test(v)) {
      this.issues.push({ path, message: `must be ${what}, got ${JSON.stringify(v)}` });
      return undefined;
    }
    return v;
  }
}

/** Hosts of Kubernetes Services as pods resolve them. */
function isInClusterUrl(url: URL): boolean {
  return /^[a-z0-9-]+\.[a-z0-9-]+\.svc(\.cluster\.local)?$/.test(url.hostname);
}

/** Highest discovery document shape this CLI understands. */
export const SUPPORTED_SCHEMA_VERSION: number = DISCOVERY_SCHEMA_VERSION;

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Validates a parsed discovery document served at `url` (`<stage URL>/.well-known/...`),
 * collecting every problem with its field path. Unknown fields are ignored so a newer stage can
 * add fields without breaking older CLIs. The document is bound to the stage that serves it: the
 * URLs the CLI sends tokens to or writes into the profile (`serviceUrl`, `uiUrl`, the events
 * webhook) must be on the stage's own host, the in-cluster ones on Kubernetes Service hosts, the
 * issuer, hosted-UI domain and cluster endpoint on the AWS hosts of the stage's region (issuer and
 * hosted UI may be loopback for local providers). A copy of a real document served from another
 * host can therefore only point at that host, or at AWS.
 */
export function validateDiscovery(raw: unknown, url: string): DiscoveryDocument {
  if (!isObject(raw)) throw new DiscoveryError(url, [{ path: '(document)', message: 'must be a JSON object' }]);
  const stageOrigin = new URL(url).origin;
  const c = new Checker();
  const version = raw.schemaVersion;
  if (!Number.isInteger(version) || (version as number) < 1) {
    c.issues.push({
      path: 'schemaVersion',
      message:
        version === undefined ? 'missing (a positive integer is required)' : `must be a positive integer, got ${JSON.stringify(version)}`,
    });
  } else if ((version as number) > SUPPORTED_SCHEMA_VERSION) {
    c.issues.push({
      path: 'schemaVersion',
      message: `is ${String(version)}, newer than this metaflow-login understands (${SUPPORTED_SCHEMA_VERSION}): upgrade metaflow-login`,
    });
  }
  c.pattern(raw, 'stage', 'stage', DNS_LABEL, 'a stage name (lowercase letters, digits, hyphens)');
  // The region pattern admits only letters, digits and hyphens: safe inside the host patterns below.
  // An invalid region is reported where it is checked; the hosts then get the plain URL checks.
  const region = typeof raw.region === 'string' && REGION.test(raw.region) ? raw.region : undefined;
  if (region === undefined) c.url(raw, 'issuer', 'issuer', 'public');
  else
    c.awsHost(
      raw,
      'issuer',
      'issuer',
      new RegExp(`^cognito-idp\\.${region}\\.amazonaws\\.com$`),
      `the Cognito issuer of ${region} (https://cognito-idp.${region}.amazonaws.com/<pool id>)`,
      true,
    );
  c.string(raw, 'cliClientId', 'cliClientId');
  const ports = raw.redirectPorts;
  if (!Array.isArray(ports) || ports.length === 0) {
    c.issues.push({ path: 'redirectPorts', message: 'must be a non-empty array of port numbers' });
  } else {
    ports.forEach((p, i) => {
      if (!Number.isInteger(p) || (p as number) < 1024 || (p as number) > 65535) {
        c.issues.push({ path: `redirectPorts[${i}]`, message: `must be an integer port between 1024 and 65535, got ${JSON.stringify(p)}` });
      }
    });
  }
  c.pattern(raw, 'redirectPath', 'redirectPath', /^\/[A-Za-z0-9/_.-]*$/, 'an absolute URL path such as /callback');
  const scopes = raw.scopes;
  if (
    !Array.isArray(scopes) ||
    scopes.length === 0 ||
    !scopes.every((x) => typeof x === 'string' && /^[\x21\x23-\x5b\x5d-\x7e]+$/.test(x))
  ) {
    c.issues.push({ path: 'scopes', message: `must be a non-empty array of scope names, got ${JSON.stringify(scopes)}` });
  } else if (!scopes.includes('openid')) {
    c.issues.push({ path: 'scopes', message: `must include openid, got ${JSON.stringify(scopes)}` });
  }
  if (region === undefined) c.url(raw, 'cognitoDomain', 'cognitoDomain', 'public');
  else
    c.awsHost(
      raw,
      'cognitoDomain',
      'cognitoDomain',
      new RegExp(`^[a-z0-9-]+\\.auth\\.${region}\\.amazoncognito\\.com$`),
      `a Cognito hosted-UI domain of ${region} (https://<prefix>.auth.${region}.amazoncognito.com)`,
      true,
    );
  if (raw.defaultDatastore !== 's3') {
    c.issues.push({
      path: 'defaultDatastore',
      message: `must be "s3" (the only datastore this platform provides), got ${JSON.stringify(raw.defaultDatastore)}`,
    });
  }
  c.onOrigin(raw, 'serviceUrl', 'serviceUrl', stageOrigin);
  c.inCluster(raw, 'serviceInternalUrl', 'serviceInternalUrl');
  c.s3(raw, 'datastoreSysrootS3', 'datastoreSysrootS3');
  c.s3(raw, 'datatoolsS3Root', 'datatoolsS3Root');
  c.pattern(raw, 'kubernetesNamespace', 'kubernetesNamespace', DNS_LABEL, 'a Kubernetes namespace name');
  c.pattern(
    raw,
    'kubernetesServiceAccount',
    'kubernetesServiceAccount',
    /^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/,
    'a Kubernetes ServiceAccount name',
  );
  if (!isObject(raw.argoEvents)) {
    c.issues.push({ path: 'argoEvents', message: 'missing (an object with eventBus, eventSource, event, serviceAccount, webhookUrl)' });
  } else {
    c.string(raw.argoEvents, 'eventBus', 'argoEvents.eventBus');
    c.string(raw.argoEvents, 'eventSource', 'argoEvents.eventSource');
    c.string(raw.argoEvents, 'serviceAccount', 'argoEvents.serviceAccount');
    c.onOrigin(raw.argoEvents, 'webhookUrl', 'argoEvents.webhookUrl', stageOrigin, true);
    if (raw.argoEvents.publicWebhookUrl !== undefined)
      c.onOrigin(raw.argoEvents, 'publicWebhookUrl', 'argoEvents.publicWebhookUrl', stageOrigin);
    c.string(raw.argoEvents, 'event', 'argoEvents.event');
  }
  c.pattern(raw, 'region', 'region', REGION, 'an AWS region such as us-west-2');
  // Printed as part of an `aws eks update-kubeconfig` command the user may paste: EKS's own name rule.
  c.pattern(raw, 'clusterName', 'clusterName', /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/, 'an EKS cluster name (letters, digits, - and _)');
  c.onOrigin(raw, 'uiUrl', 'uiUrl', stageOrigin);
  // Optional: stages deployed before they were published lack both (the login then prints the
  // `aws eks update-kubeconfig` command instead of writing a context). When present they must be
  // usable, and the endpoint an EKS one of the stage's region: kubectl sends it the user's AWS-signed
  // `aws eks get-token` token.
  if (raw.clusterEndpoint !== undefined) {
    if (region === undefined) c.url(raw, 'clusterEndpoint', 'clusterEndpoint', 'public');
    else
      c.awsHost(
        raw,
        'clusterEndpoint',
        'clusterEndpoint',
        new RegExp(`^[a-z0-9-]+(\\.[a-z0-9-]+)*\\.${region}\\.eks\\.amazonaws\\.com$`, 'i'),
        `an EKS API endpoint of ${region} (https://<id>.<suffix>.${region}.eks.amazonaws.com)`,
        false,
      );
  }
  // Every step runs the task image with the user's credentials: only the stage's own ECR registry.
  const ecr = `\\d{12}\\.dkr\\.ecr\\.${region ?? '[a-z0-9-]+'}\\.amazonaws\\.com`;
  const ecrShown = `<account>.dkr.ecr.${region ?? '<region>'}.amazonaws.com`;
  if (raw.taskImage !== undefined)
    c.pattern(
      raw,
      'taskImage',
      'taskImage',
      new RegExp(`^${ecr}/[a-z0-9._/-]+(:[\\w.-]+|@sha256:[a-f0-9]{64})$`),
      `an image of the stage's ECR registry (${ecrShown}/<repository>:<tag>)`,
    );
  if (raw.taskImageRegistry !== undefined)
    c.pattern(
      raw,
      'taskImageRegistry',
      'taskImageRegistry',
      new RegExp(`^${ecr}(/[a-z0-9._-]+)*$`),
      `the stage's ECR registry (${ecrShown}/<prefix>)`,
    );
  if (raw.clusterCertificateAuthorityData !== undefined)
    c.certificateData(raw, 'clusterCertificateAuthorityData', 'clusterCertificateAuthorityData');
  // Optional (stages deployed before it was published lack it: the login then writes no AWS profile).
  // Sent to STS with the ID token; an IAM role name rule, so it is safe in messages and files.
  if (raw.dataScientistRoleArn !== undefined)
    c.pattern(
      raw,
      'dataScientistRoleArn',
      'dataScientistRoleArn',
      /^arn:aws(-[a-z]+)*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/,
      'an IAM role ARN (arn:aws:iam::<account>:role/<name>)',
    );
  if (c.issues.length > 0) throw new DiscoveryError(url, c.issues);
  return raw as unknown as DiscoveryDocument;
}

/** The discovery document URL of a stage URL such as `https://dev.metaflow.example.com`. */
export function stageDiscoveryUrl(stageUrl: string): string {
  let base: URL;
  try {
    base = new URL(stageUrl);
  } catch {
    throw new LoginError(
      `'${stageUrl}' is not a URL; pass the stage URL, e.g. https://dev.metaflow.example.com (or --stage <name> inside the repository)`,
      2,
    );
  }
  if (base.protocol !== 'https:' && !(base.protocol === 'http:' && isLoopbackUrl(base))) {
    throw new LoginError(`stage URL must use https: '${stageUrl}'`, 2);
  }
  return new URL(DISCOVERY_PATH, base).toString();
}

/** The largest discovery document read: a stage's is about 2 KB, so 256 KiB leaves room for growth. */
export const MAX_DISCOVERY_BYTES = 256 * 1024;

/** Fetches and validates the discovery document; errors say whether the URL is unreachable or the document wrong. */
export async function fetchDiscovery(url: string, timeoutMs = 15_000): Promise<DiscoveryDocument> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (err as Error).message;
    throw new LoginError(`cannot reach ${url} (${why}). Check the stage URL, your network/VPN, and that the stage's DNS record exists.`);
  }
  if (!res.ok) {
    throw new LoginError(
      `GET ${url} returned HTTP ${res.status}. ` +
        (res.status === 404
          ? 'The stage does not serve a discovery document: is it deployed and its manifests synced?'
          : 'The stage gateway is not healthy.'),
    );
  }
  const text = await boundedText(res, MAX_DISCOVERY_BYTES);
  if (text === undefined) {
    throw new DiscoveryError(url, [
      { path: '(document)', message: `is larger than ${MAX_DISCOVERY_BYTES} bytes (a stage's document is about 2 KB)` },
    ]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new DiscoveryError(url, [{ path: '(document)', message: `is not JSON (starts with ${JSON.stringify(text.slice(0, 40))})` }]);
  }
  return validateDiscovery(json, url);
}
