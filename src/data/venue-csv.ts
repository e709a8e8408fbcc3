/**
 * Order-level data from other venues: any delimited text file with a header (or without, addressed by
 * column number), mapped onto LOBSTER's event semantics with a column mapping and label maps.
 *
 *     const { flow } = await loadVenueCsv('itch_ticks.csv', {
 *       columns: { time: 'ts', type: 'event', id: 'order_ref', size: 'shares', price: 'px', side: 'side' },
 *       types: { A: 'submit', X: 'cancel', D: 'delete', E: 'execute' },
 *       time: 'epoch_ns', utcOffsetHours: -4, priceScale: 10_000,
 *     });
 *
 * Direction follows LOBSTER: the side of the resting limit order a message concerns (so an execution
 * carries the resting order's side). Not a hot path: fields are split as strings, one line at a time.
 */
import { basename } from 'node:path';
import { f64, i32, i8, u8 } from '../util/growable';
import { BadLineSink, DataError, fileProblem, truncateValue, type BadLine, type OnError } from './errors';
import { describeReadError, isGzipFile, streamBytes } from './input';
import { EventType, NASDAQ, OrderFlow, type VenueSettings } from './order-flow';

export type EventName = 'submit' | 'cancel' | 'delete' | 'execute' | 'execute_hidden' | 'cross' | 'halt';

const EVENT_CODES: Record<EventName, number> = {
  submit: EventType.Submit,
  cancel: EventType.Cancel,
  delete: EventType.Delete,
  execute: EventType.Execute,
  execute_hidden: EventType.ExecuteHidden,
  cross: EventType.Cross,
  halt: EventType.Halt,
};

/**
 * How times are written: `seconds` after midnight (LOBSTER), Unix epoch in s/ms/µs/ns, or `iso`
 * (`2012-06-21T09:30:00.123456789`, `2012-06-21 09:30:00`, or a bare `09:30:00.5`; a trailing `Z` or
 * `±hh:mm` offset is honoured).
 */
export type TimeFormat = 'seconds' | 'epoch_s' | 'epoch_ms' | 'epoch_us' | 'epoch_ns' | 'iso';

export interface VenueCsvMapping {
  /** Column names (or 0-based numbers as strings when `header` is false) for each field. */
  columns: { time: string; type: string; id: string; size: string; price: string; side: string };
  /** Event labels to event names; default: LOBSTER's numbers 1–7 and the names themselves. */
  types?: Record<string, EventName>;
  /** Side labels; default: 1/−1, B/S, BUY/SELL, BID/ASK (any case). */
  sides?: Record<string, 1 | -1>;
  time?: TimeFormat;
  /** Hours to add to UTC epoch times to get the venue's clock (e.g. −4 for New York in summer). */
  utcOffsetHours?: number;
  /** Multiply prices by this to get integer price units (e.g. 10,000 for dollars as LOBSTER does). */
  priceScale?: number;
  delimiter?: string;
  /** Whether the first line names the columns (default true). */
  header?: boolean;
}

export interface LoadVenueOptions {
  onError?: OnError;
  symbol?: string;
  date?: string;
  venue?: Partial<VenueSettings>;
}

export interface VenueData {
  flow: OrderFlow;
  /** Bad lines skipped (collect mode), by line; a file cut short or damaged is listed with line 0. */
  badLines: BadLine[];
  badLineCount: number;
  /**
   * Lines read (the partial line of a file cut short does not count): every one is a kept row, a bad
   * line, blank, or the header, so `lines = flow.length + bad lines + blankLines + headerLines`.
   */
  lines: number;
  blankLines: number;
  headerLines: number;
}

const DEFAULT_SIDES: Record<string, 1 | -1> = { '1': 1, '-1': -1, b: 1, s: -1, buy: 1, sell: -1, bid: 1, ask: -1 };

/** Split one line on `delim`, honouring double quotes ("" inside quotes is a quote). Null when a quote is left open. */
export function splitDelimited(line: string, delim: string): string[] | null {
  if (!line.includes('"')) return line.split(delim);
  const out: string[] = [];
  let cur = '';
  let inQuotes = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (inQuotes) {
      if (c === '"') {
        if (line[i + 1] === '"') {
          cur += '"';
          i++;
        } else inQuotes = false;
      } else cur += c;
    } else if (c === '"') inQuotes = true;
    else if (line.startsWith(delim, i)) {
      out.push(cur);
      cur = '';
      i += delim.length - 1;
    } else cur += c;
  }
  if (inQuotes) return null;
  out.push(cur);
  return out;
}

const ISO = /^(?:(\d{4})-(\d{2})-(\d{2})[T ])?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?\s*(Z|[+-]\d{2}:?\d{2})?$/;

