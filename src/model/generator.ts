/**
 * Seeded generation of order tokens, many sequences at once, with the KV cache managed: each step
 * runs the model on one new position per sequence, then samples the next token component by component
 * (type, price, volume, interval) from the factorized head. The caller appends each token's features,
 * including the context only the matching engine knows (the book after the order): that is how the
 * model reacts to the simulated market.
 *
 * The cache is a fixed ring of `context` positions per sequence, read in place by the step graph: a
 * step costs one position whatever the history, and nothing is copied (rotary positions make attention
 * depend only on distances, so a sliding window is exact). Positions are re-based every 16 windows by
 * re-priming from the last window, so rotary angles stay small in float32.
 */
import type { LargeMarketModel } from './lmm';
import { RingCache, type KvCache } from './kv-cache';
import { Sampler, type SamplingOptions } from './sampling';
import { Rng } from '../util/rng';

export interface GeneratorOptions extends SamplingOptions {
  batch: number;
  seed: number;
  /**
   * One random stream per sequence (default: `new Rng(seed).split(batch)`). A simulation passes each
   * trajectory's own stream, so a trajectory draws the same tokens whichever batch it runs in.
   */
  rngs?: Rng[];
}

export interface SampledTokens {
  /** [batch, 4]: type, price bin, volume bin, interval bin of each sequence's next token. */
  parts: Int32Array;
  /** Token ids. */
  ids: Int32Array;
  /** log2 p(token) under the model (temperature 1, no truncation). */
  logProb2: Float64Array;
}

const REBASE_WINDOWS = 16;

export class TokenGenerator {
  readonly batch: number;
  private readonly context: number;
  /** Ring cache (models with a step graph) or a growing cache (older exports). */
  private ring: RingCache | null = null;
  private cache: KvCache | null = null;
  /** Absolute position the next appended token will take. */
  private position = 0;
  private hidden: Float32Array;
  /** The last `context` feature rows of each sequence, row of position p in slot p mod context. */
  private readonly history: Int32Array;
  private readonly rngs: Rng[];
  private readonly sampler: Sampler;
  private readonly cond: Int32Array;
  private readonly rowIndex: Int32Array;
  private readonly hiddenSub: Float32Array;
  /** What `sample` returns: reused, overwritten by the next call. */
  private readonly out: SampledTokens;
  /** Ints per input row (the model's scheme). */
  private readonly W: number;

  constructor(
    readonly model: LargeMarketModel,
    options: GeneratorOptions,
  ) {
    this.batch = options.batch;
    this.W = model.rowWidth;
    this.context = model.context;
    this.sampler = new Sampler(options);
    // One stream per sequence: sequence k draws from its own generator whatever the batch around it.
    this.rngs = options.rngs ?? new Rng(options.seed).split(this.batch);
    if (this.rngs.length !== this.batch) throw new RangeError(`generator: ${this.rngs.length} random streams for a batch of ${this.batch}`);
    this.hidden = new Float32Array(this.batch * model.arch.dim);
    this.history = new Int32Array(this.batch * this.context * this.W);
    this.cond = new Int32Array(this.batch * 3);
    this.rowIndex = new Int32Array(this.batch);
    this.hiddenSub = new Float32Array(this.batch * model.arch.dim);
    this.out = { parts: new Int32Array(this.batch * 4), ids: new Int32Array(this.batch), logProb2: new Float64Array(this.batch) };
    if (model.hasStep) {
      const a = model.arch;
      this.ring = new RingCache(a.layers, this.batch, a.heads, this.context, a.dim / a.heads);
    }
  }

  /** Positions the model currently attends to. */
  get cached(): number {
    return Math.min(this.position, this.context);
  }

  /** Start from a context: features [batch, len, 18], or [len, 18] shared by every sequence. */
  async prime(features: Int32Array, len: number): Promise<void> {
    const B = this.batch;
    let rows = features;
    if (features.length === len * this.W && B > 1) {
      rows = new Int32Array(B * len * this.W);
      for (let b = 0; b < B; b++) rows.set(features, b * len * this.W);
    }
    if (rows.length !== B * len * this.W) throw new RangeError(`prime: ${rows.length} features for ${B} × ${len} positions`);
    const keep = Math.min(len, this.context);
    await this.primeFrom(keep === len ? rows : sliceRows(rows, B, len, len - keep, len, this.W), keep);
  }

