/**
 * LOB-Bench's price-response curves (MARS.md §8; its `impact.py`), computed the way its source
 * computes them so that scores are comparable:
 *
 * 1. Touch events: messages of type 1–4 with direction ±1 after which the level-1 book (ask price, ask
 *    size, bid price, bid size) differs from the row before (the first row of a sequence counts), and
 *    has no empty side (LOB-Bench drops rows with a zero among those four values).
 * 2. Six classes (Eisler, Bouchaud & Kockelkoren's): MO (execution, type 4), LO (submission, type 1),
 *    CA (cancel or delete, types 2–3), each `_1` when the best ask or bid price differs from the previous
 *    touch event's (the first touch event of a sequence counts as changed), else `_0`.
 *    Sign ε: the submission's side for LO, −side (the aggressor's, or the side whose liquidity left)
 *    for MO and CA.
 * 3. Consecutive touch events within 1 µs, of type 4, with the direction and price of the touch event
 *    before, are merged into one (LOB-Bench's `merge_MOs`: the class, sign and mid of the last).
 * 4. m_j: the mid after touch event j, truncated to an integer price as LOB-Bench does (`astype(int)`).
 *    R_c(ℓ) = mean over events j of class c of (m_{j+ℓ−1} − m_{j−1})·ε_j / tick, pooled over sequences,
 *    at LOB-Bench's lags `⌊10^(0.3 + 0.1k)⌋`, k = 0 … 20 (1, 2, 3, 3, 5, … 199: lag 3 twice, as there).
 * 5. Score: Σ_ℓ |R_real(ℓ) − R_gen(ℓ)| per class, averaged over the classes. LOB-Bench's average turns
 *    NaN when a class has no events at some lag; here such a class is left out of the average and the
 *    count of classes scored is reported.
 * Intervals: LOB-Bench's "basic" bootstrap of each mean (resampling the events' values), at 99%.
 */
import { Rng } from '../util/rng';
import type { LobSequence } from './lob-scores';

export const RESPONSE_CLASSES = ['MO_0', 'MO_1', 'LO_0', 'LO_1', 'CA_0', 'CA_1'] as const;
export type ResponseClass = (typeof RESPONSE_CLASSES)[number];

/** What each class means, for legends. */
export const RESPONSE_CLASS_NAMES: Readonly<Record<ResponseClass, string>> = {
  MO_0: 'market order, touch price unchanged',
  MO_1: 'market order, touch price changed',
  LO_0: 'limit order, touch price unchanged',
  LO_1: 'limit order, touch price changed',
  CA_0: 'cancel, touch price unchanged',
  CA_1: 'cancel, touch price changed',
};

/** LOB-Bench's lags: (10 ** np.arange(0.3, 2.4, 0.1)).astype(int). */
export const LOB_BENCH_RESPONSE_LAGS: readonly number[] = Object.freeze(Array.from({ length: 21 }, (_, k) => Math.trunc(10 ** (0.3 + k * 0.1))));

/** The touch events of one sequence after merging, in order. */
export interface TouchEvents {
  /** Index into RESPONSE_CLASSES. */
  cls: Uint8Array;
  eps: Int8Array;
  /** Mid after the event (integer price units, truncated). */
  mid: Float64Array;
  time: Float64Array;
  /** Message row of the event (the last row of a merged group). */
  row: Int32Array;
}

const MERGE_WINDOW = 1e-6 * (1 + 1e-6);

