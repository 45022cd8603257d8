export type CheckName = 'cdk-nag' | 'cfn-lint' | 'template-limits' | 'custom-resources' | 'deployability';

export interface CheckFinding {
  /** Stack the finding is in, when it belongs to one. */
  readonly stack?: string;
  /** Rule id (`AwsSolutions-IAM5[...]`, `E3012`, `max-resources`, ...). */
  readonly rule: string;
  readonly message: string;
  /** Construct path, logical id or `file:line`. */
  readonly location?: string;
}

export interface CheckResult {
  readonly name: CheckName;
  /** `skipped` when a tool is missing (with `reason`); never a silent pass. */
  readonly status: 'pass' | 'fail' | 'skipped';
  readonly findings: CheckFinding[];
  /** Findings that do not fail the check but are listed (cfn-lint warnings). */
  readonly warnings?: CheckFinding[];
  /** Things worth showing that are not findings (acknowledgements, unavoidable custom resources, warnings). */
  readonly notes: string[];
  readonly reason?: string;
}

export interface ChecksReport {
  readonly assemblyDir: string;
  readonly checks: CheckResult[];
  /** True when no check failed (skipped checks do not fail, but are reported). */
  readonly ok: boolean;
}
