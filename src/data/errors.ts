/**
 * Bad input, described so a person can go straight to it: file, 1-based line, column name and number,
 * the offending text, and why it is wrong.
 */

export interface BadLine {
  file: string;
  /** 1-based line number in the (decompressed) file; 0 when the problem is the file as a whole (empty, cut short). */
  line: number;
  /** Column name where one is known ('time', 'askPrice3', ...), else `col<N>`. */
  field: string;
  /** 1-based column number; 0 when the problem is the whole line (wrong column count). */
  column: number;
  /** The text found (truncated to 80 characters). */
  value: string;
  reason: string;
}

export function describeBadLine(b: BadLine): string {
  const at = b.line > 0 ? `${b.file}:${b.line}` : b.file;
  const where = b.column > 0 ? `, column ${b.column} (${b.field})` : '';
  // A whole-line or whole-file problem with no text to show says nothing more than its reason.
  const found = b.column > 0 || b.value !== '' ? ` (found ${JSON.stringify(b.value)})` : '';
  return `${at}${where}: ${b.reason}${found}`;
}

/** A problem with a file as a whole (line 0): it is empty, cut short, unreadable. */
export function fileProblem(file: string, reason: string): BadLine {
  return { file, line: 0, field: 'file', column: 0, value: '', reason };
}

/** Thrown for bad input when `onError` is `'throw'` (the default). */
export class DataError extends Error {
  readonly bad: BadLine;
  constructor(bad: BadLine) {
    super(describeBadLine(bad));
    this.name = 'DataError';
    this.bad = bad;
  }
}

/** `'throw'` stops at the first bad line; `'collect'` keeps going and reports every bad line. */
export type OnError = 'throw' | 'collect';

/**
 * Receives bad lines: throws or records them, as the caller asked. Reports may arrive interleaved from
 * files read at once; `lines` lists them in a fixed order (by file, in the order the files were named,
 * then by line), whatever order they arrived in.
 */
export class BadLineSink {
  private listed: BadLine[] = [];
  private sortedUpTo = 0;
  private readonly perFile = new Map<string, { count: number; lineCount: number; listed: number }>();
  count = 0;
  constructor(
    readonly mode: OnError,
    /** Keep at most this many in `lines` (all are still counted). */
    private readonly keep = 10_000,
    /** Files in the order their problems are listed (others after them, by name). */
    private readonly fileOrder: readonly string[] = [],
  ) {}

  report(bad: BadLine): void {
    if (this.mode === 'throw') throw new DataError(bad);
    this.count++;
    let f = this.perFile.get(bad.file);
    if (!f) this.perFile.set(bad.file, (f = { count: 0, lineCount: 0, listed: 0 }));
    f.count++;
    if (bad.line > 0) f.lineCount++;
    // Each file's reports arrive in line order, so keeping each file's first `keep` keeps the same
    // lines whichever file was read faster; `lines` cuts the merged list to `keep` after sorting.
    if (f.listed < this.keep) {
      f.listed++;
      this.listed.push(bad);
    }
  }

  /** Problems reported against `file`: all of them, or only those about one of its lines. */
  countFor(file: string, linesOnly = false): number {
    const f = this.perFile.get(file);
    return f ? (linesOnly ? f.lineCount : f.count) : 0;
  }

  /** The listed problems by file, then line (at most `keep`). */
  get lines(): BadLine[] {
    if (this.sortedUpTo !== this.listed.length) {
      const order = this.fileOrder;
      const rank = (file: string) => {
        const k = order.indexOf(file);
        return k < 0 ? order.length : k;
      };
      this.listed.sort(
        (a, b) => rank(a.file) - rank(b.file) || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line,
      );
      if (this.listed.length > this.keep) this.listed = this.listed.slice(0, this.keep);
      this.sortedUpTo = this.listed.length;
    }
    return this.listed;
  }
}

export function truncateValue(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
