/**
 * How order flow moves the price, per interval of clock time, on a LOBSTER day (real, or simulated via
 * `Trajectories.toLobster(k)`): the same code reads both.
 *
 * - `intervalFlows`: per interval of `interval` seconds, the mid change (ticks), Cont's level-1 order
 *   flow imbalance (OFI), the signed traded volume, the time-weighted touch depth.
 * - `ofiRegression`: Cont, Kukanov & Stoikov (2014): ΔP = α + β·OFI per interval (β in ticks per share),
 *   R², t-statistics; then β per window (30 minutes by default) against the window's average depth D:
 *   the regression of β on 1/D (their stylized model has β = c/D with c ≈ ½) and of log β on log D
 *   (β ∝ D^−λ, they find λ ≈ 1).
 * - `kyleLambda`: Kyle's λ, the regression of the mid change on the signed traded volume per interval.
 *
 * OFI of message n (book rows n−1 → n, level 1, sizes in shares):
 * e_n = q^b_n·[P^b_n ≥ P^b_{n−1}] − q^b_{n−1}·[P^b_n ≤ P^b_{n−1}] − q^a_n·[P^a_n ≤ P^a_{n−1}] + q^a_{n−1}·[P^a_n ≥ P^a_{n−1}].
 * Signed volume: executions (types 4 and 5) signed by the aggressor, −direction of the resting order.
 * The book at an interval's boundary T is the one after the last message before T.
 */
import { ColumnarFrame, type Columns } from '../data/tables';
import { lowerBound } from '../util/search';
import { ols, type LinearFit } from './fitting';
import type { LobSequence } from './lob-scores';

export interface IntervalOptions {
  /** Interval length in seconds (default 10). */
  interval?: number;
  /** First interval's start, seconds after midnight (default: each sequence's first message). */
  from?: number;
  /** Intervals end by this time (default: each sequence's last message); only whole intervals are kept. */
  to?: number;
}

/** Per-interval order flow and price change of one or more sequences (rows in time order per sequence). */
export class IntervalFlows extends ColumnarFrame {
  constructor(
    readonly length: number,
    /** Which input sequence the interval belongs to. */
    readonly sequence: Int32Array,
    /** Start of the interval, seconds after midnight. */
    readonly start: Float64Array,
    /** Mid change over the interval in ticks (NaN when a side of the book is empty at either end). */
    readonly dMid: Float64Array,
    /** Cont's level-1 OFI summed over the interval's messages (shares). */
    readonly ofi: Float64Array,
    /** Executed shares signed by the aggressor (+ buyer-initiated). */
    readonly signedVolume: Float64Array,
    /** Executed shares. */
    readonly volume: Float64Array,
    /** Time-weighted mean of (bid size + ask size)/2 at the touch (shares). */
    readonly depth: Float64Array,
    readonly messages: Int32Array,
    /** Interval length in seconds. */
    readonly interval: number,
  ) {
    super();
  }

  columns(): Columns {
    return { sequence: this.sequence, start: this.start, dMid: this.dMid, ofi: this.ofi, signedVolume: this.signedVolume, volume: this.volume, depth: this.depth, messages: this.messages };
  }
}

function checkInterval(name: string, v: number | undefined, dflt: number): number {
  const x = v ?? dflt;
  if (!(x > 0 && Number.isFinite(x))) throw new RangeError(`${name} must be a positive number of seconds (got ${v})`);
  return x;
}

function asList(seqs: LobSequence | LobSequence[]): LobSequence[] {
  const list = Array.isArray(seqs) ? seqs : [seqs];
  if (list.length === 0) throw new RangeError('no sequences given');
  return list;
}

/** Cont's level-1 OFI of message i (book row i − 1 → row i). */
export function messageOfi(frames: LobSequence['frames'], i: number): number {
  const bp = frames.bidPrice(i);
  const ap = frames.askPrice(i);
  const bq = frames.bidSize(i);
  const aq = frames.askSize(i);
  const bp0 = frames.bidPrice(i - 1);
  const ap0 = frames.askPrice(i - 1);
  const bq0 = frames.bidSize(i - 1);
  const aq0 = frames.askSize(i - 1);
  return (bp >= bp0 ? bq : 0) - (bp <= bp0 ? bq0 : 0) - (ap <= ap0 ? aq : 0) + (ap >= ap0 ? aq0 : 0);
}

