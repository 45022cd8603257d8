import { Match } from 'aws-cdk-lib/assertions';
import { buildDiscoveryDocument, placeholderOutputs } from '@metaflow-gitops/stage-config';
import { makeStageConfig } from '@metaflow-gitops/testing/stage-config';
import { buildTestStage, BuiltStage } from '@metaflow-gitops/testing/constructs/aws';

const config = makeStageConfig({ name: 'dev' });
let dev: BuiltStage;

beforeAll(() => {
  dev = buildTestStage(config);
});

type Resource = { Type: string; Properties: Record<string, unknown> };
const resources = () => Object.values(dev.template('eks').toJSON().Resources as Record<string, Resource>);

test('the Eks stack caches ECR Public under the prefix of the task image the discovery document publishes', () => {
  const rules = resources().filter((r) => r.Type === 'AWS::ECR::PullThroughCacheRule');
  expect(rules.map((r) => r.Properties)).toEqual([
    { EcrRepositoryPrefix: 'metaflow-ecr-public', UpstreamRegistry: 'ecr-public', UpstreamRegistryUrl: 'public.ecr.aws' },
  ]);
  const taskImage = buildDiscoveryDocument(config, placeholderOutputs()).taskImage!;
  const [registry, prefix, ...repository] = taskImage.split('/');
  expect(registry).toBe(`${config.accountId}.dkr.ecr.${config.region}.amazonaws.com`);
  expect(prefix).toBe(rules[0].Properties.EcrRepositoryPrefix);
  // An image ECR Public serves: the Docker official images live under docker/library/.
  expect(repository.join('/')).toMatch(/^docker\/library\/python:\d+\.\d+$/);
});

test('nodes may create and import the cached repositories, and only those', () => {
  dev.template('eks').hasResourceProperties('AWS::IAM::Policy', {
    PolicyDocument: {
      Statement: [
        {
          Effect: 'Allow',
          Action: ['ecr:BatchImportUpstreamImage', 'ecr:CreateRepository'],
          Resource: {
            'Fn::Join': [
              '',
              [
                'arn:',
                { Ref: 'AWS::Partition' },
                ':ecr:',
                { Ref: 'AWS::Region' },
                ':',
                { Ref: 'AWS::AccountId' },
                ':repository/metaflow-ecr-public/*',
              ],
            ],
          },
        },
      ],
    },
    Roles: [{ Ref: Match.stringLikeRegexp('^NodeRole') }],
  });
});
