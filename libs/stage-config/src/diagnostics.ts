import { printable } from './printable';

/** One problem found in a stage file, located at the offending node. */
export interface Diagnostic {
  /** Errors make the stage invalid; warnings are reported and do not fail. */
  readonly severity: 'error' | 'warning';
  /** Path of the stage file as given to the loader (repo-relative for the repo's stages). */
  readonly file: string;
  /** 1-based line and column of the offending node (the key for unknown keys, the parent mapping for missing keys). */
  readonly line: number;
  readonly column: number;
  /** Field path, e.g. `network.availabilityZones[1]`; empty for the whole file. */
  readonly path: string;
  /** What is wrong, naming the field and quoting the value. */
  readonly message: string;
  /** How to fix it. */
  readonly fix: string;
}

/**
 * `<file>:<line>:<col>: <field.path>: <message> (fix: <fix>)`, warnings marked `warning:`, on one
 * line (see `printable`).
 */
export function formatDiagnostic(d: Diagnostic): string {
  const where = `${d.file}:${d.line}:${d.column}:`;
  const what = `${d.severity === 'warning' ? 'warning: ' : ''}${d.message}${d.fix ? ` (fix: ${d.fix})` : ''}`;
  return printable(d.path ? `${where} ${d.path}: ${what}` : `${where} ${what}`);
}

/** Thrown by `loadStage` when the stage is invalid; carries every diagnostic of the stage. */
export class StageConfigError extends Error {
  constructor(readonly diagnostics: readonly Diagnostic[]) {
    super(
      diagnostics
        .filter((d) => d.severity === 'error')
        .map(formatDiagnostic)
        .join('\n') || 'invalid stage',
    );
    this.name = 'StageConfigError';
  }
}

/** Levenshtein distance, for "did you mean". */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length];
}

/** The closest candidate within a distance that still looks like a typo, case-insensitively. */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}
