/**
 * Statistics of return series held as several paths (typed arrays, one per path), the pieces the
 * stylized facts are made of: moments, autocorrelations pooled over paths (pairs never span two
 * paths), aggregation, local volatility, Zumbach's coarse and fine volatilities, and the
 * non-overlapping block bootstrap.
 */
import { quantileSorted, sampleKurtosis, sampleSkewness } from 'simple-statistics';
import type { Rng } from '../util/rng';

const asArray = (x: Float64Array): number[] => x as unknown as number[];

function hasSpread(x: Float64Array): boolean {
  for (let i = 1; i < x.length; i++) if (x[i] !== x[0]) return true;
  return false;
}

/** Sample excess kurtosis (the unbiased G2 of SAS and SciPy, via simple-statistics); NaN below 4 values or without variation. */
export function excessKurtosis(x: Float64Array): number {
  return x.length >= 4 && hasSpread(x) ? sampleKurtosis(asArray(x)) : NaN;
}

/** Sample skewness (adjusted Fisher–Pearson G1, via simple-statistics); NaN below 3 values or without variation. */
export function skewness(x: Float64Array): number {
  return x.length >= 3 && hasSpread(x) ? sampleSkewness(asArray(x)) : NaN;
}

export function concat(parts: readonly Float64Array[]): Float64Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Float64Array(n);
  let k = 0;
  for (const p of parts) {
    out.set(p, k);
    k += p.length;
  }
  return out;
}

export function sumOf(parts: readonly Float64Array[]): { n: number; sum: number; ss: number } {
  let n = 0;
  let sum = 0;
  for (const p of parts) for (let i = 0; i < p.length; i++) {
    n++;
    sum += p[i];
  }
  const mu = n ? sum / n : NaN;
  let ss = 0;
  for (const p of parts) for (let i = 0; i < p.length; i++) ss += (p[i] - mu) ** 2;
  return { n, sum, ss };
}

/** Subtract the pooled mean. */
export function demean(parts: readonly Float64Array[]): Float64Array[] {
  const { n, sum } = sumOf(parts);
  const mu = n ? sum / n : 0;
  return parts.map((p) => p.map((v) => v - mu));
}

export function pairsAt(parts: readonly Float64Array[], lag: number): number {
  let n = 0;
  for (const p of parts) n += Math.max(0, p.length - lag);
  return n;
}

/**
 * Pooled cross-correlation at lags 1..L of two demeaned series on the same paths: the mean of
 * x_t·y_{t+τ} over the pairs within paths, over √(mean x² · mean y²) of all points.
 */
export function pooledCrossCorrelation(x: readonly Float64Array[], y: readonly Float64Array[], lags: number): Float64Array {
  let sxx = 0;
  let syy = 0;
  let n = 0;
  for (let p = 0; p < x.length; p++) {
    for (let i = 0; i < x[p].length; i++) {
      sxx += x[p][i] * x[p][i];
      syy += y[p][i] * y[p][i];
    }
    n += x[p].length;
  }
  const scale = Math.sqrt((sxx / n) * (syy / n));
  const out = new Float64Array(lags);
  for (let tau = 1; tau <= lags; tau++) {
    let s = 0;
    let m = 0;
    for (let p = 0; p < x.length; p++) {
      const a = x[p];
      const b = y[p];
      for (let t = 0; t + tau < a.length; t++) s += a[t] * b[t + tau];
      m += Math.max(0, a.length - tau);
    }
    out[tau - 1] = m > 0 && scale > 0 ? s / m / scale : NaN;
  }
  return out;
}

/** Autocorrelation at lags 1..L of series on several paths, demeaned by their pooled mean, pairs within paths. */
export function pooledAutocorrelation(parts: readonly Float64Array[], lags: number): Float64Array {
  const d = demean(parts);
  return pooledCrossCorrelation(d, d, lags);
}

export function percentile(draws: Float64Array, alpha: number): [number, number] {
  const ok = Array.from(draws).filter(Number.isFinite).sort((a, b) => a - b);
  if (ok.length === 0) return [NaN, NaN];
  return [quantileSorted(ok, alpha / 2), quantileSorted(ok, 1 - alpha / 2)];
}

