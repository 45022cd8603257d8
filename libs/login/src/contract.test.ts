/**
 * Contract with the manifests side: the discovery document they publish (`buildDiscoveryDocument` in
 * @metaflow-gitops/stage-config) must pass this CLI's validation and give the expected profile.
 */
import {
  buildDiscoveryDocument,
  CLI_REDIRECT_PATH,
  CLI_REDIRECT_PORTS,
  placeholderOutputs,
  type StageOutputs,
} from '@metaflow-gitops/stage-config';
import { makeStageConfig } from '@metaflow-gitops/testing/stage-config';
import { validateDiscovery } from './discovery';
import { stageEntries } from './kubeconfig';
import { buildProfile } from './private/profile';

const config = makeStageConfig({ name: 'dev' });
const url = `https://dev.${config.domain.parentDomain}/.well-known/metaflow-gitops.json`;

test('the document the manifests publish validates and yields the profile', () => {
  const outputs: StageOutputs = {
    ...placeholderOutputs(),
    issuerUrl: 'https://cognito-idp.us-west-2.amazonaws.com/us-west-2_AbCdEf123',
    cliClientId: '4example0cli0client',
    cognitoDomain: 'https://metaflow-dev-111111111111.auth.us-west-2.amazoncognito.com',
    artifactBucketName: 'metaflow-dev-artifacts-111111111111',
    clusterName: 'metaflow-dev',
    clusterEndpoint: 'https://ABCDEF0123456789.gr7.us-west-2.eks.amazonaws.com',
    clusterCertificateAuthorityData: Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n').toString('base64'),
    dataScientistRoleArn: 'arn:aws:iam::111111111111:role/dev-eks-DataScientistRoleF86E50E8-AbCdEf012345',
  };
  const doc = validateDiscovery(JSON.parse(JSON.stringify(buildDiscoveryDocument(config, outputs))), url);
  expect(doc.stage).toBe('dev');
  expect(doc.issuer).toBe(outputs.issuerUrl);
  // The ports and path registered on the Cognito CLI client (cliRedirectUris) are what the CLI listens on.
  expect(doc.redirectPorts).toEqual([...CLI_REDIRECT_PORTS]);
  expect(doc.redirectPath).toBe(CLI_REDIRECT_PATH);
  const profile = buildProfile(doc);
  expect(profile.METAFLOW_SERVICE_URL).toBe(`https://dev.${config.domain.parentDomain}/cli/`);
  expect(profile.METAFLOW_SERVICE_INTERNAL_URL).toMatch(/^http:\/\/[a-z0-9.-]+\.svc\.cluster\.local:\d+/);
  expect(profile.METAFLOW_DATASTORE_SYSROOT_S3).toBe('s3://metaflow-dev-artifacts-111111111111/metaflow');
  expect(profile.METAFLOW_DATATOOLS_S3ROOT).toBe('s3://metaflow-dev-artifacts-111111111111/data');
  expect(profile.METAFLOW_DEFAULT_METADATA).toBe('service');
  expect(profile).not.toHaveProperty('METAFLOW_SERVICE_HEADERS');
  // argo-workflows create leaves the headers out of every template and @parallel JobSet manifest.
  expect(profile.METAFLOW_ARGO_WORKFLOWS_ENV_VARS_TO_SKIP.split(',')).toContain('METAFLOW_SERVICE_HEADERS');
  // Steps run the stage's cached task image, pulled from the stage account's own registry.
  expect(profile.METAFLOW_KUBERNETES_CONTAINER_IMAGE).toBe(doc.taskImage);
  expect(profile.METAFLOW_KUBERNETES_CONTAINER_IMAGE).toMatch(
    new RegExp(`^${config.accountId}\\.dkr\\.ecr\\.${config.region}\\.amazonaws\\.com/`),
  );
  // Events from the laptop go through the gateway's /events/ route; pods get the in-cluster webhook.
  expect(profile.METAFLOW_ARGO_EVENTS_WEBHOOK_URL).toBe(`https://dev.${config.domain.parentDomain}/events/metaflow-event`);
  expect(profile.METAFLOW_ARGO_EVENTS_INTERNAL_WEBHOOK_URL).toMatch(/^http:\/\/[a-z0-9.-]+\.svc\.cluster\.local:\d+\/metaflow-event$/);
  // The Eks stack's endpoint and CA outputs reach the kubeconfig context.
  const { cluster, user } = stageEntries(doc);
  expect(cluster.cluster).toEqual({
    server: outputs.clusterEndpoint,
    'certificate-authority-data': outputs.clusterCertificateAuthorityData,
  });
  expect((user.user as { exec: { args: string[] } }).exec.args).toEqual([
    'eks',
    'get-token',
    '--cluster-name',
    'metaflow-dev',
    '--region',
    config.region,
    '--output',
    'json',
  ]);
  // The Eks stack's data-scientist role reaches the login, and kubectl resolves credentials through its profile.
  expect(doc.dataScientistRoleArn).toBe(outputs.dataScientistRoleArn);
  expect((user.user as { exec: { env: unknown } }).exec.env).toEqual([{ name: 'AWS_PROFILE', value: 'metaflow-dev' }]);
});

test('a stage deployed before the public webhook URL, the task image and the data-scientist role were published keeps the in-cluster URL, no image, no AWS profile in kubectl', () => {
  const outputs: StageOutputs = {
    ...placeholderOutputs(),
    issuerUrl: 'https://cognito-idp.us-west-2.amazonaws.com/us-west-2_AbCdEf123',
    cognitoDomain: 'https://metaflow-dev-111111111111.auth.us-west-2.amazoncognito.com',
    artifactBucketName: 'metaflow-dev-artifacts-111111111111',
    clusterName: 'metaflow-dev',
  };
  const published = JSON.parse(JSON.stringify(buildDiscoveryDocument(config, outputs)));
  delete published.argoEvents.publicWebhookUrl;
  delete published.taskImage;
  delete published.taskImageRegistry;
  delete published.clusterEndpoint;
  delete published.clusterCertificateAuthorityData;
  delete published.dataScientistRoleArn;
  const doc = validateDiscovery(published, url);
  const profile = buildProfile(doc);
  // No data-scientist role published: kubectl keeps the user's own AWS identity.
  expect((stageEntries(doc).user.user as { exec: Record<string, unknown> }).exec).not.toHaveProperty('env');
  expect(profile.METAFLOW_ARGO_EVENTS_WEBHOOK_URL).toBe(published.argoEvents.webhookUrl);
  // No cached task image published: Metaflow keeps its own default.
  expect(profile).not.toHaveProperty('METAFLOW_KUBERNETES_CONTAINER_IMAGE');
});
