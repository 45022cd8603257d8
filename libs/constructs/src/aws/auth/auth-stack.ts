import * as cdk from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import {
  GATEWAY_GROUPS_CLAIM,
  OAUTH2_CALLBACK_PATH,
  OidcConfig,
  cliRedirectUris,
  cognitoClientName,
  cognitoDomainPrefix,
  gatewayClientSecretName,
  idpClientSecretName,
  stageHost,
  stageNameProblem,
} from '@metaflow-gitops/stage-config';
import { addStackOutputs } from '../private/stack-outputs';
import { StageStack, StageStackProps } from '../private/stage-stack';
import { assertStageInvariant } from '../private/stage-invariant';
import { acknowledge } from '../private/nag';
import { pinLogicalId } from '../private/pin';
import { groupGateSource } from './private/group-gate-source';

export interface AuthStackProps extends StageStackProps {
  readonly oidc: OidcConfig;
  /** Parent domain: the gateway client's callback is on the stage host. */
  readonly parentDomain: string;
}

export const AUTH_LOGICAL_IDS = { userPool: 'UserPool' } as const;

/**
 * Placeholder the IdP is created with. The real client secret never enters the template: the
 * operator stores it in Secrets Manager and `FederateCognitoUpdateCommand` replaces this value.
 */
export const IDP_CLIENT_SECRET_PLACEHOLDER = 'replaced-by-FederateCognitoUpdateCommand';

/**
 * Token lifetimes. Access and ID tokens keep Cognito's one hour: they are bearer tokens the CLI
 * sends to the metadata service, and a stolen one stays useful for at most that long. The refresh
 * token lasts 30 days so a data scientist logs in in the browser about once a month, while
 * `metaflow-login` refreshes silently in between, so a run does not fail with a 401 once the access
 * token is an hour old. Lifetimes: https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-refresh-token.html
 */
export const TOKEN_VALIDITY = {
  accessToken: cdk.Duration.minutes(60),
  idToken: cdk.Duration.minutes(60),
  refreshToken: cdk.Duration.days(30),
} as const;

/**
 * Identity for the stage: a Cognito user pool federated to the company OIDC IdP (no local sign-up),
 * a confidential client for the gateway's browser login, a public PKCE client for the CLI, the
 * hosted domain, the IdP group gate, and the `Federate*` outputs the operator finishes the IdP
 * federation with.
 */
export class AuthStack extends StageStack {
  readonly userPool: cognito.IUserPool;
  readonly gatewayClientSecret: secretsmanager.ISecret;
  /**
   * IAM's trust in the user pool for the CLI client: an OIDC provider whose URL is the pool's issuer
   * and whose only audience is the CLI client, so STS takes only ID tokens of this pool issued to
   * metaflow-login (`aud` = the CLI client id). The data-scientist role trusts it.
   */
  readonly cliOidcProvider: iam.IOidcProvider;

