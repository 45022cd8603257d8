import { placeholderOutputs } from '@metaflow-gitops/stage-config';
import { makeStageConfig } from '@metaflow-gitops/testing/stage-config';
import { doctorContext } from '../doctor-context';
import { dnsDelegationCheck } from './dns-delegation';

// Public DNS is replaced by a stand-in resolver (the check's `resolveNs`).
const ours = ['ns-1.awsdns-01.org', 'ns-2.awsdns-02.net'];
const run = async (answer: () => Promise<string[]>, mode: 'manual' | 'same-account' = 'same-account') => {
  const asked: string[] = [];
  const config = makeStageConfig({
    name: 'dns',
    domain: { delegation: mode === 'manual' ? { mode: 'manual' } : { mode: 'same-account', parentHostedZoneId: 'Z0000000000EXAMPLE000' } },
  });
  const ctx = doctorContext(config, {
    outputs: async () => ({ ...placeholderOutputs(), nameServers: ours.join(',') }),
    resolveNs: async (name) => (asked.push(name), answer()),
  });
  return { findings: [await dnsDelegationCheck.run(ctx)].flat(), asked };
};

describe('dns-delegation check', () => {
  it("is ok when public DNS answers the zone's name servers (any case, final dot)", async () => {
    const { findings, asked } = await run(async () => ['NS-1.awsdns-01.org.', 'ns-2.awsdns-02.net']);
    expect(asked).toEqual(['dns.metaflow.example.com']);
    expect(findings).toEqual([expect.objectContaining({ check: 'dns-delegation', status: 'ok' })]);
  });

  it('fails with no NS answer, listing the records to add (manual delegation)', async () => {
    const [f] = (await run(async () => [], 'manual')).findings;
    expect(f).toMatchObject({ status: 'fail', summary: 'public DNS has no NS records for dns.metaflow.example.com' });
    expect(f.details).toEqual([
      'dns.metaflow.example.com.  172800  IN  NS  ns-1.awsdns-01.org.',
      'dns.metaflow.example.com.  172800  IN  NS  ns-2.awsdns-02.net.',
    ]);
    expect(f.fix).toContain('put exactly these NS records in the parent zone');
  });

  it('fails when the delegation names an older zone; the fix says the Dns stack restores it', async () => {
    const [f] = (await run(async () => ['ns-9.awsdns-09.com'])).findings;
    expect(f.summary).toBe('public DNS delegates dns.metaflow.example.com to ns-9.awsdns-09.com, not to the stage zone (an older zone?)');
    expect(f.fix).toContain('mfctl deploy dns restores it');
  });

  it('throws when DNS cannot be asked (the runner reports it unknown, not "not delegated")', async () => {
    await expect(run(async () => Promise.reject(Object.assign(new Error('queryNs ETIMEOUT'), { code: 'ETIMEOUT' })))).rejects.toThrow(
      'ETIMEOUT',
    );
  });
});
