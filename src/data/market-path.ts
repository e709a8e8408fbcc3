/**
 * One future of a market after a start time, as the forecasting analyses read it: the mid and spread
 * after each order, and the executions. A simulated trajectory (`Trajectories.paths()`), the real
 * continuation of its start (`Trajectories.realPath()`) and any start time of a real day
 * (`pathFromEvents`) all give this view, so an indicator is one function for all of them.
 *
 * Times are seconds after midnight. The path holds what happened after the start state: on a real day
 * the orders at or after the start time (the start state is the book after the last order before it,
 * as `startFromDay` takes it); a window "(start, start + h]" means these orders up to start + h.
 */
import type { OrderEvents } from './order-events';
import { TYPE_CANCEL } from './order-events';
import { lowerBound } from '../util/search';

export interface MarketPath {
  /** Start, seconds after midnight. */
  start: number;
  /** Seconds after midnight up to which the path is known: an indicator over a longer horizon is NaN. */
  end: number;
  /** Mid at the start (venue price units). */
  mid0: number;
  /** Spread at the start (venue price units; NaN when a side was empty). */
  spread0: number;
  /** Price units per tick. */
  tick: number;
  /** Orders after the start, in time order: seconds after midnight, the mid after each (the last finite one while a side is empty) and the spread after each (NaN while a side is empty). */
  orders: { time: Float64Array; mid: Float64Array; spread: Float64Array };
  /** Executions after the start: seconds after midnight, price (venue units), shares. */
  trades: { time: Float64Array; price: Float64Array; qty: Float64Array };
}

/** What `marketPath` builds a path from: arrays in any time unit (`timeScale` turns it into seconds). */
export interface MarketPathInput {
  start: number;
  end: number;
  mid0: number;
  spread0: number;
  tick: number;
  orders: { time: ArrayLike<number>; mid: ArrayLike<number>; spread: ArrayLike<number> };
  trades: { time: ArrayLike<number>; price: ArrayLike<number>; qty: ArrayLike<number> };
  /** Seconds per unit of the `time` arrays (1e-9 for the simulation's nanoseconds; default 1). */
  timeScale?: number;
}

/**
 * A path from raw arrays: times scaled to seconds, a NaN mid replaced by the last finite one (the mid0
 * before the first), arrays copied (the path owns them). `start`, `end` are already in seconds.
 */
export function marketPath(input: MarketPathInput): MarketPath {
  const s = input.timeScale ?? 1;
  const o = input.orders;
  const n = o.time.length;
  const time = new Float64Array(n);
  const mid = new Float64Array(n);
  const spread = new Float64Array(n);
  let last = input.mid0;
  for (let i = 0; i < n; i++) {
    time[i] = o.time[i] * s;
    const m = o.mid[i];
    if (m === m) last = m;
    mid[i] = last;
    spread[i] = o.spread[i];
  }
  const tr = input.trades;
  const tradeTime = new Float64Array(tr.time.length);
  for (let i = 0; i < tradeTime.length; i++) tradeTime[i] = tr.time[i] * s;
  return {
    start: input.start,
    end: input.end,
    mid0: input.mid0,
    spread0: input.spread0,
    tick: input.tick,
    orders: { time, mid, spread },
    trades: { time: tradeTime, price: Float64Array.from(tr.price), qty: Float64Array.from(tr.qty) },
  };
}

/**
 * The path of a real day after `start` (seconds after midnight), from its order events
 * (`extractOrders`), for `seconds` (default: to the last order of the day). The start state is the
 * one `startFromDay` takes: the book after the last order before `start` (its mid and spread are
 * mid0 and spread0). Executions are the aggressive orders' fills, one per order at its VWAP
 * (notional / filled). Throws when no order comes before `start`.
 */
export function pathFromEvents(events: OrderEvents, start: number, options: { seconds?: number } = {}): MarketPath {
  if (!Number.isFinite(start)) throw new RangeError(`pathFromEvents: start must be seconds after midnight, got ${start}`);
  const k = events.indexAtTime(start);
  if (k === 0) throw new RangeError(`pathFromEvents: no order before ${start} s (the day's first order is at ${events.length ? events.time[0] : NaN} s)`);
  const last = events.time[events.length - 1];
  const end = options.seconds === undefined ? last : Math.min(last, start + options.seconds);
  if (!(end >= start)) throw new RangeError(`pathFromEvents: seconds must be ≥ 0, got ${options.seconds}`);
  const k1 = lowerBound(events.time, end + 1e-9, k);
  let mid0 = events.midAfter[k - 1];
  for (let j = k - 2; !(mid0 === mid0) && j >= 0; j--) mid0 = events.midAfter[j];
  let trades = 0;
  for (let i = k; i < k1; i++) if (events.type[i] !== TYPE_CANCEL && events.filled[i] > 0) trades++;
  const tt = new Float64Array(trades);
  const tp = new Float64Array(trades);
  const tq = new Float64Array(trades);
  for (let i = k, j = 0; i < k1; i++) {
    if (events.type[i] === TYPE_CANCEL || !(events.filled[i] > 0)) continue;
    tt[j] = events.time[i];
    tp[j] = events.notional[i] / events.filled[i];
    tq[j++] = events.filled[i];
  }
  return marketPath({
    start,
    end,
    mid0,
    spread0: events.spreadAfter[k - 1],
    tick: events.meta.venue.tickSize,
    orders: { time: events.time.subarray(k, k1), mid: events.midAfter.subarray(k, k1), spread: events.spreadAfter.subarray(k, k1) },
    trades: { time: tt, price: tp, qty: tq },
  });
}
