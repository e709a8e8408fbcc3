/**
 * Trade signs and the propagator picture of price impact (Bouchaud, Gefen, Potters & Wyart 2004;
 * Bouchaud, Farmer & Lillo 2009), in event time (one step per trade), on LOBSTER days real or simulated.
 *
 * - Trades: executions (type 4, and hidden type 5 unless told not to); the aggressor's sign is
 *   ε = −direction (LOBSTER's direction is the resting order's side). By default consecutive
 *   executions at the same time with the same sign are one trade (one market order sweeping several
 *   resting orders), so a sweep does not count as several correlated trades.
 * - m_t: the mid just before trade t (the book row before its first execution), in ticks.
 * - Response R(ℓ) = E[ε_t (m_{t+ℓ} − m_t)] (ticks). Sign autocorrelation C(ℓ) = (E[ε_t ε_{t+ℓ}] − μ²)/(1 − μ²),
 *   μ the mean sign, so C(0) = 1. Pairs never straddle two sequences.
 * - γ: the power-law fit C(ℓ) ~ ℓ^−γ on log-log axes over a lag range (the literature: γ ≈ 0.6).
 * - The propagator G solves, in the transient-impact model m_t = Σ_{t'<t} G(t − t') ε_{t'} + noise,
 *     full:   R(ℓ) = Σ_{0≤n<ℓ} G(ℓ−n) C(n) + Σ_{n>0} [G(ℓ+n) − G(n)] C(n),   ℓ = 1 … L,
 *   with G(n) = G(L) for n ≥ L (the last lag's value carried on, which closes the system: the
 *   infinite sum telescopes to G(L)·Σ_{L−ℓ ≤ j < L} C(j)), solved as an L×L linear system (LU, ml-matrix);
 *     causal: R(ℓ) = Σ_{0≤n<ℓ} G(ℓ−n) C(n) (the second sum dropped), solved by forward substitution.
 *   Then β of G(ℓ) ~ ℓ^−β, to hold against (1 − γ)/2, the value that keeps prices diffusive.
 */
import { LuDecomposition, Matrix } from 'ml-matrix';
import { fitPowerLaw, type DecayExponentFit } from './fitting';
import type { LobSequence } from './lob-scores';

export interface TradeSignOptions {
  /** Merge consecutive executions at the same time with the same sign into one trade (default true). */
  merge?: boolean;
  /** Count hidden executions (type 5) as trades (default true). */
  hidden?: boolean;
}

/** The trades of one sequence, in order. */
export interface TradeSigns {
  /** Seconds after midnight. */
  time: Float64Array;
  /** Aggressor sign: +1 buyer-initiated, −1 seller-initiated. */
  sign: Int8Array;
  /** Shares (summed over merged executions). */
  size: Float64Array;
  /** Mid just before the trade, in price units (NaN when a side is empty or for the first message). */
  midBefore: Float64Array;
  /** Message row of the trade's first execution. */
  row: Int32Array;
}

/** Trades and their aggressor signs from a LOBSTER sequence's executions. */
export function tradeSigns(seq: LobSequence, options: TradeSignOptions = {}): TradeSigns {
  const merge = options.merge ?? true;
  const hidden = options.hidden ?? true;
  const { flow, frames } = seq;
  const n = Math.min(flow.length, frames.length);
  const time: number[] = [];
  const sign: number[] = [];
  const size: number[] = [];
  const mid: number[] = [];
  const row: number[] = [];
  let lastRow = -2;
  for (let i = 0; i < n; i++) {
    const t = flow.type[i];
    if (!(t === 4 || (hidden && t === 5))) continue;
    const e = -flow.direction[i];
    const k = time.length - 1;
    if (merge && k >= 0 && lastRow === i - 1 && time[k] === flow.time[i] && sign[k] === e) {
      size[k] += flow.size[i];
      lastRow = i;
      continue;
    }
    time.push(flow.time[i]);
    sign.push(e);
    size.push(flow.size[i]);
    mid.push(i > 0 ? frames.mid(i - 1) : NaN);
    row.push(i);
    lastRow = i;
  }
  return { time: Float64Array.from(time), sign: Int8Array.from(sign), size: Float64Array.from(size), midBefore: Float64Array.from(mid), row: Int32Array.from(row) };
}

