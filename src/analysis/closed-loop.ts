/**
 * The closed-loop report: how a background model behaves when it is fed its own orders, measured on
 * futures from real start states against what really followed each start. Teacher-forced scores
 * (bits per token) cannot see these failures; every model is judged by this report.
 *
 * Per start state and horizon h (minutes from the start; one long run gives every shorter horizon):
 * - `spreadTicks`: the time-weighted spread over (0, h], median over futures; `realSpreadTicks` the same
 *   for the real continuation (the spread after the last real order at or before each grid time).
 * - `emptied`: the share of futures in which one side of the book was empty at some snapshot in (0, h]
 *   (nothing can be priced against an empty side), and `minutesToEmpty`: the median time of the first
 *   empty snapshot among those futures.
 * - `ordersPerMinute`: background orders per simulated minute (median over futures) against the real
 *   orders per minute (`realOrdersPerMinute`); `rateRatio` = their quotient (1 is right).
 * - `touchDepth`: shares at the best bid and ask, averaged over the snapshots (median over futures).
 * - `invalidPerOrder`: tokens the engine could not apply, per generated order; `stuck`: share of futures
 *   stopped because the model kept proposing such tokens; `returnBp` (median over futures) against the
 *   real return.
 * Figures over the full run (invalid actions, stuck) are counted over the whole run, so they are given at
 * the run's own horizon and NaN at shorter ones.
 *
 * `drift` measures exposure bias by position in the rollout rather than by time: the background's
 * orders numbered from the start, in buckets (the first 10, 10–25, …, 800 on), pooled over futures
 * and starts — the share of new orders that traded on arrival (crossed), the share of cancels and the
 * mean wait between orders — beside the same for the real orders that followed each start. A model
 * that continues its own history as it continues real ones keeps these flat and near the real values;
 * one that feeds on its own errors drifts away as the rollout goes on.
 */
import { median as medianOf } from 'simple-statistics';
import type { Trajectories } from '../sim/trajectories';
import { STOP } from '../sim/world';
import { lowerBound } from '../util/search';

export interface ClosedLoopRow {
  start: number;
  horizon: number;
  futures: number;
  spreadTicks: number;
  realSpreadTicks: number;
  emptied: number;
  minutesToEmpty: number;
  ordersPerMinute: number;
  realOrdersPerMinute: number;
  rateRatio: number;
  touchDepth: number;
  returnBp: number;
  realReturnBp: number;
  invalidPerOrder: number;
  stuck: number;
}

/** One bucket of rollout positions (see `drift` in the module comment). */
export interface DriftRow {
  /** Background orders [from, to) from the start (to = Infinity for the last bucket). */
  from: number;
  to: number;
  /** Generated orders in the bucket, over all futures; `realOrders`: real ones, over all starts. */
  orders: number;
  aggressiveShare: number;
  cancelShare: number;
  meanWaitMs: number;
  realOrders: number;
  realAggressiveShare: number;
  realCancelShare: number;
  realMeanWaitMs: number;
}

export interface ClosedLoopReport {
  rows: ClosedLoopRow[];
  /** Per horizon, the medians of the rows over start states (and the shares averaged). */
  summary: ClosedLoopRow[];
  /** Exposure bias: the background's order mix and pace by position in the rollout, against the real orders'. */
  drift: DriftRow[];
}

/** The position buckets of `drift`: orders [DRIFT_EDGES[k], DRIFT_EDGES[k + 1]) from the start. */
export const DRIFT_EDGES: readonly number[] = Object.freeze([0, 10, 25, 50, 100, 200, 400, 800, Infinity]);

