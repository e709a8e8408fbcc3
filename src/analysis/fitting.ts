/**
 * The fitting machinery the impact and microstructure analyses share: weighted least squares on one
 * regressor with standard errors, a power-law fit on log-log axes, nonlinear least squares (the
 * Levenberg–Marquardt solver of `ml-levenberg-marquardt`), percentile bootstrap intervals, and a small
 * table of fitted parameters.
 *
 * `ml-levenberg-marquardt` weights points inconsistently (its step uses 1/w² where its error uses w²),
 * so it is always called unweighted here: weights enter by scaling residuals with √w (the model is
 * evaluated at the point's index), which is exactly weighted least squares.
 */
import { levenbergMarquardt } from 'ml-levenberg-marquardt';
import { quantileSorted } from 'simple-statistics';
import { ColumnarFrame, type Columns } from '../data/tables';

/** Weighted least squares of y on x, with or without an intercept. */
export interface LinearFit {
  slope: number;
  intercept: number;
  /** Standard errors (classical: homoscedastic residuals) and t-statistics. */
  slopeSE: number;
  interceptSE: number;
  slopeT: number;
  interceptT: number;
  /** 1 − SSR/SST with SST about the weighted mean (also without an intercept, so it can be negative then). */
  r2: number;
  /** Points used. */
  n: number;
  /** Residual standard deviation √(SSR/(n − p)). */
  residualSD: number;
}

export interface OlsOptions {
  /** Fit an intercept (default true). */
  intercept?: boolean;
  weights?: ArrayLike<number>;
}

/** Least squares of `y` on `x` (points with a non-finite value or a zero weight are left out). */
export function ols(x: ArrayLike<number>, y: ArrayLike<number>, options: OlsOptions = {}): LinearFit {
  if (x.length !== y.length) throw new RangeError(`ols: x has ${x.length} values, y has ${y.length}`);
  const withIntercept = options.intercept ?? true;
  const w = options.weights;
  if (w && w.length !== x.length) throw new RangeError(`ols: weights has ${w.length} values, x has ${x.length}`);
  let n = 0;
  let sw = 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < x.length; i++) {
    const wi = w ? w[i] : 1;
    if (!(Number.isFinite(x[i]) && Number.isFinite(y[i]) && wi > 0)) continue;
    n++;
    sw += wi;
    sx += wi * x[i];
    sy += wi * y[i];
  }
  const p = withIntercept ? 2 : 1;
  const nan: LinearFit = { slope: NaN, intercept: withIntercept ? NaN : 0, slopeSE: NaN, interceptSE: NaN, slopeT: NaN, interceptT: NaN, r2: NaN, n, residualSD: NaN };
  if (n < p) return nan;
  const mx = withIntercept ? sx / sw : 0;
  const my = sy / sw;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    const wi = w ? w[i] : 1;
    if (!(Number.isFinite(x[i]) && Number.isFinite(y[i]) && wi > 0)) continue;
    const dx = x[i] - mx;
    sxx += wi * dx * dx;
    sxy += wi * dx * (withIntercept ? y[i] - my : y[i]);
    syy += wi * (y[i] - my) ** 2;
  }
  if (!(sxx > 0)) return nan;
  const slope = sxy / sxx;
  const intercept = withIntercept ? my - slope * mx : 0;
  let ssr = 0;
  for (let i = 0; i < x.length; i++) {
    const wi = w ? w[i] : 1;
    if (!(Number.isFinite(x[i]) && Number.isFinite(y[i]) && wi > 0)) continue;
    ssr += wi * (y[i] - intercept - slope * x[i]) ** 2;
  }
  // Weights are relative precisions (Var e_i = σ²/w_i), σ² estimated from the residuals: the standard
  // errors do not change when every weight is multiplied by the same number.
  const dof = n - p;
  const s2 = dof > 0 ? ssr / dof : NaN;
  const wMean = sw / n;
  const slopeSE = Math.sqrt(s2 / sxx);
  const interceptSE = withIntercept ? Math.sqrt(s2 * (1 / sw + (mx * mx) / sxx)) : NaN;
  return {
    slope,
    intercept,
    slopeSE,
    interceptSE,
    slopeT: slope / slopeSE,
    interceptT: withIntercept ? intercept / interceptSE : NaN,
    r2: syy > 0 ? 1 - ssr / syy : NaN,
    n,
    residualSD: Math.sqrt(s2 / wMean),
  };
}

/** A power law `y = A·x^(−exponent)` fitted by least squares on log-log axes. */
export interface DecayExponentFit {
  /** The decay exponent (γ of C(ℓ) ~ ℓ^−γ, β of G(ℓ) ~ ℓ^−β). */
  exponent: number;
  exponentSE: number;
  prefactor: number;
  /** R² on log-log axes. */
  r2: number;
  /** The x of each log bin used (its geometric centre), bins with a value > 0 only. */
  x: Float64Array;
  /** Bins in the range left out because their value is ≤ 0 (a log needs a positive value). */
  dropped: number;
  range: [number, number];
}

