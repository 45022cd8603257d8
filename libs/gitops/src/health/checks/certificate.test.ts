import { ACMClient, RequestCertificateCommand } from '@aws-sdk/client-acm';
import { placeholderOutputs } from '@metaflow-gitops/stage-config';
import { describeOnMoto, MOTO_ACCOUNT, MOTO_REGION } from '@metaflow-gitops/testing/gitops';
import { makeStageConfig } from '@metaflow-gitops/testing/stage-config';
import { doctorContext } from '../doctor-context';
import { certificateCheck } from './certificate';

describeOnMoto('certificate check on moto', () => {
  const config = makeStageConfig({ name: 'tls' });
  const host = 'tls.metaflow.example.com';
  const acm = () => new ACMClient({ region: MOTO_REGION });
  const run = async (certificateArn: string) =>
    [await certificateCheck.run(doctorContext(config, { outputs: async () => ({ ...placeholderOutputs(), certificateArn }) }))].flat();
  // moto issues a certificate of a private CA at once; a public one stays PENDING_VALIDATION for a minute.
  const issued = async (domain: string) =>
    (
      await acm().send(
        new RequestCertificateCommand({
          DomainName: domain,
          SubjectAlternativeNames: [`*.${domain}`],
          CertificateAuthorityArn: `arn:aws:acm-pca:${MOTO_REGION}:${MOTO_ACCOUNT}:certificate-authority/test`,
        }),
      )
    ).CertificateArn!;

  it('is ok for an issued certificate of the stage host', async () => {
    const [f] = await run(await issued(host));
    expect(f).toMatchObject({ check: 'certificate', status: 'ok' });
    expect(f.summary).toMatch(new RegExp(`is ISSUED for ${host}, \\d+ days left$`));
  });

  it('fails while DNS validation is pending, listing the validation record', async () => {
    const arn = (
      await acm().send(new RequestCertificateCommand({ DomainName: host, ValidationMethod: 'DNS', SubjectAlternativeNames: [`*.${host}`] }))
    ).CertificateArn!;
    const [f] = await run(arn);
    expect(f).toMatchObject({ status: 'fail', summary: `${arn} is PENDING_VALIDATION: ACM has not seen its DNS validation record yet` });
    expect(f.details!.length).toBeGreaterThan(0);
    for (const d of f.details!) expect(d).toMatch(/\.tls\.metaflow\.example\.com\. CNAME _\w+\.\w+\.acm-validations\.aws\.$/);
    expect(f.fix).toContain('dns-delegation');
  });

  it('fails for a certificate of another host', async () => {
    const [f] = await run(await issued('old.metaflow.example.com'));
    expect(f).toMatchObject({ status: 'fail' });
    expect(f.summary).toContain(`not for ${host}`);
  });

  it('an unknown certificate throws (the runner reports it unknown)', async () => {
    await expect(run(`arn:aws:acm:${MOTO_REGION}:${MOTO_ACCOUNT}:certificate/00000000-0000-0000-0000-000000000000`)).rejects.toThrow();
  });
});
