/**
 * Baselines of the forecasting task, fitted on training starts:
 *
 * - `majorityBaseline`: always the most frequent training class; its class probabilities are the
 *   training class shares (the "climatology" forecast a probability score must beat).
 * - `fitLogistic`: multinomial (softmax) logistic regression on standardized features (training mean
 *   and standard deviation), L2-penalized, fitted by Newton's method with step halving.
 * - `fitLinear`: ridge regression of the label itself on the same standardized features: a predicted
 *   mean label (what the simulation's mean label is correlated against) and, through the thresholds,
 *   a class.
 *
 * Why our own fit rather than an npm package: the one in reach (`ml-logistic-regression`) is
 * one-vs-rest with fixed-rate gradient descent, whose class probabilities do not sum to 1 and depend
 * on a learning rate and an iteration count; the reliability and Brier comparisons need a proper
 * softmax model at its optimum. With a few features and three classes the Newton system is a few dozen
 * unknowns (solved by Cholesky), the optimum is unique (the penalty makes the objective strictly
 * convex) and the fit is deterministic: no seed, the same bytes on every run.
 *
 * Objective: mean negative log-likelihood + (λ/2)·Σ w² over the feature weights of every class, plus
 * (1e-8/2)·Σ θ² over all coefficients, which only pins the softmax's free constants (adding one number
 * to every class's intercept, or one vector to every class's weights, changes no probability): the
 * coefficients come out summing to zero over the classes.
 */
import type { FeatureMatrix } from './features';

/** A model that gives class probabilities for rows of features. */
export interface ClassModel {
  readonly classes: number;
  /** Probabilities, row-major [row][class]. */
  predictProba(x: FeatureMatrix): Float64Array;
  /** The most probable class of each row (the first one on ties). */
  predict(x: FeatureMatrix): Int8Array;
}

function argmaxRows(p: Float64Array, classes: number): Int8Array {
  const n = p.length / classes;
  const out = new Int8Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (p[i * classes + c] > p[i * classes + best]) best = c;
    out[i] = best;
  }
  return out;
}

function checkClasses(name: string, y: ArrayLike<number>, classes: number): void {
  if (!(Number.isInteger(classes) && classes >= 2)) throw new RangeError(`${name}: classes must be a whole number ≥ 2, got ${classes}`);
  for (let i = 0; i < y.length; i++) {
    if (!(Number.isInteger(y[i]) && y[i] >= 0 && y[i] < classes)) throw new RangeError(`${name}: class of row ${i} is ${y[i]}, expected 0..${classes - 1} (drop starts without a label first)`);
  }
}

/** The majority-class baseline (see the module comment). */
export class MajorityBaseline implements ClassModel {
  /** Training class shares. */
  readonly shares: Float64Array;
  /** The most frequent training class (the first on ties). */
  readonly majority: number;
  constructor(
    trainClasses: ArrayLike<number>,
    readonly classes = 3,
  ) {
    checkClasses('majorityBaseline', trainClasses, classes);
    if (trainClasses.length === 0) throw new RangeError('majorityBaseline: no training classes');
    this.shares = new Float64Array(classes);
    for (let i = 0; i < trainClasses.length; i++) this.shares[trainClasses[i]]++;
    for (let c = 0; c < classes; c++) this.shares[c] /= trainClasses.length;
    this.majority = argmaxRows(this.shares, classes)[0];
  }
  predictProba(x: FeatureMatrix | { rows: number }): Float64Array {
    const out = new Float64Array(x.rows * this.classes);
    for (let i = 0; i < x.rows; i++) out.set(this.shares, i * this.classes);
    return out;
  }
  predict(x: FeatureMatrix | { rows: number }): Int8Array {
    return new Int8Array(x.rows).fill(this.majority);
  }
}

/** The majority class of training starts, as a model. */
export function majorityBaseline(trainClasses: ArrayLike<number>, classes = 3): MajorityBaseline {
  return new MajorityBaseline(trainClasses, classes);
}