export interface PowerLawOptions {
  /** The range of x to fit, both ends included (default: the whole series). */
  from?: number;
  to?: number;
  /** Log bins per decade (default 20), so each decade weighs the same in the fit. */
  perDecade?: number;
  /**
   * What a log bin contributes: `mean` (default), the mean of y over the bin's x at the bin's geometric
   * centre, which averages out the noise of a correlation at long lags; `first`, the bin's first point.
   */
  binning?: 'mean' | 'first';
}

/**
 * Power-law fit of `y` against lags `x` (a correlation or response against lag): OLS of log y on log x
 * over log bins in [from, to] (so long lags do not outnumber short ones); bins whose value is ≤ 0
 * cannot be logged and are counted in `dropped`.
 */
export function fitPowerLaw(x: ArrayLike<number>, y: ArrayLike<number>, options: PowerLawOptions = {}): DecayExponentFit {
  if (x.length !== y.length) throw new RangeError(`fitPowerLaw: x has ${x.length} values, y has ${y.length}`);
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < x.length; i++) {
    if (x[i] > 0 && x[i] < lo) lo = x[i];
    if (x[i] > hi) hi = x[i];
  }
  const from = options.from ?? lo;
  const to = options.to ?? hi;
  if (!(from > 0) || !(to > from)) throw new RangeError(`fitPowerLaw: the range needs 0 < from < to (got from ${from}, to ${to})`);
  const perDecade = options.perDecade ?? 20;
  if (!(perDecade > 0)) throw new RangeError(`fitPowerLaw: perDecade must be > 0 (got ${perDecade})`);
  const binning = options.binning ?? 'mean';
  if (binning !== 'mean' && binning !== 'first') throw new RangeError(`fitPowerLaw: binning must be 'mean' or 'first' (got ${JSON.stringify(binning)})`);
  // Bins of log x, in the order x comes (x is usually every lag 1, 2, 3, …).
  const bins: Array<{ logX: number; y: number; n: number }> = [];
  let lastBin = NaN;
  for (let i = 0; i < x.length; i++) {
    if (!(x[i] >= from && x[i] <= to) || !Number.isFinite(y[i])) continue;
    const bin = Math.floor(Math.log10(x[i]) * perDecade + 1e-9);
    if (bin !== lastBin) {
      bins.push({ logX: 0, y: 0, n: 0 });
      lastBin = bin;
    } else if (binning === 'first') continue;
    const b = bins[bins.length - 1];
    b.logX += Math.log(x[i]);
    b.y += y[i];
    b.n++;
  }
  const lx: number[] = [];
  const ly: number[] = [];
  let dropped = 0;
  for (const b of bins) {
    const v = b.y / b.n;
    if (!(v > 0)) {
      dropped++;
      continue;
    }
    lx.push(b.logX / b.n);
    ly.push(Math.log(v));
  }
  const f = ols(lx, ly);
  return { exponent: -f.slope, exponentSE: f.slopeSE, prefactor: Math.exp(f.intercept), r2: f.r2, x: Float64Array.from(lx, Math.exp), dropped, range: [from, to] };
}

/** One fitted parameter with its bootstrap interval. */
export interface FitParameter {
  name: string;
  value: number;
  /** Percentile bootstrap interval at the fit's level ([NaN, NaN] without resamples). */
  ci: [number, number];
}

export interface BootstrapInfo {
  /** What was resampled: the points (pairs x, y), or whole paths (one per trajectory) before averaging. */
  scheme: 'points' | 'paths';
  resamples: number;
  /** Confidence level of the intervals (e.g. 0.95). */
  level: number;
  /** Resamples whose refit failed (non-finite), left out of the intervals. */
  failed: number;
  /** Each parameter's bootstrap values (the failed ones left out). */
  draws: Record<string, Float64Array>;
}

/** A fitted curve y = f(x): parameters with intervals, goodness of fit, residuals. */
export interface CurveFit {
  /** The model's name (`sqrt`, `linear`, `power`, …). */
  model: string;
  /** The formula, in the units of x and y. */
  formula: string;
  /** How it was fitted. */
  method: 'levenberg-marquardt' | 'ols-log-log' | 'weighted least squares';
  params: Record<string, number>;
  parameters: FitParameter[];
  /** Weighted R² in the units of y (1 − SSR/SST), comparable across models fitted to the same points. */
  r2: number;
  /** √(weighted mean squared residual). */
  rmse: number;
  n: number;
  x: Float64Array;
  y: Float64Array;
  weight: Float64Array;
  fitted: Float64Array;
  residuals: Float64Array;
  bootstrap: BootstrapInfo;
  /** The fitted curve at x. */
  predict(x: number): number;
  /** The model at x with other parameters (in `parameters` order), e.g. a bootstrap draw's. */
  evaluate(params: ArrayLike<number>, x: number): number;
}

