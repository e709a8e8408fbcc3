/**
 * From exchange messages to MarS's orders: each order event is a new sell (S), a new buy (B) or a
 * cancel (C), with the book before and after it.
 *
 * LOBSTER has no market-order message. An aggressive order appears as one or more executions (types
 * 4 and 5) of resting orders on one side at one timestamp, followed, when some of it rests, by a
 * submission (type 1) of the remainder at the same timestamp on the aggressor's side. The rule here:
 *
 *   a run of consecutive execution messages with the same timestamp and the same resting side is one
 *   aggressive order on the other side; a submission that follows at the same timestamp, on the
 *   aggressor's side, at a price at or beyond the last execution price, is its remainder. The order's
 *   size is everything executed plus the remainder; its price is the remainder's limit price when
 *   there is one, else the deepest price it traded at.
 *
 * Cancels (types 2 and 3) become C orders; consecutive cancels with the same time, price and side
 * merge into one (MarS merges cancels with the same time, price and agent). Cross trades (6) and
 * halts (7) are not orders; they are counted.
 *
 * Everything runs in lockstep with a validated replay (`LobsterReplayer`), so each order sees the
 * exact book: its price level is measured against the mid before it, and the context features (mid
 * change since the open, time since the open, the volumes around the mid) describe the book after it,
 * which is what the model sees when it predicts the next order.
 */
import { LobsterReplayer } from '../replay/lobster-replay';
import type { OrderBook } from '../book/order-book';
import { EventType, type OrderFlow, type VenueSettings } from '../data/order-flow';
import type { BookFrames } from '../data/book-frames';
import { BadLineSink, type BadLine, type OnError } from '../data/errors';
import { ColumnarFrame, type Columns } from '../data/tables';
import { autoProgress, type ProgressCallback } from '../util/progress';
import { lowerBound } from '../util/search';

/** MarS's order types, in MarS's order: the type part of a token id. */
export const ORDER_TYPE_NAMES = ['S', 'B', 'C'] as const;
export type OrderTypeName = (typeof ORDER_TYPE_NAMES)[number];
export const TYPE_SELL = 0;
export const TYPE_BUY = 1;
export const TYPE_CANCEL = 2;

/** Number of LOB-volume context slots: the book at the 10 ticks around the mid. */
export const LOB_SLOTS = 10;

/**
 * The whole-tick price level of `price` against `mid`: `floor((price − mid) / tick + 1/2)`, i.e. ticks
 * above the grid price at or just below the mid. Every grid price gets exactly one level whatever the
 * spread's parity (with an odd spread the best bid is level 0 and the best ask level 1; with an even
 * one the mid itself is level 0), so a level always maps back to one price: see `priceAtLevel`.
 */
export function priceLevel(price: number, mid: number, tick: number): number {
  return Math.floor((price - mid) / tick + 0.5);
}

/**
 * The grid price at `level` (the inverse of `priceLevel`): the one whole tick j with
 * floor(j − mid/tick + 1/2) = level, i.e. j = level + ceil(mid/tick − 1/2). Exact for any mid.
 */
export function priceAtLevel(level: number, mid: number, tick: number): number {
  return (level + Math.ceil(mid / tick - 0.5)) * tick;
}

/** Seconds since the session opened, leaving out breaks (0 before the open). */
export function secondsFromOpen(time: number, venue: VenueSettings): number {
  let s = time - venue.open;
  const breaks = venue.breaks;
  for (let k = 0; k < breaks.length; k++) {
    const [a, b] = breaks[k];
    if (time >= b) s -= b - a;
    else if (time > a) s -= time - a;
  }
  return Math.max(0, s);
}

export interface ExtractOrdersOptions {
  /** Merge consecutive cancels with the same time, price and side (default true, as MarS). */
  mergeCancels?: boolean;
  /** `'throw'` (default): stop at the first impossible order; `'collect'`: skip it and list it. */
  onError?: OnError;
  onProgress?: ProgressCallback;
}

