/**
 * MarS's Table 7: how much the distribution of a per-minute quantity in simulated futures overlaps the
 * real one. Overlap coefficient = ∫ min(p, q) = Σ_bins min(p_b, q_b) on a shared histogram with
 * Freedman–Diaconis edges on the pooled values, which is 1 − the total variation (LOB-Bench's L1, so
 * the histogram and its bootstrap are `l1Draws`'s). MarS reports 0.87–0.97.
 *
 * Quantities, measured per window (default one minute) within each path, complete windows only:
 * - `volatility`: realized volatility √Σr² of the log mid returns over each grid step in the window
 *   (the coarser of the two series' steps);
 * - `spread`: mean spread over the window's grid points, in ticks;
 * - `mean order volume`: mean size of the new orders (buys and sells, not cancels) sent in the window;
 * - `aggressive-order ratio`: new orders that executed on arrival / new orders;
 * - `buy ratio`: new buy orders / new orders;
 * - `h-min return` (spans of 1..5 windows): the log mid return over non-overlapping spans.
 * A window without a value (no new order, no finite mid) is left out.
 *
 * Intervals: bootstrap (real and simulated windows resampled separately, seeded; the histogram edges
 * fixed by the original samples). Resampling adds histogram noise, which lowers every resampled
 * coefficient θ*, so their raw quantiles sit below the estimate θ̂ (often wholly); the interval given
 * is the bootstrap's spread around θ̂: the quantiles of θ* shifted by θ̂ − median(θ*), clamped to
 * [0, 1]. For the same reason two finite samples of one distribution score below 1, the more so the
 * smaller they are.
 */
import { quantileSorted } from 'simple-statistics';
import { l1Draws } from './distances';
import type { MarketSeries, SeriesPath } from './market-series';
import { SimTable } from '../sim/trajectories';
import { lowerBound } from '../util/search';

/** MarS's published Table 7 coefficients (simulated vs real), where the paper gives one. */
export const MARS_TABLE7: Readonly<Record<string, number>> = Object.freeze({
  volatility: 0.872,
  spread: 0.97,
  'mean order volume': 0.957,
  'aggressive-order ratio': 0.92,
  'buy ratio': 0.933,
  '1-min return': 0.956,
  '5-min return': 0.908,
});

export interface OverlapOptions {
  /** Window in seconds (default 60: per minute). */
  window?: number;
  /** Return spans in windows (default 1, 2, 3, 4, 5). */
  horizons?: number[];
  /** Bootstrap resamples (default 200). */
  resamples?: number;
  /** Interval level (default 0.95). */
  level?: number;
  seed?: number;
}

export interface OverlapRow {
  quantity: string;
  definition: string;
  /** Values compared: real, simulated. */
  n: [number, number];
  /** Overlap coefficient, 0 (disjoint) to 1 (same histogram); NaN when a side has no values. */
  overlap: number;
  /** Bootstrap interval at `level`: the resampled coefficients' spread, centred on the estimate (see the module comment). */
  ci: [number, number];
  /** MarS's Table 7 value, when published. */
  mars: number | null;
}

/** Overlap coefficients of simulated against real quantities (MarS's Table 7). */
export class OverlapReport {
  constructor(
    readonly real: string,
    readonly simulated: string,
    readonly rows: OverlapRow[],
    /** The per-window values compared, by quantity. */
    readonly samples: Record<string, { real: Float64Array; simulated: Float64Array }>,
    readonly level: number,
  ) {}

  row(quantity: string): OverlapRow {
    const r = this.rows.find((x) => x.quantity === quantity);
    if (!r) throw new RangeError(`no overlap row ${JSON.stringify(quantity)} (rows: ${this.rows.map((x) => x.quantity).join(', ')})`);
    return r;
  }

  /** quantity | overlap | low | high | real n | simulated n | MarS. */
  table(): SimTable {
    const r = this.rows;
    return new SimTable({
      quantity: r.map((x) => x.quantity),
      overlap: Float64Array.from(r, (x) => x.overlap),
      low: Float64Array.from(r, (x) => x.ci[0]),
      high: Float64Array.from(r, (x) => x.ci[1]),
      realN: Float64Array.from(r, (x) => x.n[0]),
      simulatedN: Float64Array.from(r, (x) => x.n[1]),
      mars: Float64Array.from(r, (x) => x.mars ?? NaN),
    });
  }
}

/** Overlap coefficient Σ min(p, q) of two samples on Freedman–Diaconis bins of the pooled values (non-finite values dropped). */
export function overlapCoefficient(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return clamp01(1 - l1Draws(a, b, false, { resamples: 0 }).value);
}

/** 1 − a total variation summed in floating point can leave [0, 1] by a rounding error. */
const clamp01 = (x: number) => (x === x ? Math.min(1, Math.max(0, x)) : x);

export interface WindowOptions {
  window?: number;
  horizons?: number[];
  /** Grid step in seconds of the volatility's returns (default the series' step). */
  volatilityStep?: number;
}

const DEFINITIONS: Record<string, string> = {
  volatility: 'realized volatility √Σr² of grid-step log mid returns in the window',
  spread: 'mean spread over the window, ticks',
  'mean order volume': 'mean size of new orders (buys and sells) in the window',
  'aggressive-order ratio': 'new orders that executed on arrival / new orders',
  'buy ratio': 'new buys / new orders',
};

