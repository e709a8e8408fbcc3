/**
 * Seeded generation of order tokens, many sequences at once, with the KV cache managed: each step
 * runs the backbone on one new position per sequence, then samples the next token component by
 * component (type, price, volume, interval) from the factorized head. The caller appends each token's
 * features (including the context that only the matching engine knows: the book after the order),
 * which is how the model reacts to the simulated market. When the cache reaches the model's context,
 * the latest half window is re-primed (the model was trained on windows of that length).
 */
import type { LargeMarketModel } from './lmm';
import { N_FEATURES } from './lmm';
import type { KvCache } from './kv-cache';
import { Sampler, type SamplingOptions } from './sampling';
import { Rng } from '../util/rng';

export interface GeneratorOptions extends SamplingOptions {
  batch: number;
  seed: number;
}

export interface SampledTokens {
  /** [batch, 4]: type, price bin, volume bin, interval bin of each sequence's next token. */
  parts: Int32Array;
  /** Token ids. */
  ids: Int32Array;
  /** log2 p(token) under the model (temperature 1, no truncation). */
  logProb2: Float64Array;
}

export class TokenGenerator {
  readonly batch: number;
  private cache: KvCache;
  private hidden: Float32Array;
  /** The last `context` feature rows of each sequence (for re-priming). */
  private history: Int32Array;
  private historyLen = 0;
  private readonly rngs: Rng[];
  private readonly sampler: Sampler;
  private readonly cond: Int32Array;

  constructor(
    readonly model: LargeMarketModel,
    options: GeneratorOptions,
  ) {
    this.batch = options.batch;
    this.sampler = new Sampler(options);
    // One stream per sequence: sequence k draws the same tokens whatever the batch size around it.
    const root = new Rng(options.seed);
    this.rngs = root.split(this.batch);
    this.cache = model.emptyCache(this.batch);
    this.hidden = new Float32Array(this.batch * model.arch.dim);
    this.history = new Int32Array(this.batch * model.context * N_FEATURES);
    this.cond = new Int32Array(this.batch * 3);
  }

  /** Positions in the cache. */
  get cached(): number {
    return this.cache.length;
  }

  /** Start every sequence from the same or its own context: features [batch, len, 18] (or [len, 18], shared). */
  async prime(features: Int32Array, len: number): Promise<void> {
    const B = this.batch;
    const C = this.model.context;
    let rows = features;
    if (features.length === len * N_FEATURES && B > 1) {
      rows = new Int32Array(B * len * N_FEATURES);
      for (let b = 0; b < B; b++) rows.set(features, b * len * N_FEATURES);
    }
    if (rows.length !== B * len * N_FEATURES) throw new RangeError(`prime: ${rows.length} features for ${B} × ${len} positions`);
    const keep = Math.min(len, C);
    const trimmed = keep === len ? rows : sliceRows(rows, B, len, len - keep, len);
    const { hidden, cache } = await this.model.forward(trimmed, B, keep);
    this.cache = cache;
    this.takeLast(hidden, keep);
    this.history = new Int32Array(B * C * N_FEATURES);
    for (let b = 0; b < B; b++) this.history.set(trimmed.subarray(b * keep * N_FEATURES, (b + 1) * keep * N_FEATURES), b * C * N_FEATURES);
    this.historyLen = keep;
  }

  /** Sample each sequence's next token from the current state. */
  async sample(): Promise<SampledTokens> {
    const B = this.batch;
    const m = this.model;
    const a = m.arch;
    const parts = new Int32Array(B * 4);
    const logProb2 = new Float64Array(B);
    const cond = this.cond;
    cond.fill(0);
    const sizes = [a.types, a.price_bins, a.volume_bins, a.interval_bins];
    for (let c = 0; c < 4; c++) {
      const logits = await m.head(this.hidden, B, cond);
      const l = [logits.type, logits.price, logits.volume, logits.interval][c];
      for (let b = 0; b < B; b++) {
        const k = this.sampler.sample(l, b * sizes[c], sizes[c], this.rngs[b]);
        parts[b * 4 + c] = k;
        logProb2[b] += this.sampler.lastLogProb / Math.LN2;
        if (c < 3) cond[b * 3 + c] = k;
      }
    }
    const ids = new Int32Array(B);
    for (let b = 0; b < B; b++) {
      ids[b] = ((parts[b * 4] * a.price_bins + parts[b * 4 + 1]) * a.volume_bins + parts[b * 4 + 2]) * a.interval_bins + parts[b * 4 + 3];
    }
    return { parts, ids, logProb2 };
  }

  /** Feed one new position per sequence (features [batch, 18]): the token that happened and the book after it. */
  async append(rows: Int32Array): Promise<void> {
    const B = this.batch;
    const C = this.model.context;
    if (rows.length !== B * N_FEATURES) throw new RangeError(`append: ${rows.length} features for ${B} rows`);
    if (this.historyLen === C) {
      // Slide: keep the latest half window and re-prime from it.
      const half = C >> 1;
      const h = this.history;
      for (let b = 0; b < B; b++) h.copyWithin(b * C * N_FEATURES, (b * C + C - half) * N_FEATURES, (b + 1) * C * N_FEATURES);
      this.historyLen = half;
      for (let b = 0; b < B; b++) h.set(rows.subarray(b * N_FEATURES, (b + 1) * N_FEATURES), (b * C + half) * N_FEATURES);
      this.historyLen++;
      const ctx = sliceRows(h, B, C, 0, this.historyLen);
      const { hidden, cache } = await this.model.forward(ctx, B, this.historyLen);
      this.cache = cache;
      this.takeLast(hidden, this.historyLen);
      return;
    }
    for (let b = 0; b < B; b++) this.history.set(rows.subarray(b * N_FEATURES, (b + 1) * N_FEATURES), (b * C + this.historyLen) * N_FEATURES);
    this.historyLen++;
    const { hidden, cache } = await this.model.forward(rows, B, 1, this.cache);
    this.cache = cache;
    this.hidden.set(hidden);
  }

  private takeLast(hidden: Float32Array, seq: number): void {
    const d = this.model.arch.dim;
    for (let b = 0; b < this.batch; b++) this.hidden.set(hidden.subarray((b * seq + seq - 1) * d, (b * seq + seq) * d), b * d);
  }
}

/** Rows [from, to) of each of `batch` sequences stored with `len` rows each. */
function sliceRows(rows: Int32Array, batch: number, len: number, from: number, to: number): Int32Array {
  const out = new Int32Array(batch * (to - from) * N_FEATURES);
  for (let b = 0; b < batch; b++) out.set(rows.subarray((b * len + from) * N_FEATURES, (b * len + to) * N_FEATURES), b * (to - from) * N_FEATURES);
  return out;
}
