import { Match } from 'aws-cdk-lib/assertions';
import { DISCOVERY_PATH, isInternalError } from '@metaflow-gitops/stage-config';
import { thrownBy } from '@metaflow-gitops/testing/errors';
import { makeStageConfig } from '@metaflow-gitops/testing/stage-config';
import { buildTestStage, BuiltStage } from '@metaflow-gitops/testing/constructs/aws';

let open: BuiltStage;
let restricted: BuiltStage;

beforeAll(() => {
  open = buildTestStage(makeStageConfig({ name: 'dev' }));
  restricted = buildTestStage(
    makeStageConfig({ name: 'prod', isProd: true, ingress: { allowedCidrs: ['198.51.100.0/24', '203.0.113.0/24'] } }),
  );
});

test('the NLB security group admits HTTPS from the allowed CIDRs only and talks only to the cluster', () => {
  restricted.template('ingress').hasResourceProperties('AWS::EC2::SecurityGroup', {
    SecurityGroupIngress: [
      { CidrIp: '198.51.100.0/24', Description: 'HTTPS from 198.51.100.0/24', FromPort: 443, IpProtocol: 'tcp', ToPort: 443 },
      { CidrIp: '203.0.113.0/24', Description: 'HTTPS from 203.0.113.0/24', FromPort: 443, IpProtocol: 'tcp', ToPort: 443 },
    ],
    SecurityGroupEgress: [
      Match.objectLike({
        DestinationSecurityGroupId: { 'Fn::ImportValue': Match.stringLikeRegexp('^prod-eks:ExportsOutputFnGetAttCluster') },
        FromPort: 0,
        ToPort: 65535,
      }),
    ],
  });
});

test('the cluster admits the load balancer', () => {
  open.template('ingress').hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
    GroupId: { 'Fn::ImportValue': Match.stringLikeRegexp('^dev-eks:ExportsOutputFnGetAttCluster') },
    SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LoadBalancerSecurityGroup'), 'GroupId'] },
    IpProtocol: 'tcp',
  });
});

test('stage URLs and the allow-list as outputs', () => {
  const outputs = open.template('ingress').toJSON().Outputs;
  expect(outputs.UiUrl.Value).toBe('https://dev.metaflow.example.com/');
  expect(outputs.ApiUrl.Value).toBe('https://dev.metaflow.example.com/api/');
  expect(outputs.ServiceUrl.Value).toBe('https://dev.metaflow.example.com/cli/');
  expect(outputs.DiscoveryUrl.Value).toBe(`https://dev.metaflow.example.com${DISCOVERY_PATH}`);
  expect(outputs.AllowedCidrs.Value).toBe('0.0.0.0/0');
  expect(restricted.template('ingress').toJSON().Outputs.AllowedCidrs.Value).toBe('198.51.100.0/24,203.0.113.0/24');
});

test('an empty allow-list (which the loader reports) is refused', () => {
  const err = thrownBy(() => buildTestStage(makeStageConfig({ name: 'x', ingress: { allowedCidrs: [] } })));
  expect(isInternalError(err)).toBe(true);
  expect(err.message).toBe('ingress.allowedCidrs is empty: nobody could reach the stage');
});