  constructor(scope: Construct, props: AuthStackProps) {
    super(scope, 'auth', { ...props, description: `Metaflow stage ${props.stage.name}: Cognito federation to the company IdP` });
    const { stage, oidc } = props;
    assertStageInvariant(
      oidc.idpProviderName.length >= 3 && oidc.idpProviderName.length <= 32,
      `oidcConfig.idpProviderName ('${oidc.idpProviderName}') must be 3-32 characters (a Cognito limit)`,
    );
    const host = stageHost(stage.name, props.parentDomain);
    const namingProblem = stageNameProblem(stage.name);
    assertStageInvariant(namingProblem === undefined, String(namingProblem));
    const domainPrefix = cognitoDomainPrefix(stage.name, stage.accountId);

    const userPool = new cognito.UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      signInCaseSensitive: false,
      accountRecovery: cognito.AccountRecovery.NONE,
      mfa: cognito.Mfa.OFF,
      passwordPolicy: { minLength: 14, requireDigits: true, requireLowercase: true, requireUppercase: true, requireSymbols: true },
      customAttributes: { groups: new cognito.StringAttribute({ mutable: true, maxLen: 2048 }) },
      featurePlan: cognito.FeaturePlan.ESSENTIALS,
      deletionProtection: stage.isProd,
      removalPolicy: cdk.RemovalPolicy.RETAIN,
    });
    pinLogicalId(userPool, AUTH_LOGICAL_IDS.userPool);
    this.userPool = userPool;
    acknowledge(
      userPool,
      { id: 'AwsSolutions-COG2', reason: 'Every user signs in through the company IdP, which enforces MFA; the pool has no local users' },
      {
        id: 'AwsSolutions-COG8',
        reason: 'The Plus plan buys threat protection for local sign-ins; this pool is federated-only, the IdP protects sign-in',
      },
    );

    const groupGate = new lambda.Function(this, 'GroupGate', {
      description: `Admits IdP users of the allowed groups and copies their groups into ${GATEWAY_GROUPS_CLAIM}`,
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline(groupGateSource(oidc.allowedGroups)),
      timeout: cdk.Duration.seconds(5),
      memorySize: 128,
      logGroup: new logs.LogGroup(this, 'GroupGateLogs', {
        retention: logs.RetentionDays.ONE_MONTH,
        removalPolicy: cdk.RemovalPolicy.DESTROY,
      }),
    });
    userPool.addTrigger(cognito.UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG, groupGate, cognito.LambdaVersion.V2_0);
    acknowledge(groupGate, {
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: 'The group gate only writes its own logs; the AWS managed basic execution policy is exactly that',
    });

    const idp = new cognito.UserPoolIdentityProviderOidc(this, 'CompanyIdp', {
      userPool,
      name: oidc.idpProviderName,
      clientId: oidc.clientId,
      clientSecret: IDP_CLIENT_SECRET_PLACEHOLDER,
      issuerUrl: oidc.issuerUrl,
      scopes: [...oidc.scopes],
      attributeRequestMethod: cognito.OidcAttributeRequestMethod.GET,
      attributeMapping: {
        email: cognito.ProviderAttribute.other('email'),
        custom: { 'custom:groups': cognito.ProviderAttribute.other(oidc.groupsClaim) },
      },
    });

    const domain = userPool.addDomain('HostedDomain', {
      cognitoDomain: { domainPrefix },
    });
    const baseUrl = domain.baseUrl();

    const scopes = [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE];
    const common: Omit<cognito.UserPoolClientProps, 'oAuth' | 'generateSecret'> = {
      userPool,
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.custom(idp.providerName)],
      accessTokenValidity: TOKEN_VALIDITY.accessToken,
      idTokenValidity: TOKEN_VALIDITY.idToken,
      refreshTokenValidity: TOKEN_VALIDITY.refreshToken,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      authFlows: { user: false, userPassword: false, userSrp: false, custom: false, adminUserPassword: false },
    };

    const gatewayClient = new cognito.UserPoolClient(this, 'GatewayClient', {
      ...common,
      userPoolClientName: cognitoClientName(stage.name, 'gateway'),
      generateSecret: true,
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes,
        callbackUrls: [`https://${host}${OAUTH2_CALLBACK_PATH}`],
        logoutUrls: [`https://${host}/`],
      },
    });

    const cliClient = new cognito.UserPoolClient(this, 'CliClient', {
      ...common,
      userPoolClientName: cognitoClientName(stage.name, 'cli'),
      generateSecret: false,
      oAuth: { flows: { authorizationCodeGrant: true }, scopes, callbackUrls: cliRedirectUris() },
    });

    // The gateway's client secret goes into Secrets Manager through Fn::GetAtt ClientSecret of
    // AWS::Cognito::UserPoolClient: resolved by CloudFormation at deploy time, no custom resource
    // (the L2's `userPoolClientSecret` would add one), and the value is not in the template.
    const gatewayCfn = gatewayClient.node.defaultChild as cognito.CfnUserPoolClient;
    const gatewaySecret = new secretsmanager.Secret(this, 'GatewayClientSecret', {
      secretName: gatewayClientSecretName(stage.name),
      description: `Cognito client of the ${stage.name} gateway (External Secrets syncs it for the OIDC filter)`,
      secretObjectValue: {
        'client-id': cdk.SecretValue.unsafePlainText(gatewayClient.userPoolClientId),
        'client-secret': cdk.SecretValue.resourceAttribute(gatewayCfn.attrClientSecret),
      },
    });
    this.gatewayClientSecret = gatewaySecret;
    acknowledge(gatewaySecret, {
      id: 'AwsSolutions-SMG4',
      reason: 'The value is owned by the Cognito client; rotating it means regenerating the client secret, done by redeploying the client',
    });

    const idpSecret = new secretsmanager.Secret(this, 'IdpClientSecret', {
      secretName: idpClientSecretName(oidc.clientId),
      description: `Client secret of ${oidc.clientId} at the company IdP: fill with FederateSecretStoreCommand`,
      generateSecretString: { secretStringTemplate: '{}', generateStringKey: 'FEDERATE_CLIENT_SECRET' },
    });
    acknowledge(idpSecret, {
      id: 'AwsSolutions-SMG4',
      reason: 'The company IdP issues this secret and shows it once; it is rotated there and stored here by the operator',
    });

    // The IdP's logout configuration assumes this role to sign users out everywhere (kill switch):
    // principals of this account, and the IdP's own principals the stage file names.
    const killSwitch = new iam.Role(this, 'KillSwitchRole', {
      description: `Lets the company IdP revoke ${stage.name} sessions (global sign-out, disable user)`,
      assumedBy: new iam.CompositePrincipal(
        new iam.AccountRootPrincipal(),
        ...oidc.killSwitchPrincipals.map((arn) => new iam.ArnPrincipal(arn)),
      ),
      inlinePolicies: {
        revoke: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              actions: ['cognito-idp:AdminUserGlobalSignOut', 'cognito-idp:AdminDisableUser'],
              resources: [userPool.userPoolArn],
            }),
          ],
        }),
      },
    });

    const issuer = `https://cognito-idp.${stage.region}.${cdk.Aws.URL_SUFFIX}/${userPool.userPoolId}`;
    // Native AWS::IAM::OIDCProvider (no custom resource); IAM fetches and pins the issuer's certificate
    // itself when no thumbprint is given.
    this.cliOidcProvider = new iam.OidcProviderNative(this, 'CliOidcProvider', {
      url: issuer,
      clientIds: [cliClient.userPoolClientId],
    });
    const redirectUri = `${baseUrl}/oauth2/idpresponse`;
    const providerDetails = cdk.Fn.join('', [
      '{"client_id":"',
      oidc.clientId,
      '","client_secret":"<YOUR_SECRET>","authorize_scopes":"',
      oidc.scopes.join(' '),
      '","attributes_request_method":"GET","oidc_issuer":"',
      oidc.issuerUrl,
      '"}',
    ]);

    addStackOutputs(this, 'auth', {
      userPoolId: userPool.userPoolId,
      issuerUrl: issuer,
      jwksUri: `${issuer}/.well-known/jwks.json`,
      cognitoDomain: baseUrl,
      gatewayClientId: gatewayClient.userPoolClientId,
      gatewayClientSecretArn: gatewaySecret.secretArn,
      cliClientId: cliClient.userPoolClientId,
      federateClientId: oidc.clientId,
      federateRedirectUri: redirectUri,
      federateSecretStoreCommand:
        `aws secretsmanager put-secret-value --secret-id ${idpClientSecretName(oidc.clientId)} ` +
        `--secret-string '{"FEDERATE_CLIENT_SECRET": "<YOUR_SECRET>"}' --region ${stage.region}`,
      federateCognitoUpdateCommand: cdk.Fn.join('', [
        'aws cognito-idp update-identity-provider --user-pool-id ',
        userPool.userPoolId,
        ` --provider-name ${oidc.idpProviderName} --provider-details '`,
        providerDetails,
        `' --region ${stage.region}`,
      ]),
      federateKillSwitchRoleArn: killSwitch.roleArn,
    });
  }
}
