/**
 * The 11 stylized facts of asset returns (Cont 2001, "Empirical properties of asset returns: stylized
 * facts and statistical issues"), as MarS checks them on minute returns, each with its statistic, a
 * present / absent verdict by a stated rule, and the numbers behind it. The same code runs on a real
 * day (one long path) and on simulated futures (many short paths): see `MarketSeries`.
 *
 * Returns: log-returns of the mid over `interval` seconds (default 60), within each path, demeaned by
 * their pooled mean (x below). Distributional facts pool all paths' returns; dependence facts use
 * pairs within a path, pooled over paths (a pair never spans two paths), at lags that fit: lag τ is
 * used when τ ≤ half the longest path and at least `minPoints` pairs exist at τ.
 *
 * | fact | statistic | present when |
 * |---|---|---|
 * | absence of autocorrelation | Q = Σ_{τ=1..L} ρ_x(τ)² | a sign-flip test does not reject (p ≥ α) |
 * | heavy tails | excess kurtosis of x | the block-bootstrap interval is above 0 |
 * | gain/loss asymmetry | skewness of x | the interval is below 0 (large losses, not gains) |
 * | aggregational Gaussianity | κ(largest scale) − κ(interval) | the interval is below 0 |
 * | intermittency | Fano factor of extreme-return counts per window | a permutation test rejects (F above iid) |
 * | volatility clustering | ρ_|x|(1) | a permutation test rejects (above iid) |
 * | conditional heavy tails | excess kurtosis of x_t / σ̂_t (trailing local volatility) | the interval is above the Gaussian value 6/(w−4) |
 * | slow decay of |x| autocorrelation | mean ρ_|x|(τ) over the longer half of the lags | a permutation test rejects |
 * | leverage effect | mean over τ of corr(x_t, |x_{t+τ}|) | a sign-flip test finds it below 0 |
 * | volume/volatility correlation | corr(|x_t|, volume_t) | a circular-shift test finds it above 0 |
 * | asymmetry in time scales | mean over τ of corr(σc(t−τ), σf(t)) − corr(σc(t+τ), σf(t)) | the interval is above 0 |
 *
 * The tests and their nulls:
 * - **sign flips** (each x_t times an independent ±1): signs independent of magnitudes, so volatility
 *   clustering and heavy tails are kept while any linear predictability is destroyed;
 * - **permutations** within each path: iid returns;
 * - **circular shifts** of the volume series within each path: volume independent of volatility, each
 *   keeping its own autocorrelation;
 * - **block bootstrap** (percentile, non-overlapping blocks of `block` returns within paths, or longer
 *   where a statistic spans more): intervals for the distributional statistics, which keep the
 *   dependence inside a block.
 * Randomized p-values are (1 + #{null ≥ observed}) / (1 + resamples). Every draw is seeded.
 *
 * A fact whose data are too few (fewer than `minPoints` values, fewer than 10 blocks, no lag that
 * fits, fewer than 5 extreme returns or 5 windows) is reported as not assessed (`present: null`) with
 * the reason, never given a verdict.
 *
 * Definitions beyond the table:
 * - conditional heavy tails: σ̂_t² = mean of x² over the `volWindow` (w) returns before t in the same
 *   path (t with σ̂_t = 0 dropped). Gaussian returns with a constant local volatility give a Student t
 *   with w degrees of freedom, whose excess kurtosis 6/(w−4) is the null, not 0.
 * - aggregational Gaussianity: returns summed over non-overlapping groups of a scale within each path;
 *   scales (seconds, default 1–20 minutes) with at least `minPoints` aggregated returns are used, and at
 *   least three (the interval itself included) are needed.
 * - intermittency: extreme = |x| above the `extremeQuantile` (0.99) quantile of the pooled |x|;
 *   counted per non-overlapping `window` (default 600 s) within paths; Fano = sample variance / mean.
 * - asymmetry in time scales (Zumbach): over `coarse` (k) returns ending at t, coarse volatility
 *   σc(t) = |Σ x|, fine volatility σf(t) = Σ |x|; lags τ = 1..T in intervals. Positive: coarse
 *   volatility predicts fine volatility better than the other way round. Measured within the bootstrap's
 *   blocks of 3·(T + k) returns (estimate and interval see the same pairs); T is the largest lag up to
 *   `zumbachLags` that leaves 10 such blocks.
 */
