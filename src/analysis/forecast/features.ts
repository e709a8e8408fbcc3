/**
 * Features of the recent order flow at a start time t, from a real day's order events: what the
 * baselines of the forecasting task read. Only orders before t are used (the start state's past), so
 * no feature sees the label's window. For each window w (seconds; default 10, 30, 60, 300):
 *
 * - `ofi_w`: order-flow imbalance of the orders in [t − w, t): Σ e·size / Σ size, e = +1 for buying
 *   pressure (a new buy order, a cancel on the ask side) and −1 for selling pressure (a new sell, a
 *   cancel on the bid side). In [−1, 1]; 0 without orders. (Cont et al.'s OFI counts the same events
 *   at the best level only; this counts every level.)
 * - `tradeImb_w`: signed executed volume of the aggressive orders in the window over their total
 *   (+ for buys), 0 without trades.
 * - `ret_w`: the mid's log-return from t − w to t, basis points (mids after the last order at or before
 *   each time).
 *
 * And, at t: `bookImb` (best-level imbalance (bid − ask) / (bid + ask) after the last order, 0 when
 * undefined) and `spreadTicks` (the last spread with both sides quoted).
 */
import type { OrderEvents } from '../../data/order-events';
import { TYPE_BUY, TYPE_CANCEL } from '../../data/order-events';
import { lowerBound } from '../../util/search';

/** Rows of features, row-major (`data[i * names.length + j]`). */
export interface FeatureMatrix {
  names: string[];
  rows: number;
  data: Float64Array;
}

export interface FlowFeatureOptions {
  /** Look-back windows in seconds (default [10, 30, 60, 300]). */
  windows?: number[];
}

/** A feature matrix from rows of numbers (names given), checked for shape. */
export function featureMatrix(names: string[], rows: ArrayLike<ArrayLike<number>>): FeatureMatrix {
  const p = names.length;
  const data = new Float64Array(rows.length * p);
  for (let i = 0; i < rows.length; i++) {
    if (rows[i].length !== p) throw new RangeError(`featureMatrix: row ${i} has ${rows[i].length} values, ${p} names given`);
    for (let j = 0; j < p; j++) data[i * p + j] = rows[i][j];
  }
  return { names: [...names], rows: rows.length, data };
}

/** Rows `index` of a matrix (e.g. the training starts). */
export function selectRows(x: FeatureMatrix, index: ArrayLike<number>): FeatureMatrix {
  const p = x.names.length;
  const data = new Float64Array(index.length * p);
  for (let i = 0; i < index.length; i++) {
    const r = index[i];
    if (!(r >= 0 && r < x.rows)) throw new RangeError(`selectRows: row ${r} outside 0..${x.rows - 1}`);
    data.set(x.data.subarray(r * p, (r + 1) * p), i * p);
  }
  return { names: x.names, rows: index.length, data };
}

/** The order-flow features (see the module comment) at each start time. */
export function flowFeatures(events: OrderEvents, starts: ArrayLike<number>, options: FlowFeatureOptions = {}): FeatureMatrix {
  const windows = options.windows ?? [10, 30, 60, 300];
  if (!Array.isArray(windows) || windows.length === 0) throw new RangeError('flowFeatures: windows must be a non-empty list of seconds');
  for (const w of windows) if (!(w > 0) || !Number.isFinite(w)) throw new RangeError(`flowFeatures: windows must be positive seconds, got ${w}`);
  const names: string[] = [];
  for (const w of windows) names.push(`ofi_${w}`, `tradeImb_${w}`, `ret_${w}`);
  names.push('bookImb', 'spreadTicks');
  const p = names.length;
  const n = starts.length;
  const data = new Float64Array(n * p);
  const tick = events.meta.venue.tickSize;
  const { time, type, side, size, aggressive, filled, midAfter, spreadAfter, imbalanceAfter } = events;
  // Prefix sums of signed order pressure, order size, signed and total executed volume: a window is two lookups.
  const N = events.length;
  const press = new Float64Array(N + 1);
  const vol = new Float64Array(N + 1);
  const tSigned = new Float64Array(N + 1);
  const tTotal = new Float64Array(N + 1);
  for (let i = 0; i < N; i++) {
    const e = type[i] === TYPE_CANCEL ? -side[i] : type[i] === TYPE_BUY ? 1 : -1;
    press[i + 1] = press[i] + e * size[i];
    vol[i + 1] = vol[i] + size[i];
    const f = aggressive[i] && type[i] !== TYPE_CANCEL ? filled[i] : 0;
    tSigned[i + 1] = tSigned[i] + (type[i] === TYPE_BUY ? f : -f);
    tTotal[i + 1] = tTotal[i] + f;
  }
  /** The mid after the last order before time t (orders at t are after it), or NaN. */
  const midBefore = (k: number): number => (k > 0 ? midAfter[k - 1] : NaN);
  for (let i = 0; i < n; i++) {
    const t = starts[i];
    const k = lowerBound(time, t); // orders [0, k) are before t
    if (k === 0) throw new RangeError(`flowFeatures: no order before start ${t} s`);
    const row = i * p;
    let j = 0;
    for (const w of windows) {
      const k0 = lowerBound(time, t - w);
      const v = vol[k] - vol[k0];
      data[row + j++] = v > 0 ? (press[k] - press[k0]) / v : 0;
      const tv = tTotal[k] - tTotal[k0];
      data[row + j++] = tv > 0 ? (tSigned[k] - tSigned[k0]) / tv : 0;
      const m0 = k0 > 0 ? midBefore(k0) : midAfter[0];
      data[row + j++] = Math.log(midBefore(k) / m0) * 10_000;
    }
    const b = imbalanceAfter[k - 1];
    data[row + j++] = b === b ? b : 0;
    let s = spreadAfter[k - 1];
    for (let q = k - 2; !(s === s) && q >= 0; q--) s = spreadAfter[q]; // a side was empty: the last spread there was
    data[row + j++] = s / tick;
  }
  return { names, rows: n, data };
}
