/**
 * The Large Market Model from TypeScript: a model directory exported by `train/export.py`, run by
 * onnxruntime-node on the CPU. The backbone takes a KV cache (one position per generated token, not a
 * whole window); the factorized head gives, for chosen (type, price, volume), the four conditional
 * distributions whose product is the 49,152-way next-token distribution.
 *
 *     const lmm = await LargeMarketModel.load();          // the shipped model (data/models/lmm-small)
 *     const s = await lmm.score(tokens);                  // log-probabilities of real order flow
 *     const g = new TokenGenerator(lmm, { batch: 64, seed: 7 });  // seeded sampling with a managed cache
 */
import { lowerBound } from '../util/search';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { packageRoot } from '../util/package-root';
import { OrderTokenizer, type TokenizerJson } from '../tokenize/order-tokenizer';
import type { OrderTokens } from '../tokenize/order-tokens';
import { LOB_SLOTS, TOUCH_LEVELS } from '../data/order-events';
import { CONTEXT_ROW_FEATURES, CONTEXT_ROW_WIDTH } from '../tokenize/context-row';
import { TOUCH_ROW, TOUCH_ROW_WIDTH } from '../tokenize/touch-context-row';
import { KvCache, RingCache } from './kv-cache';
import { logSoftmax } from './sampling';
import { autoProgress, type ProgressCallback } from '../util/progress';
import { clockSeconds } from '../util/clock';

type Ort = typeof import('onnxruntime-node');
let ortModule: Ort | null = null;
/** onnxruntime-node, loaded on first use (its native binding takes a moment). */
function ort(): Ort {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  ortModule ??= require('onnxruntime-node') as Ort;
  return ortModule;
}

/**
 * MarS's scheme's 18 int32 features per position, in the order an exported model of that scheme reads
 * them (the context-row layout). A model's own layout is its tokenizer's (`model.tokenizer.rowFeatures`,
 * `model.rowWidth`): 28 for the touch scheme.
 */
export const LMM_FEATURES = CONTEXT_ROW_FEATURES;
export const N_FEATURES = CONTEXT_ROW_WIDTH;

/** The shipped models, by name: `lmm-touch` (the default: touch-relative scheme) and `lmm-small` (MarS's scheme, the first model). */
export const SHIPPED_MODELS = ['lmm-touch', 'lmm-small'] as const;
export const DEFAULT_MODEL = 'lmm-touch';

export interface LmmArchitecture {
  dim: number;
  layers: number;
  heads: number;
  context: number;
  types: number;
  price_bins: number;
  volume_bins: number;
  interval_bins: number;
  parameters: number;
  kind: string;
  head: string;
}

export interface LmmConfigJson {
  schema: 'marsbook.lmm';
  version: number;
  name: string;
  architecture: LmmArchitecture;
  features: string[];
  files: { backbone: string; step?: string; head: string; tokenizer: string; unigram: string; bigram: string; parity: string; card: string; loss?: string };
  training: Record<string, unknown>;
  parity: { torchStepwiseVsFullMaxAbs: number; torchRingStepVsFullMaxAbs?: number };
}

export interface LoadOptions {
  /** Threads for each ONNX session (default 2). */
  threads?: number;
}

export interface HeadLogits {
  type: Float32Array;
  price: Float32Array;
  volume: Float32Array;
  interval: Float32Array;
}

export interface ScoreOptions {
  /**
   * Score tokens from here on (earlier tokens serve as context): a token index, or a time of day
   * `'HH:MM'` / `'HH:MM:SS'` (the first order at or after it). Default 1.
   */
  from?: number | string;
  /** Windows per forward call (default 8). */
  batch?: number;
  onProgress?: ProgressCallback;
}

export interface ScoreResult {
  /** Tokens scored. */
  tokens: number;
  /** Index of the first token scored. */
  from: number;
  /** log2 p(token) for each scored token (length = tokens). */
  logProb2: Float64Array;
  nllBitsPerToken: number;
  perplexity: number;
  bitsByField: { type: number; price: number; volume: number; interval: number };
  /** Top-1 accuracy of each component given the true earlier components (teacher forcing). */
  accuracy: { type: number; price: number; volume: number; interval: number };
  seconds: number;
}

