/**
 * The empirical impact laws fitted to measured impacts (MARS.md §6): how the price impact I of a
 * metaorder of Q shares grows with its participation Q/V (V: the volume traded in the same window),
 * and how it decays after the execution ends. Pure functions of points: the same code fits simulated
 * impacts (paired runs) and impacts measured on real data.
 *
 * Impact laws, all fitted to I/σ (impact in units of volatility: pass `sigma` per point, or a common
 * `sigma` option, or impacts already in σ units); Y, a, η are therefore dimensionless:
 * - `sqrt`: I/σ = Y·(Q/V)^δ, nonlinear least squares (Levenberg–Marquardt); the square-root law has δ ≈ ½, Y of order 1;
 * - `sqrtLogLog`: the same law by OLS of log(I/σ) on log(Q/V) (needs every impact > 0: average per size first);
 * - `linear`: I/σ = a·(Q/V); `log`: I/σ = a·log(1 + b·Q/V);
 * - `almgren`: Almgren et al. (2005)'s temporary impact I/σ = η·(Q/V)^(3/5), exponent fixed (they report η ≈ 0.142).
 *
 * Decay laws of the impact path I(t) after the execution ends (t: seconds since the end):
 * - `power`: I(t) = I_end·(1 + t/τ)^(−β); `plainPower`: I(t) = A·t^(−β) (t > 0);
 * - `gatheral`: I(t) = c·(√(t + T) − √t), the path a constant-rate execution of duration T leaves under
 *   Gatheral's 1/√t decay kernel (for t ≫ T it is c·T/(2√t), the 1/√t decay).
 *
 * Every fit returns its parameters with percentile bootstrap intervals (seeded: the same seed gives the
 * same intervals), R², residuals, and a table (`FitTable`). The bootstrap resamples points (pairs of
 * participation and impact, or of time and impact on one path); when a decay fit is given many paths
 * (one per trajectory) it resamples whole paths instead, which keeps each path's autocorrelation.
 */
import { Rng } from '../util/rng';
import { FitTable, goodness, nls, percentileInterval, type CurveFit, type CurveModel, type FitParameter } from './fitting';

/** One measured impact. */
export interface ImpactPoint {
  /** Participation Q/V (> 0). */
  q: number;
  /** The impact (bp, price units, or σ units: the same units as `sigma`). */
  impact: number;
  /** Volatility in the impact's units, to fit I/σ (default: the `sigma` option, else 1). */
  sigma?: number;
  /** Relative weight in the least squares (default 1; e.g. the number of trajectories averaged). */
  weight?: number;
  /** An interval for the impact (drawn by the chart; not used by the fits). */
  lo?: number;
  hi?: number;
}

/** Points as columns (the same fields). */
export interface ImpactColumns {
  q: ArrayLike<number>;
  impact: ArrayLike<number>;
  sigma?: ArrayLike<number>;
  weight?: ArrayLike<number>;
  lo?: ArrayLike<number>;
  hi?: ArrayLike<number>;
}

export type ImpactLaw = 'sqrt' | 'sqrtLogLog' | 'linear' | 'log' | 'almgren';
export const IMPACT_LAWS: readonly ImpactLaw[] = ['sqrt', 'sqrtLogLog', 'linear', 'log', 'almgren'];

export type DecayLaw = 'power' | 'plainPower' | 'gatheral';
export const DECAY_LAWS: readonly DecayLaw[] = ['power', 'plainPower', 'gatheral'];

export interface FitOptions {
  /** Bootstrap resamples (default 200; 0: no intervals). */
  resamples?: number;
  /** Interval level (default 0.95). */
  level?: number;
  /** Seed of the bootstrap's `Rng` (default 0). */
  seed?: number;
}

export interface ImpactFitOptions extends FitOptions {
  /** σ for points that carry none (default 1: impacts already in σ units). */
  sigma?: number;
}

/** Points as arrays: x = q, y = impact/σ, w = weight, and the interval scaled the same way. */
export interface NormalizedImpacts {
  q: Float64Array;
  y: Float64Array;
  w: Float64Array;
  lo: Float64Array;
  hi: Float64Array;
}