export interface OrderEventStats {
  messages: number;
  /** Orders before cancels were merged. */
  orders: number;
  aggressiveOrders: number;
  /** Aggressive orders whose remainder rested. */
  aggressiveWithRemainder: number;
  mergedCancels: number;
  /** Cross trades and halts, which are not orders. */
  skippedMessages: number;
  /** Orders placed while one side of the book was empty (their level is measured against the last mid). */
  staleMid: number;
  badOrders: number;
}

export interface OrderEventsMeta {
  symbol: string;
  date: string;
  venue: VenueSettings;
  /** The day's first trade price (MarS's open_trans_price; NaN without trades): mid changes are measured from it. */
  openPrice: number;
}

/** The columns of an `OrderEvents`, all the same length (`lob`: LOB_SLOTS per order). */
export interface OrderEventColumns {
  /** Seconds after midnight. */
  time: Float64Array;
  /** 0 = S (new sell), 1 = B (new buy), 2 = C (cancel). */
  type: Uint8Array;
  /** +1 buy / bid side, −1 sell / ask side (for C: the side of the cancelled order). */
  side: Int8Array;
  /** Price in venue units. */
  price: Float64Array;
  size: Float64Array;
  /** Seconds since the previous order (0 for ties and for the first). */
  interval: Float64Array;
  /** Whole-tick price level against the mid before the order (`priceLevel`). */
  level: Int32Array;
  midBefore: Float64Array;
  /** 1 for orders reconstructed from executions. */
  aggressive: Uint8Array;
  /** Quantity the order executed on arrival. */
  filled: Float64Array;
  /** Visible volume at the order's price before it (either side). */
  volumeBefore: Float64Array;
  /** Quantity × price of what the order executed (its VWAP is notional / filled). */
  notional: Float64Array;
  /** Mid after the order, and its change since the open in basis points (unclipped). */
  midAfter: Float64Array;
  /** Spread (venue units) and best-level imbalance (bid − ask) / (bid + ask) after the order. */
  spreadAfter: Float64Array;
  imbalanceAfter: Float64Array;
  changeBp: Float64Array;
  /** Seconds since the session opened (breaks left out). */
  fromOpen: Float64Array;
  /** Book volume after the order at levels −5..4 around the mid (row-major, LOB_SLOTS per order; 0 = empty). */
  lob: Float64Array;
  /** First and last message row (0-based) the order came from. */
  firstRow: Int32Array;
  lastRow: Int32Array;
}

const EVENT_COLUMNS = ['time', 'type', 'side', 'price', 'size', 'interval', 'level', 'midBefore', 'aggressive', 'filled', 'volumeBefore', 'notional', 'midAfter', 'spreadAfter', 'imbalanceAfter', 'changeBp', 'fromOpen', 'lob', 'firstRow', 'lastRow'] as const;

/** Order events as columns, with the raw (unbinned) values a tokenizer needs. */
export class OrderEvents extends ColumnarFrame {
  readonly length: number;
  /** Seconds after midnight. */
  readonly time: Float64Array;
  /** 0 = S (new sell), 1 = B (new buy), 2 = C (cancel). */
  readonly type: Uint8Array;
  /** +1 buy / bid side, −1 sell / ask side (for C: the side of the cancelled order). */
  readonly side: Int8Array;
  /** Price in venue units. */
  readonly price: Float64Array;
  readonly size: Float64Array;
  /** Seconds since the previous order (0 for ties and for the first). */
  readonly interval: Float64Array;
  /** Whole-tick price level against the mid before the order (`priceLevel`). */
  readonly level: Int32Array;
  readonly midBefore: Float64Array;
  /** 1 for orders reconstructed from executions. */
  readonly aggressive: Uint8Array;
  /** Quantity the order executed on arrival. */
  readonly filled: Float64Array;
  /** Visible volume at the order's price before it (either side). */
  readonly volumeBefore: Float64Array;
  /** Quantity × price of what the order executed (its VWAP is notional / filled). */
  readonly notional: Float64Array;
  /** Mid after the order, and its change since the open in basis points (unclipped). */
  readonly midAfter: Float64Array;
  /** Spread (venue units) and best-level imbalance (bid − ask) / (bid + ask) after the order. */
  readonly spreadAfter: Float64Array;
  readonly imbalanceAfter: Float64Array;
  readonly changeBp: Float64Array;
  /** Seconds since the session opened (breaks left out). */
  readonly fromOpen: Float64Array;
  /** Book volume after the order at levels −5..4 around the mid (row-major, LOB_SLOTS per order; 0 = empty). */
  readonly lob: Float64Array;
  /** First and last message row (0-based) the order came from. */
  readonly firstRow: Int32Array;
  readonly lastRow: Int32Array;