import { quantileSorted } from 'simple-statistics';
import { Rng } from '../util/rng';
import { SimTable } from '../sim/trajectories';
import type { MarketSeries } from './market-series';
import {
  aggregate,
  blockBootstrap,
  blocksOf,
  concat,
  demean,
  excessKurtosis,
  locallyStandardized,
  mean,
  pairsAt,
  percentile,
  pooledCrossCorrelation,
  shuffle,
  skewness,
  sumOf,
  zumbachAsymmetry,
} from './return-stats';

export const FACT_IDS = [
  'no_autocorrelation',
  'heavy_tails',
  'gain_loss_asymmetry',
  'aggregational_gaussianity',
  'intermittency',
  'volatility_clustering',
  'conditional_heavy_tails',
  'slow_decay',
  'leverage_effect',
  'volume_volatility',
  'timescale_asymmetry',
] as const;
export type FactId = (typeof FACT_IDS)[number];

const FACT_NAMES: Record<FactId, string> = {
  no_autocorrelation: 'absence of autocorrelation',
  heavy_tails: 'heavy tails',
  gain_loss_asymmetry: 'gain/loss asymmetry',
  aggregational_gaussianity: 'aggregational Gaussianity',
  intermittency: 'intermittency',
  volatility_clustering: 'volatility clustering',
  conditional_heavy_tails: 'conditional heavy tails',
  slow_decay: 'slow decay of |r| autocorrelation',
  leverage_effect: 'leverage effect',
  volume_volatility: 'volume/volatility correlation',
  timescale_asymmetry: 'asymmetry in time scales',
};

export interface StylizedFact {
  id: FactId;
  /** The fact's name. */
  fact: string;
  /** What `value` measures. */
  statistic: string;
  value: number;
  /** The statistic's value when the fact is absent (the test's null). */
  null: number;
  /** Bootstrap interval of the statistic at 1 − alpha, for the facts judged by one. */
  interval: [number, number] | null;
  /** Randomization-test p-value, for the facts judged by one. */
  pValue: number | null;
  /** true present, false absent, null not assessed (too few data: see `note`). */
  present: boolean | null;
  /** The verdict rule in words. */
  rule: string;
  /** Values the statistic used (returns, pairs, windows…). */
  n: number;
  /** Supporting numbers, or why the fact was not assessed. */
  note: string;
}

/** The curves behind the facts, for charts. */
export interface StylizedCurves {
  /** Lags 1..L (in intervals) and the autocorrelations of x and |x| there, with the iid 95% band ±1.96/√pairs. */
  acf: { lag: number[]; returns: number[]; absolute: number[]; band: number[] };
  /** Excess kurtosis per aggregation scale (seconds), with the number of aggregated returns. */
  aggregation: { seconds: number[]; kurtosis: number[]; n: number[] };
  /** corr(x_t, |x_{t+τ}|) per lag. */
  leverage: { lag: number[]; value: number[] };
  /** Zumbach's asymmetry per lag: corr(σc(t−τ), σf(t)) − corr(σc(t+τ), σf(t)). */
  zumbach: { lag: number[]; value: number[] };
  /** Density of the standardized returns x / sd(x) on bins of width 0.25 (bin centres), against which a normal is drawn. */
  distribution: { z: number[]; density: number[]; outside: number };
}

export interface StylizedFactsOptions {
  /** Return interval in seconds (default 60; a multiple of the series' step). */
  interval?: number;
  /** Largest lag, in intervals, of the dependence facts (default 20). */
  maxLag?: number;
  /** Aggregation scales in seconds for aggregational Gaussianity (default 60, 120, 300, 600, 1200; the interval itself is always the first). */
  scales?: number[];
  /** Fewest values a statistic needs for a verdict (returns, pairs at a lag, aggregated returns; default 30). */
  minPoints?: number;
  /** Quantile of |x| above which a return is extreme (intermittency; default 0.99). */
  extremeQuantile?: number;
  /** Window in seconds over which extreme returns are counted (default 600; a multiple of the interval). */
  window?: number;
  /** Trailing returns in the local volatility of conditional heavy tails (default 20, more than 4). */
  volWindow?: number;
  /** Returns per coarse window (Zumbach; default 5) and lags in intervals (default 10). */
  coarse?: number;
  zumbachLags?: number;
  /** Block length in returns of the block bootstrap (default 10). */
  block?: number;
  /** Resamples of every bootstrap and randomization test (default 500). */
  resamples?: number;
  /** Test level (default 0.05; intervals are 1 − alpha). */
  alpha?: number;
  seed?: number;
}

const DEFAULT_SCALES = [60, 120, 300, 600, 1200];
const MIN_BLOCKS = 10;
const MIN_EXTREMES = 5;
const MIN_WINDOWS = 5;
const BIN = 0.25;
const Z_MAX = 10;