/** Validate impact points and divide impacts by σ (one-line errors naming the point and field). */
export function normalizeImpacts(points: ImpactPoint[] | ImpactColumns, sigma = 1): NormalizedImpacts {
  if (!(sigma > 0 && Number.isFinite(sigma))) throw new RangeError(`impact fit: option sigma must be a positive number (got ${sigma})`);
  const cols: ImpactColumns = Array.isArray(points)
    ? {
        q: points.map((p) => p.q),
        impact: points.map((p) => p.impact),
        sigma: points.map((p) => p.sigma ?? sigma),
        weight: points.map((p) => p.weight ?? 1),
        lo: points.map((p) => p.lo ?? NaN),
        hi: points.map((p) => p.hi ?? NaN),
      }
    : points;
  const n = cols.q.length;
  if (cols.impact.length !== n) throw new RangeError(`impact fit: q has ${n} values, impact has ${cols.impact.length}`);
  const out: NormalizedImpacts = { q: new Float64Array(n), y: new Float64Array(n), w: new Float64Array(n), lo: new Float64Array(n), hi: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    const q = cols.q[i];
    const s = cols.sigma ? cols.sigma[i] : sigma;
    const w = cols.weight ? cols.weight[i] : 1;
    const I = cols.impact[i];
    if (!(q > 0 && Number.isFinite(q))) throw new RangeError(`impact fit: point ${i} has q = ${q} (participation Q/V must be a positive number)`);
    if (!Number.isFinite(I)) throw new RangeError(`impact fit: point ${i} has impact = ${I} (must be a finite number)`);
    if (!(s > 0 && Number.isFinite(s))) throw new RangeError(`impact fit: point ${i} has sigma = ${s} (must be a positive number)`);
    if (!(w >= 0 && Number.isFinite(w))) throw new RangeError(`impact fit: point ${i} has weight = ${w} (must be a number ≥ 0)`);
    out.q[i] = q;
    out.y[i] = I / s;
    out.w[i] = w;
    out.lo[i] = cols.lo ? cols.lo[i] / s : NaN;
    out.hi[i] = cols.hi ? cols.hi[i] / s : NaN;
  }
  return out;
}

// --- models -----------------------------------------------------------------------------------

/** Best c for y ≈ c·g(x) in weighted least squares, and its SSR. */
function scaleFit(g: Float64Array, y: Float64Array, w: Float64Array): { c: number; ssr: number } {
  let gy = 0;
  let gg = 0;
  for (let i = 0; i < y.length; i++) {
    gy += w[i] * g[i] * y[i];
    gg += w[i] * g[i] * g[i];
  }
  const c = gg > 0 ? gy / gg : NaN;
  let ssr = 0;
  for (let i = 0; i < y.length; i++) ssr += w[i] * (y[i] - c * g[i]) ** 2;
  return { c, ssr };
}

/**
 * Starting values for y = c·g(x; θ): c in closed form for each θ of a grid, the θ with the least SSR
 * (variable projection), so Levenberg–Marquardt starts in the right basin.
 */
function profileStart(basis: (theta: number[], x: number) => number, grid: number[][], x: Float64Array, y: Float64Array, w: Float64Array): number[] {
  const g = new Float64Array(x.length);
  let best: number[] = [NaN, ...grid[0]];
  let bestSsr = Infinity;
  for (const theta of grid) {
    for (let i = 0; i < x.length; i++) g[i] = basis(theta, x[i]);
    const { c, ssr } = scaleFit(g, y, w);
    if (ssr < bestSsr && Number.isFinite(c)) {
      bestSsr = ssr;
      best = [c, ...theta];
    }
  }
  return best;
}

