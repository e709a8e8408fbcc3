/**
 * Distances between a real and a generated distribution of one score, as LOB-Bench defines them (so
 * figures are comparable with its published ones):
 *
 * - L1: total variation ½·Σ|p_real − p_gen| over histogram bins. Continuous scores use Freedman–Diaconis
 *   edges on the pooled real + generated values (bin width 2·IQR·n^(−1/3)); discrete scores use one bin
 *   per value. NaN and ±Infinity are dropped first. Range 0 (same) to 1 (disjoint).
 * - W1: the Wasserstein-1 distance after z-scoring both samples with the pooled mean and standard
 *   deviation (so it is unit-free): the area between the two empirical CDFs.
 * - Intervals: bootstrap, real and generated resampled separately (seeded), the 0.5% and 99.5%
 *   quantiles of the resampled distances (a 99% interval). The bins (and the z-scoring) are those of
 *   the original samples, so a resample is a recount, not a re-sort.
 */
import { interquartileRange, mean, quantileSorted } from 'simple-statistics';
import { Rng } from '../util/rng';

function finite(xs: ArrayLike<number>): Float64Array {
  let n = 0;
  for (let i = 0; i < xs.length; i++) if (Number.isFinite(xs[i])) n++;
  const out = new Float64Array(n);
  let k = 0;
  for (let i = 0; i < xs.length; i++) if (Number.isFinite(xs[i])) out[k++] = xs[i];
  return out;
}

/** Histogram edges for pooled values: Freedman–Diaconis (a single bin when the IQR is 0). */
export function freedmanDiaconisEdges(pooled: Float64Array): Float64Array {
  const n = pooled.length;
  if (n === 0) return new Float64Array([0, 1]);
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    if (pooled[i] < lo) lo = pooled[i];
    if (pooled[i] > hi) hi = pooled[i];
  }
  const iqr = n > 1 ? interquartileRange(Array.from(pooled)) : 0;
  const width = (2 * iqr) / Math.cbrt(n);
  if (!(width > 0) || hi === lo) return new Float64Array([lo, hi === lo ? lo + 1 : hi]);
  // Cap the bin count (a few extreme values must not make millions of bins).
  const bins = Math.min(10_000, Math.max(1, Math.ceil((hi - lo) / width)));
  const edges = new Float64Array(bins + 1);
  for (let b = 0; b <= bins; b++) edges[b] = lo + ((hi - lo) * b) / bins;
  return edges;
}

/** L1 (total variation) between two samples; `discrete`: one bin per distinct value. */
export function l1Distance(real: ArrayLike<number>, gen: ArrayLike<number>, discrete = false): number {
  return l1Draws(real, gen, discrete, { resamples: 0 }).value;
}

/** Wasserstein-1 between two samples after z-scoring both with the pooled mean and standard deviation. */
export function wasserstein1(real: ArrayLike<number>, gen: ArrayLike<number>): number {
  return w1Draws(real, gen, { resamples: 0 }).value;
}

export interface DistanceWithInterval {
  value: number;
  /** 99% bootstrap interval [low, high]. */
  ci: [number, number];
}

/** A distance and its values on each bootstrap resample. */
export interface BootstrapDraws {
  value: number;
  draws: Float64Array;
}

export interface BootstrapOptions {
  /** Resamples (default 100, as LOB-Bench). */
  resamples?: number;
  seed?: number;
  /** Interval level (default 0.99). */
  level?: number;
}

/**
 * L1 with its bootstrap draws. The histogram edges come from the original pooled values (or one bin
 * per value) and each value's bin is found once; a resample is then only a count of drawn bins, so a
 * hundred resamples of a hundred thousand values take milliseconds, not a sort each.
 */
