import { FakeDriftCloudFormation } from '@metaflow-gitops/testing/gitops';
import { DriftCfn, stackDrift } from './stack-drift';

// moto, the local AWS emulator of the other tests, implements no drift detection API: a double answers instead.
const cfnOf = (fake: FakeDriftCloudFormation) => fake as unknown as DriftCfn;
const fast = { pollMs: 0, sleep: async () => undefined };

describe('CloudFormation drift of one stack (fake CloudFormation: moto lacks DetectStackDrift)', () => {
  it('ok when the stack is in sync, after polling the detection until it completes', async () => {
    const fake = new FakeDriftCloudFormation({ 'dev-vpc': { state: 'IN_SYNC', inProgress: 2 } });
    expect(await stackDrift(cfnOf(fake), 'dev-vpc', fast)).toEqual({
      check: 'stack-drift:dev-vpc',
      status: 'ok',
      summary: 'dev-vpc matches its template',
    });
    expect(fake.calls).toEqual([
      'DetectStackDrift dev-vpc',
      'DescribeStackDriftDetectionStatus detection-dev-vpc',
      'DescribeStackDriftDetectionStatus detection-dev-vpc',
      'DescribeStackDriftDetectionStatus detection-dev-vpc',
    ]);
  });

  it('fails with one line per drifted property and deleted resource, over every page', async () => {
    const fake = new FakeDriftCloudFormation({
      'dev-data': {
        state: 'DRIFTED',
        drifts: [
          [
            {
              LogicalResourceId: 'Bucket',
              ResourceType: 'AWS::S3::Bucket',
              StackResourceDriftStatus: 'MODIFIED',
              PropertyDifferences: [
                {
                  PropertyPath: '/VersioningConfiguration/Status',
                  ExpectedValue: 'Enabled',
                  ActualValue: 'Suspended',
                  DifferenceType: 'NOT_EQUAL',
                },
              ],
            },
          ],
          [{ LogicalResourceId: 'Alarm', ResourceType: 'AWS::CloudWatch::Alarm', StackResourceDriftStatus: 'DELETED' }],
        ],
      },
    });
    const f = await stackDrift(cfnOf(fake), 'dev-data', fast);
    expect(f).toMatchObject({
      check: 'stack-drift:dev-data',
      status: 'fail',
      summary: 'dev-data drifted: 2 resource(s) changed out of band',
    });
    expect(f.fix).toMatch(/redeploy/);
    expect(f.details).toEqual([
      'Bucket (AWS::S3::Bucket): /VersioningConfiguration/Status not_equal: expected Enabled, actual Suspended',
      'Alarm (AWS::CloudWatch::Alarm): deleted out of band',
    ]);
    expect(fake.calls.filter((c) => c.startsWith('DescribeStackResourceDrifts'))).toHaveLength(2);
  });

  it('a missing stack fails; a detection that cannot check everything, an API error or a timeout is unknown, never ok', async () => {
    const fake = new FakeDriftCloudFormation({ 'dev-eks': { state: 'FAILED' }, 'dev-slow': { state: 'IN_SYNC', inProgress: 1000 } });
    expect(await stackDrift(cfnOf(fake), 'dev-ingress', fast)).toMatchObject({
      status: 'fail',
      summary: 'stack dev-ingress does not exist',
    });
    expect(await stackDrift(cfnOf(fake), 'dev-eks', fast)).toMatchObject({
      status: 'unknown',
      summary: 'drift detection ended DETECTION_FAILED with stack drift status UNKNOWN: access denied for some resources',
    });
    expect(await stackDrift(cfnOf(fake), 'dev-slow', { ...fast, timeoutMs: 0 })).toMatchObject({
      status: 'unknown',
      summary: 'drift detection did not finish in time',
    });
    const denied = {
      send: async () => Promise.reject(Object.assign(new Error('not authorized'), { name: 'AccessDenied' })),
    } as unknown as DriftCfn;
    expect(await stackDrift(denied, 'dev-vpc', fast)).toMatchObject({
      status: 'unknown',
      summary: 'drift detection could not start: AccessDenied: not authorized',
    });
  });
});