function range(x: Float64Array, positive = false): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of x) {
    if (positive && !(v > 0)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

function logGrid(lo: number, hi: number, count: number): number[] {
  return Array.from({ length: count }, (_, k) => lo * (hi / lo) ** (k / (count - 1)));
}

function linGrid(lo: number, hi: number, count: number): number[] {
  return Array.from({ length: count }, (_, k) => lo + ((hi - lo) * k) / (count - 1));
}

/** y = c·g(x): closed-form weighted least squares through the origin. */
function scaleModel(name: string, formula: string, param: string, g: (x: number) => number): CurveModel {
  return {
    name,
    formula,
    paramNames: [param],
    method: 'weighted least squares',
    f: (p, x) => p[0] * g(x),
    fit: (x, y, w) => [scaleFit(x.map(g), y, w).c],
  };
}

const sqrtModel: CurveModel = {
  name: 'sqrt',
  formula: 'I/σ = Y·(Q/V)^δ',
  paramNames: ['Y', 'delta'],
  method: 'levenberg-marquardt',
  f: (p, q) => p[0] * q ** p[1],
  fit(q, y, w, start) {
    const s = start ?? profileStart((t, x) => x ** t[0], linGrid(0.02, 2, 100).map((d) => [d]), q, y, w);
    return nls(this.f, q, y, w, s, { min: [-Infinity, -5], max: [Infinity, 5] });
  },
};

const sqrtLogLogModel: CurveModel = {
  name: 'sqrtLogLog',
  formula: 'log(I/σ) = log Y + δ·log(Q/V)',
  paramNames: ['Y', 'delta'],
  method: 'ols-log-log',
  f: (p, q) => p[0] * q ** p[1],
  fit(q, y, w) {
    let sw = 0;
    let sx = 0;
    let sy = 0;
    for (let i = 0; i < q.length; i++) {
      if (!(y[i] > 0)) return [NaN, NaN]; // a resample can only contain points checked before
      sw += w[i];
      sx += w[i] * Math.log(q[i]);
      sy += w[i] * Math.log(y[i]);
    }
    const mx = sx / sw;
    const my = sy / sw;
    let sxx = 0;
    let sxy = 0;
    for (let i = 0; i < q.length; i++) {
      const dx = Math.log(q[i]) - mx;
      sxx += w[i] * dx * dx;
      sxy += w[i] * dx * (Math.log(y[i]) - my);
    }
    const delta = sxy / sxx;
    return [Math.exp(my - delta * mx), delta];
  },
};

const logModel: CurveModel = {
  name: 'log',
  formula: 'I/σ = a·log(1 + b·Q/V)',
  paramNames: ['a', 'b'],
  method: 'levenberg-marquardt',
  f: (p, q) => p[0] * Math.log1p(p[1] * q),
  fit(q, y, w, start) {
    const [lo, hi] = range(q);
    const s = start ?? profileStart((t, x) => Math.log1p(t[0] * x), logGrid(1e-2 / hi, 1e4 / lo, 80).map((b) => [b]), q, y, w);
    return nls(this.f, q, y, w, s, { min: [-Infinity, 1e-12 / hi], max: [Infinity, 1e12 / lo] });
  },
};

const IMPACT_MODELS: Record<ImpactLaw, CurveModel> = {
  sqrt: sqrtModel,
  sqrtLogLog: sqrtLogLogModel,
  linear: scaleModel('linear', 'I/σ = a·(Q/V)', 'a', (q) => q),
  log: logModel,
  almgren: scaleModel('almgren', 'I/σ = η·(Q/V)^(3/5)', 'eta', (q) => q ** 0.6),
};

function powerDecayModel(): CurveModel {
  return {
    name: 'power',
    formula: 'I(t) = I_end·(1 + t/τ)^(−β)',
    paramNames: ['Iend', 'tau', 'beta'],
    method: 'levenberg-marquardt',
    f: (p, t) => p[0] * (1 + t / p[1]) ** -p[2],
    fit(t, y, w, start) {
      const [lo, hi] = range(t, true);
      const grid: number[][] = [];
      for (const tau of logGrid(lo / 10, hi * 10, 30)) for (const beta of linGrid(0.02, 3, 50)) grid.push([tau, beta]);
      const s = start ?? profileStart((th, x) => (1 + x / th[0]) ** -th[1], grid, t, y, w);
      return nls(this.f, t, y, w, s, { min: [-Infinity, lo * 1e-6, -5], max: [Infinity, hi * 1e6, 10] });
    },
  };
}

function plainPowerModel(): CurveModel {
  return {
    name: 'plainPower',
    formula: 'I(t) = A·t^(−β)',
    paramNames: ['A', 'beta'],
    method: 'levenberg-marquardt',
    f: (p, t) => p[0] * t ** -p[1],
    fit(t, y, w, start) {
      const s = start ?? profileStart((th, x) => x ** -th[0], linGrid(-1, 3, 200).map((b) => [b]), t, y, w);
      return nls(this.f, t, y, w, s, { min: [-Infinity, -5], max: [Infinity, 10] });
    },
  };
}

function gatheralModel(duration: number): CurveModel {
  return scaleModel('gatheral', `I(t) = c·(√(t + T) − √t), T = ${duration} s`, 'c', (t) => Math.sqrt(t + duration) - Math.sqrt(t));
}

// --- fitting and the bootstrap -----------------------------------------------------------------

function minimumPoints(model: CurveModel, x: Float64Array, what: string): void {
  const p = model.paramNames.length;
  const distinct = new Set(x).size;
  if (x.length < p + 1 || distinct < p) {
    throw new RangeError(`${what} ${model.name}: needs at least ${p + 1} points with ${p} distinct ${what.startsWith('decay') ? 't' : 'q'} values for ${p} parameter${p > 1 ? 's' : ''} (got ${x.length} points, ${distinct} distinct)`);
  }
}

function checkFitOptions(options: FitOptions, what: string): { resamples: number; level: number; seed: number } {
  const resamples = options.resamples ?? 200;
  const level = options.level ?? 0.95;
  const seed = options.seed ?? 0;
  if (!(Number.isInteger(resamples) && resamples >= 0)) throw new RangeError(`${what}: option resamples must be a whole number ≥ 0 (got ${resamples})`);
  if (!(level > 0 && level < 1)) throw new RangeError(`${what}: option level must be in (0, 1) (got ${level})`);
  if (!Number.isFinite(seed)) throw new RangeError(`${what}: option seed must be a finite number (got ${seed})`);
  return { resamples, level, seed };
}

/** The fit of `model` on (x, y, w) with `draws` (one array per parameter) from a bootstrap. */
function assemble(model: CurveModel, x: Float64Array, y: Float64Array, w: Float64Array, est: number[], draws: number[][], scheme: 'points' | 'paths', resamples: number, level: number): CurveFit {
  const fitted = x.map((v) => model.f(est, v));
  const residuals = y.map((v, i) => v - fitted[i]);
  const { r2, rmse } = goodness(y, fitted, w);
  const drawArrays: Record<string, Float64Array> = {};
  const parameters: FitParameter[] = model.paramNames.map((name, k) => {
    const d = Float64Array.from(draws.map((row) => row[k]));
    drawArrays[name] = d;
    return { name, value: est[k], ci: percentileInterval(d, level) };
  });
  const params: Record<string, number> = {};
  model.paramNames.forEach((name, k) => (params[name] = est[k]));
  return {
    model: model.name,
    formula: model.formula,
    method: model.method,
    params,
    parameters,
    r2,
    rmse,
    n: x.length,
    x,
    y,
    weight: w,
    fitted,
    residuals,
    bootstrap: { scheme, resamples, level, failed: resamples - draws.length, draws: drawArrays },
    predict: (v: number) => model.f(est, v),
    evaluate: (p: ArrayLike<number>, v: number) => model.f(p, v),
  };
}

/** Fit, then refit on `resamples` resampled point sets (indices drawn with replacement). */
function fitWithPointBootstrap(model: CurveModel, x: Float64Array, y: Float64Array, w: Float64Array, opts: { resamples: number; level: number; seed: number }, what: string): CurveFit {
  const est = model.fit(x, y, w);
  if (!est.every(Number.isFinite)) throw new RangeError(`${what} ${model.name}: the fit did not converge on these points (${est.join(', ')})`);
  const n = x.length;
  const rng = new Rng(opts.seed);
  const bx = new Float64Array(n);
  const by = new Float64Array(n);
  const bw = new Float64Array(n);
  const draws: number[][] = [];
  for (let r = 0; r < opts.resamples; r++) {
    for (let i = 0; i < n; i++) {
      const k = rng.int(n);
      bx[i] = x[k];
      by[i] = y[k];
      bw[i] = w[k];
    }
    // A resample with fewer distinct x than parameters cannot identify them: it counts as failed.
    if (new Set(bx).size < model.paramNames.length) continue;
    const p = model.fit(bx, by, bw, est);
    if (p.every(Number.isFinite)) draws.push(p);
  }
  return assemble(model, x, y, w, est, draws, 'points', opts.resamples, opts.level);
}

/** Fit one impact law to points (see the module's note for the laws and units). */
export function fitImpactLaw(points: ImpactPoint[] | ImpactColumns, law: ImpactLaw, options: ImpactFitOptions = {}): CurveFit {
  const model = IMPACT_MODELS[law];
  if (!model) throw new RangeError(`fitImpactLaw: unknown law ${JSON.stringify(law)} (use ${IMPACT_LAWS.join(', ')})`);
  const opts = checkFitOptions(options, 'fitImpactLaw');
  const d = normalizeImpacts(points, options.sigma);
  minimumPoints(model, d.q, 'impact fit');
  if (law === 'sqrtLogLog') {
    for (let i = 0; i < d.y.length; i++) {
      if (!(d.y[i] > 0)) throw new RangeError(`impact fit sqrtLogLog: point ${i} has impact ${d.y[i]} ≤ 0 (log-log needs positive impacts: average the points per size first, or use the sqrt law's nonlinear fit)`);
    }
  }
  return fitWithPointBootstrap(model, d.q, d.y, d.w, opts, 'impact fit');
}

export interface ImpactLawFits {
  /** The fits by law (a law that could not be fitted is absent and listed in `skipped`). */
  fits: Partial<Record<ImpactLaw, CurveFit>>;
  skipped: Partial<Record<ImpactLaw, string>>;
  /** Parameters with intervals, R², RMSE: one row per law and parameter. */
  table: FitTable;
  /** The points as fitted (impact/σ). */
  points: NormalizedImpacts;
}

/**
 * All impact laws on the same points (default every law in `IMPACT_LAWS`). The log-log fit is skipped,
 * with the reason, when some impact is ≤ 0; other failures throw.
 */
export function fitImpactLaws(points: ImpactPoint[] | ImpactColumns, options: ImpactFitOptions & { laws?: ImpactLaw[] } = {}): ImpactLawFits {
  const laws = options.laws ?? [...IMPACT_LAWS];
  const fits: Partial<Record<ImpactLaw, CurveFit>> = {};
  const skipped: Partial<Record<ImpactLaw, string>> = {};
  const d = normalizeImpacts(points, options.sigma);
  for (const law of laws) {
    if (law === 'sqrtLogLog' && !d.y.every((v) => v > 0)) {
      skipped[law] = 'some impacts are ≤ 0 (log-log needs positive impacts)';
      continue;
    }
    fits[law] = fitImpactLaw(points, law, options);
  }
  return { fits, skipped, table: new FitTable(Object.values(fits) as CurveFit[]), points: d };
}

// --- decay ---------------------------------------------------------------------------------------

/** An impact path after the execution: one path, or many (one per trajectory) on the same times. */
export interface DecayPath {
  /** Seconds since the end of the execution (≥ 0). */
  t: ArrayLike<number>;
  /** The impact at each t (one path). */
  impact?: ArrayLike<number>;
  /** Or several paths (each as long as t; NaN where a path has no value): fitted on their mean. */
  paths?: ArrayLike<number>[];
  /** Relative weights of the times (default 1, or the number of paths with a value). */
  weight?: ArrayLike<number>;
}

export interface DecayFitOptions extends FitOptions {
  /** Execution duration T in seconds (needed by `gatheral`). */
  duration?: number;
}

function meanPath(t: ArrayLike<number>, paths: ArrayLike<number>[], pick: ArrayLike<number> | null): { y: Float64Array; count: Float64Array } {
  const n = t.length;
  const y = new Float64Array(n);
  const count = new Float64Array(n);
  const m = pick ? pick.length : paths.length;
  for (let k = 0; k < m; k++) {
    const p = paths[pick ? pick[k] : k];
    for (let i = 0; i < n; i++) {
      const v = p[i];
      if (Number.isFinite(v)) {
        y[i] += v;
        count[i]++;
      }
    }
  }
  for (let i = 0; i < n; i++) y[i] = count[i] > 0 ? y[i] / count[i] : NaN;
  return { y, count };
}

function decayModel(law: DecayLaw, duration: number | undefined): CurveModel {
  if (law === 'power') return powerDecayModel();
  if (law === 'plainPower') return plainPowerModel();
  if (law === 'gatheral') {
    if (!(duration !== undefined && duration > 0 && Number.isFinite(duration))) throw new RangeError(`fitImpactDecay gatheral: option duration (the execution's length in seconds) must be a positive number (got ${duration})`);
    return gatheralModel(duration);
  }
  throw new RangeError(`fitImpactDecay: unknown law ${JSON.stringify(law)} (use ${DECAY_LAWS.join(', ')})`);
}

/** Fit one decay law to an impact path (or the mean of many, resampling whole paths for the intervals). */
export function fitImpactDecay(path: DecayPath, law: DecayLaw, options: DecayFitOptions = {}): CurveFit {
  const model = decayModel(law, options.duration);
  const opts = checkFitOptions(options, 'fitImpactDecay');
  const n = path.t.length;
  const hasPaths = path.paths !== undefined;
  if (hasPaths === (path.impact !== undefined)) throw new RangeError('fitImpactDecay: give either impact (one path) or paths (several), not both or neither');
  if (hasPaths && path.paths!.length === 0) throw new RangeError('fitImpactDecay: paths is empty');
  for (let i = 0; i < n; i++) {
    const t = path.t[i];
    if (!(t >= 0 && Number.isFinite(t))) throw new RangeError(`fitImpactDecay: t[${i}] = ${t} (seconds since the end of the execution must be ≥ 0)`);
    if (law === 'plainPower' && !(t > 0)) throw new RangeError(`fitImpactDecay plainPower: t[${i}] = 0 (A·t^−β needs t > 0; leave t = 0 out or use the power law)`);
    if (path.weight && !(path.weight[i] >= 0)) throw new RangeError(`fitImpactDecay: weight[${i}] = ${path.weight[i]} (must be ≥ 0)`);
  }
  if (hasPaths) path.paths!.forEach((p, k) => {
    if (p.length !== n) throw new RangeError(`fitImpactDecay: path ${k} has ${p.length} values, t has ${n}`);
  });
  else if (path.impact!.length !== n) throw new RangeError(`fitImpactDecay: impact has ${path.impact!.length} values, t has ${n}`);
  // Keep the times with a value.
  const full = hasPaths ? meanPath(path.t, path.paths!, null) : { y: Float64Array.from(path.impact!), count: new Float64Array(n).fill(1) };
  const keep: number[] = [];
  for (let i = 0; i < n; i++) if (Number.isFinite(full.y[i]) && (path.weight ? path.weight[i] > 0 : true)) keep.push(i);
  const x = Float64Array.from(keep, (i) => path.t[i]);
  const weightOf = (i: number, count: ArrayLike<number>) => (path.weight ? path.weight[i] : hasPaths ? count[i] : 1);
  const y = Float64Array.from(keep, (i) => full.y[i]);
  const w = Float64Array.from(keep, (i) => weightOf(i, full.count));
  minimumPoints(model, x, 'decay fit');
  if (!hasPaths || path.paths!.length < 2) return fitWithPointBootstrap(model, x, y, w, opts, 'decay fit');
  // Paths: resample trajectories, refit on the resampled mean path.
  const est = model.fit(x, y, w);
  if (!est.every(Number.isFinite)) throw new RangeError(`decay fit ${model.name}: the fit did not converge on this path (${est.join(', ')})`);
  const rng = new Rng(opts.seed);
  const m = path.paths!.length;
  const pick = new Int32Array(m);
  const draws: number[][] = [];
  for (let r = 0; r < opts.resamples; r++) {
    for (let k = 0; k < m; k++) pick[k] = rng.int(m);
    const b = meanPath(path.t, path.paths!, pick);
    const by = Float64Array.from(keep, (i) => b.y[i]);
    const bw = Float64Array.from(keep, (i) => weightOf(i, b.count));
    if (!by.every(Number.isFinite)) continue;
    const p = model.fit(x, by, bw, est);
    if (p.every(Number.isFinite)) draws.push(p);
  }
  return assemble(model, x, y, w, est, draws, 'paths', opts.resamples, opts.level);
}

export interface ImpactDecayFits {
  fits: Partial<Record<DecayLaw, CurveFit>>;
  skipped: Partial<Record<DecayLaw, string>>;
  table: FitTable;
}

/**
 * The decay laws on one path (default: `power`, `plainPower` on t > 0, and `gatheral` when a duration
 * is given); a law whose conditions the path does not meet is listed in `skipped` with the reason.
 */
export function fitImpactDecays(path: DecayPath, options: DecayFitOptions & { laws?: DecayLaw[] } = {}): ImpactDecayFits {
  const laws = options.laws ?? [...DECAY_LAWS];
  const fits: Partial<Record<DecayLaw, CurveFit>> = {};
  const skipped: Partial<Record<DecayLaw, string>> = {};
  for (const law of laws) {
    if (law === 'gatheral' && options.duration === undefined && !options.laws) {
      skipped[law] = 'no duration given (the execution length T)';
      continue;
    }
    if (law === 'plainPower') {
      // A·t^−β on the times after the end (t = 0 left out).
      const keep: number[] = [];
      for (let i = 0; i < path.t.length; i++) if (path.t[i] > 0) keep.push(i);
      const sub: DecayPath = {
        t: keep.map((i) => path.t[i]),
        impact: path.impact ? keep.map((i) => path.impact![i]) : undefined,
        paths: path.paths ? path.paths.map((p) => keep.map((i) => p[i])) : undefined,
        weight: path.weight ? keep.map((i) => path.weight![i]) : undefined,
      };
      fits[law] = fitImpactDecay(sub, law, options);
      continue;
    }
    fits[law] = fitImpactDecay(path, law, options);
  }
  return { fits, skipped, table: new FitTable(Object.values(fits) as CurveFit[]) };
}
