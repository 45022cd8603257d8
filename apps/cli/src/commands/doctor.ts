import { HealthReport, DoctorContext, doctorContext, formatHealthReport, reportExitCode, runDoctor } from '@metaflow-gitops/gitops';
import { DeliveryDeps, defaultDeliveryDeps } from '../delivery-deps';
import { Io } from '../io';
import { environmentsDir } from '../repo';

/** Environment variable holding a user's access token for the stage (`metaflow-login token <stage>`). */
export const DOCTOR_TOKEN_ENV = 'MFCTL_DOCTOR_TOKEN';

export interface DoctorOptions {
  readonly stage: string;
  /** kube context of the stage's cluster (default: the current one). */
  readonly context?: string;
  readonly environments?: string;
  readonly json?: boolean;
}

/**
 * `mfctl doctor <stage>`: read-only live checks of a deployed stage, each failure with its fix
 * (docs/operator-guide.md, Troubleshooting). Exit 0 all ok, 1 something failed, 3 nothing failed
 * but something could not be observed.
 */
export async function doctorCommand(
  opts: DoctorOptions,
  io: Io,
  deps: DeliveryDeps = defaultDeliveryDeps(),
  doctor: (ctx: DoctorContext) => Promise<HealthReport> = runDoctor,
): Promise<number> {
  const config = deps.loadStage(environmentsDir(io.cwd, opts.environments), opts.stage);
  const report = await doctor(doctorContext(config, { kubeContext: opts.context, token: io.env[DOCTOR_TOKEN_ENV] || undefined }));
  io.stdout(opts.json ? `${JSON.stringify(report, null, 2)}\n` : formatHealthReport(report));
  return reportExitCode(report);
}
