import { buildDiscoveryDocument, discoveryUrl } from './discovery';
import { readStageOutputs, OUTPUTS, RawStackOutputs, placeholderOutputs } from './stage-outputs';
import { CLI_REDIRECT_PORTS, stackName } from './naming';
import { makeStageConfig } from './testing';

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
    expect(doc.metaflow.serviceUrl).toBe('https://dev.metaflow.example.com/cli/');
    expect(doc.metaflow.uiUrl).toBe('https://dev.metaflow.example.com/');
    expect(discoveryUrl(config)).toBe('https://dev.metaflow.example.com/.well-known/metaflow-gitops.json');
  });

  it('takes identity values from the deployed outputs', () => {
    expect(doc.auth.issuer).toBe('value-of-issuerUrl');
    expect(doc.auth.clientId).toBe('value-of-cliClientId');
    expect(doc.auth.redirectPorts).toEqual([...CLI_REDIRECT_PORTS]);
    expect(doc.clusterName).toBe('value-of-clusterName');
    expect(doc.region).toBe('eu-west-1');
  });

  it('derives the datastore roots from the bucket', () => {
    expect(doc.metaflow.datastoreSysrootS3).toBe('s3://value-of-artifactBucketName/metaflow');
    expect(doc.metaflow.datatoolsS3Root).toBe('s3://value-of-artifactBucketName/data');
  });

  it('carries no secret-bearing output', () => {
    const text = JSON.stringify(buildDiscoveryDocument(config, placeholderOutputs()));
    for (const secretish of ['databaseSecretArn', 'gatewayClientSecretArn', 'gatewayClientId', 'federate']) {
      expect(text).not.toContain(secretish);
    }
  });
});