/** The per-window quantities of a series (see the module comment), pooled over paths. */
export function windowQuantities(series: MarketSeries, options: WindowOptions = {}): Record<string, Float64Array> {
  const window = options.window ?? 60;
  const wk = series.stepsPer(window, 'overlap: window');
  const vs = series.stepsPer(options.volatilityStep ?? series.step, 'overlap: volatility step');
  const horizons = options.horizons ?? [1, 2, 3, 4, 5];
  const tick = series.venue.tickSize;
  const out: Record<string, number[]> = { volatility: [], spread: [], 'mean order volume': [], 'aggressive-order ratio': [], 'buy ratio': [] };
  const returnName = (h: number) => `${Number(((h * window) / 60).toPrecision(6))}-min return`;
  for (const h of horizons) out[returnName(h)] = [];
  const hasOrders = series.hasOrders;
  for (const p of series.paths) {
    const windows = Math.floor((p.mid.length - 1) / wk);
    for (let j = 0; j < windows; j++) {
      const i0 = j * wk;
      const i1 = i0 + wk;
      let ss = 0;
      let m = 0;
      for (let i = i0; i + vs <= i1; i += vs) {
        const r = Math.log(p.mid[i + vs] / p.mid[i]);
        if (Number.isFinite(r)) {
          ss += r * r;
          m++;
        }
      }
      if (m > 0) out.volatility.push(Math.sqrt(ss));
      let s = 0;
      let n = 0;
      for (let i = i0; i < i1; i++) {
        if (p.spread[i] === p.spread[i]) {
          s += p.spread[i] / tick;
          n++;
        }
      }
      if (n > 0) out.spread.push(s / n);
      if (hasOrders) orderQuantities(p, p.start + i0 * series.step, p.start + i1 * series.step, out);
    }
    for (const h of horizons) {
      const span = h * wk;
      for (let i = 0; i + span <= p.mid.length - 1; i += span) {
        const r = Math.log(p.mid[i + span] / p.mid[i]);
        if (Number.isFinite(r)) out[returnName(h)].push(r);
      }
    }
  }
  const result: Record<string, Float64Array> = {};
  for (const [k, v] of Object.entries(out)) result[k] = Float64Array.from(v);
  return result;
}

function orderQuantities(p: SeriesPath, t0: number, t1: number, out: Record<string, number[]>): void {
  const o = p.orders!;
  const a = lowerBound(o.time, t0 - 1e-9);
  const b = lowerBound(o.time, t1 - 1e-9);
  let count = 0;
  let size = 0;
  let aggressive = 0;
  let buys = 0;
  for (let i = a; i < b; i++) {
    if (o.type[i] > 1) continue;
    count++;
    size += o.size[i];
    aggressive += o.aggressive[i];
    buys += o.type[i];
  }
  if (count === 0) return;
  out['mean order volume'].push(size / count);
  out['aggressive-order ratio'].push(aggressive / count);
  out['buy ratio'].push(buys / count);
}

/** MarS's Table 7 for `simulated` against `real` (see the module comment). */
export function overlapCoefficients(real: MarketSeries, simulated: MarketSeries, options: OverlapOptions = {}): OverlapReport {
  const window = options.window ?? 60;
  const horizons = options.horizons ?? [1, 2, 3, 4, 5];
  for (const h of horizons) if (!(Number.isInteger(h) && h >= 1)) throw new RangeError(`overlap: horizons must be whole numbers of windows ≥ 1, got ${h}`);
  const resamples = options.resamples ?? 200;
  if (!(Number.isInteger(resamples) && resamples >= 1)) throw new RangeError(`overlap: resamples must be a whole number ≥ 1, got ${options.resamples}`);
  const level = options.level ?? 0.95;
  if (!(level > 0 && level < 1)) throw new RangeError(`overlap: level must be between 0 and 1, got ${options.level}`);
  const seed = options.seed ?? 0;
  // Volatility from returns over the coarser grid step, which both grids must divide.
  const volatilityStep = Math.max(real.step, simulated.step);
  real.stepsPer(volatilityStep, 'overlap: the volatility step (the coarser grid step)');
  simulated.stepsPer(volatilityStep, 'overlap: the volatility step (the coarser grid step)');
  const A = windowQuantities(real, { window, horizons, volatilityStep });
  const B = windowQuantities(simulated, { window, horizons, volatilityStep });
  const rows: OverlapRow[] = [];
  const samples: OverlapReport['samples'] = {};
  Object.keys(A).forEach((name, k) => {
    const a = A[name];
    const b = B[name];
    samples[name] = { real: a, simulated: b };
    const h = /^([\d.]+)-min return$/.exec(name);
    const definition = h ? `log mid return over ${h[1]} min, non-overlapping spans` : DEFINITIONS[name];
    const mars = window === 60 ? (MARS_TABLE7[name] ?? null) : null;
    if (a.length === 0 || b.length === 0) {
      rows.push({ quantity: name, definition, n: [a.length, b.length], overlap: NaN, ci: [NaN, NaN], mars });
      return;
    }
    // The bootstrap's spread around the estimate: quantiles of θ* = 1 − L1* shifted by θ̂ − median(θ*).
    const d = l1Draws(a, b, false, { resamples, seed: seed + k });
    const ovl = 1 - d.value;
    const draws = Array.from(d.draws, (v) => 1 - v)
      .filter(Number.isFinite)
      .sort((u, v) => u - v);
    const shift = draws.length ? ovl - quantileSorted(draws, 0.5) : NaN;
    const ci: [number, number] = draws.length ? [clamp01(quantileSorted(draws, (1 - level) / 2) + shift), clamp01(quantileSorted(draws, (1 + level) / 2) + shift)] : [NaN, NaN];
    rows.push({ quantity: name, definition, n: [a.length, b.length], overlap: clamp01(ovl), ci, mars });
  });
  return new OverlapReport(real.label, simulated.label, rows, samples, level);
}
