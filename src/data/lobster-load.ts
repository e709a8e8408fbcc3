/**
 * LOBSTER message and orderbook files (plain or gzip'd, 6 or 7 columns) into `OrderFlow` and
 * `BookFrames`. The async loader streams both files at once, so decompression (thread pool) overlaps
 * with parsing (main thread); the sync loader reads whole files.
 */
import { basename } from 'node:path';
import { existsSync, statSync } from 'node:fs';
import { f64, i32, u8, i8, type GrowableColumn } from '../util/growable';
import { BadLineSink, DataError, fileProblem, type BadLine, type OnError } from './errors';
import { NumericCsvParser, type NumericRowSink } from './numeric-csv';
import { decompressedSizeHint, describeReadError, isGzipFile, readAllBytesPartial, streamBytes } from './input';
import { parseLobsterFileName } from './lobster-names';
import { OrderFlow, NASDAQ, type VenueSettings } from './order-flow';
import { BookFrames, orderbookColumnName } from './book-frames';
import { autoProgress } from '../util/progress';

export interface LoadLobsterOptions {
  /** Book depth of the orderbook file; by default from the file name, else columns / 4. */
  levels?: number;
  /** `'throw'` (default) stops at the first bad line; `'collect'` skips bad lines and lists them. */
  onError?: OnError;
  /** Override what the file name says (or give it when the name is not LOBSTER's). */
  symbol?: string;
  date?: string;
  venue?: Partial<VenueSettings>;
  /** Stop after this many message rows. */
  maxRows?: number;
  /** Called with (bytes or rows done, total or 0) while loading. */
  onProgress?: (done: number, total: number) => void;
}

export interface LobsterData {
  flow: OrderFlow;
  /** Book snapshots after each message; null when no orderbook file was given. */
  frames: BookFrames | null;
  /**
   * Bad lines that were skipped (only with `onError: 'collect'`), at most 10,000 listed, in a fixed
   * order: the message file's, then the orderbook file's, each by line. Problems with a file as a
   * whole (cut short, damaged gzip data) have line 0.
   */
  badLines: BadLine[];
  /** How many problems were reported (bad lines and whole-file problems), in both files. */
  badLineCount: number;
  /** Rows dropped only because their partner row in the other file was bad or missing. */
  unpairedRows: number;
  /**
   * Where every line of each file went (message file first): without `maxRows`,
   * `lines = blankLines + keptRows + badLines + unpairedRows` for each file.
   */
  files: FileAccount[];
}

/** What became of one file's lines. */
export interface FileAccount {
  file: string;
  /** Lines read (a last line without a newline counts; the partial line of a file cut short does not). */
  lines: number;
  blankLines: number;
  /** Rows in the result. */
  keptRows: number;
  /** Lines reported bad (whole-file problems, with line 0, are not counted here). */
  badLines: number;
  /** Good rows dropped because their partner row in the other file was bad or missing. */
  unpairedRows: number;
}

const MESSAGE_COLUMNS = ['time', 'type', 'order_id', 'size', 'price', 'direction', 'mpid'];
const FILLER = 9_999_999_999;

/** LOBSTER times are seconds after midnight within one day. */
const DAY_SECONDS = 86_400;
const CROSS = 6;
const HALT = 7;

class MessageSink implements NumericRowSink {
  readonly time: GrowableColumn<Float64Array>;
  readonly type: GrowableColumn<Uint8Array>;
  readonly id: GrowableColumn<Float64Array>;
  readonly size: GrowableColumn<Float64Array>;
  readonly price: GrowableColumn<Float64Array>;
  readonly direction: GrowableColumn<Int8Array>;
  readonly line: GrowableColumn<Int32Array>;
  readonly mpid = i32(1 << 10);
  readonly mpidNames: string[] = [];
  private readonly mpidCodes = new Map<string, number>();
  private prevTime = -Infinity;
  private prevLine = 0;

  constructor(
    private readonly file: string,
    private readonly bad: BadLineSink,
    private readonly maxRows: number,
    /** Expected rows (from the file's size): columns start that large, so they rarely regrow. */
    capacity: number,
  ) {
    const cap = Math.min(Math.max(capacity, 1024), maxRows + 1);
    this.time = f64(cap);
    this.type = u8(cap);
    this.id = f64(cap);
    this.size = f64(cap);
    this.price = f64(cap);
    this.direction = i8(cap);
    this.line = i32(cap);
  }