export interface LogisticOptions {
  /** L2 penalty on the standardized feature weights (default 1e-3; 0 for none, when the data are not separable). */
  lambda?: number;
  /** Number of classes (default 3: down, flat, up). */
  classes?: number;
  /** Newton iterations at most (default 100). */
  maxIterations?: number;
  /** Stop when no coefficient moves more than this (default 1e-10). */
  tolerance?: number;
}

/** A fitted multinomial logistic regression (see the module comment). */
export class LogisticModel implements ClassModel {
  constructor(
    readonly names: string[],
    readonly classes: number,
    /** Training mean and standard deviation of each feature (the standardization). */
    readonly mean: Float64Array,
    readonly scale: Float64Array,
    /** Coefficients on standardized features, row-major [class][intercept, feature 1 … p]. */
    readonly coef: Float64Array,
    readonly iterations: number,
    readonly converged: boolean,
    /** The objective at the optimum (mean negative log-likelihood + penalty). */
    readonly loss: number,
  ) {}

  predictProba(x: FeatureMatrix): Float64Array {
    checkNames(this.names, x);
    const p = this.names.length;
    const out = new Float64Array(x.rows * this.classes);
    const z = new Float64Array(p);
    for (let i = 0; i < x.rows; i++) {
      for (let j = 0; j < p; j++) z[j] = (x.data[i * p + j] - this.mean[j]) / this.scale[j];
      softmaxRow(this.coef, z, this.classes, out, i * this.classes);
    }
    return out;
  }

  predict(x: FeatureMatrix): Int8Array {
    return argmaxRows(this.predictProba(x), this.classes);
  }

  /** The coefficients on standardized features as columns: class, feature ('intercept' first), value. */
  coefficients(): { class: Int32Array; feature: string[]; value: Float64Array } {
    const p = this.names.length + 1;
    const cls = new Int32Array(this.classes * p);
    const feature: string[] = [];
    for (let c = 0; c < this.classes; c++) {
      for (let j = 0; j < p; j++) {
        cls[c * p + j] = c;
        feature.push(j === 0 ? 'intercept' : this.names[j - 1]);
      }
    }
    return { class: cls, feature, value: this.coef.slice() };
  }
}

/** Softmax of one standardized row into out[at .. at + C) (the maximum subtracted before exp). */
function softmaxRow(coef: Float64Array, z: Float64Array, C: number, out: Float64Array, at: number): void {
  const p1 = z.length + 1;
  let max = -Infinity;
  for (let c = 0; c < C; c++) {
    let s = coef[c * p1];
    for (let j = 0; j < z.length; j++) s += coef[c * p1 + 1 + j] * z[j];
    out[at + c] = s;
    if (s > max) max = s;
  }
  let sum = 0;
  for (let c = 0; c < C; c++) {
    out[at + c] = Math.exp(out[at + c] - max);
    sum += out[at + c];
  }
  for (let c = 0; c < C; c++) out[at + c] /= sum;
}

/** Pins the softmax's free constants (see the module comment); too small to move a probability. */
const PIN = 1e-8;

