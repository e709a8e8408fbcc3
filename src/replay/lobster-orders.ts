/**
 * From LOBSTER messages to MarS's orders (`OrderEvents`): each order event is a new sell (S), a new buy
 * (B) or a cancel (C), with the book before and after it.
 *
 * LOBSTER has no market-order message. An aggressive order appears as one or more executions (types
 * 4 and 5) of resting orders on one side at one timestamp, followed, when some of it rests, by a
 * submission (type 1) of the remainder at the same timestamp on the aggressor's side. The rule here:
 *
 *   a run of consecutive execution messages with the same timestamp and the same resting side is one
 *   aggressive order on the other side, of what it took from the visible book: its size is the
 *   visible volume it executed (type 4), its price the deepest visible price it traded at. A
 *   remainder that rests is an order of its own (the submission that follows, at the same time).
 *
 * The order stream is what the visible book saw, so that every order does to a matching engine what
 * it did to the real book (the simulation replays and generates orders into an engine that has only
 * visible liquidity). Executions against hidden orders (type 5) leave the visible book as it was: a
 * run made only of them is no order (`stats.hiddenOnlyRuns`), and the hidden part of a mixed run is
 * not in its size (`stats.hiddenShares`). Kept as orders, the hidden-only runs (a quarter of GOOG's
 * aggressive orders) were placements strictly inside the spread that never rested in the real book;
 * re-sent to the engine they rest there, and replaying the real day with them halved its spread
 * (22.4 → 11.6 ticks over six 5-minute windows from 15:00). A remainder follows 34 of GOOG's 5,930
 * aggressive orders (49 of AMZN's 6,591).
 *
 * Cancels (types 2 and 3) become C orders; consecutive cancels with the same time, price and side
 * merge into one (MarS merges cancels with the same time, price and agent). Cross trades (6) and
 * halts (7) are not orders; they are counted.
 *
 * Everything runs in lockstep with a validated replay (`LobsterReplayer`), so each order sees the
 * exact book: its price level is measured against the mid before it, and the context values (mid
 * change since the open, time since the open, the volumes around the mid) describe the book after it,
 * which is what the model sees when it predicts the next order. This module owns the LOBSTER side —
 * reconstruction, the checks an order must pass and the report of those that fail; the columns and the
 * context values themselves are `data/order-events`, shared with the tokenizer and the simulation.
 */
import { LobsterReplayer } from './lobster-replay';
import { EventType, type OrderFlow } from '../data/order-flow';
import type { BookFrames } from '../data/book-frames';
import { BadLineSink, type OnError } from '../data/errors';
import { trimColumns } from '../data/columns';
import {
  OrderEvents,
  ORDER_EVENT_SCHEMA,
  TYPE_BUY,
  TYPE_CANCEL,
  TYPE_SELL,
  allocateOrderEventColumns,
  priceLevel,
  secondsFromOpen,
  writeAfterState,
  type OrderEventStats,
} from '../data/order-events';
import { autoProgress, type ProgressCallback } from '../util/progress';

export interface ExtractOrdersOptions {
  /** Merge consecutive cancels with the same time, price and side (default true, as MarS). */
  mergeCancels?: boolean;
  /** `'throw'` (default): stop at the first impossible order; `'collect'`: skip it and list it. */
  onError?: OnError;
  onProgress?: ProgressCallback;
}