  constructor(
    cols: OrderEventColumns,
    readonly meta: OrderEventsMeta,
    readonly stats: OrderEventStats,
    readonly badOrders: BadLine[],
  ) {
    super();
    this.length = cols.time.length;
    for (const [name, col] of Object.entries(cols) as Array<[string, { length: number }]>) {
      const want = name === 'lob' ? this.length * LOB_SLOTS : this.length;
      if (col.length !== want) throw new RangeError(`OrderEvents: column ${name} has ${col.length} values, expected ${want}`);
    }
    this.time = cols.time;
    this.type = cols.type;
    this.side = cols.side;
    this.price = cols.price;
    this.size = cols.size;
    this.interval = cols.interval;
    this.level = cols.level;
    this.midBefore = cols.midBefore;
    this.aggressive = cols.aggressive;
    this.filled = cols.filled;
    this.volumeBefore = cols.volumeBefore;
    this.notional = cols.notional;
    this.midAfter = cols.midAfter;
    this.spreadAfter = cols.spreadAfter;
    this.imbalanceAfter = cols.imbalanceAfter;
    this.changeBp = cols.changeBp;
    this.fromOpen = cols.fromOpen;
    this.lob = cols.lob;
    this.firstRow = cols.firstRow;
    this.lastRow = cols.lastRow;
  }

  columns(): Columns {
    const lob = lobColumns(this.lob, this.length, Float64Array);
    return {
      time: this.time,
      type: Array.from(this.type, (t) => ORDER_TYPE_NAMES[t]),
      side: this.side,
      price: this.price,
      size: this.size,
      interval: this.interval,
      level: this.level,
      midBefore: this.midBefore,
      aggressive: this.aggressive,
      filled: this.filled,
      volumeBefore: this.volumeBefore,
      notional: this.notional,
      midAfter: this.midAfter,
      spreadAfter: this.spreadAfter,
      imbalanceAfter: this.imbalanceAfter,
      changeBp: this.changeBp,
      fromOpen: this.fromOpen,
      ...lob,
      firstRow: this.firstRow,
      lastRow: this.lastRow,
    };
  }

  /** Orders [from, to) sharing the same buffers (stats and bad orders stay those of the whole day). */
  slice(from: number, to = this.length): OrderEvents {
    const s = <T extends Float64Array | Int32Array | Uint8Array | Int8Array>(a: T, per = 1) => a.subarray(from * per, to * per) as T;
    const cols = {} as Record<string, unknown>;
    for (const name of EVENT_COLUMNS) cols[name] = s(this[name], name === 'lob' ? LOB_SLOTS : 1);
    return new OrderEvents(cols as unknown as OrderEventColumns, this.meta, this.stats, this.badOrders);
  }

  /** First order at or after time t (seconds after midnight). */
  indexAtTime(t: number): number {
    return lowerBound(this.time, t);
  }

  /** Fraction of each type (S, B, C). */
  typeShares(): Record<OrderTypeName, number> {
    const c = [0, 0, 0];
    for (let i = 0; i < this.length; i++) c[this.type[i]]++;
    return { S: c[0] / this.length, B: c[1] / this.length, C: c[2] / this.length };
  }
}

