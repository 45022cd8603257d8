import * as yaml from 'js-yaml';

/** 1-based line and column in a text file. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

export type FieldPath = readonly (string | number)[];

/** Where a node of the document sits: its key (for mapping values) and its value. */
export interface NodeLocation {
  readonly key?: Position;
  readonly value: Position;
}

export interface ParsedYaml {
  readonly value: unknown;
  /** How many nodes the text writes out (an alias counts as one, whatever it refers to). */
  readonly nodeCount: number;
  /** Location of the node at `path`, or undefined when the document does not contain it. */
  readonly locate: (path: FieldPath) => NodeLocation | undefined;
}

export class YamlSyntaxError extends Error {
  constructor(
    readonly reason: string,
    readonly position: Position,
  ) {
    super(reason);
    this.name = 'YamlSyntaxError';
  }
}

/** `a.b[2].c` */
export function formatPath(path: FieldPath): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out ? `.${part}` : part;
  return out;
}

interface Frame {
  readonly open: number;
  readonly children: Frame[];
  kind: string | null;
  result: unknown;
}

/**
 * Parses YAML with js-yaml and records where every node starts, so validation messages can point at
 * `file:line:column`. js-yaml has no position API; its `listener` option reports each node as it is
 * opened and closed, which gives the node tree in document order: a mapping's children come as
 * key, value, key, value (block and flow style), a sequence's as its items. A node is "opened"
 * before the separating whitespace and comments are skipped, so the start is found by skipping them.
 */
export function parseYamlWithPositions(text: string): ParsedYaml {
  const root: Frame = { open: 0, children: [], kind: null, result: undefined };
  const stack: Frame[] = [root];
  let value: unknown;
  let nodeCount = 0;
  try {
    value = yaml.load(text, {
      schema: yaml.CORE_SCHEMA,
      listener(event, state) {
        if (event === 'open') {
          nodeCount++;
          const frame: Frame = { open: state.position, children: [], kind: null, result: undefined };
          stack[stack.length - 1].children.push(frame);
          stack.push(frame);
        } else {
          const frame = stack.pop() as Frame;
          frame.kind = state.kind;
          frame.result = state.result;
        }
      },
    });
  } catch (err) {
    if (err instanceof yaml.YAMLException) {
      const mark = err.mark as { line: number; column: number } | undefined;
      throw new YamlSyntaxError(err.reason, { line: (mark?.line ?? 0) + 1, column: (mark?.column ?? 0) + 1 });
    }
    throw err;
  }

  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const toPosition = (offset: number): Position => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - lineStarts[lo] + 1 };
  };
  const startOf = (frame: Frame): number => {
    let i = frame.open;
    for (;;) {
      const ch = text[i];
      if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n') i++;
      else if (ch === '#') while (i < text.length && text[i] !== '\n') i++;
      else return i;
    }
  };

  const locations = new Map<string, NodeLocation>();
  const key = (path: FieldPath) => JSON.stringify(path);
  const visit = (frame: Frame, path: FieldPath, keyPos: Position | undefined) => {
    const valuePos = frame.kind === null && keyPos ? keyPos : toPosition(startOf(frame));
    locations.set(key(path), { key: keyPos, value: valuePos });
    if (frame.kind === 'mapping' && isPlainObject(frame.result)) {
      const keys = new Set(Object.keys(frame.result));
      for (let i = 0; i + 1 < frame.children.length; i += 2) {
        const k = frame.children[i];
        if (k.kind !== 'scalar' || !keys.has(String(k.result))) break; // flow pairs in odd shapes: stop, positions fall back to this mapping
        visit(frame.children[i + 1], [...path, String(k.result)], toPosition(startOf(k)));
      }
    } else if (frame.kind === 'sequence' && Array.isArray(frame.result) && frame.children.length === frame.result.length) {
      frame.children.forEach((child, i) => visit(child, [...path, i], undefined));
    }
  };
  // The document's root node is the first node opened; an empty document has none.
  if (root.children.length > 0) visit(root.children[0], [], undefined);
  else locations.set(key([]), { value: { line: 1, column: 1 } });

  return { value, nodeCount, locate: (path) => locations.get(key(path)) };
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