/** Order flow, traded volume, depth and mid change per interval of clock time. */
export function intervalFlows(seqs: LobSequence | LobSequence[], options: IntervalOptions = {}): IntervalFlows {
  const list = asList(seqs);
  const dt = checkInterval('intervalFlows: option interval', options.interval, 10);
  const cols = { sequence: [] as number[], start: [] as number[], dMid: [] as number[], ofi: [] as number[], signed: [] as number[], volume: [] as number[], depth: [] as number[], messages: [] as number[] };
  list.forEach((seq, s) => {
    const { flow, frames } = seq;
    const n = Math.min(flow.length, frames.length);
    if (n === 0) return;
    const tick = flow.meta.venue.tickSize;
    const time = flow.time;
    const from = options.from ?? time[0];
    const to = options.to ?? time[n - 1];
    if (!Number.isFinite(from) || !Number.isFinite(to)) throw new RangeError(`intervalFlows: options from and to must be seconds after midnight (got ${options.from}, ${options.to})`);
    const touchDepth = (r: number) => (frames.askSize(r) + frames.bidSize(r)) / 2;
    let j = Math.min(lowerBound(time, from), n);
    for (let k = 0; from + (k + 1) * dt <= to + 1e-9; k++) {
      const start = from + k * dt;
      const end = start + dt;
      let row = j > 0 ? j - 1 : 0;
      const midStart = frames.mid(row);
      let tPrev = start;
      let area = 0;
      let ofi = 0;
      let signed = 0;
      let volume = 0;
      let messages = 0;
      while (j < n && time[j] < end) {
        area += touchDepth(row) * (time[j] - tPrev);
        tPrev = time[j];
        row = j;
        if (j > 0) ofi += messageOfi(frames, j);
        const t = flow.type[j];
        if (t === 4 || t === 5) {
          signed -= flow.direction[j] * flow.size[j];
          volume += flow.size[j];
        }
        messages++;
        j++;
      }
      area += touchDepth(row) * (end - tPrev);
      cols.sequence.push(s);
      cols.start.push(start);
      cols.dMid.push((frames.mid(row) - midStart) / tick);
      cols.ofi.push(ofi);
      cols.signed.push(signed);
      cols.volume.push(volume);
      cols.depth.push(area / dt);
      cols.messages.push(messages);
    }
  });
  return new IntervalFlows(
    cols.start.length,
    Int32Array.from(cols.sequence),
    Float64Array.from(cols.start),
    Float64Array.from(cols.dMid),
    Float64Array.from(cols.ofi),
    Float64Array.from(cols.signed),
    Float64Array.from(cols.volume),
    Float64Array.from(cols.depth),
    Int32Array.from(cols.messages),
    dt,
  );
}

export interface OfiOptions extends IntervalOptions {
  /** Window length in seconds for β against depth (default 1800, Cont et al.'s half hours). */
  window?: number;
}

/** β of one window against the window's depth. */
export interface OfiWindows {
  start: Float64Array;
  beta: Float64Array;
  r2: Float64Array;
  /** Intervals in the window. */
  n: Int32Array;
  /** Mean touch depth over the window (shares). */
  depth: Float64Array;
}

export interface OfiRegression {
  interval: number;
  window: number;
  intervals: IntervalFlows;
  /** ΔP (ticks) = intercept + slope·OFI over every interval: slope = β (ticks per share). */
  fit: LinearFit;
  /** Mean touch depth over all intervals (shares), and β times it (≈ ½ in the stylized model). */
  meanDepth: number;
  betaDepth: number;
  windows: OfiWindows;
  /** β = intercept + c·(1/D) across windows, and the exponent λ of β ∝ D^−λ (log-log, windows with β > 0). */
  depthFit: { c: number; cSE: number; intercept: number; r2: number; n: number; lambda: number; lambdaSE: number; lambdaR2: number };
}

