import { HealthReport, reportExitCode } from '@metaflow-gitops/gitops';
import { captureIo } from '@metaflow-gitops/testing/cli';
import { makeStageConfig } from '@metaflow-gitops/testing/stage-config';
import { DeliveryDeps } from '../delivery-deps';
import { doctorCommand } from './doctor';

const config = makeStageConfig({ name: 'doc' });
const deps: DeliveryDeps = {
  loadStage: () => config,
  assembly: () => {
    throw new Error('the doctor synthesizes nothing');
  },
  renderManifests: () => {
    throw new Error('the doctor renders nothing');
  },
};
const report = (statuses: HealthReport['findings'][number]['status'][]): HealthReport => ({
  kind: 'doctor',
  stage: 'doc',
  checkedAt: '2026-12-01T00:00:00.000Z',
  findings: statuses.map((status, i) => ({ check: `c${i}`, status, summary: `s${i}`, fix: `f${i}` })),
});

describe('mfctl doctor', () => {
  it.each([
    [['ok', 'ok'], 0],
    [['ok', 'fail', 'unknown'], 1],
    [['ok', 'unknown'], 3],
  ] as const)('findings %j exit %i, the report printed as text', async (statuses, code) => {
    const io = captureIo({});
    expect(await doctorCommand({ stage: 'doc' }, io, deps, async () => report([...statuses]))).toBe(code);
    expect(reportExitCode(report([...statuses]))).toBe(code);
    expect(io.out()).toContain('doctor of stage doc at 2026-12-01T00:00:00.000Z\n');
  });

  it('--json prints the report; the kube context and the token from MFCTL_DOCTOR_TOKEN reach the checks', async () => {
    const io = captureIo({ MFCTL_DOCTOR_TOKEN: 'tok' });
    let seen: { kubeContext?: string; token?: string; host?: string } = {};
    const code = await doctorCommand({ stage: 'doc', json: true, context: 'metaflow-doc' }, io, deps, async (ctx) => {
      seen = { kubeContext: ctx.kubeContext, token: ctx.token, host: ctx.host };
      return report(['fail']);
    });
    expect(code).toBe(1);
    expect(JSON.parse(io.out())).toEqual(report(['fail']));
    expect(seen).toEqual({ kubeContext: 'metaflow-doc', token: 'tok', host: 'doc.metaflow.example.com' });
  });
});
