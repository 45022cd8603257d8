import { DescribeCertificateCommand } from '@aws-sdk/client-acm';
import { stackName } from '@metaflow-gitops/stage-config';
import { DoctorCheck } from '../doctor-check';

/** Renewal is due from 60 days before expiry; ACM starts it then. A certificate closer than this that has not renewed is a problem. */
const RENEWAL_WINDOW_DAYS = 30;
const DAY_MS = 86_400_000;

/**
 * The Ingress stack's ACM certificate is issued, covers the stage host, and is not about to expire
 * unrenewed (ACM renews DNS-validated certificates while the validation record stays in the zone:
 * https://docs.aws.amazon.com/acm/latest/userguide/dns-renewal-validation.html).
 */
export const certificateCheck: DoctorCheck = {
  id: 'certificate',
  title: "the stage's ACM certificate is issued and renewing",
  async run(ctx) {
    const { certificateArn } = await ctx.outputs();
    const res = await ctx.aws.acm.send(new DescribeCertificateCommand({ CertificateArn: certificateArn }));
    const cert = res.Certificate;
    const status = String(cert?.Status ?? 'UNKNOWN');
    const stage = ctx.config.name;
    const validation = (cert?.DomainValidationOptions ?? [])
      .map((d) => d.ResourceRecord)
      .filter((r): r is NonNullable<typeof r> => !!r)
      .map((r) => `${r.Name} ${r.Type} ${r.Value}`);
    if (status === 'PENDING_VALIDATION')
      return {
        check: 'certificate',
        status: 'fail',
        summary: `${certificateArn} is PENDING_VALIDATION: ACM has not seen its DNS validation record yet`,
        details: validation,
        fix: `the validation record is written into the stage zone by the Ingress stack: it only resolves once the zone is delegated (see the dns-delegation finding); if the record is missing from the zone, mfctl deploy ${stage}`,
      };
    if (status !== 'ISSUED')
      return {
        check: 'certificate',
        status: 'fail',
        summary: `${certificateArn} is ${status}${cert?.FailureReason ? ` (${cert.FailureReason})` : ''}`,
        details: validation,
        fix: `ACM cannot bring a certificate back from this state: fix the cause (VALIDATION_TIMED_OUT: the zone was not delegated within 72 hours), then give the Ingress stack a new certificate: aws cloudformation delete-stack --stack-name ${stackName(stage, 'ingress')} and mfctl deploy ${stage} (the stage host is unreachable in between)`,
      };
    const names = new Set([cert?.DomainName, ...(cert?.SubjectAlternativeNames ?? [])]);
    if (!names.has(ctx.host))
      return {
        check: 'certificate',
        status: 'fail',
        summary: `${certificateArn} is issued for ${[...names].join(', ')}, not for ${ctx.host}`,
        fix: `mfctl deploy ${stage}: the Ingress stack requests the certificate for the stage host`,
      };
    const daysLeft = cert?.NotAfter ? Math.floor((cert.NotAfter.getTime() - Date.now()) / DAY_MS) : undefined;
    const renewal = cert?.RenewalSummary?.RenewalStatus;
    if ((daysLeft !== undefined && daysLeft < RENEWAL_WINDOW_DAYS) || renewal === 'FAILED')
      return {
        check: 'certificate',
        status: 'fail',
        summary: `${certificateArn} expires in ${daysLeft ?? '?'} days and its renewal is ${renewal ?? 'not started'}${cert?.RenewalSummary?.RenewalStatusReason ? ` (${cert.RenewalSummary.RenewalStatusReason})` : ''}`,
        details: validation,
        fix: 'ACM renews only while the validation CNAME resolves: make sure these records are in the stage zone and the zone is delegated',
      };
    return {
      check: 'certificate',
      status: 'ok',
      summary: `${certificateArn} is ISSUED for ${ctx.host}${daysLeft !== undefined ? `, ${daysLeft} days left` : ''}`,
    };
  },
};
