import { AssemblyStack } from '../synth/stage-assembly';
import { CheckFinding, CheckResult } from './types';

/** CloudFormation quotas a template must stay under (AWS CloudFormation quotas page). */
export const TEMPLATE_LIMITS = {
  /** Template body in S3 (how the CDK deploys): 1 MB. */
  bodyBytes: 1_048_576,
  resources: 500,
  outputs: 200,
  parameters: 200,
} as const;

/** Each template under CloudFormation's limits; notes show how close each one is. */
export function checkTemplateLimits(stacks: readonly AssemblyStack[]): CheckResult {
  const findings: CheckFinding[] = [];
  const notes: string[] = [];
  for (const stack of stacks) {
    const { template, templateBytes: bytes } = stack;
    const counts = {
      bodyBytes: bytes,
      resources: Object.keys(template.Resources ?? {}).length,
      outputs: Object.keys(template.Outputs ?? {}).length,
      parameters: Object.keys(template.Parameters ?? {}).length,
    };
    for (const key of Object.keys(TEMPLATE_LIMITS) as (keyof typeof TEMPLATE_LIMITS)[]) {
      if (counts[key] > TEMPLATE_LIMITS[key]) {
        findings.push({
          stack: stack.name,
          rule: `max-${key}`,
          message: `${counts[key]} exceeds CloudFormation's limit of ${TEMPLATE_LIMITS[key]}`,
          location: stack.templateFile,
        });
      }
    }
    notes.push(`${stack.name}: ${counts.resources} resources, ${(bytes / 1024).toFixed(1)} KiB`);
  }
  return { name: 'template-limits', status: findings.length > 0 ? 'fail' : 'pass', findings, notes };
}