  get full(): boolean {
    return this.time.length >= this.maxRows;
  }

  private fail(line: number, col: number, value: number | string, reason: string): false {
    this.bad.report({ file: this.file, line, field: MESSAGE_COLUMNS[col], column: col + 1, value: String(value), reason });
    return false;
  }

  row(f: Float64Array, at: number, n: number, line: number, text: readonly string[]): boolean {
    if (this.time.length >= this.maxRows) return false;
    const t = f[at];
    const type = f[at + 1];
    const id = f[at + 2];
    const size = f[at + 3];
    const price = f[at + 4];
    const dir = f[at + 5];
    if (!(t >= 0 && t < DAY_SECONDS)) return this.fail(line, 0, t, 'time must be seconds after midnight (0 ≤ time < 86400)');
    if (t < this.prevTime)
      return this.fail(line, 0, t, `time goes backwards (line ${this.prevLine} has ${this.prevTime})`);
    if (!(type >= 1 && type <= 7 && Number.isInteger(type)))
      return this.fail(line, 1, type, 'unknown event type: LOBSTER types are 1 to 7');
    if (type === HALT) {
      // LOBSTER's readme: price -1 halt, 0 quoting resumes, 1 trading resumes; the other fields 0.
      if (!(Number.isSafeInteger(id) && id >= -1)) return this.fail(line, 2, id, 'a trading-halt message (type 7) has order id 0');
      if (!(Number.isSafeInteger(size) && size >= 0)) return this.fail(line, 3, size, size < 0 ? 'negative size' : 'a trading-halt message (type 7) has size 0');
      if (price !== -1 && price !== 0 && price !== 1)
        return this.fail(line, 4, price, 'a trading-halt message (type 7) has price -1 (halt), 0 (quoting resumes) or 1 (trading resumes)');
    } else {
      if (!(Number.isSafeInteger(id) && (id >= 0 || (type === CROSS && id === -1))))
        return this.fail(line, 2, id, type === CROSS ? 'order id must be a non-negative integer, or -1 for a cross trade' : 'order id must be a non-negative integer');
      if (size < 0) return this.fail(line, 3, size, 'negative size');
      if (!(size > 0)) return this.fail(line, 3, size, 'size must be positive');
      if (!Number.isSafeInteger(size)) return this.fail(line, 3, size, 'size must be a whole number of shares');
      if (!(price > 0)) return this.fail(line, 4, price, 'price must be positive');
      if (!Number.isSafeInteger(price)) return this.fail(line, 4, price, 'price must be a whole number (dollars × 10000)');
    }
    if (dir !== 1 && dir !== -1) return this.fail(line, 5, dir, 'direction must be 1 (buy) or -1 (sell)');
    this.prevTime = t;
    this.prevLine = line;
    this.time.push(t);
    this.type.push(type);
    this.id.push(id);
    this.size.push(size);
    this.price.push(price);
    this.direction.push(dir);
    this.line.push(line);
    if (n === 7) {
      const name = text[6].trim();
      let code = -1;
      if (name !== '' && name !== 'null') {
        code = this.mpidCodes.get(name) ?? -1;
        if (code < 0) {
          code = this.mpidNames.length;
          this.mpidNames.push(name);
          this.mpidCodes.set(name, code);
        }
      }
      this.mpid.push(code);
    }
    return true;
  }
}

/**
 * Checks orderbook rows in place (kept by the parser): prices positive whole numbers rising (asks) or
 * falling (bids) with level, sizes whole and ≥ 0; LOBSTER's empty-level fillers (ask 9999999999,
 * bid -9999999999, size 0), which may only follow the occupied levels, become NaN / 0.
 */
class OrderbookSink implements NumericRowSink {
  rows = 0;
  constructor(
    private readonly file: string,
    private readonly bad: BadLineSink,
    private readonly maxRows: number,
  ) {}

  private fail(line: number, c: number, value: number, reason: string): false {
    this.bad.report({ file: this.file, line, field: orderbookColumnName(c), column: c + 1, value: String(value), reason });
    return false;
  }

