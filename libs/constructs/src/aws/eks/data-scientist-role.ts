import * as cdk from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { BUCKET_PREFIXES, TASK_IMAGE } from '@metaflow-gitops/stage-config';
import { acknowledge } from '../private/nag';

export interface DataScientistRoleProps {
  /** The Auth stack's OIDC provider of the user pool, whose only audience is the CLI client. */
  readonly provider: iam.IOidcProvider;
  /** The artifact bucket (Data stack). */
  readonly bucket: s3.IBucket;
}

/** The bucket prefixes a data scientist reads and writes: Metaflow's datastore and its S3 data root. */
const USER_PREFIXES = [BUCKET_PREFIXES.metaflow, BUCKET_PREFIXES.data] as const;

/**
 * The role metaflow-login users assume with their Cognito ID token (`AssumeRoleWithWebIdentity`,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_oidc.html): only tokens the
 * provider accepts, i.e. of the stage's pool (issuer) for the CLI client (audience). It may read and
 * write the artifact bucket's `metaflow/` and `data/` prefixes and pull from the task image registry
 * (the stage's ECR pull-through cache); its Kubernetes rights come from the Eks stack's access entry.
 * Nothing else.
 */
export class DataScientistRole extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: DataScientistRoleProps) {
    super(scope, id);
    const { bucket } = props;
    const stack = cdk.Stack.of(this);
    const repositories = `arn:${cdk.Aws.PARTITION}:ecr:${cdk.Aws.REGION}:${cdk.Aws.ACCOUNT_ID}:repository/${TASK_IMAGE.cachePrefix}/*`;
    this.role = new iam.Role(this, 'Role', {
      description: 'Data scientists signed in with metaflow-login: Metaflow datastore, jobs namespace, task images',
      assumedBy: new iam.OpenIdConnectPrincipal(props.provider),
      maxSessionDuration: cdk.Duration.hours(1),
      inlinePolicies: {
        access: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              sid: 'ListUserPrefixes',
              actions: ['s3:ListBucket'],
              resources: [bucket.bucketArn],
              conditions: { StringLike: { 's3:prefix': USER_PREFIXES.flatMap((p) => [`${p}/`, `${p}/*`]) } },
            }),
            new iam.PolicyStatement({
              sid: 'ReadWriteUserPrefixes',
              actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
              resources: USER_PREFIXES.map((p) => bucket.arnForObjects(`${p}/*`)),
            }),
            // GetAuthorizationToken has no resource-level permission: it can only be granted on '*'.
            new iam.PolicyStatement({ sid: 'RegistryLogin', actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }),
            new iam.PolicyStatement({
              sid: 'PullTaskImages',
              actions: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'],
              resources: [repositories],
            }),
          ],
        }),
      },
    });

    // cdk-nag names a wildcard finding after the resolved resource: the import of the bucket ARN.
    const bucketRef = (stack.resolve(cdk.Stack.of(bucket).exportValue(bucket.bucketArn)) as { 'Fn::ImportValue': string })[
      'Fn::ImportValue'
    ];
    acknowledge(
      this.role,
      ...USER_PREFIXES.map((p) => ({
        id: `AwsSolutions-IAM5[Resource::${bucketRef}/${p}/*]`,
        reason: `Object keys under the ${p}/ prefix of the stage artifact bucket: Metaflow names them per run`,
      })),
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'ecr:GetAuthorizationToken has no resource-level permissions; pulls are scoped below',
      },
      {
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecr:<AWS::Region>:<AWS::AccountId>:repository/${TASK_IMAGE.cachePrefix}/*]`,
        reason: 'The pull-through cache creates one repository per upstream image under its prefix; the names are not known in advance',
      },
    );
  }
}