/** The result of `stylizedFacts`: the 11 facts, the curves behind them, and what was measured. */
export class StylizedFacts {
  constructor(
    /** The series' label. */
    readonly label: string,
    /** Return interval, seconds. */
    readonly interval: number,
    readonly facts: StylizedFact[],
    readonly curves: StylizedCurves,
    /** Paths (after splitting at gaps), returns and seconds of data behind the facts. */
    readonly sample: { paths: number; returns: number; seconds: number },
  ) {}

  /** Facts present. */
  get present(): number {
    return this.facts.filter((f) => f.present === true).length;
  }
  /** Facts with a verdict (present or absent). */
  get assessed(): number {
    return this.facts.filter((f) => f.present !== null).length;
  }

  fact(id: FactId): StylizedFact {
    const f = this.facts.find((x) => x.id === id);
    if (!f) throw new RangeError(`no stylized fact ${JSON.stringify(id)} (facts: ${FACT_IDS.join(', ')})`);
    return f;
  }

  /** fact | statistic | value | evidence | present, one row per fact (display it with `{ rows: 11 }`). */
  table(): SimTable {
    const f = this.facts;
    return new SimTable({
      fact: f.map((x) => x.fact),
      statistic: f.map((x) => x.statistic),
      value: Float64Array.from(f, (x) => x.value),
      null: Float64Array.from(f, (x) => x.null),
      evidence: f.map(evidence),
      present: f.map((x) => verdict(x.present)),
      note: f.map((x) => x.note),
    });
  }
}

function verdict(p: boolean | null): string {
  return p === null ? 'not assessed' : p ? 'yes' : 'no';
}

const fmt = (x: number, d = 3) => (Number.isFinite(x) ? Number(x.toPrecision(d)).toString() : String(x));
/** 10 s, 1 min, 1.5 min. */
const dur = (sec: number) => (sec < 60 ? `${fmt(sec)} s` : `${fmt(sec / 60)} min`);

function evidence(f: StylizedFact): string {
  if (f.interval) return `CI [${fmt(f.interval[0])}, ${fmt(f.interval[1])}]`;
  if (f.pValue !== null) return `p = ${fmt(f.pValue, 2)}`;
  return '';
}

/** Several sources' facts side by side: fact, then per source its value and verdict. */
export function stylizedFactsTable(results: Record<string, StylizedFacts> | StylizedFacts[]): SimTable {
  const entries = Array.isArray(results) ? results.map((r) => [r.label, r] as const) : Object.entries(results);
  if (entries.length === 0) throw new RangeError('stylizedFactsTable: no results');
  const cols: Record<string, readonly string[] | Float64Array> = { fact: FACT_IDS.map((id) => FACT_NAMES[id]) };
  for (const [name, r] of entries) {
    cols[`${name} value`] = Float64Array.from(FACT_IDS, (id) => r.fact(id).value);
    cols[`${name} present`] = FACT_IDS.map((id) => verdict(r.fact(id).present));
  }
  return new SimTable(cols);
}

// ---------------------------------------------------------------------------------------------
// The facts
// ---------------------------------------------------------------------------------------------

interface Segment {
  r: Float64Array;
  v: Float64Array;
}

/** Each path's returns over k grid steps and the volume traded in each, split where a return is not finite. */
function returnSegments(series: MarketSeries, k: number): Segment[] {
  const out: Segment[] = [];
  for (const p of series.paths) {
    const m = Math.floor((p.mid.length - 1) / k);
    let r: number[] = [];
    let v: number[] = [];
    const flush = () => {
      if (r.length) out.push({ r: Float64Array.from(r), v: Float64Array.from(v) });
      r = [];
      v = [];
    };
    for (let j = 0; j < m; j++) {
      const a = p.mid[j * k];
      const b = p.mid[(j + 1) * k];
      const x = Math.log(b / a);
      if (!Number.isFinite(x)) {
        flush();
        continue;
      }
      r.push(x);
      v.push(p.volume[(j + 1) * k] - p.volume[j * k]);
    }
    flush();
  }
  return out;
}

function positiveInt(v: number | undefined, dflt: number, name: string, min = 1): number {
  const x = v ?? dflt;
  if (!(Number.isInteger(x) && x >= min)) throw new RangeError(`stylizedFacts: ${name} must be a whole number ≥ ${min}, got ${v}`);
  return x;
}

