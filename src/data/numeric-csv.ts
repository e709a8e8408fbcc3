/**
 * The CSV hot path: comma-separated numeric rows parsed straight from bytes into a reused Float64Array,
 * one row at a time, with no strings made for numeric fields. Chunks may end anywhere; a partial line
 * is carried to the next chunk. Every problem is reported with file, line, column and the text found.
 */
import { BadLineSink, truncateValue } from './errors';
import { i32 } from '../util/growable';

const COMMA = 44;
const NL = 10;
const CR = 13;
const MINUS = 45;
const PLUS = 43;
const DOT = 46;
const ZERO = 48;
const NINE = 57;

const POW10: number[] = [];
for (let i = 0; i <= 22; i++) POW10.push(10 ** i);

export interface NumericRowSink {
  /**
   * One well-formed row: `values[at .. at+n)` (NaN for text columns, whose text is in `text[col]`).
   * `line` is 1-based. Return true to accept the row (with `keepRows` the parser then keeps it in
   * `values`), false to drop it (after reporting why through the BadLineSink). The sink may rewrite
   * the row's values in place.
   */
  row(values: Float64Array, at: number, n: number, line: number, text: readonly string[]): boolean;
}

export interface NumericCsvOptions {
  file: string;
  /** Name of column `i` (0-based), for error messages. */
  columnName: (i: number) => string;
  /** Column counts a row may have; the first data row fixes the count for the rest of the file. */
  allowedColumnCounts: readonly number[];
  /** 0-based columns that hold text (kept as strings) rather than numbers. */
  textColumns?: readonly number[];
  /**
   * Keep accepted rows in `values`, row-major with stride `columnCount` (no copy per row: the
   * parser writes each number where it will stay). Otherwise `values` is one row of scratch.
   */
  keepRows?: boolean;
  bad: BadLineSink;
}

const latin1 = new TextDecoder('latin1');

export class NumericCsvParser {
  /** Accepted rows, row-major (with `keepRows`), or the current row. */
  values: Float64Array;
  /** Source line of each kept row (with `keepRows`). */
  keptLines: Int32Array;
  keptRows = 0;
  private readonly maxCols: number;
  private readonly text: string[];
  private readonly isText: Uint8Array;
  private carry: Uint8Array = new Uint8Array(256);
  private carryLen = 0;
  private lineNo = 0;
  /** Column count fixed by the first data row (0 until then). */
  columnCount = 0;
  rows = 0;
  blankLines = 0;
  badLines = 0;
  /** Line numbers of the blank lines (rare), so rows can be counted without them. */
  readonly blankAt = i32(16);

  constructor(
    private readonly opts: NumericCsvOptions,
    private readonly sink: NumericRowSink,
  ) {
    const maxCols = Math.max(...opts.allowedColumnCounts);
    this.maxCols = maxCols;
    this.values = new Float64Array(opts.keepRows ? maxCols * 256 + 1 : maxCols + 1);
    this.keptLines = new Int32Array(opts.keepRows ? 256 : 0);
    this.text = new Array<string>(maxCols + 1).fill('');
    this.isText = new Uint8Array(maxCols + 1);
    for (const c of opts.textColumns ?? []) this.isText[c] = 1;
  }

  get linesSeen(): number {
    return this.lineNo;
  }

  /** Lines that were not blank: the file's rows, good and bad. */
  get rowsSeen(): number {
    return this.lineNo - this.blankLines;
  }

  /** Drop a partial last line (the file was cut short, so it is not a whole line). */
  abandon(): void {
    this.carryLen = 0;
  }

  /** Make room for `rows` kept rows in all (call early with an estimate to avoid regrowth). */
  reserveRows(rows: number): void {
    if (!this.opts.keepRows) return;
    const stride = this.columnCount || this.maxCols;
    if (rows * stride + this.maxCols + 1 > this.values.length) {
      const v = new Float64Array(rows * stride + this.maxCols + 1);
      v.set(this.values.subarray(0, this.keptRows * stride));
      this.values = v;
    }
    if (rows > this.keptLines.length) {
      const l = new Int32Array(rows);
      l.set(this.keptLines.subarray(0, this.keptRows));
      this.keptLines = l;
    }
  }

  /** The kept rows as an exact-length array (a view when little space is wasted, else a copy). */
  keptValues(): Float64Array {
    const used = this.keptRows * this.columnCount;
    return used * 1.25 >= this.values.length ? this.values.subarray(0, used) : this.values.slice(0, used);
  }

  push(chunk: Uint8Array): void {
    let start = 0;
    const n = chunk.length;
    // A UTF-8 byte-order mark (some editors and exporters write one) is not part of the first field.
    if (this.lineNo === 0 && this.carryLen === 0 && n >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) start = 3;
    if (this.carryLen > 0) {
      const nl = chunk.indexOf(NL);
      if (nl < 0) {
        this.appendCarry(chunk, 0, n);
        return;
      }
      this.appendCarry(chunk, 0, nl);
      this.carry[this.carryLen] = NL;
      this.parseLine(this.carry, 0, this.carryLen);
      this.carryLen = 0;
      start = nl + 1;
    }
    let nl = chunk.indexOf(NL, start);
    while (nl >= 0) {
      this.parseLine(chunk, start, nl);
      start = nl + 1;
      nl = chunk.indexOf(NL, start);
    }
    if (start < n) this.appendCarry(chunk, start, n);
  }

  /** Flush the last line (files need not end with a newline). */
  end(): void {
    if (this.carryLen > 0) {
      this.carry[this.carryLen] = NL;
      this.parseLine(this.carry, 0, this.carryLen);
      this.carryLen = 0;
    }
  }

