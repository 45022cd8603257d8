import { readAssemblyStacks } from './assembly';
import { checkCfnLint, CfnLintOptions } from './cfn-lint';
import { checkCustomResources } from './custom-resources';
import { checkTemplateLimits } from './limits';
import { checkNag } from './nag';
import { ChecksReport } from './types';

export interface RunChecksOptions {
  /** A synthesized stage: `cdk.out/<stage>/` (manifest.json, templates, nag-report.json). */
  readonly assemblyDir: string;
  readonly cfnLint?: CfnLintOptions;
}

/** Runs every stage check on a synthesized assembly. `ok` is false when any check failed. */
export function runChecks(options: RunChecksOptions): ChecksReport {
  const stacks = readAssemblyStacks(options.assemblyDir);
  const checks = [
    checkNag(options.assemblyDir),
    checkCfnLint(stacks, options.cfnLint),
    checkTemplateLimits(stacks),
    checkCustomResources(stacks),
  ];
  return { assemblyDir: options.assemblyDir, checks, ok: checks.every((c) => c.status !== 'fail') };
}
