/** An error's message with its cause's code or message (fetch says only "fetch failed" without it). */
export function errorText(err: unknown): string {
  const e = err as { message?: unknown; cause?: { message?: unknown; code?: unknown } } | undefined;
  const message = typeof e?.message === 'string' ? e.message : String(err);
  const cause = e?.cause?.code ?? e?.cause?.message;
  return typeof cause === 'string' && cause && !message.includes(cause) ? `${message} (${cause})` : message;
}