  row(f: Float64Array, at: number, n: number, line: number): boolean {
    if (this.rows >= this.maxRows) return false;
    let prevAsk = 0;
    let prevBid = Infinity;
    let askEmpty = false;
    let bidEmpty = false;
    for (let c = 0; c < n; c += 4) {
      const ap = f[at + c];
      const as = f[at + c + 1];
      const bp = f[at + c + 2];
      const bs = f[at + c + 3];
      if (!(as >= 0 && Number.isSafeInteger(as))) return this.fail(line, c + 1, as, as < 0 ? 'negative size' : 'size must be a whole number of shares');
      if (!(bs >= 0 && Number.isSafeInteger(bs))) return this.fail(line, c + 3, bs, bs < 0 ? 'negative size' : 'size must be a whole number of shares');
      if (ap === FILLER) {
        f[at + c] = NaN;
        f[at + c + 1] = 0;
        askEmpty = true;
      } else if (!(ap > 0 && Number.isSafeInteger(ap))) {
        return this.fail(line, c, ap, 'ask price must be a positive whole number (dollars × 10000), or 9999999999 for an empty level');
      } else if (askEmpty) {
        return this.fail(line, c, ap, 'an occupied level after an empty one (LOBSTER fills only the levels beyond the last occupied one)');
      } else if (ap <= prevAsk) {
        return this.fail(line, c, ap, `ask prices must rise with level (level ${c / 4} has ${prevAsk})`);
      } else prevAsk = ap;
      if (bp === -FILLER) {
        f[at + c + 2] = NaN;
        f[at + c + 3] = 0;
        bidEmpty = true;
      } else if (!(bp > 0 && Number.isSafeInteger(bp))) {
        return this.fail(line, c + 2, bp, 'bid price must be a positive whole number (dollars × 10000), or -9999999999 for an empty level');
      } else if (bidEmpty) {
        return this.fail(line, c + 2, bp, 'an occupied level after an empty one (LOBSTER fills only the levels beyond the last occupied one)');
      } else if (bp >= prevBid) {
        return this.fail(line, c + 2, bp, `bid prices must fall with level (level ${c / 4} has ${prevBid})`);
      } else prevBid = bp;
    }
    this.rows++;
    return true;
  }
}

interface Prepared {
  messages: { parser: NumericCsvParser; sink: MessageSink };
  orderbook: { parser: NumericCsvParser; sink: OrderbookSink } | null;
  bad: BadLineSink;
  levels: number;
  symbol: string;
  date: string;
  /** A file that could not be read to its end (collect mode), by path. */
  readErrors: Map<string, BadLine>;
}

function prepare(messagesPath: string, orderbookPath: string | undefined, options: LoadLobsterOptions): Prepared {
  for (const p of [messagesPath, orderbookPath]) {
    if (p === undefined) continue;
    if (!existsSync(p)) throw new Error(`LOBSTER file not found: ${p}`);
    if (!statSync(p).isFile()) throw new DataError(fileProblem(p, 'not a file (a directory?); name a LOBSTER .csv or .csv.gz file'));
  }
  const bad = new BadLineSink(options.onError ?? 'throw', 10_000, orderbookPath ? [messagesPath, orderbookPath] : [messagesPath]);
  const maxRows = options.maxRows ?? Infinity;
  const msgName = parseLobsterFileName(messagesPath);
  const obName = orderbookPath ? parseLobsterFileName(orderbookPath) : null;
  if (msgName && obName && (msgName.symbol !== obName.symbol || msgName.date !== obName.date)) {
    throw new Error(
      `LOBSTER files do not pair: ${basename(messagesPath)} is ${msgName.symbol} ${msgName.date}, ` +
        `${basename(orderbookPath!)} is ${obName.symbol} ${obName.date}`,
    );
  }
  const levels = options.levels ?? obName?.levels ?? msgName?.levels ?? 0;
  // A message row takes 40 bytes or more: size the columns for the file (capped: the hint of a damaged
  // gzip file may be far off).
  let hint = 0;
  try {
    hint = decompressedSizeHint(messagesPath);
  } catch {
    // unreadable: the read reports it
  }
  const msgSink = new MessageSink(messagesPath, bad, maxRows, Math.min(Math.ceil(hint / 36), 1 << 24));
  const messages = {
    sink: msgSink,
    parser: new NumericCsvParser(
      {
        file: messagesPath,
        columnName: (i) => MESSAGE_COLUMNS[i] ?? `col${i + 1}`,
        allowedColumnCounts: [6, 7],
        textColumns: [6],
        bad,
      },
      msgSink,
    ),
  };
  let orderbook: Prepared['orderbook'] = null;
  if (orderbookPath) {
    const sink = new OrderbookSink(orderbookPath, bad, maxRows);
    const allowed = levels > 0 ? [4 * levels] : Array.from({ length: 200 }, (_, k) => 4 * (k + 1));
    orderbook = {
      sink,
      parser: new NumericCsvParser(
        { file: orderbookPath, columnName: orderbookColumnName, allowedColumnCounts: allowed, keepRows: true, bad },
        sink,
      ),
    };
  }
  return {
    messages,
    orderbook,
    bad,
    levels,
    symbol: options.symbol ?? msgName?.symbol ?? obName?.symbol ?? basename(messagesPath).split(/[_.]/)[0],
    date: options.date ?? msgName?.date ?? obName?.date ?? '',
    readErrors: new Map(),
  };
}

