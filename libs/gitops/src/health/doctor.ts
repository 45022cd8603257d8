import { MissingOutputsError } from '@metaflow-gitops/stage-config';
import { Finding, HealthReport } from './report';
import { DoctorCheck } from './doctor-check';
import { DoctorContext } from './doctor-context';
import { errorText } from './private/error-text';
import { stacksCheck } from './checks/stacks';
import { retainedLeftoversCheck } from './checks/retained-leftovers';
import { idpSecretCheck } from './checks/idp-secret';
import { cognitoUrlsCheck } from './checks/cognito-urls';
import { dnsDelegationCheck } from './checks/dns-delegation';
import { certificateCheck } from './checks/certificate';
import { discoveryCheck } from './checks/discovery';
import { platformDeploymentsCheck } from './checks/platform-deployments';
import { metadataServiceCheck } from './checks/metadata-service';

/** Every check of `mfctl doctor`, in the order a stage comes up (stacks, identity, DNS and TLS, cluster, service). */
export const DOCTOR_CHECKS: readonly DoctorCheck[] = [
  stacksCheck,
  retainedLeftoversCheck,
  idpSecretCheck,
  cognitoUrlsCheck,
  dnsDelegationCheck,
  certificateCheck,
  discoveryCheck,
  platformDeploymentsCheck,
  metadataServiceCheck,
];

/** A check that threw: it could not observe, which is `unknown`, with what to do to make it observable. */
function unobserved(check: DoctorCheck, err: unknown, ctx: DoctorContext): Finding {
  if (err instanceof MissingOutputsError)
    return {
      check: check.id,
      status: 'unknown',
      summary: `not checked: ${err.missing.length} stack output${err.missing.length === 1 ? ' is' : 's are'} missing (from ${[...new Set(err.missing.map((m) => m.split('.')[0]))].join(', ')})`,
      fix: `deploy the stage (mfctl deploy ${ctx.config.name}); see the stacks finding`,
    };
  return {
    check: check.id,
    status: 'unknown',
    summary: `could not observe ${check.title}: ${errorText(err)}`,
    fix: `run with credentials that may read stage ${ctx.config.name} in ${ctx.config.region} (the stage's health role, or AWS_PROFILE), with network access to AWS and ${ctx.host}`,
  };
}

function timeout(ms: number, what: string): { promise: Promise<never>; cancel: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000}s`)), ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

export interface DoctorOptions {
  readonly checks?: readonly DoctorCheck[];
  /** Longest a check may take before it is `unknown`. @default 60 seconds */
  readonly checkTimeoutMs?: number;
  readonly now?: () => Date;
}

/**
 * `mfctl doctor`: runs every check, read-only, one after the other; a check that throws or takes too
 * long becomes an `unknown` finding (never `ok`).
 */
export async function runDoctor(ctx: DoctorContext, options: DoctorOptions = {}): Promise<HealthReport> {
  const checkedAt = (options.now ?? (() => new Date()))().toISOString();
  const findings: Finding[] = [];
  for (const check of options.checks ?? DOCTOR_CHECKS) {
    const limit = timeout(options.checkTimeoutMs ?? 60_000, check.id);
    try {
      const result = await Promise.race([check.run(ctx), limit.promise]);
      findings.push(...(Array.isArray(result) ? result : [result]));
    } catch (err) {
      findings.push(unobserved(check, err, ctx));
    } finally {
      limit.cancel();
    }
  }
  return { kind: 'doctor', stage: ctx.config.name, checkedAt, findings };
}
