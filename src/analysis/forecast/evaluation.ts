/**
 * Scores of class forecasts against what happened, for the forecasting task (classes 0 down, 1 flat,
 * 2 up), each with a bootstrap interval over start points:
 *
 * - accuracy; macro-F1 (the mean over classes of F1 = 2·precision·recall / (precision + recall), a
 *   class's F1 being 0 when it is never predicted or never happens);
 * - the Brier score of the class probabilities, Σ_c (p_c − 1[class = c])² averaged over starts (0 is
 *   perfect, 2/3 is uniform probabilities, at most 2);
 * - a reliability table: predicted probability cut into equal bins against the observed frequency,
 *   per class (one against the rest) and for the top class (its probability against "it happened");
 * - the Pearson correlation of a predicted mean label with the realized label.
 *
 * Intervals are percentile bootstrap intervals: starts resampled with replacement (seeded, `Rng`),
 * the same resamples for every method, so differences between methods are paired. Starts whose label
 * windows overlap are not independent; `block` > 1 resamples runs of consecutive starts (a moving-block
 * bootstrap) and widens the intervals accordingly.
 */
import { quantileSorted } from 'simple-statistics';
import { ColumnarFrame, type Columns } from '../../data/tables';
import { Rng } from '../../util/rng';
import { CLASS_NAMES, classOf, type ClassThresholds } from './labels';

const C = 3;

function checkSame(name: string, a: ArrayLike<number>, b: ArrayLike<number>): void {
  if (a.length !== b.length) throw new RangeError(`${name}: ${a.length} realized classes but ${b.length} predictions`);
}

function checkClass(name: string, v: number, i: number): void {
  if (!(v === 0 || v === 1 || v === 2)) throw new RangeError(`${name}: class ${v} at row ${i} (expected 0 down, 1 flat, 2 up)`);
}

/** Counts [actual][predicted] (3×3, row-major) over the rows in `index` (default all). */
export function confusionMatrix(actual: ArrayLike<number>, predicted: ArrayLike<number>, index?: ArrayLike<number>): Int32Array {
  checkSame('confusionMatrix', actual, predicted);
  const m = new Int32Array(C * C);
  const n = index ? index.length : actual.length;
  for (let r = 0; r < n; r++) {
    const i = index ? index[r] : r;
    checkClass('confusionMatrix', actual[i], i);
    checkClass('confusionMatrix', predicted[i], i);
    m[actual[i] * C + predicted[i]]++;
  }
  return m;
}

/** Accuracy from a confusion matrix. */
export function accuracyOf(m: Int32Array): number {
  let hit = 0;
  let all = 0;
  for (let a = 0; a < C; a++) {
    hit += m[a * C + a];
    for (let p = 0; p < C; p++) all += m[a * C + p];
  }
  return all > 0 ? hit / all : NaN;
}

/** Macro-F1 from a confusion matrix (see the module comment). */
export function macroF1Of(m: Int32Array): number {
  let sum = 0;
  let all = 0;
  for (let i = 0; i < C * C; i++) all += m[i];
  if (all === 0) return NaN;
  for (let c = 0; c < C; c++) {
    const tp = m[c * C + c];
    let predicted = 0;
    let actual = 0;
    for (let k = 0; k < C; k++) {
      predicted += m[k * C + c];
      actual += m[c * C + k];
    }
    sum += predicted + actual > 0 ? (2 * tp) / (predicted + actual) : 0;
  }
  return sum / C;
}

export function accuracy(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  return accuracyOf(confusionMatrix(actual, predicted));
}

export function macroF1(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  return macroF1Of(confusionMatrix(actual, predicted));
}

