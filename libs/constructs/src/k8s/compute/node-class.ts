import { Construct } from 'constructs';
import { STAGE_TAG } from '@metaflow-gitops/stage-config';
import { StageContext, splitList } from '../context';
import { typedObject } from '../private/api-object';
import { NodeClass } from './node-class-types';

export const NODE_CLASS = 'metaflow';

/** `arn:aws:iam::<acct>:role/<path/>name` -> `name` (placeholders pass through unchanged). */
export function roleNameFromArn(arn: string): string {
  const match = /^arn:[^:]+:iam::\d{12}:role\/(?:.*\/)?([^/]+)$/.exec(arn);
  return match ? match[1] : arn;
}

/**
 * The Auto Mode NodeClass of the stage's pools: nodes in the private subnets, pods in the secondary
 * CIDR's subnets, the node role the Eks stack created (passing our own role avoids aws-cdk #37189),
 * network policies enforced.
 */
export function addNodeClass(scope: Construct, ctx: StageContext): void {
  const clusterSg = { tags: { 'aws:eks:cluster-name': ctx.outputs.clusterName } };
  typedObject<NodeClass>(scope, 'node-class', {
    apiVersion: 'eks.amazonaws.com/v1',
    kind: 'NodeClass',
    metadata: { name: NODE_CLASS },
    spec: {
      role: roleNameFromArn(ctx.outputs.nodeRoleArn),
      subnetSelectorTerms: splitList(ctx.outputs.privateSubnetIds).map((id) => ({ id })),
      securityGroupSelectorTerms: [clusterSg],
      podSubnetSelectorTerms: splitList(ctx.outputs.podSubnetIds).map((id) => ({ id })),
      podSecurityGroupSelectorTerms: [clusterSg],
      networkPolicy: 'DefaultAllow',
      ephemeralStorage: { size: '100Gi' },
      tags: { [STAGE_TAG]: ctx.config.name, ...ctx.config.tags },
    },
  });
}