/** The row-major LOB slots as one column per slot, named by level: lob-5 … lob4. */
export function lobColumns<T extends Float64Array | Uint8Array>(lob: T, rows: number, Ctor: new (n: number) => T): Columns {
  const out: Columns = {};
  for (let s = 0; s < LOB_SLOTS; s++) {
    const col = new Ctor(rows);
    for (let i = 0; i < rows; i++) col[i] = lob[i * LOB_SLOTS + s];
    out[`lob${s - 5}`] = col;
  }
  return out;
}

/** Volumes at levels −5..4 around `mid` (after an order), written to `out` at `at` (0 = empty). */
export function lobSlotVolumes(book: OrderBook, mid: number, tick: number, out: Float64Array, at: number): void {
  for (let s = 0; s < LOB_SLOTS; s++) out[at + s] = 0;
  if (mid === mid) book.addDepthAround(mid, tick, -5, 4, out, at);
}

/**
 * Replay a LOBSTER day and turn its messages into MarS orders (see the module comment).
 * Without `frames` the replay starts from an empty book (no seeding, no validation).
 */
export function extractOrders(flow: OrderFlow, frames: BookFrames | null, options: ExtractOrdersOptions = {}): OrderEvents {
  const venue = flow.meta.venue;
  const tick = venue.tickSize;
  const merge = options.mergeCancels ?? true;
  const bad = new BadLineSink(options.onError ?? 'throw');
  const replay = new LobsterReplayer(flow, frames);
  const book = replay.book;
  const n = flow.length;
  // An order never spans less than one message: n rows is always enough.
  const time = new Float64Array(n);
  const type = new Uint8Array(n);
  const side = new Int8Array(n);
  const price = new Float64Array(n);
  const size = new Float64Array(n);
  const interval = new Float64Array(n);
  const level = new Int32Array(n);
  const midBefore = new Float64Array(n);
  const aggressive = new Uint8Array(n);
  const filled = new Float64Array(n);
  const volBefore = new Float64Array(n);
  const notional = new Float64Array(n);
  const midAfter = new Float64Array(n);
  const spreadAfter = new Float64Array(n);
  const imbalanceAfter = new Float64Array(n);
  const changeBp = new Float64Array(n);
  const fromOpen = new Float64Array(n);
  const lob = new Float64Array(n * LOB_SLOTS);
  const firstRow = new Int32Array(n);
  const lastRow = new Int32Array(n);
  let count = 0;
  const stats: OrderEventStats = {
    messages: n,
    orders: 0,
    aggressiveOrders: 0,
    aggressiveWithRemainder: 0,
    mergedCancels: 0,
    skippedMessages: 0,
    staleMid: 0,
    badOrders: 0,
  };

  // The open price: the first trade of the day (MarS's open_trans_price).
  let openPrice = NaN;
  for (let i = 0; i < n; i++) {
    const t = flow.type[i];
    if (t === EventType.Execute || t === EventType.ExecuteHidden || t === EventType.Cross) {
      openPrice = flow.price[i];
      break;
    }
  }
  let lastMid = NaN;
  let prevTime = NaN;
  const T = flow.type;
  const D = flow.direction;
  const P = flow.price;
  const S = flow.size;
  const TM = flow.time;

  const currentMid = (): number => {
    const m = book.mid();
    if (m === m) lastMid = m;
    return lastMid;
  };
  /** The mid an order is measured against: the live one, else the last known (counted as stale). */
  const midForOrder = (): number => {
    const live = book.mid();
    if (live === live) return (lastMid = live);
    stats.staleMid++;
    return lastMid;
  };

  const fail = (row: number, field: string, value: number, reason: string): boolean => {
    stats.badOrders++;
    bad.report({ file: flow.meta.source, line: flow.line[row], field, column: 0, value: String(value), reason });
    return false;
  };

  /** Checks that hold before any order: a finite positive size and an uncrossed book. */
  const checkBefore = (row: number): boolean => {
    const sz = S[row];
    if (!(sz > 0)) return fail(row, 'size', sz, 'an order needs a positive size');
    if (!(P[row] > 0)) return fail(row, 'price', P[row], 'an order needs a positive price');
    const b = book.bestBid();
    const a = book.bestAsk();
    if (b >= a) return fail(row, 'price', P[row], `the book is crossed before this order (best bid ${b} ≥ best ask ${a})`);
    return true;
  };

  /** Record the after-state features of the event at index `e` (`fresh`: its LOB slots are still zero). */
  const writeAfter = (e: number, fresh: boolean): void => {
    const m = currentMid();
    midAfter[e] = m;
    spreadAfter[e] = book.spread();
    imbalanceAfter[e] = book.imbalance(1);
    changeBp[e] = openPrice === openPrice && m === m ? (m / openPrice - 1) * 10_000 : 0;
    if (fresh) {
      if (m === m) book.addDepthAround(m, tick, -5, 4, lob, e * LOB_SLOTS);
    } else lobSlotVolumes(book, m, tick, lob, e * LOB_SLOTS);
  };

  const emit = (
    row0: number,
    row1: number,
    ty: number,
    sd: number,
    px: number,
    sz: number,
    mid0: number,
    isAggr: number,
    fill: number,
    vb: number,
    value: number,
  ): void => {
    const t = TM[row0];
    const e = count++;
    time[e] = t;
    type[e] = ty;
    side[e] = sd;
    price[e] = px;
    size[e] = sz;
    interval[e] = prevTime === prevTime ? t - prevTime : 0;
    prevTime = t;
    level[e] = mid0 === mid0 ? priceLevel(px, mid0, tick) : 0;
    midBefore[e] = mid0;
    aggressive[e] = isAggr;
    filled[e] = fill;
    volBefore[e] = vb;
    notional[e] = value;
    fromOpen[e] = secondsFromOpen(t, venue);
    firstRow[e] = row0;
    lastRow[e] = row1;
    writeAfter(e, true);
    stats.orders++;
  };

  // The aggressive run in progress.
  let runActive = false;
  let runSide = 0;
  let runTime = 0;
  let runStart = 0;
  let runMid = NaN;
  let runQty = 0;
  let runLast = 0;
  let runAtLast = 0;
  let runValue = 0;
  let runOk = true;

  const finishRun = (endRow: number, remainderPrice: number, remainderQty: number): void => {
    runActive = false;
    if (!runOk) return;
    const px = remainderQty > 0 ? remainderPrice : runLast;
    const total = runQty + remainderQty;
    // Visible volume at the order's price before it: what is left there now plus what it took there.
    const vb = remainderQty > 0 && remainderPrice !== runLast ? 0 : book.volumeAt(-runSide, px) + runAtLast;
    emit(runStart, endRow, runSide > 0 ? TYPE_BUY : TYPE_SELL, runSide, px, total, runMid, 1, runQty, vb, runValue);
    stats.aggressiveOrders++;
    if (remainderQty > 0) stats.aggressiveWithRemainder++;
  };

  const step = (i: number): void => {
    replay.validate(i, replay.apply(i));
  };
  const progress = autoProgress(`orders of ${flow.meta.symbol}`, options.onProgress);

  for (let i = replay.next; i < n; i++) {
    const t = T[i];
    if (runActive) {
      if ((t === EventType.Execute || t === EventType.ExecuteHidden) && TM[i] === runTime && D[i] === -runSide) {
        if (!(S[i] > 0)) runOk = fail(i, 'size', S[i], 'an execution needs a positive size');
        runQty += S[i];
        runValue += S[i] * P[i];
        if (P[i] !== runLast) {
          runLast = P[i];
          runAtLast = 0;
        }
        if (t === EventType.Execute) runAtLast += S[i];
        step(i);
        continue;
      }
      if (t === EventType.Submit && TM[i] === runTime && D[i] === runSide && (runSide > 0 ? P[i] >= runLast : P[i] <= runLast)) {
        if (!(S[i] > 0)) runOk = fail(i, 'size', S[i], 'an order needs a positive size');
        step(i);
        finishRun(i, P[i], S[i]);
        continue;
      }
      finishRun(i - 1, 0, 0);
    }
    switch (t) {
      case EventType.Execute:
      case EventType.ExecuteHidden: {
        runOk = checkBefore(i);
        runActive = true;
        runSide = -D[i];
        runTime = TM[i];
        runStart = i;
        runMid = midForOrder();
        runQty = S[i];
        runValue = S[i] * P[i];
        runLast = P[i];
        runAtLast = t === EventType.Execute ? S[i] : 0;
        step(i);
        break;
      }
      case EventType.Submit: {
        const ok = checkBefore(i);
        const mid0 = midForOrder();
        const sd = D[i];
        const opp = book.best(-sd);
        if (ok && opp === opp && (sd > 0 ? P[i] >= opp : P[i] <= opp)) {
          fail(i, 'price', P[i], `a resting ${sd > 0 ? 'buy' : 'sell'} at ${P[i]} would cross the best ${sd > 0 ? 'ask' : 'bid'} ${opp}`);
          step(i);
          break;
        }
        step(i);
        if (!ok) break;
        emit(i, i, sd > 0 ? TYPE_BUY : TYPE_SELL, sd, P[i], S[i], mid0, 0, 0, Math.max(0, book.volumeAt(sd, P[i]) - S[i]), 0);
        break;
      }
      case EventType.Cancel:
      case EventType.Delete: {
        const ok = checkBefore(i);
        const sd = D[i];
        const opp = book.best(-sd);
        if (ok && opp === opp && (sd > 0 ? P[i] >= opp : P[i] <= opp)) {
          fail(i, 'price', P[i], `a cancel of a ${sd > 0 ? 'bid' : 'ask'} at ${P[i]}, on the wrong side of the best ${sd > 0 ? 'ask' : 'bid'} ${opp}`);
          step(i);
          break;
        }
        const mid0 = midForOrder();
        step(i);
        if (!ok) break;
        const e = count - 1;
        if (merge && e >= 0 && type[e] === TYPE_CANCEL && time[e] === TM[i] && price[e] === P[i] && side[e] === sd && lastRow[e] === i - 1) {
          size[e] += S[i];
          filled[e] = size[e];
          lastRow[e] = i;
          writeAfter(e, false);
          stats.mergedCancels++;
          stats.orders++;
          break;
        }
        emit(i, i, TYPE_CANCEL, sd, P[i], S[i], mid0, 0, S[i], book.volumeAt(sd, P[i]) + S[i], 0);
        break;
      }
      default:
        step(i);
        stats.skippedMessages++;
    }
    if (progress.onProgress && (i & 32767) === 0) progress.onProgress(i, n);
  }
  if (runActive) finishRun(n - 1, 0, 0);
  progress.onProgress?.(n, n);
  progress.finish();

  // Orders are nearly as many as messages: keep views of the buffers unless that would waste much.
  const cut = <T extends Float64Array | Int32Array | Uint8Array | Int8Array>(a: T, per = 1): T =>
    (count >= 0.9 * n ? a.subarray(0, count * per) : a.slice(0, count * per)) as T;
  return new OrderEvents(
    {
      time: cut(time),
      type: cut(type),
      side: cut(side),
      price: cut(price),
      size: cut(size),
      interval: cut(interval),
      level: cut(level),
      midBefore: cut(midBefore),
      aggressive: cut(aggressive),
      filled: cut(filled),
      volumeBefore: cut(volBefore),
      notional: cut(notional),
      midAfter: cut(midAfter),
      spreadAfter: cut(spreadAfter),
      imbalanceAfter: cut(imbalanceAfter),
      changeBp: cut(changeBp),
      fromOpen: cut(fromOpen),
      lob: cut(lob, LOB_SLOTS),
      firstRow: cut(firstRow),
      lastRow: cut(lastRow),
    },
    { symbol: flow.meta.symbol, date: flow.meta.date, venue, openPrice },
    stats,
    bad.lines,
  );
}