/** Multiclass Brier score of probabilities `proba` (row-major [row][class]) over the rows in `index` (default all). */
export function brierScore(actual: ArrayLike<number>, proba: ArrayLike<number>, index?: ArrayLike<number>): number {
  if (proba.length !== C * actual.length) throw new RangeError(`brierScore: ${actual.length} rows need ${C * actual.length} probabilities, got ${proba.length}`);
  const n = index ? index.length : actual.length;
  if (n === 0) return NaN;
  let s = 0;
  for (let r = 0; r < n; r++) {
    const i = index ? index[r] : r;
    checkClass('brierScore', actual[i], i);
    for (let c = 0; c < C; c++) s += (proba[i * C + c] - (actual[i] === c ? 1 : 0)) ** 2;
  }
  return s / n;
}

/** Pearson correlation over the rows in `index` (default all); NaN when either side is constant. */
export function correlation(x: ArrayLike<number>, y: ArrayLike<number>, index?: ArrayLike<number>): number {
  if (x.length !== y.length) throw new RangeError(`correlation: ${x.length} values against ${y.length}`);
  const n = index ? index.length : x.length;
  let sx = 0;
  let sy = 0;
  for (let r = 0; r < n; r++) {
    const i = index ? index[r] : r;
    sx += x[i];
    sy += y[i];
  }
  const mx = sx / n;
  const my = sy / n;
  let cxy = 0;
  let cxx = 0;
  let cyy = 0;
  for (let r = 0; r < n; r++) {
    const i = index ? index[r] : r;
    const dx = x[i] - mx;
    const dy = y[i] - my;
    cxy += dx * dy;
    cxx += dx * dx;
    cyy += dy * dy;
  }
  return cxx > 0 && cyy > 0 ? cxy / Math.sqrt(cxx * cyy) : NaN;
}

export interface ReliabilityRows {
  /** 'down', 'flat', 'up' (that class against the rest) or 'top' (the most probable class). */
  class: string[];
  bin: Int32Array;
  lo: Float64Array;
  hi: Float64Array;
  /** Forecasts in the bin. */
  count: Int32Array;
  /** Mean predicted probability in the bin (NaN when empty). */
  predicted: Float64Array;
  /** Share of those forecasts whose event happened (NaN when empty). */
  observed: Float64Array;
}

/**
 * Reliability of class probabilities: per class and for the top class, `bins` equal bins of the
 * predicted probability on [0, 1] (the last includes 1), with the mean prediction and the observed
 * frequency in each. A calibrated forecast lies on the diagonal.
 */
export function reliabilityTable(actual: ArrayLike<number>, proba: ArrayLike<number>, options: { bins?: number } = {}): ReliabilityRows {
  const bins = options.bins ?? 10;
  if (!(Number.isInteger(bins) && bins > 0)) throw new RangeError(`reliabilityTable: bins must be a positive whole number, got ${bins}`);
  if (proba.length !== C * actual.length) throw new RangeError(`reliabilityTable: ${actual.length} rows need ${C * actual.length} probabilities, got ${proba.length}`);
  const groups = [...CLASS_NAMES, 'top'];
  const G = groups.length;
  const count = new Int32Array(G * bins);
  const sumP = new Float64Array(G * bins);
  const hits = new Float64Array(G * bins);
  const binOf = (p: number) => Math.min(bins - 1, Math.max(0, Math.floor(p * bins)));
  for (let i = 0; i < actual.length; i++) {
    checkClass('reliabilityTable', actual[i], i);
    let top = 0;
    for (let c = 0; c < C; c++) {
      const p = proba[i * C + c];
      const b = c * bins + binOf(p);
      count[b]++;
      sumP[b] += p;
      if (actual[i] === c) hits[b]++;
      if (p > proba[i * C + top]) top = c;
    }
    const pt = proba[i * C + top];
    const b = 3 * bins + binOf(pt);
    count[b]++;
    sumP[b] += pt;
    if (actual[i] === top) hits[b]++;
  }
  const out: ReliabilityRows = {
    class: [],
    bin: new Int32Array(G * bins),
    lo: new Float64Array(G * bins),
    hi: new Float64Array(G * bins),
    count,
    predicted: new Float64Array(G * bins),
    observed: new Float64Array(G * bins),
  };
  for (let g = 0; g < G; g++) {
    for (let b = 0; b < bins; b++) {
      const k = g * bins + b;
      out.class.push(groups[g]);
      out.bin[k] = b;
      out.lo[k] = b / bins;
      out.hi[k] = (b + 1) / bins;
      out.predicted[k] = count[k] > 0 ? sumP[k] / count[k] : NaN;
      out.observed[k] = count[k] > 0 ? hits[k] / count[k] : NaN;
    }
  }
  return out;
}