  private appendCarry(src: Uint8Array, from: number, to: number): void {
    const need = this.carryLen + (to - from);
    if (need + 1 > this.carry.length) {
      let cap = this.carry.length * 2;
      while (cap < need + 1) cap *= 2;
      const next = new Uint8Array(cap);
      next.set(this.carry.subarray(0, this.carryLen));
      this.carry = next;
    }
    this.carry.set(src.subarray(from, to), this.carryLen);
    this.carryLen = need;
  }

  /**
   * Parse one line, `buf[start..end)`. `buf[end]` is always a readable line terminator (the chunk's
   * '\n', or one appended to the carry buffer), so the digit loops need no bounds checks: they stop
   * on it like on any other non-digit.
   */
  private parseLine(buf: Uint8Array, start: number, end: number): void {
    const line = ++this.lineNo;
    if (end > start && buf[end - 1] === CR) end--;
    if (end === start) {
      this.blankLines++;
      this.blankAt.push(line);
      return;
    }
    const keep = this.opts.keepRows === true;
    if (keep && ((this.keptRows + 1) * this.maxCols + 1 > this.values.length || this.keptRows >= this.keptLines.length))
      this.reserveRows(this.keptRows * 2 + 1);
    const fields = this.values;
    const at = keep ? this.keptRows * (this.columnCount || this.maxCols) : 0;
    const maxFields = this.maxCols;
    const isText = this.isText;
    let nf = 0;
    let i = start;
    for (;;) {
      if (nf === maxFields) {
        this.badColumnCount(buf, start, end, line, nf + 1 + countCommas(buf, i, end));
        return;
      }
      const fieldStart = i;
      let c = 0;
      if (isText[nf] === 1) {
        while (i < end && buf[i] !== COMMA) i++;
        this.text[nf] = latin1.decode(buf.subarray(fieldStart, i));
        fields[at + nf++] = NaN;
        c = i < end ? COMMA : NL;
      } else {
        c = buf[i];
        let neg = false;
        if (c === MINUS || c === PLUS) {
          neg = c === MINUS;
          c = buf[++i];
        }
        let v = 0;
        let digits = 0;
        while (c >= ZERO && c <= NINE) {
          v = v * 10 + (c - ZERO);
          digits++;
          c = buf[++i];
        }
        if (c === DOT) {
          c = buf[++i];
          let f = 0;
          let fd = 0;
          while (c >= ZERO && c <= NINE) {
            if (fd < 22) {
              f = f * 10 + (c - ZERO);
              fd++;
            }
            digits++;
            c = buf[++i];
          }
          if (fd > 0) v += f / POW10[fd];
        }
        if ((c === 101 || c === 69) && digits > 0) {
          // exponent: e[+-]ddd
          c = buf[++i];
          let eneg = false;
          if (c === MINUS || c === PLUS) {
            eneg = c === MINUS;
            c = buf[++i];
          }
          let e = 0;
          let ed = 0;
          while (c >= ZERO && c <= NINE) {
            e = e * 10 + (c - ZERO);
            ed++;
            c = buf[++i];
          }
          if (ed === 0) digits = 0;
          else v *= 10 ** (eneg ? -e : e);
        }
        if (digits === 0 || (c !== COMMA && i !== end)) {
          while (i < end && buf[i] !== COMMA) i++;
          this.badField(buf, start, end, fieldStart, i, nf, line);
          return;
        }
        fields[at + nf++] = neg ? -v : v;
      }
      if (i >= end) break;
      i++; // the comma
      if (i === end) {
        // A trailing comma: an empty last field, fine for text (an MPID left blank), not for a number.
        if (nf < maxFields && isText[nf] === 1) {
          this.text[nf] = '';
          fields[at + nf++] = NaN;
          break;
        }
        this.badField(buf, start, end, i, i, nf, line);
        return;
      }
    }
    if (nf !== this.columnCount) {
      if (this.columnCount !== 0 || !this.opts.allowedColumnCounts.includes(nf)) {
        this.badColumnCount(buf, start, end, line, nf);
        return;
      }
      this.columnCount = nf;
    }
    this.rows++;
    if (this.sink.row(fields, at, nf, line, this.text) && keep) this.keptLines[this.keptRows++] = line;
  }

  private badField(
    buf: Uint8Array,
    lineStart: number,
    lineEnd: number,
    from: number,
    to: number,
    col: number,
    line: number,
  ): void {
    this.badLines++;
    const value = latin1.decode(buf.subarray(from, to));
    const isHeader = line === 1 && this.rows === 0 && /[A-Za-z_]/.test(value);
    const reason = isHeader
      ? `header row found: this format has no header (line starts ${JSON.stringify(truncateValue(latin1.decode(buf.subarray(lineStart, lineEnd))))})`
      : value === ''
        ? 'empty field where a number is expected'
        : 'not a number';
    this.opts.bad.report({
      file: this.opts.file,
      line,
      field: this.opts.columnName(col),
      column: col + 1,
      value: truncateValue(value),
      reason,
    });
  }

  private badColumnCount(buf: Uint8Array, start: number, end: number, line: number, found: number): void {
    this.badLines++;
    const expected = this.columnCount > 0 ? String(this.columnCount) : this.opts.allowedColumnCounts.join(' or ');
    this.opts.bad.report({
      file: this.opts.file,
      line,
      field: 'row',
      column: 0,
      value: truncateValue(latin1.decode(buf.subarray(start, end))),
      reason: `wrong column count: expected ${expected}, found ${found}`,
    });
  }
}

function countCommas(buf: Uint8Array, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (buf[i] === COMMA) n++;
  return n;
}