/** Which model a run needs, wherever it runs: the model's name and a content hash of the files generation reads. */
export interface ModelIdentity {
  name: string;
  /** SHA-256 (hex) of config.json, the backbone, step and head graphs and the tokenizer, in that order. */
  hash: string;
}

/**
 * The identity of the model in `dir`: its name and a SHA-256 over the files that fix what it generates
 * (config.json, backbone, step graph, head, tokenizer; not the card, loss log or baselines). Two
 * folders with the same hash generate the same bytes; a retrained or edited model has another hash.
 */
export function modelIdentity(dir: string): ModelIdentity {
  const cfgPath = join(dir, 'config.json');
  if (!existsSync(cfgPath)) throw new Error(`no marsbook model at ${dir} (config.json missing)`);
  const raw = readFileSync(cfgPath);
  const config = JSON.parse(raw.toString('utf8')) as LmmConfigJson;
  const h = createHash('sha256');
  const part = (role: string, bytes: Buffer): void => {
    h.update(`${role}\0${bytes.length}\0`);
    h.update(bytes);
  };
  part('config', raw);
  for (const role of ['backbone', 'step', 'head', 'tokenizer'] as const) {
    const f = config.files[role];
    if (f) part(role, readFileSync(join(dir, f)));
  }
  return { name: config.name, hash: h.digest('hex') };
}

/** A shipped model's directory (default: the default model). */
export function shippedModelDir(name: string = DEFAULT_MODEL): string {
  return join(packageRoot(), 'data', 'models', name);
}

/** A model directory, or the name of a shipped model (`lmm-touch`, `lmm-small`). */
export function resolveModelDir(dirOrName: string): string {
  if (existsSync(join(dirOrName, 'config.json'))) return dirOrName;
  const shipped = shippedModelDir(dirOrName);
  if (/^[\w.-]+$/.test(dirOrName) && existsSync(join(shipped, 'config.json'))) return shipped;
  return dirOrName;
}

export class LargeMarketModel {
  private constructor(
    readonly dir: string,
    readonly config: LmmConfigJson,
    readonly tokenizer: OrderTokenizer,
    private readonly backbone: InferenceSession,
    private readonly headSession: InferenceSession,
    private readonly stepSession: InferenceSession | null,
  ) {}

  /** Load a model directory, or a shipped model by name (default: the default shipped model, `lmm-touch`; `lmm-small` is the first, MarS-scheme model). */
  static async load(dirOrName: string = shippedModelDir(), options: LoadOptions = {}): Promise<LargeMarketModel> {
    const dir = resolveModelDir(dirOrName);
    const cfgPath = join(dir, 'config.json');
    if (!existsSync(cfgPath)) throw new Error(`no marsbook model at ${dir} (config.json missing)`);
    const config = JSON.parse(readFileSync(cfgPath, 'utf8')) as LmmConfigJson;
    if (config.schema !== 'marsbook.lmm') throw new Error(`${cfgPath}: not a marsbook model (schema ${JSON.stringify(config.schema)})`);
    if (config.version > 1) throw new Error(`${cfgPath}: model format version ${config.version} is newer than this marsbook (1)`);
    const tokenizer = OrderTokenizer.fromJSON(JSON.parse(readFileSync(join(dir, config.files.tokenizer), 'utf8')) as TokenizerJson);
    if (config.features.join(',') !== tokenizer.rowFeatures.join(',')) throw new Error(`${cfgPath}: feature layout ${config.features.join(',')} is not the one its tokenizer's ${tokenizer.scheme} scheme builds (${tokenizer.rowFeatures.join(',')})`);
    // The model's output layers were sized for one vocabulary: a tokenizer with other bins would decode nonsense.
    const a = config.architecture;
    const l = tokenizer.config.layout;
    const mismatch = (['types', 'price', 'volume', 'interval'] as const).filter((k) => (k === 'types' ? l.types !== a.types : l[`${k}Bins`] !== a[`${k}_bins`]));
    if (mismatch.length) {
      throw new Error(`${dir}: its tokenizer (${l.types} types × ${l.priceBins} × ${l.volumeBins} × ${l.intervalBins}) does not match the model (${a.types} × ${a.price_bins} × ${a.volume_bins} × ${a.interval_bins}): ${mismatch.join(', ')} differ`);
    }
    const o = ort();
    const opts: InferenceSession.SessionOptions = {
      intraOpNumThreads: options.threads ?? 2,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    };
    const backbone = await o.InferenceSession.create(join(dir, config.files.backbone), opts);
    // The head is tiny: on one thread it needs no pool, and a pool's threads busy-wait after each run,
    // taking the cores from the step graph that runs next (measured: 8.6 → 4.9 ms per batch-64 step).
    const head = await o.InferenceSession.create(join(dir, config.files.head), { ...opts, intraOpNumThreads: 1 });
    const step = config.files.step ? await o.InferenceSession.create(join(dir, config.files.step), opts) : null;
    return new LargeMarketModel(dir, config, tokenizer, backbone, head, step);
  }

