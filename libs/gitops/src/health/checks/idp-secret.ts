import { DescribeIdentityProviderCommand } from '@aws-sdk/client-cognito-identity-provider';
import { DescribeSecretCommand } from '@aws-sdk/client-secrets-manager';
import { IDP_CLIENT_SECRET_PLACEHOLDER } from '@metaflow-gitops/constructs';
import { idpClientSecretName, stackName } from '@metaflow-gitops/stage-config';
import { Finding } from '../report';
import { DoctorCheck } from '../doctor-check';

/**
 * The IdP federation was finished: the operator stored the IdP's client secret in Secrets Manager
 * (the secret has a version besides the one CloudFormation generated) and Cognito's identity
 * provider no longer carries the placeholder the Auth stack creates it with. Otherwise login
 * fails with `invalid_client`.
 */
export const idpSecretCheck: DoctorCheck = {
  id: 'idp-secret',
  title: "the IdP client secret was stored and given to Cognito (not the Auth stack's placeholder)",
  async run(ctx) {
    const { oidcConfig, name: stage } = ctx.config;
    const outputs = await ctx.outputs();
    const fix = `finish the IdP federation: run the Auth stack outputs FederateSecretStoreCommand and FederateCognitoUpdateCommand with the IdP's client secret (aws cloudformation describe-stacks --stack-name ${stackName(stage, 'auth')} --query 'Stacks[0].Outputs')`;
    const findings: Finding[] = [];

    const secretName = idpClientSecretName(oidcConfig.clientId);
    let versions: number;
    try {
      const secret = await ctx.aws.secrets.send(new DescribeSecretCommand({ SecretId: secretName }));
      versions = Object.keys(secret.VersionIdsToStages ?? {}).length;
    } catch (err) {
      if ((err as { name?: string }).name !== 'ResourceNotFoundException') throw err;
      versions = 0;
    }
    findings.push(
      versions > 1
        ? { check: 'idp-secret:stored', status: 'ok', summary: `${secretName} holds a value the operator stored (${versions} versions)` }
        : versions === 0
          ? {
              check: 'idp-secret:stored',
              status: 'fail',
              summary: `${secretName} does not exist (the Auth stack creates it; the IdP's client id in the stage file changed?)`,
              fix: `mfctl deploy ${stage} creates it; then ${fix}`,
            }
          : {
              check: 'idp-secret:stored',
              status: 'fail',
              summary: `${secretName} still holds only the value CloudFormation generated: the IdP's client secret was never stored`,
              fix,
            },
    );

    const idp = await ctx.aws.cognito.send(
      new DescribeIdentityProviderCommand({ UserPoolId: outputs.userPoolId, ProviderName: oidcConfig.idpProviderName }),
    );
    const placeholder = idp.IdentityProvider?.ProviderDetails?.client_secret === IDP_CLIENT_SECRET_PLACEHOLDER;
    findings.push(
      placeholder
        ? {
            check: 'idp-secret:cognito',
            status: 'fail',
            summary: `identity provider ${oidcConfig.idpProviderName} of user pool ${outputs.userPoolId} still has the placeholder client secret: login fails with invalid_client`,
            fix,
          }
        : {
            check: 'idp-secret:cognito',
            status: 'ok',
            summary: `identity provider ${oidcConfig.idpProviderName} has a client secret other than the placeholder`,
          },
    );
    return findings;
  },
};
