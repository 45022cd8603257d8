/** What `run` throws, for tests that check an error's kind with its guard (`isAssemblyError`, ...); fails when it returns. */
export function thrownBy(run: () => unknown): Error & { code?: string; fix?: string } {
  try {
    run();
  } catch (err) {
    return err as Error & { code?: string; fix?: string };
  }
  throw new Error('expected an error, but nothing was thrown');
}