  get name(): string {
    return this.config.name;
  }

  private identityCache: ModelIdentity | null = null;
  /** Name and content hash of the model's files (`modelIdentity`; read once, when first asked). */
  identity(): ModelIdentity {
    return (this.identityCache ??= modelIdentity(this.dir));
  }
  /** Ints per input position (its tokenizer's row width: 18 for MarS's scheme, 28 for the touch scheme). */
  get rowWidth(): number {
    return this.tokenizer.rowWidth;
  }
  get arch(): LmmArchitecture {
    return this.config.architecture;
  }
  get context(): number {
    return this.config.architecture.context;
  }
  get parameters(): number {
    return this.config.architecture.parameters;
  }

  /** The model card (MODEL_CARD.md). */
  card(): string {
    const p = join(this.dir, this.config.files.card);
    return existsSync(p) ? readFileSync(p, 'utf8') : '';
  }

  emptyCache(batch: number): KvCache {
    const a = this.arch;
    return KvCache.empty(a.layers, batch, a.heads, a.dim / a.heads);
  }

  /**
   * Run the backbone on `seq` new positions of `batch` sequences (features: [batch, seq, 18] int32,
   * row-major) after the cached ones. Returns the hidden state of every new position [batch, seq, dim]
   * and the cache extended by `seq` positions.
   */
  async forward(features: Int32Array, batch: number, seq: number, past: KvCache = this.emptyCache(batch)): Promise<{ hidden: Float32Array; cache: KvCache }> {
    const N_FEATURES = this.rowWidth;
    if (features.length !== batch * seq * N_FEATURES) throw new RangeError(`forward: ${features.length} features for [${batch}, ${seq}, ${N_FEATURES}]`);
    if (past.batch !== batch) throw new RangeError(`forward: cache for ${past.batch} rows, features for ${batch}`);
    const o = ort();
    const out = await this.backbone.run({
      features: new o.Tensor('int32', features, [batch, seq, N_FEATURES]),
      past_k: new o.Tensor('float32', past.k, past.dims),
      past_v: new o.Tensor('float32', past.v, past.dims),
    });
    const pk = out.present_k as Tensor;
    const pv = out.present_v as Tensor;
    const a = this.arch;
    return {
      hidden: (out.hidden as Tensor).data as Float32Array,
      cache: new KvCache(a.layers, batch, a.heads, a.dim / a.heads, past.length + seq, pk.data as Float32Array, pv.data as Float32Array),
    };
  }

  /** Whether the model has the ring-cache step graph (fast batched generation). */
  get hasStep(): boolean {
    return this.stepSession !== null;
  }

  /**
   * One generation step with a ring cache: the token at absolute `position` (features [batch, 18]),
   * against `ring`, whose slot p mod C holds position p's keys and values. Returns the hidden state
   * [batch, dim]; the new keys and values are written into slot position mod C. The cache is read in
   * place, not copied (what makes batched generation cheap).
   */
  async step(features: Int32Array, ring: RingCache, position: number): Promise<Float32Array> {
    if (!this.stepSession) throw new Error(`${this.name}: no step graph (re-export the model with train/export.py)`);
    const o = ort();
    const B = ring.batch;
    const feeds: Record<string, Tensor> = {
      features: new o.Tensor('int32', features, [B, 1, this.rowWidth]),
      position: new o.Tensor('int64', BigInt64Array.from([BigInt(position)]), [1]),
    };
    const dims = ring.layerDims;
    for (let l = 0; l < ring.layers; l++) {
      feeds[`k_${l}`] = new o.Tensor('float32', ring.k[l], dims);
      feeds[`v_${l}`] = new o.Tensor('float32', ring.v[l], dims);
    }
    const out = await this.stepSession.run(feeds);
    ring.write(position % ring.capacity, (out.new_k as Tensor).data as Float32Array, (out.new_v as Tensor).data as Float32Array);
    return (out.hidden as Tensor).data as Float32Array;
  }