/** Seconds after midnight (venue clock) from a time field, or NaN when it does not parse. */
export function parseTimeField(text: string, format: TimeFormat, utcOffsetHours = 0): number {
  const s = text.trim();
  if (format === 'seconds') return s === '' ? NaN : Number(s);
  if (format === 'iso') {
    const m = ISO.exec(s);
    if (!m) return NaN;
    // Whole seconds and the fraction in one decimal literal: correctly rounded, as the CSV parser does.
    let t = Number(`${Number(m[4]) * 3600 + Number(m[5]) * 60 + Number(m[6])}.${m[7] ?? '0'}`);
    if (m[8] && m[8] !== 'Z') {
      // An explicit offset: convert to UTC, then to the venue clock.
      const sign = m[8][0] === '-' ? -1 : 1;
      const digits = m[8].slice(1).replace(':', '');
      t -= sign * (Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2)) * 60);
      t += utcOffsetHours * 3600;
    } else if (m[8] === 'Z') t += utcOffsetHours * 3600;
    // Wrap into the day only when an offset moved it out (wrapping always would cost precision).
    return t < 0 ? t + 86400 : t >= 86400 ? t - 86400 : t;
  }
  if (!/^-?\d+(\.\d+)?$/.test(s)) return NaN;
  const perSecond = { epoch_s: 1, epoch_ms: 1e3, epoch_us: 1e6, epoch_ns: 1e9 }[format];
  const [whole, frac = ''] = s.split('.');
  // Integer arithmetic on the whole part: epoch nanoseconds exceed 2^53.
  const day = BigInt(perSecond) * 86400n;
  const shifted = BigInt(whole) + BigInt(Math.round(utcOffsetHours * 3600)) * BigInt(perSecond);
  const inDay = ((shifted % day) + day) % day;
  return (Number(inDay) + (frac ? Number(`0.${frac}`) : 0)) / perSecond;
}

