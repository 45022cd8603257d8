import { AssemblyStack } from '../synth/stage-assembly';
import { CheckFinding, CheckResult } from './types';

/**
 * Custom resources with no native CloudFormation equivalent, and why. Anything else backed by a
 * Lambda the stack deploys fails the check: native resources are faster and have fewer failure modes.
 */
export const UNAVOIDABLE_CUSTOM_RESOURCES: Readonly<Record<string, string>> = {
  'Custom::CrossAccountZoneDelegation':
    'NS delegation into a parent zone owned by another account needs its delegation role; CloudFormation cannot assume it',
};

function isCustom(type: string): boolean {
  return type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource';
}

/** Lists every custom resource; fails on any that is not known to be unavoidable. */
export function checkCustomResources(stacks: readonly AssemblyStack[]): CheckResult {
  const findings: CheckFinding[] = [];
  const notes: string[] = [];
  for (const stack of stacks) {
    const { template } = stack;
    for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
      if (!isCustom(resource.Type)) continue;
      const why = UNAVOIDABLE_CUSTOM_RESOURCES[resource.Type];
      if (why) notes.push(`${stack.name}/${logicalId} (${resource.Type}): unavoidable: ${why}`);
      else {
        findings.push({
          stack: stack.name,
          rule: 'custom-resource',
          message: `${resource.Type} is a Lambda-backed custom resource: use a native resource`,
          location: logicalId,
        });
      }
    }
  }
  return { name: 'custom-resources', status: findings.length > 0 ? 'fail' : 'pass', findings, notes };
}