/** `drift` of runs (see the module comment). */
export function closedLoopDrift(runs: Trajectories[]): DriftRow[] {
  const B = DRIFT_EDGES.length - 1;
  const acc = Array.from({ length: 2 }, () => ({ n: new Float64Array(B), newOrders: new Float64Array(B), aggr: new Float64Array(B), cancels: new Float64Array(B), wait: new Float64Array(B), waits: new Float64Array(B) }));
  const bucket = (i: number): number => {
    let k = 0;
    while (i >= DRIFT_EDGES[k + 1]) k++;
    return k;
  };
  const add = (a: (typeof acc)[number], i: number, type: number, aggressive: boolean, wait: number): void => {
    const k = bucket(i);
    a.n[k]++;
    if (type === 2) a.cancels[k]++;
    else {
      a.newOrders[k]++;
      if (aggressive) a.aggr[k]++;
    }
    if (wait === wait) {
      a.wait[k] += wait;
      a.waits[k]++;
    }
  };
  for (const run of runs) {
    const t0 = run.start;
    const tEnd = t0 + run.spec.minutes * 60e9;
    for (const d of run.data) {
      const o = d.orders;
      let i = 0;
      let prev = NaN;
      for (let j = lowerBound(o.time, t0 + 1); j < o.time.length; j++) {
        if (o.owner[j] !== 1) continue;
        add(acc[0], i++, o.type[j], o.type[j] !== 2 && o.filled[j] > 0, prev === prev ? (o.time[j] - prev) / 1e6 : NaN);
        prev = o.time[j];
      }
    }
    const c = run.state.continuation;
    if (!c) continue;
    const k0 = lowerBound(c.time, t0 / 1e9 + 1e-12);
    const k1 = lowerBound(c.time, tEnd / 1e9 + 1e-12);
    for (let j = k0; j < k1; j++) add(acc[1], j - k0, c.type[j], c.type[j] !== 2 && c.aggressive[j] === 1, j > k0 ? (c.time[j] - c.time[j - 1]) * 1e3 : NaN);
  }
  const out: DriftRow[] = [];
  for (let k = 0; k < B; k++) {
    const [s, r] = acc;
    out.push({
      from: DRIFT_EDGES[k],
      to: DRIFT_EDGES[k + 1],
      orders: s.n[k],
      aggressiveShare: s.aggr[k] / s.newOrders[k],
      cancelShare: s.cancels[k] / s.n[k],
      meanWaitMs: s.wait[k] / s.waits[k],
      realOrders: r.n[k],
      realAggressiveShare: r.aggr[k] / r.newOrders[k],
      realCancelShare: r.cancels[k] / r.n[k],
      realMeanWaitMs: r.wait[k] / r.waits[k],
    });
  }
  return out;
}

/** The closed-loop report of runs from one or many start states (see the module comment). Horizons in minutes (default 5 and each run's length). */
export function closedLoopReport(runs: Trajectories | Trajectories[], horizons?: number[]): ClosedLoopReport {
  const list = Array.isArray(runs) ? runs : [runs];
  if (list.length === 0) throw new RangeError('closedLoopReport: no runs');
  const rows: ClosedLoopRow[] = [];
  for (const run of list) {
    const full = run.spec.minutes;
    const hs = [...new Set((horizons ?? [5, full]).filter((h) => h > 0 && h <= full + 1e-9))].sort((a, b) => a - b);
    for (const h of hs) rows.push(rowFor(run, h));
  }
  const byHorizon = new Map<number, ClosedLoopRow[]>();
  for (const r of rows) byHorizon.set(r.horizon, [...(byHorizon.get(r.horizon) ?? []), r]);
  const summary = [...byHorizon.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([horizon, rs]): ClosedLoopRow => {
      const med = (f: (r: ClosedLoopRow) => number) => median(rs.map(f));
      const avg = (f: (r: ClosedLoopRow) => number) => rs.reduce((s, r) => s + f(r), 0) / rs.length;
      return {
        start: NaN,
        horizon,
        futures: rs.reduce((s, r) => s + r.futures, 0),
        spreadTicks: med((r) => r.spreadTicks),
        realSpreadTicks: med((r) => r.realSpreadTicks),
        emptied: avg((r) => r.emptied),
        minutesToEmpty: med((r) => r.minutesToEmpty),
        ordersPerMinute: med((r) => r.ordersPerMinute),
        realOrdersPerMinute: med((r) => r.realOrdersPerMinute),
        rateRatio: med((r) => r.rateRatio),
        touchDepth: med((r) => r.touchDepth),
        returnBp: med((r) => r.returnBp),
        realReturnBp: med((r) => r.realReturnBp),
        invalidPerOrder: med((r) => r.invalidPerOrder),
        stuck: avg((r) => r.stuck),
      };
    });
  return { rows, summary, drift: closedLoopDrift(list) };
}