/**
 * A file could not be read to its end (gzip data cut short or damaged, a read error): drop the partial
 * line in hand and report the file (throws in throw mode; in collect mode the rows read so far stay).
 */
function readFailed(p: Prepared, path: string, parser: NumericCsvParser, e: unknown, gzip: boolean): void {
  const after = parser.linesSeen;
  parser.abandon();
  const problem = fileProblem(path, describeReadError(e, gzip, after));
  p.readErrors.set(path, problem);
  p.bad.report(problem);
}

/** A file with no rows at all is an error in either mode: there is nothing to load. */
function checkNotEmpty(p: Prepared, path: string, parser: NumericCsvParser): void {
  if (parser.rowsSeen > 0) return;
  const failed = p.readErrors.get(path);
  if (failed) throw new DataError(failed);
  const blank = parser.blankLines > 0 ? ` (${parser.blankLines} blank line${parser.blankLines > 1 ? 's' : ''} only)` : '';
  throw new DataError(fileProblem(path, `empty file: no rows${blank}; a LOBSTER file has one row per message`));
}

/** 1-based row numbers (lines not counting blank ones) of the kept rows with these lines. */
function rowOrdinals(parser: NumericCsvParser, lines: Int32Array, n: number): Int32Array {
  const blanks = parser.blankAt.raw();
  const nb = parser.blankAt.length;
  if (nb === 0 || n === 0 || blanks[0] > lines[n - 1]) return lines;
  const out = new Int32Array(n);
  let b = 0;
  for (let k = 0; k < n; k++) {
    while (b < nb && blanks[b] < lines[k]) b++;
    out[k] = lines[k] - b;
  }
  return out;
}