/** Touch events of a LOBSTER sequence, classified and merged as LOB-Bench does. */
export function touchEvents(seq: LobSequence): TouchEvents {
  const { flow, frames } = seq;
  const n = Math.min(flow.length, frames.length);
  const cls: number[] = [];
  const eps: number[] = [];
  const mid: number[] = [];
  const time: number[] = [];
  const row: number[] = [];
  // The previous touch event (before merging), for the class and the merge test.
  let prevAsk = NaN;
  let prevBid = NaN;
  let prevTime = NaN;
  let prevDir = 0;
  let prevPrice = NaN;
  for (let i = 0; i < n; i++) {
    const type = flow.type[i];
    const dir = flow.direction[i];
    if (!(type >= 1 && type <= 4) || !(dir === 1 || dir === -1)) continue;
    const ap = frames.askPrice(i);
    const aq = frames.askSize(i);
    const bp = frames.bidPrice(i);
    const bq = frames.bidSize(i);
    if (!(ap > 0 && aq > 0 && bp > 0 && bq > 0)) continue; // an empty side (or a zero)
    if (i > 0 && ap === frames.askPrice(i - 1) && aq === frames.askSize(i - 1) && bp === frames.bidPrice(i - 1) && bq === frames.bidSize(i - 1)) continue;
    const changed = cls.length === 0 || ap !== prevAsk || bp !== prevBid;
    const kind = type === 4 ? 0 : type === 1 ? 2 : 4;
    const c = kind + (changed ? 1 : 0);
    const e = type === 1 ? dir : -dir;
    const m = Math.trunc((ap + bp) / 2);
    const price = flow.price[i];
    const merges = cls.length > 0 && type === 4 && flow.time[i] - prevTime <= MERGE_WINDOW && dir === prevDir && price === prevPrice;
    if (merges) {
      const k = cls.length - 1;
      cls[k] = c;
      eps[k] = e;
      mid[k] = m;
      time[k] = flow.time[i];
      row[k] = i;
    } else {
      cls.push(c);
      eps.push(e);
      mid.push(m);
      time.push(flow.time[i]);
      row.push(i);
    }
    prevAsk = ap;
    prevBid = bp;
    prevTime = flow.time[i];
    prevDir = dir;
    prevPrice = price;
  }
  return { cls: Uint8Array.from(cls), eps: Int8Array.from(eps), mid: Float64Array.from(mid), time: Float64Array.from(time), row: Int32Array.from(row) };
}

export interface PriceResponseOptions {
  /** Lags (default LOB-Bench's 21). */
  lags?: readonly number[];
  /** Bootstrap resamples per class and lag (default 100; LOB-Bench uses 1,000; 0: no intervals). */
  resamples?: number;
  /** Interval level (default 0.99, as LOB-Bench). */
  level?: number;
  seed?: number;
}

/** Mean response per class and lag, with intervals and the number of events behind each mean. */
export interface PriceResponseCurves {
  lags: number[];
  classes: readonly ResponseClass[];
  /** R_c(ℓ) in ticks, per class, one value per lag (NaN where no event has that lag). */
  mean: Record<ResponseClass, Float64Array>;
  lo: Record<ResponseClass, Float64Array>;
  hi: Record<ResponseClass, Float64Array>;
  count: Record<ResponseClass, Int32Array>;
  /** Touch events per class (after merging). */
  events: Record<ResponseClass, number>;
  sequences: number;
}

function checkOptions(options: PriceResponseOptions, what: string): { lags: number[]; resamples: number; level: number; seed: number } {
  const lags = [...(options.lags ?? LOB_BENCH_RESPONSE_LAGS)];
  if (lags.length === 0 || !lags.every((l) => Number.isInteger(l) && l >= 1)) throw new RangeError(`${what}: option lags must be whole numbers ≥ 1 (got ${JSON.stringify(options.lags)})`);
  const resamples = options.resamples ?? 100;
  if (!(Number.isInteger(resamples) && resamples >= 0)) throw new RangeError(`${what}: option resamples must be a whole number ≥ 0 (got ${resamples})`);
  const level = options.level ?? 0.99;
  if (!(level > 0 && level < 1)) throw new RangeError(`${what}: option level must be in (0, 1) (got ${level})`);
  const seed = options.seed ?? 0;
  if (!Number.isFinite(seed)) throw new RangeError(`${what}: option seed must be a finite number (got ${seed})`);
  return { lags, resamples, level, seed };
}

function perClass<T>(make: () => T): Record<ResponseClass, T> {
  const out = {} as Record<ResponseClass, T>;
  for (const c of RESPONSE_CLASSES) out[c] = make();
  return out;
}

