import { Diagnostic } from '../diagnostics';
import { FieldPath, formatPath, ParsedYaml } from './yaml-positions';

export interface ReportOptions {
  /** Point at the key instead of the value (unknown keys). */
  readonly at?: 'key' | 'value';
  /** Other fields the rule reads: when one of them was already reported, the rule stays quiet. */
  readonly involves?: readonly FieldPath[];
}

/** Collects the diagnostics of one stage file and locates them in its text. */
export class FileContext {
  readonly diagnostics: Diagnostic[] = [];
  private readonly bad = new Set<string>();
  private readonly lines: string[];

  constructor(
    readonly file: string,
    text: string,
    private readonly parsed: ParsedYaml | undefined,
  ) {
    this.lines = text.split('\n');
  }

  get hasErrors(): boolean {
    return this.diagnostics.some((d) => d.severity === 'error');
  }

  /** Whether the file itself sets `path` (as opposed to a default). */
  has(path: FieldPath): boolean {
    return this.parsed?.locate(path) !== undefined;
  }

  /** The value as written in the file (one line, comment stripped), for messages about YAML typing. */
  written(path: FieldPath): string | undefined {
    const loc = this.parsed?.locate(path);
    if (!loc) return undefined;
    const line = this.lines[loc.value.line - 1] ?? '';
    return (
      line
        .slice(loc.value.column - 1)
        .replace(/\s+#.*$/, '')
        .trim() || undefined
    );
  }

  /** Marks `path` as reported by the schema check, so rules reading it stay quiet. */
  markBad(path: FieldPath): void {
    this.bad.add(formatPath(path));
  }

  /** Whether `path` or a node above it was reported (one lookup per level, however many were). */
  private isBad(path: FieldPath): boolean {
    for (let n = 0; n <= path.length; n++) if (this.bad.has(formatPath(path.slice(0, n)))) return true;
    return false;
  }

  error(path: FieldPath, message: string, fix: string, options: ReportOptions = {}): void {
    this.report('error', path, message, fix, options);
  }

  warning(path: FieldPath, message: string, fix: string, options: ReportOptions = {}): void {
    this.report('warning', path, message, fix, options);
  }

  /** Reports at a fixed position (YAML syntax errors, the file name). */
  reportAt(severity: Diagnostic['severity'], line: number, column: number, path: string, message: string, fix: string): void {
    this.diagnostics.push({ severity, file: this.file, line, column, path, message, fix });
  }

  report(severity: Diagnostic['severity'], path: FieldPath, message: string, fix: string, options: ReportOptions = {}): void {
    if (this.isBad(path) || (options.involves ?? []).some((p) => this.isBad(p))) return;
    const { line, column } = this.position(path, options.at ?? 'value');
    this.diagnostics.push({ severity, file: this.file, line, column, path: formatPath(path), message, fix });
    // One error per field: rules that read a field already found wrong stay quiet.
    if (severity === 'error') this.markBad(path);
  }

  /** The diagnostics in file order. */
  sorted(): Diagnostic[] {
    return [...this.diagnostics].sort((a, b) => a.line - b.line || a.column - b.column);
  }

  /**
   * The node at `path`; for a field the file does not set (a default, a missing required key), the
   * nearest enclosing mapping that it does set, pointed at by its key.
   */
  position(path: FieldPath, at: 'key' | 'value'): { line: number; column: number } {
    const direct = this.parsed?.locate(path);
    if (direct) return (at === 'key' && direct.key) || direct.value;
    for (let n = path.length - 1; n >= 0; n--) {
      const loc = this.parsed?.locate(path.slice(0, n));
      if (loc) return loc.key ?? loc.value;
    }
    return { line: 1, column: 1 };
  }
}
