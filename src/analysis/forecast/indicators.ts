/**
 * Indicators: functions of one market path (`MarketPath`) and a horizon h in seconds, each measured
 * over the window (start, start + h] — the orders after the start state up to start + h. The same
 * function reads a simulated trajectory, the real continuation of its start, or any start time of a
 * real day, so a forecast and its realized value are one computation. Each is NaN when the path is not
 * known as far as start + h.
 *
 * Built in (`INDICATORS`, or by name):
 * - `midReturnBp`: (mid at start + h) / mid0 − 1, basis points; the mid at a time is the one after the
 *   last order at or before it (mid0 when none).
 * - `vwap`: Σ price·qty / Σ qty of the executions in the window, venue price units (NaN without one).
 * - `realizedVol`: √Σ r², r the log-returns of the mid sampled every `step` seconds from the start
 *   (and at start + h), basis points over the window (not annualized).
 * - `spreadTicks`: the time-weighted mean spread over the window, ticks (spans with an empty side left out).
 * - `volume`: shares executed in the window. A real path counts hidden executions (LOBSTER type 5)
 *   too; a simulation has no hidden orders, so even a replay world trades only the visible part.
 * - `marsLabel`: MarS's forecasting label, mean(mid after each order in the window) / mid0 − 1, a
 *   fraction (0 when no order came: the mid did not move). See `labels.ts`.
 */
import type { MarketPath } from '../../data/market-path';
import { lowerBound } from '../../util/search';

/** A function of one path and a horizon in seconds. */
export type IndicatorFn = (path: MarketPath, horizon: number) => number;

/** An indicator with a name and a unit (for tables and chart axes). */
export interface Indicator {
  name: string;
  unit: string;
  compute: IndicatorFn;
}

/** Index one past the last order at or before time t (0: none). */
function ordersUpTo(path: MarketPath, t: number): number {
  const time = path.orders.time;
  let k = lowerBound(time, t);
  while (k < time.length && time[k] <= t) k++;
  return k;
}

function tradesUpTo(path: MarketPath, t: number): number {
  const time = path.trades.time;
  let k = lowerBound(time, t);
  while (k < time.length && time[k] <= t) k++;
  return k;
}

function checkHorizon(name: string, h: number): void {
  if (!(h > 0) || !Number.isFinite(h)) throw new RangeError(`${name}: horizon must be a positive number of seconds, got ${h}`);
}

/** The mid at time t: after the last order at or before t (mid0 before the first). */
export function midAt(path: MarketPath, t: number): number {
  const k = ordersUpTo(path, t);
  return k > 0 ? path.orders.mid[k - 1] : path.mid0;
}

export function midReturnBp(path: MarketPath, h: number): number {
  checkHorizon('midReturnBp', h);
  const t = path.start + h;
  if (t > path.end) return NaN;
  return (midAt(path, t) / path.mid0 - 1) * 10_000;
}

export function vwap(path: MarketPath, h: number): number {
  checkHorizon('vwap', h);
  const t = path.start + h;
  if (t > path.end) return NaN;
  const k = tradesUpTo(path, t);
  let pq = 0;
  let q = 0;
  for (let i = 0; i < k; i++) {
    pq += path.trades.price[i] * path.trades.qty[i];
    q += path.trades.qty[i];
  }
  return q > 0 ? pq / q : NaN;
}

/** Realized volatility on a grid of `step` seconds (see the module comment). */
export function realizedVolatility(step = 1): IndicatorFn {
  if (!(step > 0) || !Number.isFinite(step)) throw new RangeError(`realizedVolatility: step must be a positive number of seconds, got ${step}`);
  return (path, h) => {
    checkHorizon('realizedVol', h);
    const t1 = path.start + h;
    if (t1 > path.end) return NaN;
    // Grid start + step, start + 2·step, … up to start + h, and start + h itself when h is not a multiple of step.
    const n = Math.floor(h / step + 1e-9);
    const last = n * step < h - 1e-9 ? n + 1 : n;
    let prev = path.mid0;
    let ss = 0;
    for (let j = 1; j <= last; j++) {
      const m = midAt(path, Math.min(path.start + j * step, t1));
      const r = Math.log(m / prev);
      ss += r * r;
      prev = m;
    }
    return Math.sqrt(ss) * 10_000;
  };
}

export function spreadTicks(path: MarketPath, h: number): number {
  checkHorizon('spreadTicks', h);
  const t1 = path.start + h;
  if (t1 > path.end) return NaN;
  const { time, spread } = path.orders;
  const k = ordersUpTo(path, t1);
  let area = 0;
  let span = 0;
  let s = path.spread0;
  let from = path.start;
  for (let i = 0; i <= k; i++) {
    const to = i < k ? Math.max(from, time[i]) : t1;
    if (s === s) {
      area += s * (to - from);
      span += to - from;
    }
    from = to;
    if (i < k) s = spread[i];
  }
  return span > 0 ? area / span / path.tick : NaN;
}

export function volume(path: MarketPath, h: number): number {
  checkHorizon('volume', h);
  const t = path.start + h;
  if (t > path.end) return NaN;
  const k = tradesUpTo(path, t);
  let q = 0;
  for (let i = 0; i < k; i++) q += path.trades.qty[i];
  return q;
}

/** MarS's label over (start, start + h] (see the module comment and `labels.ts`). */
export function marsLabel(path: MarketPath, h: number): number {
  checkHorizon('marsLabel', h);
  const t = path.start + h;
  if (t > path.end) return NaN;
  const k = ordersUpTo(path, t);
  if (k === 0) return 0;
  let sum = 0;
  for (let i = 0; i < k; i++) sum += path.orders.mid[i];
  return sum / k / path.mid0 - 1;
}

/** The built-in indicators by name. */
export const INDICATORS = {
  midReturnBp: { name: 'mid return', unit: 'bp', compute: midReturnBp },
  vwap: { name: 'VWAP', unit: 'price units', compute: vwap },
  realizedVol: { name: 'realized volatility (1-s mid returns)', unit: 'bp', compute: realizedVolatility(1) },
  spreadTicks: { name: 'mean spread', unit: 'ticks', compute: spreadTicks },
  volume: { name: 'traded volume', unit: 'shares', compute: volume },
  marsLabel: { name: 'MarS label (mean mid / mid0 − 1)', unit: 'fraction', compute: marsLabel },
} as const satisfies Record<string, Indicator>;

export type IndicatorName = keyof typeof INDICATORS;

/** An indicator given by name, as a function (named `custom`) or in full. */
export function resolveIndicator(indicator: IndicatorName | IndicatorFn | Indicator): Indicator {
  if (typeof indicator === 'string') {
    const found = (INDICATORS as Record<string, Indicator>)[indicator];
    if (!found) throw new RangeError(`indicator: unknown name '${indicator}' (use ${Object.keys(INDICATORS).join(', ')}, or a function of a path and a horizon)`);
    return found;
  }
  if (typeof indicator === 'function') return { name: indicator.name || 'custom', unit: '', compute: indicator };
  if (!indicator || typeof indicator.compute !== 'function') throw new TypeError('indicator: expected a name, a function (path, horizon) => number, or { name, unit, compute }');
  return indicator;
}
