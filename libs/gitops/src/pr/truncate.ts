/**
 * Section boundaries are marked in the rendered markdown with a hidden comment carrying the number
 * of `<details>` blocks open at that point, so a body read back from a file can be cut there and
 * stay well-formed (the open blocks are closed after the cut).
 */
const BOUNDARY = /<!-- mfg:section depth=(\d+) -->\n/g;

export function sectionBoundary(depth: number): string {
  return `<!-- mfg:section depth=${depth} -->\n`;
}

/** GitHub's limit on issue and PR comment bodies, in characters. */
export const COMMENT_LIMIT = 65_536;
/** GitHub's limit on one step's job summary, in bytes. */
export const SUMMARY_LIMIT_BYTES = 1024 * 1024;

export interface Cut {
  readonly text: string;
  readonly truncated: boolean;
  /** Sections left out. */
  readonly omittedSections: number;
}

/**
 * Cuts `body` at the last section boundary that leaves room for `note(omitted)`, measured with
 * `size` (characters by default). A body that fits is returned unchanged (boundary markers kept:
 * they are invisible). `size` must add up over concatenation (characters and UTF-8 bytes do: the
 * body is only split where a boundary marker starts), so each section is measured once and the
 * cut is linear in the body's length.
 */
export function cutAtSections(
  body: string,
  limit: number,
  note: (omitted: number) => string,
  size: (s: string) => number = (s) => s.length,
): Cut {
  if (size(body) <= limit) return { text: body, truncated: false, omittedSections: 0 };
  const boundaries = [...body.matchAll(BOUNDARY)].map((m) => ({ at: m.index, depth: Number(m[1]) }));
  // headSize[i]: size of the body before boundary i.
  const headSize: number[] = [];
  let from = 0;
  let measured = 0;
  for (const { at } of boundaries) {
    measured += size(body.slice(from, at));
    headSize.push(measured);
    from = at;
  }
  for (let i = boundaries.length - 1; i >= 0; i--) {
    const { at, depth } = boundaries[i];
    const omitted = boundaries.length - i;
    const close = `${'</details>\n'.repeat(depth)}\n${note(omitted)}\n`;
    if (headSize[i] + size(close) <= limit) return { text: `${body.slice(0, at)}${close}`, truncated: true, omittedSections: omitted };
  }
  // Not even the first section fits: keep what fits of the head, cut on a line boundary.
  const tail = `\n${note(boundaries.length)}\n`;
  let head = body.slice(0, Math.max(0, limit - size(tail)));
  while (size(head) + size(tail) > limit) head = head.slice(0, Math.floor(head.length * 0.9));
  head = head.slice(0, head.lastIndexOf('\n') + 1);
  return { text: `${head}${tail}`, truncated: true, omittedSections: boundaries.length };
}

export function utf8Bytes(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}