  /** The head on `n` hidden states with the components chosen so far (cond: [n, 3] = type, price, volume). */
  async head(hidden: Float32Array, n: number, cond: Int32Array): Promise<HeadLogits> {
    const o = ort();
    const out = await this.headSession.run({
      hidden: new o.Tensor('float32', hidden.length === n * this.arch.dim ? hidden : hidden.subarray(0, n * this.arch.dim), [n, this.arch.dim]),
      cond: new o.Tensor('int32', cond, [n, 3]),
    });
    return {
      type: (out.logits_type as Tensor).data as Float32Array,
      price: (out.logits_price as Tensor).data as Float32Array,
      volume: (out.logits_volume as Tensor).data as Float32Array,
      interval: (out.logits_interval as Tensor).data as Float32Array,
    };
  }

  /**
   * log-probabilities of real order flow under the model. Every token from `from` on is scored once,
   * with up to a full context before it: windows of `context` + 1 tokens every `context`/2, each
   * counting the targets not scored before (as the trainer's validation does).
   */
  async score(tokens: OrderTokens, options: ScoreOptions = {}): Promise<ScoreResult> {
    const t0 = performance.now();
    const n = tokens.length;
    const C = this.context;
    const from = Math.max(1, scoreStart(tokens, options.from));
    const B = options.batch ?? 8;
    if (tokens.meta.scheme !== this.tokenizer.scheme) throw new Error(`score: these tokens use the ${tokens.meta.scheme} scheme, model ${this.name} reads the ${this.tokenizer.scheme} scheme (encode them with model.tokenizer)`);
    const feats = tokenFeatures(tokens);
    const N_FEATURES = this.rowWidth;
    const half = C >> 1;
    // window starts and the first target each counts
    const starts: number[] = [];
    const firstTarget: number[] = [];
    let covered = from;
    let s = Math.max(0, from - 1 - half);
    while (covered < n) {
      s = Math.min(s, Math.max(0, n - C - 1));
      starts.push(s);
      firstTarget.push(covered);
      covered = Math.max(covered, s + C + 1);
      s += half;
    }
    const logProb2 = new Float64Array(Math.max(0, n - from));
    const done = new Uint8Array(logProb2.length);
    const sums = [0, 0, 0, 0];
    const hits = [0, 0, 0, 0];
    const ls = new Float64Array(64);
    const dims = [this.arch.types, this.arch.price_bins, this.arch.volume_bins, this.arch.interval_bins];
    const seqLen = Math.min(C, n - 1);
    const progress = autoProgress(`scoring ${tokens.meta.symbol}`, options.onProgress);
    for (let w0 = 0; w0 < starts.length; w0 += B) {
      const nb = Math.min(B, starts.length - w0);
      const f = new Int32Array(nb * seqLen * N_FEATURES);
      for (let b = 0; b < nb; b++) f.set(feats.subarray(starts[w0 + b] * N_FEATURES, (starts[w0 + b] + seqLen) * N_FEATURES), b * seqLen * N_FEATURES);
      const { hidden } = await this.forward(f, nb, seqLen);
      const cond = new Int32Array(nb * seqLen * 3);
      for (let b = 0; b < nb; b++) {
        for (let j = 0; j < seqLen; j++) {
          const t = Math.min(n - 1, starts[w0 + b] + j + 1);
          for (let c = 0; c < 3; c++) cond[(b * seqLen + j) * 3 + c] = feats[t * N_FEATURES + c];
        }
      }
      const logits = await this.head(hidden, nb * seqLen, cond);
      const parts = [logits.type, logits.price, logits.volume, logits.interval];
      for (let b = 0; b < nb; b++) {
        const s0 = starts[w0 + b];
        const lo = firstTarget[w0 + b];
        for (let j = 0; j < seqLen; j++) {
          const t = s0 + j + 1;
          if (t < lo || t >= n || done[t - from]) continue;
          done[t - from] = 1;
          const row = b * seqLen + j;
          let total = 0;
          for (let c = 0; c < 4; c++) {
            const k = dims[c];
            logSoftmax(parts[c], row * k, k, ls);
            const y = feats[t * N_FEATURES + c];
            total += ls[y];
            sums[c] -= ls[y];
            let arg = 0;
            for (let i = 1; i < k; i++) if (ls[i] > ls[arg]) arg = i;
            if (arg === y) hits[c]++;
          }
          logProb2[t - from] = total / Math.LN2;
        }
      }
      progress.onProgress?.(Math.min(starts.length, w0 + nb), starts.length);
    }
    progress.finish();
    const m = logProb2.length;
    const bits = sums.map((x) => x / Math.LN2 / m);
    const nll = bits[0] + bits[1] + bits[2] + bits[3];
    return {
      tokens: m,
      from,
      logProb2,
      nllBitsPerToken: nll,
      perplexity: 2 ** nll,
      bitsByField: { type: bits[0], price: bits[1], volume: bits[2], interval: bits[3] },
      accuracy: { type: hits[0] / m, price: hits[1] / m, volume: hits[2] / m, interval: hits[3] / m },
      seconds: (performance.now() - t0) / 1000,
    };
  }
}

