import { MissingOutputsError } from '@metaflow-gitops/stage-config';
import { makeStageConfig } from '@metaflow-gitops/testing/stage-config';
import { DoctorCheck } from './doctor-check';
import { doctorContext } from './doctor-context';
import { DOCTOR_CHECKS, runDoctor } from './doctor';

const ctx = doctorContext(makeStageConfig({ name: 'doc' }));
const check = (id: string, run: DoctorCheck['run']): DoctorCheck => ({ id, title: `the ${id} thing`, run });

describe('runDoctor', () => {
  it('collects the findings of every check in order, with the stage and time', async () => {
    const report = await runDoctor(ctx, {
      checks: [
        check('a', async () => ({ check: 'a', status: 'ok', summary: 'fine' })),
        check('b', async () => [
          { check: 'b:1', status: 'ok', summary: 'fine' },
          { check: 'b:2', status: 'fail', summary: 'broken', fix: 'mend it' },
        ]),
      ],
      now: () => new Date('2026-12-01T08:00:00Z'),
    });
    expect(report).toEqual({
      kind: 'doctor',
      stage: 'doc',
      checkedAt: '2026-12-01T08:00:00.000Z',
      findings: [
        { check: 'a', status: 'ok', summary: 'fine' },
        { check: 'b:1', status: 'ok', summary: 'fine' },
        { check: 'b:2', status: 'fail', summary: 'broken', fix: 'mend it' },
      ],
    });
  });

  it('turns a check that throws or hangs into unknown (never ok) and goes on', async () => {
    const report = await runDoctor(ctx, {
      checks: [
        check('denied', async () =>
          Promise.reject(
            Object.assign(new Error('User is not authorized to perform: acm:DescribeCertificate'), { name: 'AccessDeniedException' }),
          ),
        ),
        check('hangs', () => new Promise(() => undefined)),
        check('outputs', async () => Promise.reject(new MissingOutputsError('doc', ['doc-ingress.CertificateArn']))),
        check('more', async () =>
          Promise.reject(new MissingOutputsError('doc', ['doc-vpc.VpcId', 'doc-vpc.PodSubnetIds', 'doc-dns.NameServers'])),
        ),
        check('after', async () => ({ check: 'after', status: 'ok', summary: 'ran' })),
      ],
      checkTimeoutMs: 50,
    });
    expect(report.findings).toEqual([
      {
        check: 'denied',
        status: 'unknown',
        summary: 'could not observe the denied thing: User is not authorized to perform: acm:DescribeCertificate',
        fix: expect.stringContaining("credentials that may read stage doc in us-west-2 (the stage's health role, or AWS_PROFILE)"),
      },
      {
        check: 'hangs',
        status: 'unknown',
        summary: 'could not observe the hangs thing: hangs did not finish within 0.05s',
        fix: expect.any(String),
      },
      {
        check: 'outputs',
        status: 'unknown',
        summary: 'not checked: 1 stack output is missing (from doc-ingress)',
        fix: 'deploy the stage (mfctl deploy doc); see the stacks finding',
      },
      expect.objectContaining({ check: 'more', summary: 'not checked: 3 stack outputs are missing (from doc-vpc, doc-dns)' }),
      { check: 'after', status: 'ok', summary: 'ran' },
    ]);
  });

  it('runs nine checks with distinct ids by default', () => {
    expect(DOCTOR_CHECKS.map((c) => c.id)).toEqual([
      'stacks',
      'retained-leftovers',
      'idp-secret',
      'cognito-urls',
      'dns-delegation',
      'certificate',
      'discovery',
      'platform-deployments',
      'metadata-service',
    ]);
  });
});