function finish(p: Prepared, messagesPath: string, orderbookPath: string | undefined, options: LoadLobsterOptions): LobsterData {
  const m = p.messages.sink;
  const mParser = p.messages.parser;
  const venue: VenueSettings = { ...NASDAQ, ...options.venue };
  const obParser = p.orderbook?.parser ?? null;
  checkNotEmpty(p, messagesPath, mParser);
  if (obParser) checkNotEmpty(p, orderbookPath!, obParser);
  let keepMsg: Uint8Array | null = null;
  let keepOb: Uint8Array | null = null;
  let unpairedM = 0;
  let unpairedO = 0;
  if (obParser) {
    // Row k of the orderbook file pairs with row k of the message file (rows: lines that are not
    // blank). Bad lines (collect mode) leave holes in one file or the other: keep the rows that are
    // good in both.
    const nm = m.line.length;
    const no = obParser.keptRows;
    const mOrd = rowOrdinals(mParser, m.line.raw(), nm);
    const oOrd = rowOrdinals(obParser, obParser.keptLines, no);
    const mRows = mParser.rowsSeen;
    const oRows = obParser.rowsSeen;
    const capped = m.full || no >= (options.maxRows ?? Infinity);
    // The first row of the longer file beyond the shorter one's end is reported (when it is not bad
    // already); the rest of them are counted as unpaired.
    let reportedM = -1;
    let reportedO = -1;
    if (!capped && mRows !== oRows) {
      const msgLonger = mRows > oRows;
      const [longPath, shortPath, longN, shortN] = msgLonger
        ? [messagesPath, orderbookPath!, mRows, oRows]
        : [orderbookPath!, messagesPath, oRows, mRows];
      const ord = msgLonger ? mOrd : oOrd;
      const n = msgLonger ? nm : no;
      let k = n;
      while (k > 0 && ord[k - 1] > shortN) k--;
      const shortKind = msgLonger ? 'orderbook' : 'message';
      const why = 'message and orderbook rows must pair one to one';
      if (k < n) {
        if (msgLonger) reportedM = k;
        else reportedO = k;
        p.bad.report({
          file: longPath,
          line: (msgLonger ? m.line.get(k) : obParser.keptLines[k]),
          field: 'row',
          column: 0,
          value: '',
          reason: `row ${shortN + 1} has no partner: the ${shortKind} file ${shortPath} has only ${shortN} rows, this file has ${longN}; ${why}`,
        });
      } else {
        p.bad.report(fileProblem(shortPath, `the ${shortKind} file has only ${shortN} rows but its partner ${longPath} has ${longN}; ${why}`));
      }
    }
    if (nm !== no || p.bad.count > 0 || mOrd !== m.line.raw() || oOrd !== obParser.keptLines) {
      keepMsg = new Uint8Array(nm);
      keepOb = new Uint8Array(no);
      let a = 0;
      let b = 0;
      while (a < nm && b < no) {
        if (mOrd[a] === oOrd[b]) {
          keepMsg[a++] = 1;
          keepOb[b++] = 1;
        } else if (mOrd[a] < oOrd[b]) a++;
        else b++;
      }
      for (let k = 0; k < nm; k++) unpairedM += 1 - keepMsg[k];
      for (let k = 0; k < no; k++) unpairedO += 1 - keepOb[k];
      // The row reported as having no partner is a bad line, not an unpaired one.
      if (reportedM >= 0) unpairedM--;
      if (reportedO >= 0) unpairedO--;
    }
  }
  const pick = <T extends Float64Array | Uint8Array | Int8Array | Int32Array>(all: T, keep: Uint8Array | null): T => {
    if (!keep) return all;
    const Ctor = all.constructor as new (n: number) => T;
    let n = 0;
    for (let k = 0; k < keep.length; k++) n += keep[k];
    const out = new Ctor(n);
    for (let k = 0, j = 0; k < keep.length; k++) if (keep[k]) out[j++] = all[k];
    return out;
  };
  const hasMpid = mParser.columnCount === 7;
  const flow = new OrderFlow(
    {
      time: pick(m.time.toArray(), keepMsg),
      type: pick(m.type.toArray(), keepMsg),
      id: pick(m.id.toArray(), keepMsg),
      size: pick(m.size.toArray(), keepMsg),
      price: pick(m.price.toArray(), keepMsg),
      direction: pick(m.direction.toArray(), keepMsg),
      line: pick(m.line.toArray(), keepMsg),
      mpid: hasMpid ? pick(m.mpid.toArray(), keepMsg) : undefined,
      mpidNames: hasMpid ? m.mpidNames : undefined,
    },
    {
      symbol: p.symbol,
      date: p.date,
      levels: obParser ? obParser.columnCount / 4 || p.levels : p.levels,
      venue,
      source: orderbookPath ? `${messagesPath} + ${orderbookPath}` : messagesPath,
    },
  );
  let frames: BookFrames | null = null;
  if (obParser) {
    const stride = obParser.columnCount || 4 * Math.max(1, p.levels);
    let data = obParser.keptValues();
    let lines = obParser.keptLines.subarray(0, obParser.keptRows);
    if (keepOb) {
      const out = new Float64Array(flow.length * stride);
      for (let k = 0, j = 0; k < keepOb.length; k++) {
        if (keepOb[k]) out.set(data.subarray(k * stride, (k + 1) * stride), stride * j++);
      }
      data = out;
      lines = pick(lines, keepOb);
    } else {
      lines = lines.slice();
    }
    frames = new BookFrames(stride / 4, data, lines);
  }
  const account = (file: string, parser: NumericCsvParser, unpaired: number): FileAccount => ({
    file,
    lines: parser.linesSeen,
    blankLines: parser.blankLines,
    keptRows: flow.length,
    badLines: p.bad.countFor(file, true),
    unpairedRows: unpaired,
  });
  const files = [account(messagesPath, mParser, unpairedM)];
  if (obParser) files.push(account(orderbookPath!, obParser, unpairedO));
  return { flow, frames, badLines: p.bad.lines, badLineCount: p.bad.count, unpairedRows: unpairedM + unpairedO, files };
}