/** LOB-Bench's basic bootstrap interval of a mean: [2·mean − q_hi, 2·mean − q_lo] of resampled means. */
function basicInterval(values: Float64Array, mean: number, resamples: number, level: number, rng: Rng): [number, number] {
  const n = values.length;
  if (resamples === 0 || n === 0) return [NaN, NaN];
  const means = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += values[rng.int(n)];
    means[r] = s / n;
  }
  means.sort();
  const q = (p: number) => {
    const h = (resamples - 1) * p;
    const lo = Math.floor(h);
    return means[lo] + (h - lo) * ((means[Math.min(lo + 1, resamples - 1)] ?? means[lo]) - means[lo]);
  };
  const a = (1 - level) / 2;
  return [2 * mean - q(1 - a), 2 * mean - q(a)];
}

/** The six response curves of a set of sequences, pooled (real, or generated). */
export function priceResponseCurves(seqs: LobSequence[], options: PriceResponseOptions = {}): PriceResponseCurves {
  const { lags, resamples, level, seed } = checkOptions(options, 'priceResponseCurves');
  if (seqs.length === 0) throw new RangeError('priceResponseCurves: no sequences given');
  const values = RESPONSE_CLASSES.map(() => lags.map(() => [] as number[]));
  const events = perClass(() => 0);
  for (const seq of seqs) {
    const tick = seq.flow.meta.venue.tickSize;
    const ev = touchEvents(seq);
    const N = ev.cls.length;
    for (let j = 0; j < N; j++) {
      const c = ev.cls[j];
      events[RESPONSE_CLASSES[c]]++;
      if (j === 0) continue;
      const before = ev.mid[j - 1];
      lags.forEach((l, k) => {
        const after = j + l - 1;
        if (after < N) values[c][k].push(((ev.mid[after] - before) * ev.eps[j]) / tick);
      });
    }
  }
  const mean = perClass(() => new Float64Array(lags.length));
  const lo = perClass(() => new Float64Array(lags.length));
  const hi = perClass(() => new Float64Array(lags.length));
  const count = perClass(() => new Int32Array(lags.length));
  const rng = new Rng(seed);
  RESPONSE_CLASSES.forEach((name, c) => {
    lags.forEach((_, k) => {
      const v = Float64Array.from(values[c][k]);
      let s = 0;
      for (const x of v) s += x;
      const m = v.length ? s / v.length : NaN;
      mean[name][k] = m;
      count[name][k] = v.length;
      [lo[name][k], hi[name][k]] = basicInterval(v, m, resamples, level, rng);
    });
  });
  return { lags, classes: RESPONSE_CLASSES, mean, lo, hi, count, events, sequences: seqs.length };
}

export interface PriceResponseComparison {
  lags: number[];
  real: PriceResponseCurves;
  generated: PriceResponseCurves;
  /** Σ_ℓ |R_real(ℓ) − R_gen(ℓ)| per class (NaN when either side lacks a lag). */
  byClass: Record<ResponseClass, number>;
  /** The mean of the classes' sums (over the classes that have one). */
  score: number;
  classesScored: number;
}

/**
 * LOB-Bench's price-response score of generated sequences against real ones: lower is closer
 * (0: the same curves). The realism report takes this beside the distribution scores.
 */
export function priceResponseScore(real: LobSequence[], generated: LobSequence[], options: PriceResponseOptions = {}): PriceResponseComparison {
  if (real.length === 0 || generated.length === 0) throw new RangeError(`priceResponseScore: need real and generated sequences (got ${real.length} and ${generated.length})`);
  const seed = options.seed ?? 0;
  const r = priceResponseCurves(real, { ...options, seed });
  const g = priceResponseCurves(generated, { ...options, seed: seed + 1 });
  const byClass = perClass(() => NaN);
  let total = 0;
  let scored = 0;
  for (const c of RESPONSE_CLASSES) {
    let s = 0;
    for (let k = 0; k < r.lags.length; k++) s += Math.abs(r.mean[c][k] - g.mean[c][k]);
    byClass[c] = s;
    if (Number.isFinite(s)) {
      total += s;
      scored++;
    }
  }
  return { lags: r.lags, real: r, generated: g, byClass, score: scored ? total / scored : NaN, classesScored: scored };
}
