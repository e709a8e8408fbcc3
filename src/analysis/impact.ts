/**
 * The impact a metaorder makes, measured from an impact experiment (`runImpactExperiment`): each
 * future with the metaorder against the same future without it (common random numbers), so the
 * difference is the impact and not noise.
 *
 * - The impact path of a future: side × (mid with − mid without) / arrival mid, in basis points, on the
 *   snapshot grid (positive: the price moved against the trader — up for a buyer).
 * - `endBp`: the mean path at the end of the execution window (the "end-of-execution" impact, the one
 *   the square-root law is usually fitted on); `peakBp`: the largest value of the mean path over the whole
 *   horizon; `postBp`: the mean path at the end of the horizon (what remains after the decay).
 * - `shortfallBp`: the execution's cost against the arrival mid (the agent's own report), and `fillRatio`.
 * - σ: the standard deviation across the control futures of the mid's return over the execution window,
 *   in bp (the window's σ); `endSigma` = `endBp` / σ, the unit of the square-root law `I = Y·σ·(Q/V)^δ`
 *   (its interval re-estimates σ from the resampled control futures in every draw).
 * Every figure has a bootstrap interval over futures (pairs resampled together).
 */
import type { ImpactExperiment } from '../sim/impact-experiment';
import type { Trajectories } from '../sim/trajectories';
import { quantileSorted, sampleStandardDeviation } from 'simple-statistics';
import { Rng } from '../util/rng';
import type { Estimate } from './forecast/evaluation';
import type { DecayPath, ImpactPoint } from './impact-laws';

export interface ImpactMeasurement {
  /** The size asked, as a fraction of the window's volume V, and in shares. */
  fraction: number;
  quantity: number;
  /** Executed shares / V (mean over futures): the Q/V of the impact laws. */
  participation: number;
  peakBp: Estimate;
  endBp: Estimate;
  postBp: Estimate;
  /** `endBp` in units of the window's σ. */
  endSigma: Estimate;
  shortfallBp: Estimate;
  fillRatio: Estimate;
  futures: number;
}

export interface ImpactReport {
  side: 'buy' | 'sell';
  duration: number;
  horizon: number;
  windowVolume: number;
  /** σ of the mid's return over the execution window across the control futures, bp. */
  sigmaBp: number;
  points: ImpactMeasurement[];
  /** The mean impact path per size with its interval: one row per (size, grid time). */
  path: { fraction: Float64Array; seconds: Float64Array; meanBp: Float64Array; lo: Float64Array; hi: Float64Array };
  /** Each future's own impact path per size (aligned with `points`; on the grid of `gridSeconds`), bp. */
  futurePaths: Float64Array[][];
  gridSeconds: Float64Array;
}

export interface ImpactOptions {
  /** Bootstrap resamples (default 500) and interval level (default 0.95). */
  resamples?: number;
  level?: number;
  seed?: number;
}

/** Measure an impact experiment (see the module comment). */
export function impactMeasures(exp: ImpactExperiment, options: ImpactOptions = {}): ImpactReport {
  const R = options.resamples ?? 500;
  const level = options.level ?? 0.95;
  const rng = new Rng(options.seed ?? 1);
  const sign = exp.side === 'buy' ? 1 : -1;
  const control = exp.control;
  const mid0 = control.state.mid;
  const { time, mid: without } = control.midPaths();
  const seconds = Float64Array.from(time, (t) => (t - control.start) / 1e9);
  const endIndex = nearest(seconds, exp.duration);
  const sigmaBp = std(without.map((m) => ((m[endIndex] - mid0) / mid0) * 1e4));
  const futurePaths: Float64Array[][] = [];
  const path = { fraction: [] as number[], seconds: [] as number[], meanBp: [] as number[], lo: [] as number[], hi: [] as number[] };
  const points = exp.runs.map((run): ImpactMeasurement => {
    const withAgent = run.trajectories.midPaths().mid;
    const K = Math.min(withAgent.length, without.length);
    const T = seconds.length;
    // diff[k][t]: future k's impact path (bp).
    const diff = Array.from({ length: K }, (_, k) => Float64Array.from({ length: T }, (_, t) => (sign * (withAgent[k][t] - without[k][t]) * 1e4) / mid0));
    const reports = agentReports(run.trajectories);
    const filled = reports.map((r) => r.filled);
    const shortfall = reports.map((r) => r.shortfallBp);
    const fill = reports.map((r) => r.fillRatio);
    futurePaths.push(diff);
    const mean = meanPath(diff, identity(K));
    const stat = (pick: (m: Float64Array, idx: number[]) => number) => {
      const draws = new Float64Array(R);
      const idx = new Array<number>(K);
      for (let r = 0; r < R; r++) {
        for (let j = 0; j < K; j++) idx[j] = rng.int(K);
        draws[r] = pick(meanPath(diff, idx), idx);
      }
      return { value: pick(mean, identity(K)), ...quantileInterval(draws, level) };
    };
    // Path intervals: the same resampling, per grid time.
    const pathDraws = Array.from({ length: R }, () => {
      const idx = Array.from({ length: K }, () => rng.int(K));
      return meanPath(diff, idx);
    });
    for (let t = 0; t < T; t++) {
      const q = quantileInterval(Float64Array.from(pathDraws, (p) => p[t]), level);
      path.fraction.push(run.fraction);
      path.seconds.push(seconds[t]);
      path.meanBp.push(mean[t]);
      path.lo.push(q.lo);
      path.hi.push(q.hi);
    }
    const endBp = stat((m) => m[endIndex]);
    // I/σ with σ re-estimated from the same resampled control futures in every draw (σ comes from K futures too).
    const controlReturns = without.slice(0, K).map((m) => ((m[endIndex] - mid0) / mid0) * 1e4);
    const endSigma = stat((m, idx) => m[endIndex] / std(idx.map((k) => controlReturns[k])));
    const over = (xs: number[]) => stat((_m, idx) => meanOf(idx.map((i) => xs[i])));
    return {
      fraction: run.fraction,
      quantity: run.quantity,
      participation: meanOf(filled) / exp.windowVolume,
      peakBp: stat((m) => maxOf(m)),
      endBp,
      postBp: stat((m) => m[T - 1]),
      endSigma: { ...endSigma, value: endBp.value / sigmaBp },
      shortfallBp: over(shortfall),
      fillRatio: over(fill),
      futures: K,
    };
  });
  return {
    side: exp.side,
    duration: exp.duration,
    horizon: exp.horizon,
    windowVolume: exp.windowVolume,
    sigmaBp,
    points,
    path: { fraction: Float64Array.from(path.fraction), seconds: Float64Array.from(path.seconds), meanBp: Float64Array.from(path.meanBp), lo: Float64Array.from(path.lo), hi: Float64Array.from(path.hi) },
    futurePaths,
    gridSeconds: seconds,
  };
}

