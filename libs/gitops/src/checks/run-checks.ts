import { readAssembly } from '../synth/stage-assembly';
import { checkCfnLint, CfnLintOptions } from './cfn-lint';
import { checkCustomResources } from './custom-resources';
import { checkTemplateLimits } from './limits';
import { checkNag } from './nag';
import { ChecksReport } from './types';

export interface RunChecksOptions {
  /** A synthesized stage: `cdk.out/<stage>/` (manifest.json, templates, nag-report.json). */
  readonly assemblyDir: string;
  /** cfn-lint settings; `false` leaves it out (reported as skipped). */
  readonly cfnLint?: CfnLintOptions | false;
}

/** Runs every stage check on a synthesized assembly. `ok` is false when any check failed. */
export function runChecks(options: RunChecksOptions): ChecksReport {
  const stacks = readAssembly(options.assemblyDir);
  const checks = [
    checkNag(options.assemblyDir),
    options.cfnLint === false
      ? { name: 'cfn-lint' as const, status: 'skipped' as const, findings: [], notes: [], reason: 'disabled by the caller' }
      : checkCfnLint(stacks, options.cfnLint),
    checkTemplateLimits(stacks),
    checkCustomResources(stacks),
  ];
  return { assemblyDir: options.assemblyDir, checks, ok: checks.every((c) => c.status !== 'fail') };
}
