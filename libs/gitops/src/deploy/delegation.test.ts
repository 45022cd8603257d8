import { isDelegated, nsRecordLines, waitForDelegation } from './delegation';

const NS = ['ns-1.awsdns-01.org', 'ns-2.awsdns-02.co.uk', 'ns-3.awsdns-03.com', 'ns-4.awsdns-04.net'];

/** A clock that advances only when the wait sleeps, and a resolver answering from a script. */
function fake(answers: (string[] | Error)[]) {
  let t = 0;
  const asked: string[] = [];
  return {
    asked,
    options: {
      now: () => t,
      sleep: async (ms: number) => {
        t += ms;
      },
      resolveNs: async (name: string) => {
        asked.push(name);
        const a = answers.length > 1 ? answers.shift()! : answers[0];
        if (a instanceof Error) return [];
        return a;
      },
      intervalMs: 30_000,
      timeoutMs: 120_000,
    },
  };
}

test('delegated: the answer names only the zone name servers (case and final dot ignored)', () => {
  expect(isDelegated(['NS-1.awsdns-01.org.', 'ns-2.awsdns-02.co.uk'], NS)).toBe(true);
  expect(isDelegated([], NS)).toBe(false);
  expect(isDelegated(['ns-1.awsdns-01.org', 'ns-9.awsdns-99.com'], NS)).toBe(false);
});

test('the records to add are zone-file lines for the stage host', () => {
  expect(nsRecordLines('dev.metaflow.example.com', NS.slice(0, 1))).toEqual([
    'dev.metaflow.example.com.  172800  IN  NS  ns-1.awsdns-01.org.',
  ]);
});

test('already delegated: returns at once and prints nothing', async () => {
  const f = fake([NS]);
  const lines: string[] = [];
  const r = await waitForDelegation('dev.metaflow.example.com', NS, (l) => lines.push(l), f.options);
  expect(r).toMatchObject({ delegated: true, seconds: 0 });
  expect(lines).toEqual([]);
  expect(f.asked).toEqual(['dev.metaflow.example.com']);
});

test('not delegated yet: prints the NS records to add, polls, and returns once public DNS delegates', async () => {
  const f = fake([new Error('ENOTFOUND'), ['ns-9.awsdns-99.com'], NS]);
  const lines: string[] = [];
  const r = await waitForDelegation('dev.metaflow.example.com', NS, (l) => lines.push(l), f.options);
  expect(r).toMatchObject({ delegated: true, seconds: 60 });
  expect(lines.join('\n')).toContain('add these NS records to the parent zone');
  for (const ns of NS) expect(lines.join('\n')).toContain(`IN  NS  ${ns}.`);
  expect(lines.join('\n')).toMatch(/now answers ns-9\.awsdns-99\.com: not the stage zone's yet/);
  expect(lines.at(-1)).toMatch(/delegated \(after 60s\)/);
});

test('gives up after the timeout, not delegated', async () => {
  const f = fake([[]]);
  const r = await waitForDelegation('dev.metaflow.example.com', NS, () => undefined, f.options);
  expect(r).toMatchObject({ delegated: false, answer: [], seconds: 120 });
  expect(f.asked).toHaveLength(5);
});
