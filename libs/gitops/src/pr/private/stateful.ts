/**
 * Resource types whose replacement or removal loses data or identity. Replacing, destroying or
 * orphaning one of these is DESTRUCTIVE: the PR gate asks for an explicit acknowledgement.
 * The text says what a reviewer would lose, in the platform's terms.
 */
export const STATEFUL_RESOURCE_TYPES: Readonly<Record<string, string>> = {
  'AWS::RDS::DBCluster': 'the Aurora metadata database (every run, step and artifact record of Metaflow)',
  'AWS::RDS::DBInstance': 'an instance of the Aurora metadata database',
  'AWS::S3::Bucket': 'an S3 bucket (the artifact bucket holds every flow artifact)',
  'AWS::Cognito::UserPool': 'the Cognito user pool (users, groups and app client ids; the IdP registration must be redone)',
  'AWS::Route53::HostedZone': 'the stage hosted zone (new name servers: the NS delegation must be redone)',
  'AWS::EKS::Cluster': 'the EKS cluster (running workflows and all in-cluster state)',
  'AWS::SecretsManager::Secret': 'a Secrets Manager secret (database credentials or a secret filled in by an operator)',
  'AWS::KMS::Key': 'a KMS key (data encrypted with it can no longer be read)',
  'AWS::DynamoDB::Table': 'a DynamoDB table and its items',
  'AWS::EFS::FileSystem': 'an EFS file system and its files',
};

export function isStateful(type: string | undefined): boolean {
  return type !== undefined && type in STATEFUL_RESOURCE_TYPES;
}
