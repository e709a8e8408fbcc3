/**
 * LOB-Bench's scores of a LOBSTER sequence (message + orderbook rows), computed the way its source
 * computes them so that distances are comparable. Each score is a sample of values; `realismScores`
 * compares real and generated samples. Prices are measured in ticks of the sequence's venue.
 *
 * Unconditional scores (per message unless said otherwise):
 * - `spread` (discrete, ticks); `imbalance` level-1 (bid − ask) / (bid + ask);
 * - `log_inter_arrival_ms`: log of the time since the previous message in ms (zeros count as 1e-9);
 * - `log_time_to_cancel`: log seconds from a submission to its first cancel or delete (cancelled orders only);
 * - `ask_volume_touch`, `bid_volume_touch`; `ask_volume_10`, `bid_volume_10` (the first 10 levels);
 * - `limit_depth_ask|bid`, `cancel_depth_ask|bid`: |price − mid| of submissions and cancels, mid of the book before;
 * - `limit_level_ask|bid`, `cancel_level_ask|bid` (discrete): 1 + levels strictly better than the price in the book before;
 * - `volume_per_min`: shares executed (types 4, 5) in each 1-second bucket, × 60;
 * - `ofi`: Cont's level-1 order-flow imbalance, rolling mean over 100 messages; `ofi_up|stay|down`:
 *   the same split by the sign of the next mid change.
 * Conditional scores group one score by deciles of another (see `CONDITIONAL_SCORES`).
 */
import type { BookFrames } from '../data/book-frames';
import type { OrderFlow } from '../data/order-flow';

export interface LobSequence {
  flow: OrderFlow;
  frames: BookFrames;
}

/** Scores whose values are discrete (L1 uses one bin per value). */
export const DISCRETE_SCORES: ReadonlySet<string> = new Set(['spread', 'limit_level_ask', 'limit_level_bid', 'cancel_level_ask', 'cancel_level_bid']);

export type ScoreSamples = Record<string, number[]>;

/** Per-message values a conditional score needs, aligned with `spread` / `ask_volume_touch` (one per message). */
export interface SequenceScores {
  scores: ScoreSamples;
  /** Per message: the hour of day (conditioning for spread | hour). */
  hour: number[];
  /** The sequence's volatility: standard deviation of 0.1-second mid log-returns (conditioning for spread | volatility). */
  volatility: number;
}

const OFI_WINDOW = 100;