export function shuffle(x: Float64Array, rng: Rng): void {
  for (let i = x.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = x[i];
    x[i] = x[j];
    x[j] = t;
  }
}

/** Non-overlapping blocks of `len` values within each path (the last, shorter block of a path kept). */
export function blocksOf(parts: readonly Float64Array[], len: number): Float64Array[] {
  const out: Float64Array[] = [];
  for (const p of parts) for (let i = 0; i < p.length; i += len) out.push(p.subarray(i, Math.min(p.length, i + len)));
  return out;
}

/** `resamples` values of `stat` on as many blocks as there are, drawn with replacement. */
export function blockBootstrap(blocks: Float64Array[], resamples: number, rng: Rng, stat: (sample: Float64Array[]) => number): Float64Array {
  const draws = new Float64Array(resamples);
  const pick: Float64Array[] = new Array(blocks.length);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < blocks.length; i++) pick[i] = blocks[rng.int(blocks.length)];
    draws[r] = stat(pick);
  }
  return draws;
}

/** Returns summed over non-overlapping groups of `k` within each part (from its start). */
export function aggregate(parts: readonly Float64Array[], k: number): Float64Array {
  let n = 0;
  for (const p of parts) n += Math.floor(p.length / k);
  const out = new Float64Array(n);
  let j = 0;
  for (const p of parts) {
    for (let i = 0; i + k <= p.length; i += k) {
      let s = 0;
      for (let q = i; q < i + k; q++) s += p[q];
      out[j++] = s;
    }
  }
  return out;
}

/** x_t / σ̂_t with σ̂_t² the mean of x² over the w values before t in the same part (σ̂ = 0 dropped). */
export function locallyStandardized(parts: readonly Float64Array[], w: number): Float64Array[] {
  return parts.map((p) => {
    const out: number[] = [];
    let ss = 0;
    for (let t = 0; t < p.length; t++) {
      if (t >= w) {
        const s = Math.sqrt(ss / w);
        if (s > 0) out.push(p[t] / s);
        ss -= p[t - w] * p[t - w];
      }
      ss += p[t] * p[t];
    }
    return Float64Array.from(out);
  });
}

/** Zumbach's coarse |Σx| and fine Σ|x| volatilities over the k returns ending at each t (t ≥ k − 1), per part. */
export function coarseFine(parts: readonly Float64Array[], k: number): { coarse: Float64Array[]; fine: Float64Array[] } {
  const coarse: Float64Array[] = [];
  const fine: Float64Array[] = [];
  for (const p of parts) {
    const m = Math.max(0, p.length - k + 1);
    const c = new Float64Array(m);
    const f = new Float64Array(m);
    for (let t = 0; t < m; t++) {
      let s = 0;
      let a = 0;
      for (let i = t; i < t + k; i++) {
        s += p[i];
        a += Math.abs(p[i]);
      }
      c[t] = Math.abs(s);
      f[t] = a;
    }
    coarse.push(c);
    fine.push(f);
  }
  return { coarse, fine };
}

/**
 * Zumbach's asymmetry per lag 1..T: corr(σc(t−τ), σf(t)) − corr(σc(t+τ), σf(t)), with pooled means and
 * standard deviations and pairs within parts (parts shorter than k + 1 returns contribute nothing).
 */
export function zumbachAsymmetry(parts: readonly Float64Array[], k: number, T: number): Float64Array {
  const { coarse, fine } = coarseFine(parts, k);
  const c = demean(coarse);
  const f = demean(fine);
  const coarseLeads = pooledCrossCorrelation(c, f, T); // corr(c_t, f_{t+τ})
  const fineLeads = pooledCrossCorrelation(f, c, T); // corr(f_t, c_{t+τ})
  return coarseLeads.map((v, i) => v - fineLeads[i]);
}

/** Mean (NaN when empty). */
export const mean = (x: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return x.length ? s / x.length : NaN;
};
