import * as cdk from 'aws-cdk-lib';
import { Construct } from 'constructs';

/**
 * Gives the L1 resource of `construct` a fixed logical id, so refactoring the construct tree never
 * renames (and so replaces) a stateful resource. Tests pin these ids.
 */
export function pinLogicalId(construct: Construct, logicalId: string): void {
  const resource = (cdk.CfnResource.isCfnResource(construct) ? construct : construct.node.defaultChild) as cdk.CfnResource;
  resource.overrideLogicalId(logicalId);
}