/** Load order-level data from a delimited text file (plain or gzip'd) with a column mapping. */
export async function loadVenueCsv(path: string, mapping: VenueCsvMapping, options: LoadVenueOptions = {}): Promise<VenueData> {
  const bad = new BadLineSink(options.onError ?? 'throw');
  const delim = mapping.delimiter ?? ',';
  const header = mapping.header ?? true;
  const timeFormat = mapping.time ?? 'seconds';
  const priceScale = mapping.priceScale ?? 1;
  const types = new Map<string, number>();
  for (let t = 1; t <= 7; t++) types.set(String(t), t);
  for (const [name, code] of Object.entries(EVENT_CODES)) types.set(name, code);
  for (const [label, name] of Object.entries(mapping.types ?? {})) {
    const code = EVENT_CODES[name];
    if (code === undefined) throw new Error(`loadVenueCsv: types maps ${JSON.stringify(label)} to unknown event ${JSON.stringify(name)}`);
    types.set(label, code);
  }
  const sides = new Map<string, 1 | -1>(Object.entries(mapping.sides ?? DEFAULT_SIDES).map(([k, v]) => [k.toLowerCase(), v]));
  const fields = ['time', 'type', 'id', 'size', 'price', 'side'] as const;
  let index: Record<(typeof fields)[number], number> | null = null;
  let names: string[] = [];

  const time = f64();
  const type = u8();
  const id = f64();
  const size = f64();
  const price = f64();
  const dir = i8();
  const lineCol = i32();
  let prevTime = -Infinity;
  let lineNo = 0;
  let width = 0;
  let blankLines = 0;

  const fail = (line: number, col: number, value: string, reason: string) =>
    bad.report({ file: path, line, field: names[col] ?? `col${col + 1}`, column: col + 1, value: truncateValue(value), reason });

  const resolveColumns = (cells: string[]) => {
    const idx = {} as Record<(typeof fields)[number], number>;
    for (const f of fields) {
      const want = mapping.columns[f];
      const k = header ? cells.findIndex((c) => c.trim() === want) : Number(want);
      if (!(k >= 0 && k < cells.length)) {
        // Nothing can be read without the column, so this stops the load in either mode.
        throw new DataError({
          file: path,
          line: lineNo,
          field: header ? 'header' : 'row',
          column: 0,
          value: '',
          reason: `column ${JSON.stringify(want)} for ${f} not found; the ${header ? 'header has' : 'rows have'} ${header ? truncateValue(cells.map((c) => JSON.stringify(c.trim())).join(', ')) : `${cells.length} columns`}`,
        });
      }
      idx[f] = k;
    }
    return idx;
  };

  const handle = (raw: string) => {
    const line = ++lineNo;
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (text.trim() === '') {
      blankLines++;
      return;
    }
    const cells = splitDelimited(text, delim);
    if (!cells) return bad.report({ file: path, line, field: 'row', column: 0, value: truncateValue(text), reason: 'unbalanced double quote' });
    if (index === null) {
      names = header ? cells.map((c) => c.trim()) : cells.map((_, k) => String(k));
      index = resolveColumns(cells);
      width = cells.length;
      if (header) return;
    }
    if (cells.length !== width) {
      return bad.report({ file: path, line, field: 'row', column: 0, value: truncateValue(text), reason: `wrong column count: expected ${width}, found ${cells.length}` });
    }
    const ix = index;
    const t = parseTimeField(cells[ix.time], timeFormat, mapping.utcOffsetHours ?? 0);
    if (!Number.isFinite(t)) return fail(line, ix.time, cells[ix.time], `not a time in format ${timeFormat}`);
    if (!(t >= 0 && t < 86_400)) return fail(line, ix.time, cells[ix.time], 'time must fall within the day (0 ≤ seconds after midnight < 86400)');
    if (t < prevTime) return fail(line, ix.time, cells[ix.time], `time goes backwards (previous row has ${prevTime} s after midnight)`);
    const tlabel = cells[ix.type].trim();
    const code = types.get(tlabel) ?? types.get(tlabel.toLowerCase());
    if (code === undefined) return fail(line, ix.type, tlabel, `unknown event type (known: ${[...types.keys()].join(', ')})`);
    // Number('') is 0: an empty id must not pass as order 0.
    const oid = cells[ix.id].trim() === '' ? NaN : Number(cells[ix.id]);
    const idOk = Number.isSafeInteger(oid) && (oid >= 0 || (oid === -1 && (code === EventType.Cross || code === EventType.Halt)));
    if (!idOk) return fail(line, ix.id, cells[ix.id], code === EventType.Cross ? 'order id must be a non-negative integer, or -1 for a cross trade' : 'order id must be a non-negative integer');
    const sz = Number(cells[ix.size]);
    if (cells[ix.size].trim() === '' || !Number.isFinite(sz)) return fail(line, ix.size, cells[ix.size], 'not a number');
    if (sz < 0) return fail(line, ix.size, cells[ix.size], 'negative size');
    if (sz === 0 && code !== EventType.Halt) return fail(line, ix.size, cells[ix.size], 'size must be positive');
    const px = Number(cells[ix.price]) * priceScale;
    if (cells[ix.price].trim() === '' || !Number.isFinite(px)) return fail(line, ix.price, cells[ix.price], 'not a number');
    if (!(px > 0) && code !== EventType.Halt) return fail(line, ix.price, cells[ix.price], 'price must be positive');
    // Rounded to 6 decimals below: a price that large would overflow to Infinity.
    if (!(Math.abs(px) < 2 ** 53)) return fail(line, ix.price, cells[ix.price], 'price out of range (at most 2^53 price units)');
    const sd = sides.get(cells[ix.side].trim().toLowerCase());
    if (sd === undefined) return fail(line, ix.side, cells[ix.side], `unknown side (known: ${[...sides.keys()].join(', ')})`);
    prevTime = t;
    time.push(t);
    type.push(code);
    id.push(oid);
    size.push(sz);
    price.push(Math.round(px * 1e6) / 1e6);
    dir.push(sd);
    lineCol.push(line);
  };

  // A byte-order mark is dropped by the decoder (its default).
  const decoder = new TextDecoder('utf-8');
  let carry = '';
  let readError: BadLine | null = null;
  let gzip = false;
  try {
    gzip = isGzipFile(path);
    for await (const chunk of streamBytes(path)) {
      const text = carry + decoder.decode(chunk, { stream: true });
      const parts = text.split('\n');
      carry = parts.pop() ?? '';
      for (const p of parts) handle(p);
    }
    carry += decoder.decode();
    if (carry !== '') handle(carry);
  } catch (e) {
    if (e instanceof DataError) throw e;
    // Cut short or damaged: the partial line in hand is dropped; in collect mode the rows read stay.
    readError = fileProblem(path, describeReadError(e, gzip, lineNo));
    bad.report(readError);
  }
  const headerLines = header && index !== null ? 1 : 0;
  if (index === null || lineNo - blankLines - headerLines === 0) {
    // Nothing to load is an error in either mode (not an empty day).
    if (readError) throw new DataError(readError);
    throw new DataError(fileProblem(path, index === null ? `empty file: no rows${blankLines > 0 ? ` (${blankLines} blank lines only)` : ''}` : 'no rows after the header'));
  }

  const flow = new OrderFlow(
    {
      time: time.toArray(),
      type: type.toArray(),
      id: id.toArray(),
      size: size.toArray(),
      price: price.toArray(),
      direction: dir.toArray(),
      line: lineCol.toArray(),
    },
    {
      symbol: options.symbol ?? basename(path).split(/[_.]/)[0],
      date: options.date ?? '',
      levels: 0,
      venue: { ...NASDAQ, ...options.venue },
      source: path,
    },
  );
  return { flow, badLines: bad.lines, badLineCount: bad.count, lines: lineNo, blankLines, headerLines };
}