export interface ResponseOptions extends TradeSignOptions {
  /** Largest lag ℓ (in trades) for R and C (default 1000). */
  maxLag?: number;
}

/** R(ℓ) and C(ℓ) for ℓ = 0 … maxLag, pooled over sequences. */
export interface ResponseFunctions {
  lags: Int32Array;
  /** R(ℓ) in ticks (R(0) = 0); NaN at lags with no pair. */
  response: Float64Array;
  /** C(ℓ), the sign autocorrelation (C(0) = 1). */
  signCorrelation: Float64Array;
  /** Pairs at each lag behind R (those with both mids known) and C. */
  responsePairs: Float64Array;
  signPairs: Float64Array;
  trades: number;
  meanSign: number;
}

function asList(seqs: LobSequence | LobSequence[]): LobSequence[] {
  const list = Array.isArray(seqs) ? seqs : [seqs];
  if (list.length === 0) throw new RangeError('no sequences given');
  return list;
}

/** Response function and sign autocorrelation in trade time (see the module's note). */
export function responseFunctions(seqs: LobSequence | LobSequence[], options: ResponseOptions = {}): ResponseFunctions {
  const list = asList(seqs);
  const L = options.maxLag ?? 1000;
  if (!(Number.isInteger(L) && L >= 1)) throw new RangeError(`responseFunctions: option maxLag must be a whole number ≥ 1 (got ${options.maxLag})`);
  const rSum = new Float64Array(L + 1);
  const rCount = new Float64Array(L + 1);
  const cSum = new Float64Array(L + 1);
  const cCount = new Float64Array(L + 1);
  let trades = 0;
  let signSum = 0;
  for (const seq of list) {
    const tick = seq.flow.meta.venue.tickSize;
    const { sign, midBefore } = tradeSigns(seq, options);
    const n = sign.length;
    trades += n;
    for (let t = 0; t < n; t++) {
      signSum += sign[t];
      const e = sign[t];
      const m0 = midBefore[t];
      const top = Math.min(L, n - 1 - t);
      for (let l = 0; l <= top; l++) {
        cSum[l] += e * sign[t + l];
        cCount[l]++;
        const m = midBefore[t + l];
        if (m0 === m0 && m === m) {
          rSum[l] += (e * (m - m0)) / tick;
          rCount[l]++;
        }
      }
    }
  }
  if (trades < 2) throw new RangeError(`responseFunctions: ${trades} trade${trades === 1 ? '' : 's'} in the sequences, at least 2 needed`);
  const mu = signSum / trades;
  const response = new Float64Array(L + 1);
  const signCorrelation = new Float64Array(L + 1);
  for (let l = 0; l <= L; l++) {
    response[l] = rCount[l] > 0 ? rSum[l] / rCount[l] : NaN;
    signCorrelation[l] = cCount[l] > 0 ? (cSum[l] / cCount[l] - mu * mu) / (1 - mu * mu) : NaN;
  }
  return { lags: Int32Array.from({ length: L + 1 }, (_, l) => l), response, signCorrelation, responsePairs: rCount, signPairs: cCount, trades, meanSign: mu };
}

export type PropagatorForm = 'full' | 'causal';

export interface PropagatorOptions {
  /** Lags solved for, 1 … L (default 100; R is needed up to L, C up to L − 1). */
  lags?: number;
  /** Which equation (default 'full', see the module's note). */
  form?: PropagatorForm;
}

export interface Propagator {
  form: PropagatorForm;
  /** 1 … L. */
  lags: Int32Array;
  /** G(ℓ) in ticks. */
  G: Float64Array;
}

/**
 * The propagator G(1 … L) from R(0 … ≥L) and C(0 … ≥L−1) (indexed by lag; C(0) = 1), by the full
 * Bouchaud et al. equation or its causal truncation (see the module's note).
 */
