/** What a bounded GET answered: the status, the headers (lowercase names) and at most `maxBytes` of the body. */
export interface HttpAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface HttpGetOptions {
  readonly headers?: Readonly<Record<string, string>>;
  /** @default 10 seconds */
  readonly timeoutMs?: number;
}

/** A GET the doctor's checks make; tests pass their own. Throws when there is no answer (DNS, TLS, timeout). */
export type HttpGet = (url: string, options?: HttpGetOptions) => Promise<HttpAnswer>;

const MAX_BYTES = 1024 * 1024;

/**
 * GET with a deadline and no redirects (a redirect is an answer to report, not to follow), the body
 * cut at 1 MiB. TLS is verified as usual: an invalid certificate is an error, not an answer.
 */
export const boundedGet: HttpGet = async (url, options = {}) => {
  const res = await fetch(url, {
    headers: options.headers,
    redirect: 'manual',
    signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
  });
  const buf = Buffer.from(await res.arrayBuffer());
  return {
    status: res.status,
    headers: Object.fromEntries([...res.headers.entries()].map(([k, v]) => [k.toLowerCase(), v])),
    body: buf.subarray(0, MAX_BYTES).toString('utf8'),
  };
};
