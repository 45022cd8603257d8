import type { CfnTemplate } from '../synth/stage-assembly';

// Nx runs tasks with FORCE_COLOR set, and cloudformation-diff colours its tables with chalk, which
// reads the environment when it is loaded: load both with colour forced.
describe('diffStack under FORCE_COLOR', () => {
  const before: CfnTemplate = {
    Resources: {
      Sg: {
        Type: 'AWS::EC2::SecurityGroup',
        Properties: {
          GroupDescription: 'x',
          SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '10.0.0.0/8' }],
        },
      },
    },
  };
  const after: CfnTemplate = {
    Resources: {
      Sg: {
        Type: 'AWS::EC2::SecurityGroup',
        Properties: {
          GroupDescription: 'x',
          SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0' }],
        },
      },
      P: {
        Type: 'AWS::IAM::Policy',
        Properties: { PolicyName: 'p', Roles: ['r'], PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] } },
      },
    },
  };
  let saved: string | undefined;
  beforeAll(() => {
    saved = process.env.FORCE_COLOR;
    process.env.FORCE_COLOR = '3';
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.FORCE_COLOR;
    else process.env.FORCE_COLOR = saved;
  });

  it('the library does colour its tables here (so the next test means something)', () => {
    jest.isolateModules(() => {
      const { fullDiff } = require('@aws-cdk/cloudformation-diff');
      expect(JSON.stringify(fullDiff(before, after).securityGroupChanges.summarize())).toContain('\\u001b[');
    });
  });

  it('keeps the report free of colour codes', () => {
    jest.isolateModules(() => {
      const { diffStack } = require('./template-diff');
      const d = diffStack('dev-ingress', before, after);
      expect(JSON.stringify(d)).not.toContain('\\u001b');
      expect(d.securityGroups.slice(1)).toContainEqual(['+', '${Sg.GroupId}', 'In', 'TCP 443', 'Everyone (IPv4)']);
      expect(d.iamStatements.slice(1)).toContainEqual(expect.arrayContaining(['+', '*', 'Allow', 's3:*']));
    });
  });
});
