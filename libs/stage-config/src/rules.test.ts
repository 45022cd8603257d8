import { minimalStageText } from '@metaflow-gitops/testing/stage-config';
import { parseStageText } from './loader';

/** A valid non-prod stage plus the given lines; returns the diagnostics of `path` (severity and message). */
function diagnose(path: string, ...lines: string[]) {
  const text = minimalStageText(...lines);
  return parseStageText('dev', 'environments/dev.yaml', text)
    .diagnostics.filter((d) => d.path === path)
    .map((d) => `${d.severity}: ${d.message}`);
}

describe('no NAT gateway (no internet egress)', () => {
  it('is an error until the endpoints the stage then needs are listed, naming the missing ones', () => {
    expect(diagnose('network.natGateways', 'network:', '  natGateways: 0', '  vpcEndpoints: [s3, ecr.api]')).toEqual([
      'error: is 0 (no internet egress) but the VPC endpoints the stage then needs are not listed: ecr.dkr, sts, eks-auth, secretsmanager',
    ]);
    expect(
      diagnose(
        'network.natGateways',
        'network:',
        '  natGateways: 0',
        '  vpcEndpoints: [s3, ecr.api, ecr.dkr, sts, eks-auth, secretsmanager]',
      ),
    ).toEqual([]);
  });

  it('cannot carry the sync runner, which talks to GitHub', () => {
    const runner = [
      'deploy:',
      '  syncRunner:',
      '    repository: acme/platform',
      '    connectionArn: arn:aws:codeconnections:us-west-2:111111111111:connection/abc',
    ];
    expect(
      diagnose(
        'deploy.syncRunner',
        'network:',
        '  natGateways: 0',
        '  vpcEndpoints: [s3, ecr.api, ecr.dkr, sts, eks-auth, secretsmanager]',
        ...runner,
      ),
    ).toEqual([expect.stringMatching(/^error: needs internet egress/)]);
    expect(diagnose('deploy.syncRunner', ...runner)).toEqual([]);
  });
});

describe('public API endpoint CIDRs', () => {
  it('must be CIDRs', () => {
    expect(diagnose('cluster.publicAccessCidrs[1]', 'cluster:', '  publicAccessCidrs: [203.0.113.0/24, 300.0.0.0/8]')).toEqual([
      expect.stringMatching(/^error: .*invalid address/),
    ]);
  });

  it('narrowed, need the in-VPC sync runner (GitHub-hosted runners have no fixed addresses)', () => {
    expect(diagnose('cluster.publicAccessCidrs', 'cluster:', '  publicAccessCidrs: [203.0.113.0/24]')).toEqual([
      expect.stringMatching(/^error: narrows the public Kubernetes API.*GitHub-hosted runner/),
    ]);
    expect(
      diagnose(
        'cluster.publicAccessCidrs',
        'cluster:',
        '  publicAccessCidrs: [203.0.113.0/24]',
        'deploy:',
        '  syncRunner:',
        '    repository: acme/platform',
        '    connectionArn: arn:aws:codeconnections:us-west-2:111111111111:connection/abc',
      ),
    ).toEqual([]);
    expect(diagnose('cluster.publicAccessCidrs', 'cluster:', '  publicAccessCidrs: [0.0.0.0/0]')).toEqual([]);
  });

  it('make no sense with a private endpoint', () => {
    expect(diagnose('cluster.publicAccessCidrs', 'cluster:', '  publicEndpoint: false', '  publicAccessCidrs: [203.0.113.0/24]')).toEqual([
      'error: is set but the API endpoint is private (publicEndpoint: false)',
    ]);
  });
});
