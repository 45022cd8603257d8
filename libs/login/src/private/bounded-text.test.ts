import { boundedText } from './bounded-text';

/** A body of `chunks` chunks of `size` bytes, counting how many were pulled. */
function body(chunks: number, size: number): { res: Response; pulled: () => number } {
  let pulled = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled === chunks) return controller.close();
      pulled++;
      controller.enqueue(new Uint8Array(size).fill(0x61));
    },
  });
  return { res: new Response(stream), pulled: () => pulled };
}

describe('boundedText', () => {
  it('returns a body within the bound', async () => {
    const { res } = body(4, 1000);
    expect(await boundedText(res, 4000)).toBe('a'.repeat(4000));
  });

  it('stops reading an endless body one chunk past the bound', async () => {
    const { res, pulled } = body(Number.POSITIVE_INFINITY, 64 * 1024);
    expect(await boundedText(res, 256 * 1024)).toBeUndefined();
    expect(pulled()).toBeLessThanOrEqual(6);
  });

  it('refuses a declared Content-Length over the bound without reading', async () => {
    const { res, pulled } = body(1, 10);
    const declared = new Response(res.body, { headers: { 'content-length': String(300 * 1024 * 1024) } });
    expect(await boundedText(declared, 256 * 1024)).toBeUndefined();
    expect(pulled()).toBeLessThanOrEqual(1);
  });

  it('decodes UTF-8 split across chunks', async () => {
    const bytes = Buffer.from('héllo');
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.subarray(0, 2));
        controller.enqueue(bytes.subarray(2));
        controller.close();
      },
    });
    expect(await boundedText(new Response(stream), 100)).toBe('héllo');
  });
});