/** The 11 stylized facts of a series (see the module comment for every definition and rule). */
export function stylizedFacts(series: MarketSeries, options: StylizedFactsOptions = {}): StylizedFacts {
  const interval = options.interval ?? 60;
  const k = series.stepsPer(interval, 'stylizedFacts: interval');
  const maxLag = positiveInt(options.maxLag, 20, 'maxLag');
  const minPoints = positiveInt(options.minPoints, 30, 'minPoints', 4);
  const q = options.extremeQuantile ?? 0.99;
  if (!(q > 0 && q < 1)) throw new RangeError(`stylizedFacts: extremeQuantile must be between 0 and 1, got ${options.extremeQuantile}`);
  const windowSec = options.window ?? 600;
  const windowK = windowSec / interval;
  if (!(windowK >= 1 && Math.abs(windowK - Math.round(windowK)) < 1e-9)) throw new RangeError(`stylizedFacts: window ${options.window} s is not a multiple of the interval ${interval} s`);
  const w = positiveInt(options.volWindow, 20, 'volWindow', 5);
  const coarse = positiveInt(options.coarse, 5, 'coarse', 2);
  const zLags = positiveInt(options.zumbachLags, 10, 'zumbachLags');
  const block = positiveInt(options.block, 10, 'block');
  const R = positiveInt(options.resamples, 500, 'resamples');
  const alpha = options.alpha ?? 0.05;
  if (!(alpha > 0 && alpha < 0.5)) throw new RangeError(`stylizedFacts: alpha must be between 0 and 0.5, got ${options.alpha}`);
  const seed = options.seed ?? 0;
  const scalesSec = options.scales ?? DEFAULT_SCALES;
  for (const s of scalesSec) {
    const m = s / interval;
    if (!(s > 0) || (m >= 1 && Math.abs(m - Math.round(m)) > 1e-9)) throw new RangeError(`stylizedFacts: scale ${s} s is not a multiple of the interval ${interval} s`);
  }
  const scales = [1, ...new Set(scalesSec.map((s) => Math.round(s / interval)).filter((m) => m > 1))].sort((a, b) => a - b);
  const rngFor = (fact: number) => Rng.stream(seed, fact);

  const segs = returnSegments(series, k);
  const x = demean(segs.map((s) => s.r));
  const all = concat(x);
  const N = all.length;
  const facts: StylizedFact[] = [];
  const add = (id: FactId, f: Omit<StylizedFact, 'id' | 'fact'>) => facts.push({ id, fact: FACT_NAMES[id], ...f });
  const notAssessed = (id: FactId, statistic: string, rule: string, n: number, why: string, nullValue = 0) =>
    add(id, { statistic, value: NaN, null: nullValue, interval: null, pValue: null, present: null, rule, n, note: `not assessed: ${why}` });
  const pct = `${Math.round((1 - alpha) * 100)}%`;

  // Lags that fit.
  const longest = x.reduce((m, p) => Math.max(m, p.length), 0);
  let L = Math.min(maxLag, Math.floor(longest / 2));
  while (L >= 1 && pairsAt(x, L) < minPoints) L--;
  const noLag = `no lag fits (paths of at most ${longest} returns; a lag needs ${minPoints} pairs and at most half a path)`;

  // 1. Absence of autocorrelation: Q = Σ ρ², sign flips.
  const acfR = L >= 1 ? pooledCrossCorrelation(x, x, L) : new Float64Array(0);
  {
    const statistic = `Σ ρ(τ)² of returns, τ = 1..${Math.max(L, 1)}`;
    const rule = `present when a sign-flip test of Σρ² does not reject at ${alpha} (p ≥ ${alpha})`;
    if (L < 1) notAssessed('no_autocorrelation', statistic, rule, N, noLag);
    else {
      const Q = (rho: Float64Array) => rho.reduce((s, v) => s + v * v, 0);
      const q0 = Q(acfR);
      const rng = rngFor(1);
      const y = x.map((p) => new Float64Array(p.length));
      let exceed = 0;
      for (let r = 0; r < R; r++) {
        for (let p = 0; p < x.length; p++) for (let i = 0; i < x[p].length; i++) y[p][i] = rng.float() < 0.5 ? -x[p][i] : x[p][i];
        if (Q(pooledCrossCorrelation(y, y, L)) >= q0 - 1e-15) exceed++;
      }
      const p = (1 + exceed) / (1 + R);
      let at = 0;
      for (let i = 1; i < L; i++) if (Math.abs(acfR[i]) > Math.abs(acfR[at])) at = i;
      add('no_autocorrelation', { statistic, value: q0, null: 0, interval: null, pValue: p, present: p >= alpha, rule, n: pairsAt(x, 1), note: `ρ(1) = ${fmt(acfR[0])}, largest |ρ| = ${fmt(Math.abs(acfR[at]))} at lag ${at + 1}` });
    }
  }

  // 2, 3. Heavy tails and gain/loss asymmetry: block-bootstrap intervals of kurtosis and skewness.
  const blocks = blocksOf(x, block);
  const tooFewBlocks = (b: number, len: number) => `${b} blocks of ${len} returns (${MIN_BLOCKS} needed)`;
  {
    const statistic = 'excess kurtosis of returns';
    const rule = `present when the ${pct} block-bootstrap interval is above 0`;
    if (N < minPoints) notAssessed('heavy_tails', statistic, rule, N, `${N} returns (${minPoints} needed)`);
    else if (blocks.length < MIN_BLOCKS) notAssessed('heavy_tails', statistic, rule, N, tooFewBlocks(blocks.length, block));
    else {
      const value = excessKurtosis(all);
      const ci = percentile(blockBootstrap(blocks, R, rngFor(2), (s) => excessKurtosis(concat(s))), alpha);
      add('heavy_tails', { statistic, value, null: 0, interval: ci, pValue: null, present: ci[0] > 0, rule, n: N, note: `${N} returns of ${dur(interval)}` });
    }
  }
  {
    const statistic = 'skewness of returns';
    const rule = `present when the ${pct} block-bootstrap interval is below 0`;
    if (N < minPoints) notAssessed('gain_loss_asymmetry', statistic, rule, N, `${N} returns (${minPoints} needed)`);
    else if (blocks.length < MIN_BLOCKS) notAssessed('gain_loss_asymmetry', statistic, rule, N, tooFewBlocks(blocks.length, block));
    else {
      const value = skewness(all);
      const ci = percentile(blockBootstrap(blocks, R, rngFor(3), (s) => skewness(concat(s))), alpha);
      add('gain_loss_asymmetry', { statistic, value, null: 0, interval: ci, pValue: null, present: ci[1] < 0, rule, n: N, note: `${N} returns of ${dur(interval)}` });
    }
  }

  // 4. Aggregational Gaussianity.
  const aggregation = { seconds: scales.map((m) => m * interval), kurtosis: scales.map((m) => excessKurtosis(aggregate(x, m))), n: scales.map((m) => aggregate(x, m).length) };
  {
    const usable = scales.filter((_, i) => aggregation.n[i] >= minPoints);
    const K = usable[usable.length - 1] ?? 1;
    const statistic = `κ(${dur(K * interval)}) − κ(${dur(interval)})`;
    const rule = `present when the ${pct} block-bootstrap interval of the kurtosis drop is below 0`;
    if (usable.length < 3) notAssessed('aggregational_gaussianity', statistic, rule, N, `${usable.length} of the scales have ${minPoints} aggregated returns (3 needed)`);
    else {
      const len = K * Math.ceil(block / K);
      const b4 = blocksOf(x, len);
      if (b4.length < MIN_BLOCKS) notAssessed('aggregational_gaussianity', statistic, rule, N, tooFewBlocks(b4.length, len));
      else {
        const drop = (s: readonly Float64Array[]) => excessKurtosis(aggregate(s, K)) - excessKurtosis(aggregate(s, 1));
        const value = drop(x);
        const ci = percentile(blockBootstrap(b4, R, rngFor(4), drop), alpha);
        const kurt = usable.map((m) => `${dur(m * interval)}: ${fmt(aggregation.kurtosis[scales.indexOf(m)])}`).join(', ');
        add('aggregational_gaussianity', { statistic, value, null: 0, interval: ci, pValue: null, present: ci[1] < 0, rule, n: aggregation.n[scales.indexOf(K)], note: `kurtosis ${kurt}` });
      }
    }
  }

  // 5. Intermittency: Fano factor of extreme counts per window, permutation test.
  {
    const statistic = `Fano factor of ${fmt(q * 100)}%-extreme returns per ${dur(windowSec)}`;
    const rule = `present when a permutation test finds the Fano factor above iid (p < ${alpha})`;
    const wk = Math.round(windowK);
    const windows = x.reduce((s, p) => s + Math.floor(p.length / wk), 0);
    const sorted = Array.from(all, Math.abs).sort((a, b) => a - b);
    const theta = sorted.length ? quantileSorted(sorted, q) : NaN;
    const ext = x.map((p) => p.map((v) => (Math.abs(v) > theta ? 1 : 0)));
    const fano = (e: readonly Float64Array[]): number => {
      const c: number[] = [];
      for (const p of e) for (let i = 0; i + wk <= p.length; i += wk) {
        let s = 0;
        for (let j = i; j < i + wk; j++) s += p[j];
        c.push(s);
      }
      const mu = mean(c);
      if (!(mu > 0) || c.length < 2) return NaN;
      let v = 0;
      for (const y of c) v += (y - mu) ** 2;
      return v / (c.length - 1) / mu;
    };
    let inWindows = 0;
    for (const p of ext) for (let i = 0; i < Math.floor(p.length / wk) * wk; i++) inWindows += p[i];
    if (windows < MIN_WINDOWS) notAssessed('intermittency', statistic, rule, windows, `${windows} windows of ${dur(windowSec)} (${MIN_WINDOWS} needed)`, 1);
    else if (inWindows < MIN_EXTREMES) notAssessed('intermittency', statistic, rule, windows, `${inWindows} extreme returns (${MIN_EXTREMES} needed; a shorter interval gives more)`, 1);
    else {
      const f0 = fano(ext);
      const rng = rngFor(5);
      const y = ext.map((p) => p.slice());
      let exceed = 0;
      for (let r = 0; r < R; r++) {
        for (const p of y) shuffle(p, rng);
        const f = fano(y);
        if (f >= f0 - 1e-12) exceed++;
      }
      const p = (1 + exceed) / (1 + R);
      add('intermittency', { statistic, value: f0, null: 1, interval: null, pValue: p, present: p < alpha, rule, n: windows, note: `${inWindows} extreme returns (|r| > ${fmt(theta)}) in ${windows} windows` });
    }
  }

  // 6, 8. Volatility clustering and slow decay: permutations within paths.
  const a = demean(x.map((p) => p.map(Math.abs)));
  const acfA = L >= 1 ? pooledCrossCorrelation(a, a, L) : new Float64Array(0);
  const longFrom = Math.ceil(L / 2);
  {
    const s6 = 'ρ(1) of |returns|';
    const r6 = `present when a permutation test finds it above iid (p < ${alpha})`;
    const s8 = `mean ρ(τ) of |returns|, τ = ${longFrom}..${L}`;
    const r8 = `present when a permutation test finds it above iid (p < ${alpha})`;
    if (L < 1) {
      notAssessed('volatility_clustering', s6, r6, N, noLag);
    }
    if (L < 4) notAssessed('slow_decay', s8, r8, N, L < 1 ? noLag : `lags up to ${L} fit (4 needed)`);
    if (L >= 1) {
      const longMean = (rho: Float64Array) => mean(rho.subarray(longFrom - 1, L));
      const c1 = acfA[0];
      const cl = longMean(acfA);
      const rng = rngFor(6);
      // A permutation leaves the pooled mean of |x| unchanged: the shuffled |x| are demeaned with it.
      const muA = x.length ? Math.abs(x[0][0]) - a[0][0] : 0;
      const y = a.map((p) => p.map((v) => v + muA));
      let e1 = 0;
      let el = 0;
      for (let r = 0; r < R; r++) {
        const b = y.map((p) => {
          shuffle(p, rng);
          return p.map((v) => v - muA);
        });
        const rho = pooledCrossCorrelation(b, b, L >= 4 ? L : 1);
        if (rho[0] >= c1 - 1e-15) e1++;
        if (L >= 4 && longMean(rho) >= cl - 1e-15) el++;
      }
      const p1 = (1 + e1) / (1 + R);
      const beta = powerLawExponent(acfA);
      add('volatility_clustering', { statistic: s6, value: c1, null: 0, interval: null, pValue: p1, present: p1 < alpha, rule: r6, n: pairsAt(x, 1), note: `ρ|r| at lags 1, 2, 5: ${[1, 2, 5].filter((l) => l <= L).map((l) => fmt(acfA[l - 1])).join(', ')}` });
      if (L >= 4) {
        const pl = (1 + el) / (1 + R);
        add('slow_decay', { statistic: s8, value: cl, null: 0, interval: null, pValue: pl, present: pl < alpha, rule: r8, n: pairsAt(x, L), note: `ρ|r|(${L}) = ${fmt(acfA[L - 1])}${Number.isFinite(beta) ? `; power-law exponent β = ${fmt(beta, 2)} (ρ ∝ τ^−β fitted where ρ > 0)` : ''}` });
      }
    }
  }

  // 7. Conditional heavy tails.
  {
    const z = locallyStandardized(x, w);
    const zAll = concat(z);
    const k0 = 6 / (w - 4);
    const statistic = `excess kurtosis of r / σ̂ (σ̂ over the ${w} returns before)`;
    const rule = `present when the ${pct} block-bootstrap interval is above 6/(w−4) = ${fmt(k0)} (Gaussian returns with a constant local volatility)`;
    const zb = blocksOf(z, block);
    if (zAll.length < minPoints) notAssessed('conditional_heavy_tails', statistic, rule, zAll.length, `${zAll.length} standardized returns (${minPoints} needed; paths need more than ${w} returns)`, k0);
    else if (zb.length < MIN_BLOCKS) notAssessed('conditional_heavy_tails', statistic, rule, zAll.length, tooFewBlocks(zb.length, block), k0);
    else {
      const value = excessKurtosis(zAll);
      const ci = percentile(blockBootstrap(zb, R, rngFor(7), (s) => excessKurtosis(concat(s))), alpha);
      add('conditional_heavy_tails', { statistic, value, null: k0, interval: ci, pValue: null, present: ci[0] > k0, rule, n: zAll.length, note: `${zAll.length} standardized returns` });
    }
  }

  // 9. Leverage: mean over lags of corr(x_t, |x_{t+τ}|), sign flips (|x| unchanged).
  const lev = L >= 1 ? pooledCrossCorrelation(x, a, L) : new Float64Array(0);
  {
    const statistic = `mean corr(r_t, |r_t+τ|), τ = 1..${Math.max(L, 1)}`;
    const rule = `present when a sign-flip test finds it below 0 (p < ${alpha})`;
    if (L < 1) notAssessed('leverage_effect', statistic, rule, N, noLag);
    else {
      const value = mean(lev);
      // Σ_τ Σ_t x_t a_{t+τ} / N_τ = Σ_t x_t W_t: one weight per return, so a flip costs one pass.
      const nTau = Array.from({ length: L }, (_, i) => pairsAt(x, i + 1));
      const W = a.map((p) => {
        const out = new Float64Array(p.length);
        for (let t = 0; t < p.length; t++) for (let tau = 1; tau <= L && t + tau < p.length; tau++) out[t] += p[t + tau] / nTau[tau - 1];
        return out;
      });
      const sx = sumOf(x).ss / N;
      const sa = sumOf(a).ss / N;
      const scale = L * Math.sqrt(sx * sa);
      const rng = rngFor(9);
      let below = 0;
      for (let r = 0; r < R; r++) {
        let s = 0;
        for (let p = 0; p < x.length; p++) for (let t = 0; t < x[p].length; t++) s += (rng.float() < 0.5 ? -x[p][t] : x[p][t]) * W[p][t];
        if (s / scale <= value + 1e-15) below++;
      }
      const p = (1 + below) / (1 + R);
      add('leverage_effect', { statistic, value, null: 0, interval: null, pValue: p, present: p < alpha, rule, n: pairsAt(x, 1), note: `corr at lags 1, 5, ${L}: ${[1, 5, L].filter((l, i, s) => l <= L && s.indexOf(l) === i).map((l) => fmt(lev[l - 1])).join(', ')}` });
    }
  }

  // 10. Volume/volatility: corr(|x_t|, v_t), circular shifts of v within paths.
  {
    const statistic = 'corr(|r_t|, volume_t)';
    const rule = `present when a circular-shift test finds it above 0 (p < ${alpha})`;
    const keep = segs.map((s, i) => (s.v.every(Number.isFinite) && s.v.length >= 2 ? i : -1)).filter((i) => i >= 0);
    const av = keep.map((i) => x[i].map(Math.abs));
    const vv = keep.map((i) => segs[i].v);
    const n = av.reduce((s, p) => s + p.length, 0);
    if (n < minPoints) notAssessed('volume_volatility', statistic, rule, n, `${n} returns with a known volume (${minPoints} needed)`);
    else {
      const A = sumOf(av);
      const V = sumOf(vv);
      const ma = A.sum / n;
      const mv = V.sum / n;
      const sd = Math.sqrt((A.ss / n) * (V.ss / n));
      const corr = (shift: (p: number) => number): number => {
        let s = 0;
        for (let p = 0; p < av.length; p++) {
          const h = shift(p);
          const m = av[p].length;
          for (let t = 0; t < m; t++) s += (av[p][t] - ma) * (vv[p][(t + h) % m] - mv);
        }
        return s / n / sd;
      };
      const value = corr(() => 0);
      const rng = rngFor(10);
      let exceed = 0;
      for (let r = 0; r < R; r++) if (corr((p) => 1 + rng.int(av[p].length - 1)) >= value - 1e-15) exceed++;
      const p = (1 + exceed) / (1 + R);
      add('volume_volatility', { statistic, value, null: 0, interval: null, pValue: Number.isFinite(value) ? p : null, present: Number.isFinite(value) ? p < alpha : null, rule, n, note: Number.isFinite(value) ? `${n} intervals` : 'not assessed: volume or |r| never varies' });
    }
  }

  // 11. Asymmetry in time scales (Zumbach), measured within blocks of 3·(T + k) returns (so the estimate
  // and its block bootstrap see the same pairs); the largest T ≤ zumbachLags with enough pairs and blocks.
  const zLen = (t: number) => Math.max(block, 3 * (t + coarse));
  const zPairs = (parts: readonly Float64Array[], tau: number) => parts.reduce((s, p) => s + Math.max(0, p.length - coarse + 1 - tau), 0);
  let T = zLags;
  while (T >= 1 && (blocksOf(x, zLen(T)).length < MIN_BLOCKS || zPairs(blocksOf(x, zLen(T)), T) < minPoints)) T--;
  const zBlocks = T >= 1 ? blocksOf(x, zLen(T)) : [];
  const zum = T >= 1 ? zumbachAsymmetry(zBlocks, coarse, T) : new Float64Array(0);
  {
    const statistic = `mean over τ = 1..${Math.max(T, 1)} of corr(σc(t−τ), σf(t)) − corr(σc(t+τ), σf(t)), σ over ${coarse} returns`;
    const rule = `present when the ${pct} block-bootstrap interval is above 0`;
    if (T < 1) notAssessed('timescale_asymmetry', statistic, rule, N, `no lag fits: ${MIN_BLOCKS} blocks of ${zLen(1)} returns with ${minPoints} pairs are needed (${N} returns)`);
    else {
      const value = mean(zum);
      const ci = percentile(blockBootstrap(zBlocks, R, rngFor(11), (s) => mean(zumbachAsymmetry(s, coarse, T))), alpha);
      add('timescale_asymmetry', { statistic, value, null: 0, interval: ci, pValue: null, present: ci[0] > 0, rule, n: zPairs(zBlocks, 1), note: `asymmetry at lags 1, ${T}: ${fmt(zum[0])}, ${fmt(zum[T - 1])}; within ${zBlocks.length} blocks of ${zLen(T)} returns` });
    }
  }

  facts.sort((p, q2) => FACT_IDS.indexOf(p.id) - FACT_IDS.indexOf(q2.id));
  const lags = Array.from({ length: L }, (_, i) => i + 1);
  const curves: StylizedCurves = {
    acf: { lag: lags, returns: Array.from(acfR), absolute: Array.from(acfA), band: lags.map((l) => 1.96 / Math.sqrt(pairsAt(x, l))) },
    aggregation,
    leverage: { lag: lags, value: Array.from(lev) },
    zumbach: { lag: Array.from({ length: T }, (_, i) => i + 1), value: Array.from(zum) },
    distribution: density(all),
  };
  return new StylizedFacts(series.label, interval, facts, curves, { paths: x.length, returns: N, seconds: N * interval });
}

