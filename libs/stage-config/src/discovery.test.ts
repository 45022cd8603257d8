import { buildDiscoveryDocument, discoveryUrl } from './discovery';
import { readStageOutputs, OUTPUTS, RawStackOutputs, placeholderOutputs } from './stage-outputs';
import { CLI_REDIRECT_PORTS, stackName } from './naming';
import { makeStageConfig } from '@metaflow-gitops/testing/stage-config';

function outputsFor(stage: string) {
  const raw: RawStackOutputs = {};
  for (const [name, spec] of Object.entries(OUTPUTS)) {
    const stack = stackName(stage, spec.stack);
    raw[stack] = { ...raw[stack], [spec.outputKey]: `value-of-${name}` };
  }
  return readStageOutputs(stage, raw);
}

describe('discovery document', () => {
  const config = makeStageConfig({ name: 'dev', region: 'eu-west-1' });
  const doc = buildDiscoveryDocument(config, outputsFor('dev'));

  it('points the CLI at the stage host through the gateway', () => {
    expect(doc.serviceUrl).toBe('https://dev.metaflow.example.com/cli/');
    expect(doc.uiUrl).toBe('https://dev.metaflow.example.com/');
    expect(discoveryUrl(config)).toBe('https://dev.metaflow.example.com/.well-known/metaflow-gitops.json');
  });

  it('takes identity values from the deployed outputs', () => {
    expect(doc.issuer).toBe('value-of-issuerUrl');
    expect(doc.cliClientId).toBe('value-of-cliClientId');
    expect(doc.redirectPorts).toEqual([...CLI_REDIRECT_PORTS]);
    expect(doc.clusterName).toBe('value-of-clusterName');
    expect(doc.region).toBe('eu-west-1');
  });

  it('publishes the cluster endpoint and CA data for a kubeconfig context', () => {
    expect(doc.clusterEndpoint).toBe('value-of-clusterEndpoint');
    expect(doc.clusterCertificateAuthorityData).toBe('value-of-clusterCertificateAuthorityData');
  });

  it("publishes the data-scientist role metaflow-login assumes for the stage's AWS profile", () => {
    expect(doc.dataScientistRoleArn).toBe('value-of-dataScientistRoleArn');
  });

  it('publishes the endpoint of a private cluster too (kubectl reaches it over VPN)', () => {
    const privateConfig = makeStageConfig({ name: 'dev', region: 'eu-west-1', cluster: { publicEndpoint: false } });
    expect(privateConfig.cluster.publicEndpoint).toBe(false);
    const privateDoc = buildDiscoveryDocument(privateConfig, outputsFor('dev'));
    expect(privateDoc.clusterEndpoint).toBe('value-of-clusterEndpoint');
    expect(privateDoc.clusterCertificateAuthorityData).toBe('value-of-clusterCertificateAuthorityData');
  });

  it('derives the datastore roots from the bucket', () => {
    expect(doc.datastoreSysrootS3).toBe('s3://value-of-artifactBucketName/metaflow');
    expect(doc.datatoolsS3Root).toBe('s3://value-of-artifactBucketName/data');
  });

  it('points pods at the in-cluster service and the Argo Events webhook', () => {
    expect(doc.serviceInternalUrl).toBe('http://metaflow-metadata.metaflow.svc.cluster.local:8080');
    expect(doc.kubernetesNamespace).toBe('metaflow-jobs');
    expect(doc.kubernetesServiceAccount).toBe('metaflow-task');
    expect(doc.argoEvents).toEqual({
      eventBus: 'default',
      eventSource: 'metaflow-webhook',
      event: 'metaflow-event',
      serviceAccount: 'argo-events-sensor',
      webhookUrl: 'http://metaflow-webhook-eventsource-svc.metaflow-jobs.svc.cluster.local:12000/metaflow-event',
      publicWebhookUrl: 'https://dev.metaflow.example.com/events/metaflow-event',
    });
  });

  it("publishes the task image through the stage account's ECR cache of ECR Public", () => {
    expect(doc.taskImageRegistry).toBe(`${config.accountId}.dkr.ecr.eu-west-1.amazonaws.com/metaflow-ecr-public`);
    expect(doc.taskImage).toBe(`${doc.taskImageRegistry}/docker/library/python:3.12`);
  });

  it('carries no secret-bearing output', () => {
    const text = JSON.stringify(buildDiscoveryDocument(config, placeholderOutputs()));
    for (const secretish of ['databaseSecretArn', 'gatewayClientSecretArn', 'gatewayClientId', 'federate']) {
      expect(text).not.toContain(secretish);
    }
  });
});