/** All LOB-Bench scores of one sequence. */
export function sequenceScores(seq: LobSequence): SequenceScores {
  const { flow, frames } = seq;
  const tick = flow.meta.venue.tickSize;
  const n = Math.min(flow.length, frames.length);
  const s: ScoreSamples = {};
  const push = (k: string, v: number) => (s[k] ??= []).push(v);
  for (const k of ['spread', 'imbalance', 'log_inter_arrival_ms', 'log_time_to_cancel', 'ask_volume_touch', 'bid_volume_touch', 'ask_volume_10', 'bid_volume_10', 'limit_depth_ask', 'limit_depth_bid', 'cancel_depth_ask', 'cancel_depth_bid', 'limit_level_ask', 'limit_level_bid', 'cancel_level_ask', 'cancel_level_bid', 'volume_per_min', 'ofi', 'ofi_up', 'ofi_stay', 'ofi_down']) s[k] = [];
  const hour: number[] = [];
  const L = Math.min(10, frames.levels);
  const submitted = new Map<number, number>();
  const ofi = new Float64Array(n);
  let volumeBucket = -1;
  let bucketVolume = 0;
  for (let i = 0; i < n; i++) {
    const ap = frames.askPrice(i);
    const bp = frames.bidPrice(i);
    const aq = frames.askSize(i);
    const bq = frames.bidSize(i);
    push('spread', (ap - bp) / tick);
    push('imbalance', (bq - aq) / (bq + aq));
    push('ask_volume_touch', aq);
    push('bid_volume_touch', bq);
    let av = 0;
    let bv = 0;
    for (let j = 0; j < L; j++) {
      av += frames.askSize(i, j);
      bv += frames.bidSize(i, j);
    }
    push('ask_volume_10', av);
    push('bid_volume_10', bv);
    hour.push(Math.floor(flow.time[i] / 3600));
    const t = flow.type[i];
    const side = flow.direction[i];
    const price = flow.price[i];
    if (i > 0) {
      const dtMs = (flow.time[i] - flow.time[i - 1]) * 1000;
      push('log_inter_arrival_ms', Math.log(dtMs > 0 ? dtMs : 1e-9));
      // The book before this message is row i − 1.
      const mid0 = frames.mid(i - 1);
      const name = side > 0 ? 'bid' : 'ask';
      if (t === 1 || t === 2 || t === 3) {
        const kind = t === 1 ? 'limit' : 'cancel';
        if (mid0 === mid0) push(`${kind}_depth_${name}`, Math.abs(price - mid0) / tick);
        let better = 0;
        for (let j = 0; j < L; j++) {
          const p = frames.price(i - 1, side as 1 | -1, j);
          if (!(p === p)) break;
          if (side > 0 ? p > price : p < price) better++;
        }
        push(`${kind}_level_${name}`, better + 1);
      }
      // Cont et al.'s level-1 order-flow imbalance of this message.
      const ap0 = frames.askPrice(i - 1);
      const bp0 = frames.bidPrice(i - 1);
      const aq0 = frames.askSize(i - 1);
      const bq0 = frames.bidSize(i - 1);
      ofi[i] = (bp >= bp0 ? bq : 0) - (bp <= bp0 ? bq0 : 0) - (ap <= ap0 ? aq : 0) + (ap >= ap0 ? aq0 : 0);
    }
    if (t === 1) submitted.set(flow.id[i], flow.time[i]);
    else if (t === 2 || t === 3) {
      const t0 = submitted.get(flow.id[i]);
      if (t0 !== undefined) {
        push('log_time_to_cancel', Math.log(Math.max(flow.time[i] - t0, 1e-9)));
        submitted.delete(flow.id[i]);
      }
    }
    const bucket = Math.floor(flow.time[i]);
    if (bucket !== volumeBucket) {
      if (volumeBucket >= 0) push('volume_per_min', bucketVolume * 60);
      // Seconds with no message at all traded nothing.
      for (let b = volumeBucket + 1; volumeBucket >= 0 && b < bucket; b++) push('volume_per_min', 0);
      volumeBucket = bucket;
      bucketVolume = 0;
    }
    if (t === 4 || t === 5) bucketVolume += flow.size[i];
  }
  if (volumeBucket >= 0) push('volume_per_min', bucketVolume * 60);
  // Rolling mean of OFI over 100 messages, split by the sign of the next mid change.
  let sum = 0;
  for (let i = 1; i < n; i++) {
    sum += ofi[i];
    if (i > OFI_WINDOW) sum -= ofi[i - OFI_WINDOW];
    if (i < OFI_WINDOW) continue;
    const v = sum / OFI_WINDOW;
    push('ofi', v);
    if (i + 1 < n) {
      const dm = frames.mid(i + 1) - frames.mid(i);
      push(dm > 0 ? 'ofi_up' : dm < 0 ? 'ofi_down' : 'ofi_stay', v);
    }
  }
  return { scores: s, hour, volatility: volatility(flow, frames, n) };
}

/** Standard deviation of mid log-returns over 0.1-second steps. */
function volatility(flow: OrderFlow, frames: BookFrames, n: number): number {
  if (n < 2) return NaN;
  const step = 0.1;
  const r: number[] = [];
  let k = 0;
  let last = NaN;
  for (let t = flow.time[0]; t <= flow.time[n - 1]; t += step) {
    while (k + 1 < n && flow.time[k + 1] <= t) k++;
    const m = frames.mid(k);
    if (m === m && last === last) r.push(Math.log(m / last));
    if (m === m) last = m;
  }
  if (r.length < 2) return NaN;
  let mu = 0;
  for (const x of r) mu += x;
  mu /= r.length;
  let v = 0;
  for (const x of r) v += (x - mu) ** 2;
  return Math.sqrt(v / r.length);
}
