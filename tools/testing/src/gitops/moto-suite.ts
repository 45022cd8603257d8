import { MotoServer, motoUnavailable, startMoto, useEnv } from '../rehearsal/moto';

/** The account and region the moto suites answer as (the example stage's). */
export const MOTO_ACCOUNT = '111111111111';
export const MOTO_REGION = 'us-west-2';

/**
 * A jest `describe` whose tests run against one moto_server (started before them, the SDK pointed
 * at it through the environment, stopped after). Skipped, with the reason on stderr, where
 * moto_server is not installed.
 */
export function describeOnMoto(title: string, body: () => void): void {
  const unavailable = motoUnavailable();
  if (unavailable) {
    process.stderr.write(`${title} SKIPPED: ${unavailable}\n`);
    describe.skip(title, body);
    return;
  }
  describe(title, () => {
    let moto: MotoServer | undefined;
    let restore: (() => void) | undefined;
    beforeAll(async () => {
      moto = await startMoto(MOTO_ACCOUNT, MOTO_REGION);
      restore = useEnv(moto.env);
    }, 60_000);
    afterAll(async () => {
      restore?.();
      await moto?.stop();
    });
    body();
  });
}