export function l1Draws(real: ArrayLike<number>, gen: ArrayLike<number>, discrete: boolean, options: BootstrapOptions = {}): BootstrapDraws {
  const a = finite(real);
  const b = finite(gen);
  const n = options.resamples ?? 100;
  if (a.length === 0 || b.length === 0) return { value: NaN, draws: new Float64Array(0) };
  let bins: number;
  let binA: Int32Array;
  let binB: Int32Array;
  if (discrete) {
    const index = new Map<number, number>();
    const of = (x: number) => {
      let k = index.get(x);
      if (k === undefined) index.set(x, (k = index.size));
      return k;
    };
    binA = Int32Array.from(a, of);
    binB = Int32Array.from(b, of);
    bins = index.size;
  } else {
    const pooled = new Float64Array(a.length + b.length);
    pooled.set(a);
    pooled.set(b, a.length);
    const edges = freedmanDiaconisEdges(pooled);
    bins = edges.length - 1;
    const lo = edges[0];
    const w = (edges[bins] - lo) / bins;
    const bin = (x: number) => Math.max(0, Math.min(bins - 1, Math.floor((x - lo) / w)));
    binA = Int32Array.from(a, bin);
    binB = Int32Array.from(b, bin);
  }
  const ha = new Float64Array(bins);
  const hb = new Float64Array(bins);
  const tv = (): number => {
    let s = 0;
    for (let k = 0; k < bins; k++) s += Math.abs(ha[k] / a.length - hb[k] / b.length);
    return s / 2;
  };
  for (let i = 0; i < binA.length; i++) ha[binA[i]]++;
  for (let i = 0; i < binB.length; i++) hb[binB[i]]++;
  const value = tv();
  const rng = new Rng(options.seed ?? 0);
  const draws = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    ha.fill(0);
    hb.fill(0);
    for (let i = 0; i < binA.length; i++) ha[binA[rng.int(binA.length)]]++;
    for (let i = 0; i < binB.length; i++) hb[binB[rng.int(binB.length)]]++;
    draws[r] = tv();
  }
  return { value, draws };
}

/**
 * Wasserstein-1 (z-scored with the pooled mean and standard deviation of the original samples) with
 * its bootstrap draws. Both samples are sorted once, merged once; a resample is a count per original
 * value, and the area between the two CDFs is one pass over the merged order.
 */
export function w1Draws(real: ArrayLike<number>, gen: ArrayLike<number>, options: BootstrapOptions = {}): BootstrapDraws {
  const a = finite(real);
  const b = finite(gen);
  const n = options.resamples ?? 100;
  if (a.length === 0 || b.length === 0) return { value: NaN, draws: new Float64Array(0) };
  const na = a.length;
  const nb = b.length;
  let sum = 0;
  for (const x of a) sum += x;
  for (const x of b) sum += x;
  const mu = sum / (na + nb);
  let ss = 0;
  for (const x of a) ss += (x - mu) ** 2;
  for (const x of b) ss += (x - mu) ** 2;
  const sd = Math.sqrt(ss / (na + nb));
  const scale = sd > 0 ? 1 / sd : 0;
  // Merged order of all values: index < na is from a, else from b.
  const order = Int32Array.from({ length: na + nb }, (_, i) => i);
  const val = (i: number) => (i < na ? a[i] : b[i - na]);
  order.sort((i, j) => val(i) - val(j));
  const z = Float64Array.from(order, (i) => (val(i) - mu) * scale);
  const ca = new Float64Array(na);
  const cb = new Float64Array(nb);
  const area = (): number => {
    let fa = 0;
    let fb = 0;
    let s = 0;
    for (let k = 0; k < order.length; k++) {
      const i = order[k];
      if (i < na) fa += ca[i];
      else fb += cb[i - na];
      if (k + 1 < order.length) s += Math.abs(fa / na - fb / nb) * (z[k + 1] - z[k]);
    }
    return s;
  };
  ca.fill(1);
  cb.fill(1);
  const value = area();
  const rng = new Rng((options.seed ?? 0) + 7919);
  const draws = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    ca.fill(0);
    cb.fill(0);
    for (let i = 0; i < na; i++) ca[rng.int(na)]++;
    for (let i = 0; i < nb; i++) cb[rng.int(nb)]++;
    draws[r] = area();
  }
  return { value, draws };
}

/** The interval of bootstrap draws at `level` (default 99%). */
export function interval(d: BootstrapDraws, level = 0.99): DistanceWithInterval {
  const ok = Array.from(d.draws).filter(Number.isFinite).sort((x, y) => x - y);
  const alpha = (1 - level) / 2;
  return { value: d.value, ci: ok.length ? [quantileSorted(ok, alpha), quantileSorted(ok, 1 - alpha)] : [NaN, NaN] };
}

/** Mean, median and interquartile mean (the mean of the middle half) of a set of scores. */
export function summarizeScores(values: number[]): { mean: number; median: number; iqm: number; count: number } {
  const v = values.filter((x) => Number.isFinite(x)).sort((x, y) => x - y);
  if (v.length === 0) return { mean: NaN, median: NaN, iqm: NaN, count: 0 };
  const lo = Math.floor(v.length / 4);
  const hi = Math.ceil((3 * v.length) / 4);
  const mid = v.slice(lo, Math.max(hi, lo + 1));
  return { mean: mean(v), median: quantileSorted(v, 0.5), iqm: mean(mid), count: v.length };
}