/** The day's first trade price (MarS's open_trans_price; NaN without trades). */
export function lobsterOpenPrice(flow: OrderFlow): number {
  for (let i = 0; i < flow.length; i++) {
    const t = flow.type[i];
    if (t === EventType.Execute || t === EventType.ExecuteHidden || t === EventType.Cross) return flow.price[i];
  }
  return NaN;
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
  const cols = allocateOrderEventColumns(n);
  // Locals for the columns the loop writes, so the hot path reads no object properties.
  const { time, type, side, price, size, interval, level, midBefore, bidBefore, askBefore, aggressive, filled, volumeBefore, notional, fromOpen, firstRow, lastRow } = cols;
  let count = 0;
  const stats: OrderEventStats = {
    messages: n,
    orders: 0,
    aggressiveOrders: 0,
    aggressiveWithRemainder: 0,
    hiddenOnlyRuns: 0,
    hiddenShares: 0,
    mergedCancels: 0,
    skippedMessages: 0,
    staleMid: 0,
    badOrders: 0,
  };

  // The open price: the first trade of the day (MarS's open_trans_price).
  const openPrice = lobsterOpenPrice(flow);
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
  // The touch an order is placed against: the live best prices, else the last ones seen.
  let lastBid = NaN;
  let lastAsk = NaN;
  const noteTouch = (): void => {
    const b = book.bestBid();
    const a = book.bestAsk();
    if (b === b) lastBid = b;
    if (a === a) lastAsk = a;
  };
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

  /** Record the after-state context of the event at index `e` (`fresh`: its LOB slots are still zero). */
  const writeAfter = (e: number, fresh: boolean): void => {
    writeAfterState(cols, e, book, currentMid(), openPrice, tick, fresh);
  };

  const emit = (
    row0: number,
    row1: number,
    ty: number,
    sd: number,
    px: number,
    sz: number,
    mid0: number,
    bid0: number,
    ask0: number,
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
    bidBefore[e] = bid0;
    askBefore[e] = ask0;
    aggressive[e] = isAggr;
    filled[e] = fill;
    volumeBefore[e] = vb;
    notional[e] = value;
    fromOpen[e] = secondsFromOpen(t, venue);
    firstRow[e] = row0;
    lastRow[e] = row1;
    writeAfter(e, true);
    stats.orders++;
  };

  // The aggressive run in progress: its visible executions (the order) and its hidden ones (counted).
  let runActive = false;
  let runSide = 0;
  let runTime = 0;
  let runStart = 0;
  let runMid = NaN;
  let runBid = NaN;
  let runAsk = NaN;
  let runQty = 0;
  let runHidden = 0;
  let runLast = 0;
  let runAtLast = 0;
  let runValue = 0;
  let runOk = true;

  const finishRun = (endRow: number): void => {
    runActive = false;
    if (!runOk) return;
    stats.hiddenShares += runHidden;
    if (runQty === 0) {
      stats.hiddenOnlyRuns++;
      return;
    }
    // Visible volume at the order's price before it: what is left there now plus what it took there.
    const vb = book.volumeAt(-runSide, runLast) + runAtLast;
    emit(runStart, endRow, runSide > 0 ? TYPE_BUY : TYPE_SELL, runSide, runLast, runQty, runMid, runBid, runAsk, 1, runQty, vb, runValue);
    stats.aggressiveOrders++;
  };
  const addExecution = (i: number): void => {
    if (!(S[i] > 0)) runOk = fail(i, 'size', S[i], 'an execution needs a positive size');
    if (T[i] === EventType.ExecuteHidden) {
      runHidden += S[i];
      return;
    }
    runQty += S[i];
    runValue += S[i] * P[i];
    if (P[i] !== runLast) {
      runLast = P[i];
      runAtLast = 0;
    }
    runAtLast += S[i];
  };

  const step = (i: number): void => {
    replay.validate(i, replay.apply(i));
  };
  const progress = autoProgress(`orders of ${flow.meta.symbol}`, options.onProgress);

  for (let i = replay.next; i < n; i++) {
    const t = T[i];
    if (runActive) {
      if ((t === EventType.Execute || t === EventType.ExecuteHidden) && TM[i] === runTime && D[i] === -runSide) {
        addExecution(i);
        step(i);
        continue;
      }
      // A remainder (a submission at the same time on the aggressor's side, at or beyond the last price it traded at) follows as an order of its own.
      if (runQty > 0 && t === EventType.Submit && TM[i] === runTime && D[i] === runSide && (runSide > 0 ? P[i] >= runLast : P[i] <= runLast)) stats.aggressiveWithRemainder++;
      finishRun(i - 1);
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
        noteTouch();
        runBid = lastBid;
        runAsk = lastAsk;
        runQty = 0;
        runHidden = 0;
        runValue = 0;
        runLast = NaN;
        runAtLast = 0;
        addExecution(i);
        step(i);
        break;
      }
      case EventType.Submit: {
        const ok = checkBefore(i);
        const mid0 = midForOrder();
        noteTouch();
        const bid0 = lastBid;
        const ask0 = lastAsk;
        const sd = D[i];
        const opp = book.best(-sd);
        if (ok && opp === opp && (sd > 0 ? P[i] >= opp : P[i] <= opp)) {
          fail(i, 'price', P[i], `a resting ${sd > 0 ? 'buy' : 'sell'} at ${P[i]} would cross the best ${sd > 0 ? 'ask' : 'bid'} ${opp}`);
          step(i);
          break;
        }
        step(i);
        if (!ok) break;
        emit(i, i, sd > 0 ? TYPE_BUY : TYPE_SELL, sd, P[i], S[i], mid0, bid0, ask0, 0, 0, Math.max(0, book.volumeAt(sd, P[i]) - S[i]), 0);
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
        noteTouch();
        const bid0 = lastBid;
        const ask0 = lastAsk;
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
        emit(i, i, TYPE_CANCEL, sd, P[i], S[i], mid0, bid0, ask0, 0, S[i], book.volumeAt(sd, P[i]) + S[i], 0);
        break;
      }
      default:
        step(i);
        stats.skippedMessages++;
    }
    if (progress.onProgress && (i & 32767) === 0) progress.onProgress(i, n);
  }
  if (runActive) finishRun(n - 1);
  progress.onProgress?.(n, n);
  progress.finish();

  // Orders are nearly as many as messages: keep views of the buffers unless that would waste much.
  return new OrderEvents(
    trimColumns(ORDER_EVENT_SCHEMA, cols, count, count < 0.9 * n),
    { symbol: flow.meta.symbol, date: flow.meta.date, venue, openPrice },
    stats,
    bad.lines,
  );
}