/** A model y = f(x; p): parameter names, f, and how to fit it on weighted points. */
export interface CurveModel {
  name: string;
  formula: string;
  paramNames: string[];
  f(p: ArrayLike<number>, x: number): number;
  /** Fit on (x, y, w); returns the parameters (NaN when it cannot), starting from `start` if given. */
  fit(x: Float64Array, y: Float64Array, w: Float64Array, start?: number[]): number[];
  method: CurveFit['method'];
}

/** Weighted R² and RMSE of fitted values. */
export function goodness(y: ArrayLike<number>, fitted: ArrayLike<number>, w: ArrayLike<number>): { r2: number; rmse: number } {
  let sw = 0;
  let sy = 0;
  for (let i = 0; i < y.length; i++) {
    sw += w[i];
    sy += w[i] * y[i];
  }
  const my = sy / sw;
  let ssr = 0;
  let sst = 0;
  for (let i = 0; i < y.length; i++) {
    ssr += w[i] * (y[i] - fitted[i]) ** 2;
    sst += w[i] * (y[i] - my) ** 2;
  }
  return { r2: sst > 0 ? 1 - ssr / sst : NaN, rmse: Math.sqrt(ssr / sw) };
}

export interface NlsOptions {
  min?: number[];
  max?: number[];
  maxIterations?: number;
}

/**
 * Weighted nonlinear least squares by Levenberg–Marquardt (ml-levenberg-marquardt), from `start`.
 * Central differences with steps relative to each starting value, so parameters of any scale work.
 */
export function nls(f: (p: ArrayLike<number>, x: number) => number, x: Float64Array, y: Float64Array, w: Float64Array, start: number[], options: NlsOptions = {}): number[] {
  const n = x.length;
  const sw = new Float64Array(n);
  const ys = new Float64Array(n);
  const idx = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    sw[i] = Math.sqrt(w[i]);
    ys[i] = sw[i] * y[i];
    idx[i] = i;
  }
  const model = (p: number[]) => (i: number) => sw[i] * f(p, x[i]);
  // The solver stops only at maxIterations (its tolerance is on the absolute error), so it runs in
  // short rounds until the parameters stop moving (relative change < 1e-10) or the budget is spent.
  const budget = options.maxIterations ?? 200;
  let p = start.slice();
  for (let used = 0; used < budget; used += ROUND) {
    const steps = p.map((v) => 1e-6 * Math.max(Math.abs(v), 1e-4));
    const next = levenbergMarquardt({ x: idx, y: ys }, model, {
      initialValues: p.slice(),
      damping: 1e-3,
      gradientDifference: steps,
      centralDifference: true,
      maxIterations: ROUND,
      errorTolerance: 0,
      minValues: options.min,
      maxValues: options.max,
    }).parameterValues;
    let change = 0;
    for (let k = 0; k < p.length; k++) change = Math.max(change, Math.abs(next[k] - p[k]) / Math.max(Math.abs(p[k]), 1e-12));
    p = next;
    if (!(change > 1e-10)) break;
  }
  return p;
}

const ROUND = 6;

/** Percentile interval of draws at `level`. */
export function percentileInterval(draws: Float64Array, level: number): [number, number] {
  if (draws.length === 0) return [NaN, NaN];
  const s = Array.from(draws).sort((a, b) => a - b);
  const a = (1 - level) / 2;
  return [quantileSorted(s, a), quantileSorted(s, 1 - a)];
}

/** A table of fitted parameters (one row per model and parameter), for display or a dataframe. */
export class FitTable extends ColumnarFrame {
  readonly length: number;
  constructor(readonly fits: readonly CurveFit[]) {
    super();
    this.length = fits.reduce((s, f) => s + f.parameters.length, 0);
  }

  /** Columns model, parameter, value, lo, hi (the interval), r2, rmse, n. */
  columns(): Columns {
    const model: string[] = [];
    const parameter: string[] = [];
    const value = new Float64Array(this.length);
    const lo = new Float64Array(this.length);
    const hi = new Float64Array(this.length);
    const r2 = new Float64Array(this.length);
    const rmse = new Float64Array(this.length);
    const n = new Int32Array(this.length);
    let k = 0;
    for (const f of this.fits) {
      for (const p of f.parameters) {
        model.push(f.model);
        parameter.push(p.name);
        value[k] = p.value;
        [lo[k], hi[k]] = p.ci;
        r2[k] = f.r2;
        rmse[k] = f.rmse;
        n[k] = f.n;
        k++;
      }
    }
    return { model, parameter, value, lo, hi, r2, rmse, n };
  }
}
