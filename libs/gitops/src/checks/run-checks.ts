import { readAssembly } from '../synth/stage-assembly';
import { checkCfnLint, CfnLintOptions } from './cfn-lint';
import { checkCustomResources } from './custom-resources';
import { checkDeployability, DeployabilityOptions } from './deployability';
import { checkTemplateLimits } from './limits';
import { checkNag } from './nag';
import { CheckResult, ChecksReport } from './types';

export interface RunChecksOptions {
  /** A synthesized stage: `cdk.out/<stage>/` (manifest.json, templates, nag-report.json). */
  readonly assemblyDir: string;
  /** cfn-lint settings; `false` leaves it out (reported as skipped). */
  readonly cfnLint?: CfnLintOptions | false;
  /** The stage, its manifests and its acknowledgements, for the deployability rules. */
  readonly deployability?: DeployabilityOptions;
}

/**
 * Runs every stage check on a synthesized assembly: cfn-lint (a subprocess) runs while the cdk-nag
 * report, the limits, the custom resources and the deployability rules are read. `ok` is false when any check failed.
 */
export async function runChecks(options: RunChecksOptions): Promise<ChecksReport> {
  const stacks = readAssembly(options.assemblyDir);
  const cfnLint: Promise<CheckResult> =
    options.cfnLint === false
      ? Promise.resolve({ name: 'cfn-lint', status: 'skipped', findings: [], notes: [], reason: 'disabled by the caller' })
      : checkCfnLint(stacks, options.cfnLint);
  const nag = checkNag(options.assemblyDir);
  const limits = checkTemplateLimits(stacks);
  const custom = checkCustomResources(stacks);
  const deployability = checkDeployability(stacks, options.deployability);
  const checks = [nag, await cfnLint, limits, custom, deployability];
  return { assemblyDir: options.assemblyDir, checks, ok: checks.every((c) => c.status !== 'fail') };
}