/** Fit a multinomial logistic regression of classes `y` on features `x` (see the module comment). */
export function fitLogistic(x: FeatureMatrix, y: ArrayLike<number>, options: LogisticOptions = {}): LogisticModel {
  const C = options.classes ?? 3;
  const lambda = options.lambda ?? 1e-3;
  const maxIt = options.maxIterations ?? 100;
  const tol = options.tolerance ?? 1e-10;
  if (!(lambda >= 0) || !Number.isFinite(lambda)) throw new RangeError(`fitLogistic: lambda must be ≥ 0, got ${lambda}`);
  if (!(Number.isInteger(maxIt) && maxIt > 0)) throw new RangeError(`fitLogistic: maxIterations must be a positive whole number, got ${maxIt}`);
  checkClasses('fitLogistic', y, C);
  const n = x.rows;
  const p = x.names.length;
  if (y.length !== n) throw new RangeError(`fitLogistic: ${n} rows of features but ${y.length} classes`);
  if (n === 0) throw new RangeError('fitLogistic: no training rows');
  checkFinite('fitLogistic', x);
  // Standardize with the training mean and (population) standard deviation; a constant feature keeps scale 1.
  const { mean, scale } = standardization(x);
  const p1 = p + 1;
  const z = new Float64Array(n * p1); // [1, standardized features]
  for (let i = 0; i < n; i++) {
    z[i * p1] = 1;
    for (let j = 0; j < p; j++) z[i * p1 + 1 + j] = (x.data[i * p + j] - mean[j]) / scale[j];
  }
  const D = C * p1;
  const penalty = new Float64Array(D);
  for (let c = 0; c < C; c++) for (let j = 0; j < p1; j++) penalty[c * p1 + j] = j === 0 ? PIN : lambda + PIN;
  const prob = new Float64Array(n * C);
  const zi = new Float64Array(p);

  const objective = (theta: Float64Array): number => {
    let nll = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < p; j++) zi[j] = z[i * p1 + 1 + j];
      softmaxRow(theta, zi, C, prob, i * C);
      nll -= Math.log(Math.max(prob[i * C + y[i]], 1e-300));
    }
    let pen = 0;
    for (let d = 0; d < D; d++) pen += penalty[d] * theta[d] * theta[d];
    return nll / n + pen / 2;
  };

  let theta = new Float64Array(D);
  let loss = objective(theta); // leaves prob at theta
  const grad = new Float64Array(D);
  const hess = new Float64Array(D * D);
  let it = 0;
  let converged = false;
  while (it < maxIt) {
    it++;
    grad.fill(0);
    hess.fill(0);
    for (let i = 0; i < n; i++) {
      const row = i * p1;
      for (let c = 0; c < C; c++) {
        const pc = prob[i * C + c];
        const r = pc - (y[i] === c ? 1 : 0);
        for (let j = 0; j < p1; j++) grad[c * p1 + j] += r * z[row + j];
        for (let d = 0; d < C; d++) {
          const w = pc * ((c === d ? 1 : 0) - prob[i * C + d]);
          if (w === 0) continue;
          for (let j = 0; j < p1; j++) {
            const a = w * z[row + j];
            const base = (c * p1 + j) * D + d * p1;
            for (let k = 0; k < p1; k++) hess[base + k] += a * z[row + k];
          }
        }
      }
    }
    for (let d = 0; d < D; d++) {
      grad[d] = grad[d] / n + penalty[d] * theta[d];
      for (let e = 0; e < D; e++) hess[d * D + e] /= n;
      hess[d * D + d] += penalty[d];
    }
    const step = choleskySolve(hess, grad, D);
    if (!step) break; // not positive definite (λ = 0 on separable or collinear data): stop where we are
    let s = 1;
    let next = new Float64Array(D);
    let nextLoss = Infinity;
    for (let h = 0; h < 40; h++) {
      for (let d = 0; d < D; d++) next[d] = theta[d] - s * step[d];
      nextLoss = objective(next);
      if (nextLoss <= loss + 1e-15) break;
      s /= 2;
    }
    let moved = 0;
    for (let d = 0; d < D; d++) moved = Math.max(moved, Math.abs(s * step[d]));
    if (!(nextLoss <= loss + 1e-15)) {
      objective(theta); // no descent left: the optimum to machine precision
      converged = true;
      break;
    }
    [theta, next] = [next, theta];
    loss = nextLoss;
    if (moved < tol) {
      converged = true;
      break;
    }
  }
  return new LogisticModel([...x.names], C, mean, scale, theta, it, converged, loss);
}

/** Mean and (population) standard deviation of each feature; a constant feature keeps scale 1. */
function standardization(x: FeatureMatrix): { mean: Float64Array; scale: Float64Array } {
  const n = x.rows;
  const p = x.names.length;
  const mean = new Float64Array(p);
  const scale = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += x.data[i * p + j];
    mean[j] = s / n;
    let ss = 0;
    for (let i = 0; i < n; i++) ss += (x.data[i * p + j] - mean[j]) ** 2;
    const sd = Math.sqrt(ss / n);
    scale[j] = sd > 0 ? sd : 1;
  }
  return { mean, scale };
}

function checkFinite(name: string, x: FeatureMatrix): void {
  const p = x.names.length;
  for (let i = 0; i < x.rows * p; i++) {
    if (!Number.isFinite(x.data[i])) throw new RangeError(`${name}: feature ${x.names[i % p]} of row ${Math.floor(i / p)} is ${x.data[i]}`);
  }
}

