/**
 * Bad input, described so a person can go straight to it: file, 1-based line, column name and number,
 * the offending text, and why it is wrong.
 */

export interface BadLine {
  file: string;
  /** 1-based line number in the (decompressed) file. */
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
  const where = b.column > 0 ? `, column ${b.column} (${b.field})` : '';
  return `${b.file}:${b.line}${where}: ${b.reason} (found ${JSON.stringify(b.value)})`;
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

/** Receives bad lines: throws or records them, as the caller asked. */
export class BadLineSink {
  readonly lines: BadLine[] = [];
  constructor(
    readonly mode: OnError,
    /** Keep at most this many in `lines` (all are still counted). */
    private readonly keep = 10_000,
  ) {}
  count = 0;

  report(bad: BadLine): void {
    if (this.mode === 'throw') throw new DataError(bad);
    this.count++;
    if (this.lines.length < this.keep) this.lines.push(bad);
  }
}

export function truncateValue(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