function rowFor(run: Trajectories, h: number): ClosedLoopRow {
  const tick = run.venue.tickSize;
  const t0 = run.start;
  const tEnd = t0 + h * 60e9;
  const spreads: number[] = [];
  const empties: number[] = [];
  const rates: number[] = [];
  const depths: number[] = [];
  const returns: number[] = [];
  let emptied = 0;
  let invalid = 0;
  let generated = 0;
  let stuck = 0;
  for (const d of run.data) {
    const s = d.snapshots;
    const i1 = lowerBound(s.time, tEnd + 1);
    let sum = 0;
    let n = 0;
    let depth = 0;
    let firstEmpty = NaN;
    let lastMid = NaN;
    // (t0, tEnd]: the starting book at t0 is the real one, not the model's; the real side starts after t0 too.
    for (let i = lowerBound(s.time, t0 + 1); i < i1; i++) {
      const sp = (s.ask[i] - s.bid[i]) / tick;
      if (sp === sp) {
        sum += sp;
        depth += (s.bidQty[i] + s.askQty[i]) / 2;
        n++;
        lastMid = (s.ask[i] + s.bid[i]) / 2;
      } else if (firstEmpty !== firstEmpty) firstEmpty = (s.time[i] - t0) / 60e9;
    }
    spreads.push(n > 0 ? sum / n : NaN);
    depths.push(n > 0 ? depth / n : NaN);
    returns.push((lastMid / run.state.mid - 1) * 1e4);
    if (firstEmpty === firstEmpty) {
      emptied++;
      empties.push(firstEmpty);
    }
    // Background orders in (t0, tEnd]: owner 1 rows of the order log.
    let orders = 0;
    const o = d.orders;
    const j1 = lowerBound(o.time, tEnd + 1);
    for (let j = lowerBound(o.time, t0 + 1); j < j1; j++) if (o.owner[j] === 1) orders++;
    const simulatedMinutes = Math.min(h, i1 > 0 ? (s.time[i1 - 1] - t0) / 60e9 : 0);
    rates.push(simulatedMinutes > 0 ? orders / simulatedMinutes : NaN);
    invalid += d.stats.invalidActions;
    generated += d.stats.backgroundOrders;
    if (d.stats.stopReason === STOP.stuck) stuck++;
  }
  const real = realWindow(run, h);
  const K = run.data.length;
  const ordersPerMinute = median(rates);
  return {
    start: t0 / 1e9,
    horizon: h,
    futures: K,
    spreadTicks: median(spreads),
    realSpreadTicks: real.spread,
    emptied: K > 0 ? emptied / K : NaN,
    minutesToEmpty: median(empties),
    ordersPerMinute,
    realOrdersPerMinute: real.rate,
    rateRatio: ordersPerMinute / real.rate,
    touchDepth: median(depths),
    returnBp: median(returns),
    realReturnBp: real.returnBp,
    // Invalid tokens and stops are counted over the whole run, not in time: reported at the run's own horizon only.
    invalidPerOrder: h >= run.spec.minutes - 1e-9 && generated > 0 ? invalid / generated : NaN,
    stuck: h >= run.spec.minutes - 1e-9 && K > 0 ? stuck / K : NaN,
  };
}

/** The real continuation's spread (time-weighted on the run's grid), orders per minute and return over (0, h]. */
function realWindow(run: Trajectories, h: number): { spread: number; rate: number; returnBp: number } {
  const c = run.state.continuation;
  if (!c || c.time.length === 0) return { spread: NaN, rate: NaN, returnBp: NaN };
  const t0 = run.start / 1e9;
  const t1 = t0 + h * 60;
  if (c.time[c.time.length - 1] < t1 - 60) return { spread: NaN, rate: NaN, returnBp: NaN }; // the day ended first
  const step = run.spec.snapshotSeconds;
  let sum = 0;
  let n = 0;
  for (let g = t0; g <= t1 + 1e-9; g += step) {
    const k = lowerBound(c.time, g + 1e-12) - 1;
    if (k >= 0 && c.spreadAfter[k] === c.spreadAfter[k]) {
      sum += c.spreadAfter[k] / run.venue.tickSize;
      n++;
    }
  }
  const k1 = lowerBound(c.time, t1 + 1e-12);
  const k0 = lowerBound(c.time, t0 + 1e-12);
  const midEnd = k1 > 0 ? c.midAfter[k1 - 1] : run.state.mid;
  return { spread: n > 0 ? sum / n : NaN, rate: (k1 - k0) / h, returnBp: (midEnd / run.state.mid - 1) * 1e4 };
}

/** The median of the finite values (NaN when there are none). */
function median(xs: number[]): number {
  const v = xs.filter((x) => x === x);
  return v.length === 0 ? NaN : medianOf(v);
}