/** The model's input features of every token (row-major [n, row width] int32, in the tokens' scheme). */
export function tokenFeatures(tokens: OrderTokens, out?: Int32Array): Int32Array {
  return tokens.meta.scheme === 'touch' ? touchTokenFeatures(tokens, out ?? new Int32Array(tokens.length * TOUCH_ROW_WIDTH)) : marsTokenFeatures(tokens, out ?? new Int32Array(tokens.length * N_FEATURES));
}

function touchTokenFeatures(tokens: OrderTokens, out: Int32Array): Int32Array {
  const W = TOUCH_ROW_WIDTH;
  const L2 = 2 * TOUCH_LEVELS;
  const G2 = 2 * (TOUCH_LEVELS - 1);
  const { type, priceBin, volumeBin, intervalBin, changeBp, timeBucket, volumeRatio, fillRatio, spreadBin, depth, gap, tradeAge } = tokens;
  for (let i = 0; i < tokens.length; i++) {
    const at = i * W;
    out[at] = type[i];
    out[at + 1] = priceBin[i];
    out[at + 2] = volumeBin[i];
    out[at + 3] = intervalBin[i];
    out[at + 4] = changeBp[i];
    out[at + 5] = timeBucket[i];
    out[at + 6] = volumeRatio[i];
    out[at + 7] = fillRatio[i];
    out[at + TOUCH_ROW.spread] = spreadBin[i];
    for (let s = 0; s < L2; s++) out[at + TOUCH_ROW.depth + s] = depth[i * L2 + s];
    for (let s = 0; s < G2; s++) out[at + TOUCH_ROW.gap + s] = gap[i * G2 + s];
    out[at + TOUCH_ROW.tradeAge] = tradeAge[i];
  }
  return out;
}

function marsTokenFeatures(tokens: OrderTokens, out: Int32Array): Int32Array {
  // Columns as locals (not a property load per token per feature).
  const { type, priceBin, volumeBin, intervalBin, changeBp, timeBucket, volumeRatio, fillRatio, lob } = tokens;
  for (let i = 0; i < tokens.length; i++) {
    const at = i * N_FEATURES;
    out[at] = type[i];
    out[at + 1] = priceBin[i];
    out[at + 2] = volumeBin[i];
    out[at + 3] = intervalBin[i];
    out[at + 4] = changeBp[i];
    out[at + 5] = timeBucket[i];
    out[at + 6] = volumeRatio[i];
    out[at + 7] = fillRatio[i];
    for (let s = 0; s < LOB_SLOTS; s++) out[at + 8 + s] = lob[i * LOB_SLOTS + s];
  }
  return out;
}

/** The first token `score` scores: `from` as an index, or the first order at or after a time of day. */
export function scoreStart(tokens: OrderTokens, from: number | string | undefined): number {
  if (from === undefined) return 1;
  if (typeof from === 'number') {
    if (!Number.isInteger(from) || from < 0) throw new RangeError(`score: from must be a token index (a non-negative integer) or a time of day 'HH:MM' (found ${from})`);
    return from;
  }
  let seconds: number;
  try {
    seconds = clockSeconds(String(from));
  } catch {
    throw new RangeError(`score: from must be a token index or a time of day 'HH:MM' or 'HH:MM:SS' (found ${JSON.stringify(from)})`);
  }
  return lowerBound(tokens.time, seconds);
}