/**
 * Load a LOBSTER day: the message file and, optionally, its orderbook file (plain or `.gz`).
 * Both files stream at once; the promise rejects with a `DataError` naming file, line and column on
 * the first bad line, unless `onError: 'collect'`. A file that is empty, cut short or damaged is a
 * `DataError` naming it; in collect mode the rows read before the damage are kept.
 */
export async function loadLobster(
  messagesPath: string,
  orderbookPath?: string,
  options: LoadLobsterOptions = {},
): Promise<LobsterData> {
  const p = prepare(messagesPath, orderbookPath, options);
  const progress = autoProgress(`loading ${p.symbol}`, options.onProgress);
  // When one file fails (throw mode), the other stops reading at its next chunk.
  let failed = false;
  const feed = async (path: string, parser: NumericCsvParser, stop: () => boolean) => {
    let gzip = false;
    try {
      gzip = isGzipFile(path);
      const expectedBytes = decompressedSizeHint(path);
      let bytes = 0;
      for await (const chunk of streamBytes(path)) {
        if (failed) return;
        if (bytes === 0 && parser.linesSeen === 0) parser.reserveRows(estimateRows(chunk, expectedBytes));
        bytes += chunk.length;
        parser.push(chunk);
        if (path === messagesPath) progress.onProgress?.(bytes, expectedBytes);
        // Enough rows: stop reading; the partial line in hand is not wanted.
        if (stop()) return;
      }
    } catch (e) {
      if (e instanceof DataError) throw e;
      readFailed(p, path, parser, e, gzip);
      return;
    }
    parser.end();
  };
  const guarded = (run: Promise<void>) =>
    run.catch((e: unknown) => {
      failed = true;
      throw e;
    });
  try {
    await Promise.all([
      guarded(feed(messagesPath, p.messages.parser, () => p.messages.sink.full)),
      p.orderbook ? guarded(feed(orderbookPath!, p.orderbook.parser, () => p.orderbook!.sink.rows >= (options.maxRows ?? Infinity))) : null,
    ]);
  } finally {
    progress.finish();
  }
  return finish(p, messagesPath, orderbookPath, options);
}

/** `loadLobster` reading whole files synchronously (simpler; no overlap of decompression and parsing). */
export function loadLobsterSync(messagesPath: string, orderbookPath?: string, options: LoadLobsterOptions = {}): LobsterData {
  const p = prepare(messagesPath, orderbookPath, options);
  const read = (path: string, parser: NumericCsvParser, reserve: boolean) => {
    let got: { bytes: Uint8Array; error: Error | null };
    try {
      got = readAllBytesPartial(path);
    } catch (e) {
      readFailed(p, path, parser, e, false);
      return;
    }
    if (reserve) parser.reserveRows(estimateRows(got.bytes, got.bytes.length));
    parser.push(got.bytes);
    if (got.error) readFailed(p, path, parser, got.error, true);
    else parser.end();
  };
  read(messagesPath, p.messages.parser, false);
  if (p.orderbook) read(orderbookPath!, p.orderbook.parser, true);
  return finish(p, messagesPath, orderbookPath, options);
}
/** Rows in a file of `totalBytes`, from the line lengths in its first chunk (a little over, not under). */
function estimateRows(firstChunk: Uint8Array, totalBytes: number): number {
  const sample = firstChunk.subarray(0, 1 << 16);
  let lines = 0;
  for (let k = 0; k < sample.length; k++) if (sample[k] === 10) lines++;
  if (lines === 0) return 1024;
  return Math.ceil((totalBytes / sample.length) * lines * 1.02) + 16;
}

export { DataError };
