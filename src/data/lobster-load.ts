/**
 * LOBSTER message and orderbook files (plain or gzip'd, 6 or 7 columns) into `OrderFlow` and
 * `BookFrames`. The async loader streams both files at once, so decompression (thread pool) overlaps
 * with parsing (main thread); the sync loader reads whole files.
 */
import { basename } from 'node:path';
import { existsSync } from 'node:fs';
import { f64, i32, u8, i8 } from '../util/growable';
import { BadLineSink, DataError, type BadLine, type OnError } from './errors';
import { NumericCsvParser, type NumericRowSink } from './numeric-csv';
import { decompressedSizeHint, readAllBytes, streamBytes } from './input';
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
  /** Bad lines that were skipped (only with `onError: 'collect'`), at most 10,000 listed. */
  badLines: BadLine[];
  /** How many lines were skipped as bad, in both files. */
  badLineCount: number;
  /** Rows dropped only because their partner row in the other file was bad. */
  unpairedRows: number;
}

const MESSAGE_COLUMNS = ['time', 'type', 'order_id', 'size', 'price', 'direction', 'mpid'];
const FILLER = 9_999_999_999;

class MessageSink implements NumericRowSink {
  readonly time = f64(1 << 16);
  readonly type = u8(1 << 16);
  readonly id = f64(1 << 16);
  readonly size = f64(1 << 16);
  readonly price = f64(1 << 16);
  readonly direction = i8(1 << 16);
  readonly line = i32(1 << 16);
  readonly mpid = i32(1 << 10);
  readonly mpidNames: string[] = [];
  private readonly mpidCodes = new Map<string, number>();
  private prevTime = -Infinity;
  private prevLine = 0;