export function solvePropagator(response: ArrayLike<number>, signCorrelation: ArrayLike<number>, options: PropagatorOptions = {}): Propagator {
  const L = options.lags ?? 100;
  const form = options.form ?? 'full';
  if (!(Number.isInteger(L) && L >= 1)) throw new RangeError(`solvePropagator: option lags must be a whole number ≥ 1 (got ${options.lags})`);
  if (form !== 'full' && form !== 'causal') throw new RangeError(`solvePropagator: option form must be 'full' or 'causal' (got ${JSON.stringify(form)})`);
  if (response.length < L + 1) throw new RangeError(`solvePropagator: response has lags 0…${response.length - 1}, lags 1…${L} needed (raise maxLag or lower lags)`);
  if (signCorrelation.length < L) throw new RangeError(`solvePropagator: signCorrelation has lags 0…${signCorrelation.length - 1}, lags 0…${L - 1} needed`);
  for (let l = 0; l < L; l++) if (!Number.isFinite(signCorrelation[l])) throw new RangeError(`solvePropagator: C(${l}) = ${signCorrelation[l]} (need finite values up to lag ${L - 1})`);
  for (let l = 1; l <= L; l++) if (!Number.isFinite(response[l])) throw new RangeError(`solvePropagator: R(${l}) = ${response[l]} (need finite values up to lag ${L})`);
  const C = (j: number) => signCorrelation[j];
  const G = new Float64Array(L);
  if (form === 'causal') {
    // R(ℓ) = G(ℓ)·C(0) + Σ_{1≤n<ℓ} G(ℓ−n) C(n)
    for (let l = 1; l <= L; l++) {
      let s = response[l];
      for (let n = 1; n < l; n++) s -= G[l - n - 1] * C(n);
      G[l - 1] = s / C(0);
    }
  } else {
    const A = new Matrix(L, L);
    const b = new Matrix(L, 1);
    for (let l = 1; l <= L; l++) {
      for (let n = 1; n < L; n++) A.set(l - 1, n - 1, C(Math.abs(n - l)) - C(n));
      let tail = 0;
      for (let j = L - l; j < L; j++) tail += C(j);
      A.set(l - 1, L - 1, tail);
      b.set(l - 1, 0, response[l]);
    }
    const lu = new LuDecomposition(A);
    if (lu.isSingular()) throw new RangeError(`solvePropagator: the ${L}×${L} system is singular (C too flat or too short a sample; try fewer lags or the causal form)`);
    const x = lu.solve(b);
    for (let l = 0; l < L; l++) G[l] = x.get(l, 0);
  }
  return { form, lags: Int32Array.from({ length: L }, (_, l) => l + 1), G };
}

export interface PropagatorAnalysisOptions extends ResponseOptions, PropagatorOptions {
  /** Lag range of the power-law fits of C and G (default [1, 100]). */
  fitRange?: [number, number];
}

export interface PropagatorAnalysis extends ResponseFunctions {
  /** C(ℓ) ~ ℓ^−γ. */
  gamma: DecayExponentFit;
  propagator: Propagator;
  /** G(ℓ) ~ ℓ^−β. */
  beta: DecayExponentFit;
  /** (1 − γ)/2: the β that makes prices diffusive given γ. */
  betaPredicted: number;
}

/** Trade signs → R, C, γ, the propagator G and its β, on one or more sequences. */
export function propagatorAnalysis(seqs: LobSequence | LobSequence[], options: PropagatorAnalysisOptions = {}): PropagatorAnalysis {
  const lags = options.lags ?? 100;
  const maxLag = options.maxLag ?? Math.max(1000, lags);
  if (maxLag < lags) throw new RangeError(`propagatorAnalysis: option maxLag (${maxLag}) must be ≥ option lags (${lags})`);
  const [from, to] = options.fitRange ?? [1, 100];
  if (!(from >= 1 && to > from && to <= maxLag)) throw new RangeError(`propagatorAnalysis: option fitRange must be [from, to] with 1 ≤ from < to ≤ maxLag (got [${from}, ${to}])`);
  const rc = responseFunctions(seqs, { ...options, maxLag });
  const gamma = fitPowerLaw(rc.lags, rc.signCorrelation, { from, to });
  const propagator = solvePropagator(rc.response, rc.signCorrelation, options);
  const beta = fitPowerLaw(propagator.lags, propagator.G, { from, to: Math.min(to, lags) });
  return { ...rc, gamma, propagator, beta, betaPredicted: (1 - gamma.exponent) / 2 };
}