function agentReports(t: Trajectories): Array<{ filled: number; shortfallBp: number; fillRatio: number }> {
  return t.data.map((d) => {
    const r = d.agents[0];
    if (!r) throw new Error('impactMeasures: a future of the experiment has no metaorder report');
    return { filled: r.filled, shortfallBp: r.shortfallBp, fillRatio: r.fillRatio };
  });
}

/** Mean over the futures `idx` at each grid time, skipping futures that stopped (NaN). */
function meanPath(diff: Float64Array[], idx: number[]): Float64Array {
  const T = diff[0]?.length ?? 0;
  const out = new Float64Array(T);
  for (let t = 0; t < T; t++) {
    let s = 0;
    let n = 0;
    for (const k of idx) {
      const v = diff[k][t];
      if (v === v) {
        s += v;
        n++;
      }
    }
    out[t] = n > 0 ? s / n : NaN;
  }
  return out;
}

function identity(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

function meanOf(xs: ArrayLike<number>): number {
  let s = 0;
  let n = 0;
  for (let i = 0; i < xs.length; i++) {
    if (xs[i] === xs[i]) {
      s += xs[i];
      n++;
    }
  }
  return n > 0 ? s / n : NaN;
}

function maxOf(xs: Float64Array): number {
  let m = -Infinity;
  for (const v of xs) if (v > m) m = v;
  return m === -Infinity ? NaN : m;
}

function std(xs: number[]): number {
  const v = xs.filter((x) => x === x);
  return v.length < 2 ? NaN : sampleStandardDeviation(v);
}

function nearest(xs: Float64Array, x: number): number {
  let best = 0;
  for (let i = 1; i < xs.length; i++) if (Math.abs(xs[i] - x) < Math.abs(xs[best] - x)) best = i;
  return best;
}

function quantileInterval(draws: Float64Array, level: number): { lo: number; hi: number } {
  const d = Array.from(draws.filter((x) => x === x)).sort((x, y) => x - y);
  if (d.length === 0) return { lo: NaN, hi: NaN };
  return { lo: quantileSorted(d, (1 - level) / 2), hi: quantileSorted(d, 1 - (1 - level) / 2) };
}

/** Which impact a fit uses: end of execution (default), the peak, what remains at the horizon, or the execution's shortfall. */
export type ImpactMeasure = 'end' | 'peak' | 'post' | 'shortfall';

/**
 * The measured impacts as the fits' points (`fitImpactLaws`): participation Q/V (executed shares over
 * the window's volume) against the chosen measure in bp, σ the window's σ in bp (so the laws are
 * fitted on I/σ), weighted by the futures averaged, with the measure's interval.
 */
export function impactFitPoints(report: ImpactReport, measure: ImpactMeasure = 'end'): ImpactPoint[] {
  const key = ({ end: 'endBp', peak: 'peakBp', post: 'postBp', shortfall: 'shortfallBp' } as const)[measure];
  if (!key) throw new RangeError(`impactFitPoints: measure must be end, peak, post or shortfall, got ${JSON.stringify(measure)}`);
  return report.points.map((p) => ({ q: p.participation, impact: p[key].value, sigma: report.sigmaBp, weight: p.futures, lo: p[key].lo, hi: p[key].hi }));
}

/**
 * One size's impact after the execution window (t: seconds since its end), for `fitImpactDecays`: each
 * future's own path, so the fit averages them and its bootstrap resamples whole futures (the points of
 * one path are strongly autocorrelated; resampling them would give intervals far too narrow).
 */
export function impactDecayPath(report: ImpactReport, fraction: number): DecayPath {
  const j = report.points.findIndex((p) => p.fraction === fraction);
  if (j < 0) throw new RangeError(`impactDecayPath: no size ${fraction} in this report (sizes: ${report.points.map((p) => p.fraction).join(', ')})`);
  const g = report.gridSeconds;
  const keep: number[] = [];
  for (let i = 0; i < g.length; i++) if (g[i] >= report.duration) keep.push(i);
  if (keep.length === 0) throw new RangeError(`impactDecayPath: the report has no time after the execution window (${report.duration} s)`);
  return {
    t: Float64Array.from(keep, (i) => g[i] - report.duration),
    paths: report.futurePaths[j].map((d) => Float64Array.from(keep, (i) => d[i])),
  };
}