  constructor(
    private readonly file: string,
    private readonly bad: BadLineSink,
    private readonly maxRows: number,
  ) {}

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
    if (t < 0) return this.fail(line, 0, t, 'time must be seconds after midnight (≥ 0)');
    if (t < this.prevTime)
      return this.fail(line, 0, t, `time goes backwards (line ${this.prevLine} has ${this.prevTime})`);
    if (!(type >= 1 && type <= 7 && Number.isInteger(type)))
      return this.fail(line, 1, type, 'unknown event type: LOBSTER types are 1 to 7');
    if (!(id >= 0 && Number.isInteger(id))) return this.fail(line, 2, id, 'order id must be a non-negative integer');
    if (size < 0) return this.fail(line, 3, size, 'negative size');
    if (type !== 7) {
      if (size === 0) return this.fail(line, 3, size, 'size must be positive');
      if (!(price > 0)) return this.fail(line, 4, price, 'price must be positive');
    } else if (price !== -1 && price !== 0 && price !== 1) {
      return this.fail(line, 4, price, 'a halt message (type 7) has price -1, 0 or 1');
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

/** Checks orderbook rows in place (kept by the parser): sizes ≥ 0, fillers become NaN / 0. */
class OrderbookSink implements NumericRowSink {
  rows = 0;
  constructor(
    private readonly file: string,
    private readonly bad: BadLineSink,
    private readonly maxRows: number,
  ) {}

  row(f: Float64Array, at: number, n: number, line: number): boolean {
    if (this.rows >= this.maxRows) return false;
    for (let c = 1; c < n; c += 2) {
      if (f[at + c] < 0) {
        this.bad.report({ file: this.file, line, field: orderbookColumnName(c), column: c + 1, value: String(f[at + c]), reason: 'negative size' });
        return false;
      }
    }
    for (let c = 0; c < n; c += 4) {
      if (f[at + c] >= FILLER) {
        f[at + c] = NaN;
        f[at + c + 1] = 0;
      }
      if (f[at + c + 2] <= -FILLER) {
        f[at + c + 2] = NaN;
        f[at + c + 3] = 0;
      }
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
}

function prepare(messagesPath: string, orderbookPath: string | undefined, options: LoadLobsterOptions): Prepared {
  for (const p of [messagesPath, orderbookPath]) {
    if (p !== undefined && !existsSync(p)) throw new Error(`LOBSTER file not found: ${p}`);
  }
  const bad = new BadLineSink(options.onError ?? 'throw');
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
  const msgSink = new MessageSink(messagesPath, bad, maxRows);
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
  };
}

function finish(p: Prepared, messagesPath: string, orderbookPath: string | undefined, options: LoadLobsterOptions): LobsterData {
  const m = p.messages.sink;
  const venue: VenueSettings = { ...NASDAQ, ...options.venue };
  const obParser = p.orderbook?.parser ?? null;
  let keepMsg: Uint8Array | null = null;
  let keepOb: Uint8Array | null = null;
  let unpaired = 0;
  if (obParser) {
    // Row k of the orderbook file pairs with row k of the message file. Bad lines (collect mode)
    // leave holes in one file or the other: keep the lines that are good in both.
    const mLines = m.line.raw();
    const oLines = obParser.keptLines;
    const nm = m.line.length;
    const no = obParser.keptRows;
    const mSeen = p.messages.parser.linesSeen - p.messages.parser.blankLines;
    const oSeen = obParser.linesSeen - obParser.blankLines;
    const capped = m.full || no >= (options.maxRows ?? Infinity);
    if (!capped && mSeen !== oSeen) {
      const [shortFile, shortN, longN] =
        mSeen < oSeen ? [messagesPath, mSeen, oSeen] : [orderbookPath!, oSeen, mSeen];
      p.bad.report({
        file: shortFile,
        line: shortN + 1,
        field: 'row',
        column: 0,
        value: '',
        reason: `file ends after ${shortN} rows but its partner has ${longN}: message and orderbook rows must pair one to one`,
      });
    }
    if (nm !== no || p.bad.count > 0) {
      keepMsg = new Uint8Array(nm);
      keepOb = new Uint8Array(no);
      let a = 0;
      let b = 0;
      while (a < nm && b < no) {
        if (mLines[a] === oLines[b]) {
          keepMsg[a++] = 1;
          keepOb[b++] = 1;
        } else if (mLines[a] < oLines[b]) a++;
        else b++;
      }
      for (let k = 0; k < nm; k++) unpaired += 1 - keepMsg[k];
      for (let k = 0; k < no; k++) unpaired += 1 - keepOb[k];
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
  const hasMpid = p.messages.parser.columnCount === 7;
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
  return { flow, frames, badLines: p.bad.lines, badLineCount: p.bad.count, unpairedRows: unpaired };
}

/**
 * Load a LOBSTER day: the message file and, optionally, its orderbook file (plain or `.gz`).
 * Both files stream at once; the promise rejects with a `DataError` naming file, line and column on
 * the first bad line, unless `onError: 'collect'`.
 */
export async function loadLobster(
  messagesPath: string,
  orderbookPath?: string,
  options: LoadLobsterOptions = {},
): Promise<LobsterData> {
  const p = prepare(messagesPath, orderbookPath, options);
  const progress = autoProgress(`loading ${p.symbol}`, options.onProgress);
  const feed = async (path: string, parser: NumericCsvParser, stop: () => boolean) => {
    const expectedBytes = decompressedSizeHint(path);
    let bytes = 0;
    for await (const chunk of streamBytes(path)) {
      if (bytes === 0 && parser.linesSeen === 0) parser.reserveRows(estimateRows(chunk, expectedBytes));
      bytes += chunk.length;
      parser.push(chunk);
      if (path === messagesPath) progress.onProgress?.(bytes, expectedBytes);
      // Enough rows: stop reading; the partial line in hand is not wanted.
      if (stop()) return;
    }
    parser.end();
  };
  await Promise.all([
    feed(messagesPath, p.messages.parser, () => p.messages.sink.full),
    p.orderbook ? feed(orderbookPath!, p.orderbook.parser, () => p.orderbook!.sink.rows >= (options.maxRows ?? Infinity)) : null,
  ]);
  progress.finish();
  return finish(p, messagesPath, orderbookPath, options);
}

/** `loadLobster` reading whole files synchronously (simpler; no overlap of decompression and parsing). */
export function loadLobsterSync(messagesPath: string, orderbookPath?: string, options: LoadLobsterOptions = {}): LobsterData {
  const p = prepare(messagesPath, orderbookPath, options);
  p.messages.parser.push(readAllBytes(messagesPath));
  p.messages.parser.end();
  if (p.orderbook) {
    const bytes = readAllBytes(orderbookPath!);
    p.orderbook.parser.reserveRows(estimateRows(bytes, bytes.length));
    p.orderbook.parser.push(bytes);
    p.orderbook.parser.end();
  }
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