/** −slope of log ρ on log τ over the lags where ρ > 0 (NaN with fewer than 3 such lags). */
function powerLawExponent(rho: Float64Array): number {
  const pts: Array<[number, number]> = [];
  rho.forEach((v, i) => {
    if (v > 0) pts.push([Math.log(i + 1), Math.log(v)]);
  });
  if (pts.length < 3) return NaN;
  const mx = mean(pts.map((p) => p[0]));
  const my = mean(pts.map((p) => p[1]));
  let sxy = 0;
  let sxx = 0;
  for (const [u, v] of pts) {
    sxy += (u - mx) * (v - my);
    sxx += (u - mx) ** 2;
  }
  return sxx > 0 ? -sxy / sxx : NaN;
}

/** Density of x / sd(x) on bins of width 0.25 over ±10 (bin centres), and how many fell outside. */
function density(all: Float64Array): StylizedCurves['distribution'] {
  const n = all.length;
  const { ss } = sumOf([all]);
  const sd = Math.sqrt(ss / n);
  const bins = Math.round((2 * Z_MAX) / BIN);
  const counts = new Float64Array(bins);
  let outside = 0;
  if (sd > 0) {
    for (let i = 0; i < n; i++) {
      const b = Math.floor((all[i] / sd + Z_MAX) / BIN);
      if (b >= 0 && b < bins) counts[b]++;
      else outside++;
    }
  }
  const z: number[] = [];
  const d: number[] = [];
  for (let b = 0; b < bins; b++) {
    if (counts[b] === 0) continue;
    z.push(-Z_MAX + (b + 0.5) * BIN);
    d.push(counts[b] / n / BIN);
  }
  return { z, density: d, outside };
}
