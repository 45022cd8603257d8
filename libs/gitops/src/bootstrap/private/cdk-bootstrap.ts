import { BootstrapEnvironments, BootstrapStackParameters, Toolkit } from '@aws-cdk/toolkit-lib';
import type { StageConfig } from '@metaflow-gitops/stage-config';
import { DeliveryIoHost } from '../../private/io-host';

/**
 * Bootstraps the stage's account and region for the CDK (the CDKToolkit stack): a no-op when
 * current. CloudFormation's execution role gets `executionPolicyArn` (scoped to what the stages
 * declare) instead of the CDK's default AdministratorAccess; other parameters of an existing
 * bootstrap are kept.
 */
export async function bootstrapCdk(
  config: StageConfig,
  executionPolicyArn: string,
  print: (line: string) => void,
): Promise<'success' | 'no-op'> {
  const host = new DeliveryIoHost({ print });
  const toolkit = new Toolkit({ ioHost: host, color: false, emojis: false });
  const res = await toolkit.bootstrap(BootstrapEnvironments.fromList([`aws://${config.accountId}/${config.region}`]), {
    parameters: BootstrapStackParameters.withExisting({ cloudFormationExecutionPolicies: [executionPolicyArn] }),
  });
  return res.environments.every((e) => e.status === 'no-op') ? 'no-op' : 'success';
}
