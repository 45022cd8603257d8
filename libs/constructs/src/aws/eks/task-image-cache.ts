import * as cdk from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { TASK_IMAGE } from '@metaflow-gitops/stage-config';
import { acknowledge } from '../private/nag';

export interface TaskImageCacheProps {
  /** The role Auto Mode nodes pull images with. */
  readonly nodeRole: iam.IRole;
}

/**
 * An ECR pull-through cache rule for ECR Public under TASK_IMAGE.cachePrefix, so steps pull their
 * image (TASK_IMAGE) from the stage's own registry: ECR fetches it from ECR Public on the first
 * pull, and nodes never talk to a public registry. The first pull of each image creates its
 * repository and imports it, which the pulling identity must be allowed to do
 * (https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-iam.html): the node
 * role may, for the cache's repositories only.
 */
export class TaskImageCache extends Construct {
  constructor(scope: Construct, id: string, props: TaskImageCacheProps) {
    super(scope, id);
    new ecr.CfnPullThroughCacheRule(this, 'EcrPublic', {
      ecrRepositoryPrefix: TASK_IMAGE.cachePrefix,
      upstreamRegistry: 'ecr-public',
      upstreamRegistryUrl: TASK_IMAGE.upstreamRegistryUrl,
    });
    const policy = new iam.Policy(this, 'NodePullThrough', {
      statements: [
        new iam.PolicyStatement({
          actions: ['ecr:BatchImportUpstreamImage', 'ecr:CreateRepository'],
          resources: [`arn:${cdk.Aws.PARTITION}:ecr:${cdk.Aws.REGION}:${cdk.Aws.ACCOUNT_ID}:repository/${TASK_IMAGE.cachePrefix}/*`],
        }),
      ],
    });
    props.nodeRole.attachInlinePolicy(policy);
    acknowledge(policy, {
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecr:<AWS::Region>:<AWS::AccountId>:repository/${TASK_IMAGE.cachePrefix}/*]`,
      reason: 'The pull-through cache creates one repository per upstream image under its prefix; the names are not known in advance',
    });
  }
}