export interface BootstrapSettings {
  /** Resamples (default 1,000). */
  resamples?: number;
  /** Seed of the resampling (default 1). */
  seed?: number;
  /** Interval level (default 0.95). */
  level?: number;
  /** Consecutive starts drawn together (a moving-block bootstrap; default 1: starts drawn one by one). */
  block?: number;
}

/** An estimate with its bootstrap interval. */
export interface Estimate {
  value: number;
  lo: number;
  hi: number;
}

function settings(o: BootstrapSettings): Required<BootstrapSettings> {
  const resamples = o.resamples ?? 1000;
  const level = o.level ?? 0.95;
  const block = o.block ?? 1;
  const seed = o.seed ?? 1;
  if (!(Number.isInteger(resamples) && resamples >= 0)) throw new RangeError(`bootstrap: resamples must be a whole number ≥ 0, got ${resamples}`);
  if (!(level > 0 && level < 1)) throw new RangeError(`bootstrap: level must be in (0, 1), got ${level}`);
  if (!(Number.isInteger(block) && block >= 1)) throw new RangeError(`bootstrap: block must be a whole number ≥ 1, got ${block}`);
  if (!Number.isFinite(seed)) throw new RangeError(`bootstrap: seed must be a number, got ${seed}`);
  return { resamples, level, block, seed };
}

/**
 * The bootstrap resamples of n rows: `resamples` index arrays of length n, drawn with replacement in
 * blocks of `block` consecutive rows (seeded: the same settings give the same indices).
 */
export function bootstrapIndices(n: number, options: BootstrapSettings = {}): Int32Array[] {
  const { resamples, block, seed } = settings(options);
  if (!(Number.isInteger(n) && n > 0)) throw new RangeError(`bootstrap: need at least one row, got ${n}`);
  const b = Math.min(block, n);
  const rng = new Rng(seed);
  const out: Int32Array[] = [];
  for (let r = 0; r < resamples; r++) {
    const idx = new Int32Array(n);
    for (let k = 0; k < n; ) {
      const s = rng.int(n - b + 1);
      for (let j = 0; j < b && k < n; j++) idx[k++] = s + j;
    }
    out.push(idx);
  }
  return out;
}

/** Percentile interval of a statistic of the rows: its value on all rows and the quantiles of its resampled values. */
export function bootstrapEstimate(n: number, statistic: (index: Int32Array | undefined) => number, options: BootstrapSettings = {}, indices = bootstrapIndices(n, options)): Estimate {
  const { level } = settings(options);
  const value = statistic(undefined);
  const draws: number[] = [];
  for (const idx of indices) {
    const v = statistic(idx);
    if (Number.isFinite(v)) draws.push(v);
  }
  if (draws.length === 0) return { value, lo: NaN, hi: NaN };
  draws.sort((a, b) => a - b);
  return { value, lo: quantileSorted(draws, (1 - level) / 2), hi: quantileSorted(draws, 1 - (1 - level) / 2) };
}

/** One method's forecasts for every start: any of its classes, class probabilities, predicted mean label. */
export interface MethodForecast {
  /** Predicted classes (default: the most probable class, else the class of `mean`). */
  predicted?: ArrayLike<number>;
  /** Class probabilities, row-major [start][down, flat, up]. */
  proba?: ArrayLike<number>;
  /** Predicted mean label (for the correlation with the realized label). */
  mean?: ArrayLike<number>;
}