function checkNames(model: string[], x: FeatureMatrix): void {
  if (x.names.length !== model.length || x.names.some((n, j) => n !== model[j])) {
    throw new RangeError(`predict: features ${x.names.join(', ')} differ from the model's ${model.join(', ')}`);
  }
}

/** A fitted ridge regression of the label (see the module comment). */
export class LinearModel {
  constructor(
    readonly names: string[],
    readonly mean: Float64Array,
    readonly scale: Float64Array,
    /** [intercept, weights on standardized features]. */
    readonly coef: Float64Array,
  ) {}

  /** The predicted label of each row. */
  predictMean(x: FeatureMatrix): Float64Array {
    checkNames(this.names, x);
    const p = this.names.length;
    const out = new Float64Array(x.rows);
    for (let i = 0; i < x.rows; i++) {
      let s = this.coef[0];
      for (let j = 0; j < p; j++) s += this.coef[1 + j] * ((x.data[i * p + j] - this.mean[j]) / this.scale[j]);
      out[i] = s;
    }
    return out;
  }
}

/**
 * Ridge regression of `y` (labels) on standardized features: minimizes half the mean squared error
 * + (λ/2)·Σ w² over the weights (the intercept is free), solved exactly (normal equations, Cholesky).
 */
export function fitLinear(x: FeatureMatrix, y: ArrayLike<number>, options: { lambda?: number } = {}): LinearModel {
  const lambda = options.lambda ?? 1e-3;
  if (!(lambda >= 0) || !Number.isFinite(lambda)) throw new RangeError(`fitLinear: lambda must be ≥ 0, got ${lambda}`);
  const n = x.rows;
  const p = x.names.length;
  if (y.length !== n) throw new RangeError(`fitLinear: ${n} rows of features but ${y.length} labels`);
  if (n === 0) throw new RangeError('fitLinear: no training rows');
  checkFinite('fitLinear', x);
  for (let i = 0; i < n; i++) if (!Number.isFinite(y[i])) throw new RangeError(`fitLinear: label of row ${i} is ${y[i]}`);
  const { mean, scale } = standardization(x);
  const D = p + 1;
  const A = new Float64Array(D * D);
  const b = new Float64Array(D);
  const z = new Float64Array(D);
  for (let i = 0; i < n; i++) {
    z[0] = 1;
    for (let j = 0; j < p; j++) z[1 + j] = (x.data[i * p + j] - mean[j]) / scale[j];
    for (let r = 0; r < D; r++) {
      b[r] += (z[r] * y[i]) / n;
      for (let c = 0; c < D; c++) A[r * D + c] += (z[r] * z[c]) / n;
    }
  }
  // Normal equations (ZᵀZ/n + λ) θ = Zᵀy/n (the tiny PIN keeps them solvable with λ = 0 and a constant feature).
  for (let j = 1; j < D; j++) A[j * D + j] += lambda + PIN;
  const coef = choleskySolve(A, b, D);
  if (!coef) throw new RangeError('fitLinear: the features are collinear (use lambda > 0)');
  return new LinearModel([...x.names], mean, scale, coef);
}

/** Solve A x = b for a symmetric positive definite A (D×D, row-major) by Cholesky; null when A is not positive definite. */
function choleskySolve(A: Float64Array, b: Float64Array, D: number): Float64Array | null {
  const L = new Float64Array(D * D);
  for (let i = 0; i < D; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * D + j];
      for (let k = 0; k < j; k++) s -= L[i * D + k] * L[j * D + k];
      if (i === j) {
        if (!(s > 0)) return null;
        L[i * D + i] = Math.sqrt(s);
      } else L[i * D + j] = s / L[j * D + j];
    }
  }
  const yv = new Float64Array(D);
  for (let i = 0; i < D; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i * D + k] * yv[k];
    yv[i] = s / L[i * D + i];
  }
  const x = new Float64Array(D);
  for (let i = D - 1; i >= 0; i--) {
    let s = yv[i];
    for (let k = i + 1; k < D; k++) s -= L[k * D + i] * x[k];
    x[i] = s / L[i * D + i];
  }
  return x;
}