/** Cont–Kukanov–Stoikov: price change on order flow imbalance per interval, and β against depth per window. */
export function ofiRegression(seqs: LobSequence | LobSequence[], options: OfiOptions = {}): OfiRegression {
  const window = checkInterval('ofiRegression: option window', options.window, 1800);
  const iv = intervalFlows(seqs, options);
  if (window < iv.interval) throw new RangeError(`ofiRegression: option window (${window} s) must be at least one interval (${iv.interval} s)`);
  if (iv.length < 3) throw new RangeError(`ofiRegression: ${iv.length} intervals of ${iv.interval} s, at least 3 needed (a longer sequence or a shorter interval)`);
  const fit = ols(iv.ofi, iv.dMid);
  let depthSum = 0;
  for (let i = 0; i < iv.length; i++) depthSum += iv.depth[i];
  const meanDepth = depthSum / iv.length;
  // Windows: consecutive intervals of the same sequence within `window` seconds of the sequence's first.
  const groups = new Map<string, number[]>();
  const firstStart = new Map<number, number>();
  for (let i = 0; i < iv.length; i++) {
    const s = iv.sequence[i];
    if (!firstStart.has(s)) firstStart.set(s, iv.start[i]);
    const key = `${s}:${Math.floor((iv.start[i] - firstStart.get(s)! + 1e-9) / window)}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(i);
  }
  const w = { start: [] as number[], beta: [] as number[], r2: [] as number[], n: [] as number[], depth: [] as number[] };
  for (const rows of groups.values()) {
    const f = ols(
      rows.map((i) => iv.ofi[i]),
      rows.map((i) => iv.dMid[i]),
    );
    if (!Number.isFinite(f.slope)) continue;
    w.start.push(iv.start[rows[0]]);
    w.beta.push(f.slope);
    w.r2.push(f.r2);
    w.n.push(f.n);
    w.depth.push(rows.reduce((s, i) => s + iv.depth[i], 0) / rows.length);
  }
  const inv = w.depth.map((d) => 1 / d);
  const byInv = ols(inv, w.beta);
  const pos = w.beta.map((b, k) => [b, w.depth[k]]).filter(([b, d]) => b > 0 && d > 0);
  const logFit = ols(
    pos.map(([, d]) => Math.log(d)),
    pos.map(([b]) => Math.log(b)),
  );
  return {
    interval: iv.interval,
    window,
    intervals: iv,
    fit,
    meanDepth,
    betaDepth: fit.slope * meanDepth,
    windows: { start: Float64Array.from(w.start), beta: Float64Array.from(w.beta), r2: Float64Array.from(w.r2), n: Int32Array.from(w.n), depth: Float64Array.from(w.depth) },
    depthFit: { c: byInv.slope, cSE: byInv.slopeSE, intercept: byInv.intercept, r2: byInv.r2, n: byInv.n, lambda: -logFit.slope, lambdaSE: logFit.slopeSE, lambdaR2: logFit.r2 },
  };
}

export interface KyleLambda {
  interval: number;
  intervals: IntervalFlows;
  /** ΔP (ticks) = intercept + λ·(signed volume): slope = λ in ticks per share. */
  fit: LinearFit;
  /** λ in ticks per 1,000 shares and in currency per share. */
  lambdaPer1000: number;
  lambdaPrice: number;
}

/** Kyle's λ: mid change (ticks) on aggressor-signed traded volume (shares) per interval. */
export function kyleLambda(seqs: LobSequence | LobSequence[], options: IntervalOptions = {}): KyleLambda {
  const list = asList(seqs);
  const iv = intervalFlows(list, options);
  if (iv.length < 3) throw new RangeError(`kyleLambda: ${iv.length} intervals of ${iv.interval} s, at least 3 needed (a longer sequence or a shorter interval)`);
  const fit = ols(iv.signedVolume, iv.dMid);
  const venue = list[0].flow.meta.venue;
  return { interval: iv.interval, intervals: iv, fit, lambdaPer1000: fit.slope * 1000, lambdaPrice: (fit.slope * venue.tickSize) / venue.priceScale };
}