export interface CompareOptions extends BootstrapSettings {
  /** Reliability bins (default 10). */
  bins?: number;
  /** The method differences are measured against (default the first). */
  reference?: string;
}

/** One method's scores (NaN where its forecasts lack what a score needs). */
export interface MethodScores {
  method: string;
  accuracy: Estimate;
  macroF1: Estimate;
  brier: Estimate;
  correlation: Estimate;
  /** Accuracy and macro-F1 minus the reference method's, paired resamples (0 for the reference itself). */
  accuracyDiff: Estimate;
  macroF1Diff: Estimate;
  confusion: Int32Array;
}

/** Every method's scores, the reliability rows, and the settings; `columns()` is one row per method. */
export class ForecastComparison extends ColumnarFrame {
  readonly length: number;
  constructor(
    readonly scores: MethodScores[],
    /** Reliability rows per method (methods with probabilities). */
    readonly reliability: Record<string, ReliabilityRows>,
    /** Starts scored (those with a realized label). */
    readonly n: number,
    /** Realized class shares on the scored starts (down, flat, up). */
    readonly realizedShares: Float64Array,
    readonly reference: string,
    readonly level: number,
    readonly resamples: number,
  ) {
    super();
    this.length = scores.length;
  }

  /**
   * One row per method: `method`, `n`, then for accuracy, macroF1, brier, correlation, accuracyDiff and
   * macroF1Diff the value and its interval (`accuracy`, `accuracyLo`, `accuracyHi`, …).
   */
  columns(): Columns {
    const out: Columns = { method: this.scores.map((s) => s.method), n: new Int32Array(this.scores.length).fill(this.n) };
    for (const key of ['accuracy', 'macroF1', 'brier', 'correlation', 'accuracyDiff', 'macroF1Diff'] as const) {
      out[key] = Float64Array.from(this.scores, (s) => s[key].value);
      out[`${key}Lo`] = Float64Array.from(this.scores, (s) => s[key].lo);
      out[`${key}Hi`] = Float64Array.from(this.scores, (s) => s[key].hi);
    }
    return out;
  }

  /** The reliability rows of all methods as one table (a `method` column first). */
  reliabilityColumns(): Columns {
    const method: string[] = [];
    const parts = Object.entries(this.reliability);
    const cat = (pick: (r: ReliabilityRows) => ArrayLike<number>, Ctor: Float64ArrayConstructor | Int32ArrayConstructor) => {
      const total = parts.reduce((s, [, r]) => s + r.bin.length, 0);
      const a = new Ctor(total);
      let k = 0;
      for (const [, r] of parts) {
        a.set(pick(r), k);
        k += r.bin.length;
      }
      return a;
    };
    const cls: string[] = [];
    for (const [name, r] of parts) {
      for (let i = 0; i < r.bin.length; i++) method.push(name);
      cls.push(...r.class);
    }
    return {
      method,
      class: cls,
      bin: cat((r) => r.bin, Int32Array),
      lo: cat((r) => r.lo, Float64Array),
      hi: cat((r) => r.hi, Float64Array),
      count: cat((r) => r.count, Int32Array),
      predicted: cat((r) => r.predicted, Float64Array),
      observed: cat((r) => r.observed, Float64Array),
    };
  }
}

function argmax3(p: ArrayLike<number>, i: number): number {
  let best = 0;
  for (let c = 1; c < C; c++) if (p[i * C + c] > p[i * C + best]) best = c;
  return best;
}

const NAN_ESTIMATE: Estimate = { value: NaN, lo: NaN, hi: NaN };

/**
 * Compare methods on the same starts: `realized` labels (NaN where unknown: those starts are left out),
 * the class thresholds, and each method's forecasts (see `MethodForecast`). Returns one comparison
 * table with bootstrap intervals (see the module comment) and reliability rows.
 */