  /** Run the context through the backbone; it takes positions 0 .. keep−1. */
  private async primeFrom(rows: Int32Array, keep: number): Promise<void> {
    const B = this.batch;
    const C = this.context;
    const { hidden, cache } = await this.model.forward(rows, B, keep);
    if (this.ring) this.ring.load(cache);
    else this.cache = cache;
    this.position = keep;
    const d = this.model.arch.dim;
    for (let b = 0; b < B; b++) {
      this.hidden.set(hidden.subarray((b * keep + keep - 1) * d, (b * keep + keep) * d), b * d);
      for (let t = 0; t < keep; t++) {
        this.history.set(rows.subarray((b * keep + t) * this.W, (b * keep + t + 1) * this.W), (b * C + (t % C)) * this.W);
      }
    }
  }

  /**
   * Sample each sequence's next token from the current state. With `active`, only sequences whose
   * entry is non-zero draw (the others keep what they drew last and use no randomness): how a
   * simulation resamples the tokens its engine could not apply.
   */
  async sample(active?: Uint8Array): Promise<SampledTokens> {
    const B = this.batch;
    const a = this.model.arch;
    const d = a.dim;
    const { parts, logProb2, ids } = this.out;
    // The rows that draw; when only some do, the head runs on those rows alone (resampling is cheap).
    const rows = this.rowIndex;
    let n = 0;
    for (let b = 0; b < B; b++) if (!active || active[b]) rows[n++] = b;
    if (n === 0) return this.out;
    let hidden = this.hidden;
    if (n < B) {
      hidden = this.hiddenSub;
      for (let j = 0; j < n; j++) hidden.set(this.hidden.subarray(rows[j] * d, (rows[j] + 1) * d), j * d);
    }
    const cond = this.cond;
    cond.fill(0);
    const sizes = [a.types, a.price_bins, a.volume_bins, a.interval_bins];
    for (let j = 0; j < n; j++) logProb2[rows[j]] = 0;
    for (let c = 0; c < 4; c++) {
      const logits = await this.model.head(hidden, n, n < B ? cond.subarray(0, n * 3) : cond);
      const l = [logits.type, logits.price, logits.volume, logits.interval][c];
      for (let j = 0; j < n; j++) {
        const b = rows[j];
        const k = this.sampler.sample(l, j * sizes[c], sizes[c], this.rngs[b]);
        parts[b * 4 + c] = k;
        logProb2[b] += this.sampler.lastLogProb / Math.LN2;
        if (c < 3) cond[j * 3 + c] = k;
      }
    }
    for (let j = 0; j < n; j++) {
      const b = rows[j];
      ids[b] = ((parts[b * 4] * a.price_bins + parts[b * 4 + 1]) * a.volume_bins + parts[b * 4 + 2]) * a.interval_bins + parts[b * 4 + 3];
    }
    return this.out;
  }

  /** Feed one new position per sequence (features [batch, 18]): the token that happened and the book after it. */
  async append(rows: Int32Array): Promise<void> {
    const B = this.batch;
    const C = this.context;
    if (rows.length !== B * this.W) throw new RangeError(`append: ${rows.length} features for ${B} rows`);
    const p = this.position;
    for (let b = 0; b < B; b++) this.history.set(rows.subarray(b * this.W, (b + 1) * this.W), (b * C + (p % C)) * this.W);
    if (this.ring) {
      if (p >= REBASE_WINDOWS * C) {
        // Re-base positions: prime again from the last window (this token included).
        await this.primeFrom(this.windowEndingAt(p), C);
        return;
      }
      this.hidden.set(await this.model.step(rows, this.ring, p));
      this.position = p + 1;
      return;
    }
    // Older exports without a step graph: grow the cache; at the context length, re-prime from half.
    if (this.cached >= C) {
      const half = C >> 1;
      await this.primeFrom(sliceRows(this.windowEndingAt(p), B, C, C - half, C, this.W), half);
      return;
    }
    const { hidden, cache } = await this.model.forward(rows, B, 1, this.cache!);
    this.cache = cache;
    this.hidden.set(hidden);
    this.position = p + 1;
  }

  /** The C feature rows of positions p−C+1 .. p, oldest first ([batch, C, 18]). */
  private windowEndingAt(p: number): Int32Array {
    const B = this.batch;
    const C = this.context;
    const out = new Int32Array(B * C * this.W);
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < C; t++) {
        const slot = (((p - C + 1 + t) % C) + C) % C;
        out.set(this.history.subarray((b * C + slot) * this.W, (b * C + slot + 1) * this.W), (b * C + t) * this.W);
      }
    }
    return out;
  }
}

/** Rows [from, to) of each of `batch` sequences stored with `len` rows each. */
function sliceRows(rows: Int32Array, batch: number, len: number, from: number, to: number, N_FEATURES: number): Int32Array {
  const out = new Int32Array(batch * (to - from) * N_FEATURES);
  for (let b = 0; b < batch; b++) out.set(rows.subarray((b * len + from) * N_FEATURES, (b * len + to) * N_FEATURES), b * (to - from) * N_FEATURES);
  return out;
}