export function compareForecasts(realized: ArrayLike<number>, thresholds: ClassThresholds, methods: Record<string, MethodForecast>, options: CompareOptions = {}): ForecastComparison {
  const names = Object.keys(methods);
  if (names.length === 0) throw new RangeError('compareForecasts: no methods');
  const reference = options.reference ?? names[0];
  if (!names.includes(reference)) throw new RangeError(`compareForecasts: reference '${reference}' is not one of ${names.join(', ')}`);
  const N = realized.length;
  const keep: number[] = [];
  for (let i = 0; i < N; i++) if (Number.isFinite(realized[i])) keep.push(i);
  const n = keep.length;
  if (n === 0) throw new RangeError('compareForecasts: no start has a realized label');
  const label = Float64Array.from(keep, (i) => realized[i]);
  const actual = Int8Array.from(label, (l) => classOf(l, thresholds));
  const shares = new Float64Array(C);
  for (const a of actual) shares[a] += 1 / n;
  const cfg = settings(options);
  const indices = bootstrapIndices(n, cfg);

  interface Prepared {
    predicted: Int8Array;
    proba: Float64Array | null;
    mean: Float64Array | null;
  }
  const prepared: Record<string, Prepared> = {};
  for (const name of names) {
    const m = methods[name];
    for (const [key, arr, per] of [['predicted', m.predicted, 1], ['proba', m.proba, C], ['mean', m.mean, 1]] as const) {
      if (arr && arr.length !== per * N) throw new RangeError(`compareForecasts: method '${name}' has ${arr.length} values of ${key}, expected ${per * N} (${N} starts${per > 1 ? ' × 3 classes' : ''})`);
    }
    const proba = m.proba ? new Float64Array(C * n) : null;
    if (proba) for (let r = 0; r < n; r++) for (let c = 0; c < C; c++) proba[r * C + c] = m.proba![keep[r] * C + c];
    const mean = m.mean ? Float64Array.from(keep, (i) => m.mean![i]) : null;
    let predicted: Int8Array;
    if (m.predicted) predicted = Int8Array.from(keep, (i) => m.predicted![i]);
    else if (proba) predicted = Int8Array.from({ length: n }, (_, r) => argmax3(proba, r));
    else if (mean) predicted = Int8Array.from(mean, (v) => classOf(v, thresholds));
    else throw new RangeError(`compareForecasts: method '${name}' has no predicted, proba or mean`);
    predicted.forEach((v, r) => checkClass(`compareForecasts: method '${name}'`, v, keep[r]));
    prepared[name] = { predicted, proba, mean };
  }

  const acc = (p: Prepared) => (idx?: Int32Array) => accuracyOf(confusionMatrix(actual, p.predicted, idx));
  const f1 = (p: Prepared) => (idx?: Int32Array) => macroF1Of(confusionMatrix(actual, p.predicted, idx));
  const ref = prepared[reference];
  const scores: MethodScores[] = names.map((name) => {
    const p = prepared[name];
    const est = (f: (idx?: Int32Array) => number) => bootstrapEstimate(n, f, cfg, indices);
    return {
      method: name,
      accuracy: est(acc(p)),
      macroF1: est(f1(p)),
      brier: p.proba ? est((idx) => brierScore(actual, p.proba!, idx)) : NAN_ESTIMATE,
      correlation: p.mean ? est((idx) => correlation(p.mean!, label, idx)) : NAN_ESTIMATE,
      accuracyDiff: est((idx) => acc(p)(idx) - acc(ref)(idx)),
      macroF1Diff: est((idx) => f1(p)(idx) - f1(ref)(idx)),
      confusion: confusionMatrix(actual, p.predicted),
    };
  });
  const reliability: Record<string, ReliabilityRows> = {};
  for (const name of names) if (prepared[name].proba) reliability[name] = reliabilityTable(actual, prepared[name].proba!, { bins: options.bins });
  return new ForecastComparison(scores, reliability, n, shares, reference, cfg.level, cfg.resamples);
}
