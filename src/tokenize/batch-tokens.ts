/**
 * Order-batch tokens (MarS section 2): a window of orders (default one minute) becomes an "order image",
 * type × price bin × volume bin (3 × 32 × 32), each pixel the number of such orders clipped to 0..100,
 * with summary features beside it. A learned codebook turns each image into one token: MarS uses a
 * VQ-GAN (8,192 codes, 64 tokens a minute); here vector quantization by k-means over the images
 * (size configurable), on √count (which steadies the variance of counts), with the reconstruction error
 * reported. The codebook interface (fit / encode / reconstruct / evaluate) leaves room for a VQ-VAE.
 */
import { ColumnarFrame, type Columns } from '../data/tables';
import type { OrderEvents } from '../data/order-events';
import type { OrderTokens } from './order-tokens';
import { assign, kmeans, toSparseRows } from './kmeans';
import { lowerBound } from '../util/search';

export interface OrderBatchOptions {
  /** Window length, seconds (default 60). */
  windowSeconds?: number;
  /** Seconds between window starts (default: the window length, i.e. no overlap). */
  strideSeconds?: number;
  /** Pixel cap (default 100, MarS's). */
  clip?: number;
}

export class OrderBatches extends ColumnarFrame {
  constructor(
    readonly windows: number,
    readonly shape: readonly [number, number, number],
    readonly windowSeconds: number,
    readonly strideSeconds: number,
    /** Window start, seconds after midnight. */
    readonly start: Float64Array,
    /** windows × (types · priceBins · volumeBins) pixel counts. */
    readonly images: Uint8Array,
    readonly orders: Float64Array,
    readonly sells: Float64Array,
    readonly buys: Float64Array,
    readonly cancels: Float64Array,
    readonly bidCancels: Float64Array,
    readonly askCancels: Float64Array,
    readonly aggressiveBuys: Float64Array,
    readonly aggressiveSells: Float64Array,
    readonly tradedVolume: Float64Array,
    /** VWAP of the window's aggressive orders (venue units; NaN without trades). */
    readonly vwap: Float64Array,
    /** VWAP against the previous window's (the one ending where this one starts), basis points. */
    readonly vwapChangeBp: Float64Array,
    readonly midReturnBp: Float64Array,
    readonly meanSpreadTicks: Float64Array,
    /** Best-level imbalance after the window's last order. */
    readonly imbalanceEnd: Float64Array,
    readonly symbol: string,
    readonly date: string,
  ) {
    super();
  }

  get pixels(): number {
    return this.shape[0] * this.shape[1] * this.shape[2];
  }

  /** Windows [from, to) sharing the same buffers. */
  slice(from: number, to = this.windows): OrderBatches {
    const P = this.pixels;
    const s = (a: Float64Array) => a.subarray(from, to);
    return new OrderBatches(
      to - from, this.shape, this.windowSeconds, this.strideSeconds, s(this.start), this.images.subarray(from * P, to * P),
      s(this.orders), s(this.sells), s(this.buys), s(this.cancels), s(this.bidCancels), s(this.askCancels),
      s(this.aggressiveBuys), s(this.aggressiveSells), s(this.tradedVolume), s(this.vwap), s(this.vwapChangeBp),
      s(this.midReturnBp), s(this.meanSpreadTicks), s(this.imbalanceEnd), this.symbol, this.date,
    );
  }

  /** Windows that end by time t, and windows that start at or after t. */
  splitAt(t: number): [OrderBatches, OrderBatches] {
    let a = 0;
    while (a < this.windows && this.start[a] + this.windowSeconds <= t) a++;
    let b = a;
    while (b < this.windows && this.start[b] < t) b++;
    return [this.slice(0, a), this.slice(b)];
  }

  /** The image of window w (a view). */
  image(w: number): Uint8Array {
    return this.images.subarray(w * this.pixels, (w + 1) * this.pixels);
  }

  columns(): Columns {
    return {
      start: this.start,
      orders: this.orders,
      sells: this.sells,
      buys: this.buys,
      cancels: this.cancels,
      bidCancels: this.bidCancels,
      askCancels: this.askCancels,
      aggressiveBuys: this.aggressiveBuys,
      aggressiveSells: this.aggressiveSells,
      tradedVolume: this.tradedVolume,
      vwap: this.vwap,
      vwapChangeBp: this.vwapChangeBp,
      midReturnBp: this.midReturnBp,
      meanSpreadTicks: this.meanSpreadTicks,
      imbalanceEnd: this.imbalanceEnd,
    };
  }
}

/** Windows of order images and summaries over a day's tokens (and the events they came from). */
export function orderBatches(tokens: OrderTokens, events: OrderEvents, options: OrderBatchOptions = {}): OrderBatches {
  if (tokens.length !== events.length) throw new Error(`orderBatches: ${tokens.length} tokens but ${events.length} events`);
  const win = options.windowSeconds ?? 60;
  const stride = options.strideSeconds ?? win;
  const clip = options.clip ?? 100;
  const L = tokens.layout;
  const shape = [L.types, L.priceBins, L.volumeBins] as const;
  const pixels = shape[0] * shape[1] * shape[2];
  const tick = events.meta.venue.tickSize;
  const open = events.meta.venue.open;
  const n = tokens.length;
  const time = events.time;
  const last = n ? time[n - 1] : open;
  const W = n === 0 ? 0 : Math.max(1, Math.floor((last - open) / stride) + 1);
  const col = () => new Float64Array(W);
  const start = col();
  const orders = col();
  const sells = col();
  const buys = col();
  const cancels = col();
  const bidCancels = col();
  const askCancels = col();
  const aggrBuys = col();
  const aggrSells = col();
  const traded = col();
  const vwap = col();
  const vwapChange = col();
  const midReturn = col();
  const spread = col();
  const imbalance = col();
  const images = new Uint8Array(W * pixels);
  // Prefix sums of executed quantity and notional, for window VWAPs in O(1).
  const cumQ = new Float64Array(n + 1);
  const cumV = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    cumQ[i + 1] = cumQ[i] + events.filled[i] * (events.type[i] === 2 ? 0 : 1);
    cumV[i + 1] = cumV[i] + events.notional[i];
  }
  const vwapOf = (a: number, b: number) => {
    const q = cumQ[b] - cumQ[a];
    return q > 0 ? (cumV[b] - cumV[a]) / q : NaN;
  };
  const { type, priceBin, volumeBin } = tokens;
  for (let w = 0; w < W; w++) {
    const t0 = open + w * stride;
    start[w] = t0;
    const a = lowerBound(time, t0);
    const b = lowerBound(time, t0 + win);
    orders[w] = b - a;
    const img = w * pixels;
    let sp = 0;
    let spN = 0;
    for (let i = a; i < b; i++) {
      const ty = type[i];
      const px = img + (ty * shape[1] + priceBin[i]) * shape[2] + volumeBin[i];
      if (images[px] < clip) images[px]++;
      if (ty === 0) {
        sells[w]++;
        if (events.aggressive[i]) aggrSells[w]++;
      } else if (ty === 1) {
        buys[w]++;
        if (events.aggressive[i]) aggrBuys[w]++;
      } else {
        cancels[w]++;
        if (events.side[i] > 0) bidCancels[w]++;
        else askCancels[w]++;
      }
      const s = events.spreadAfter[i];
      if (s === s) {
        sp += s;
        spN++;
      }
    }
    traded[w] = cumQ[b] - cumQ[a];
    vwap[w] = vwapOf(a, b);
    const pa = lowerBound(time, t0 - win);
    const prev = vwapOf(pa, a);
    vwapChange[w] = (vwap[w] / prev - 1) * 10_000;
    const mid0 = a > 0 ? events.midAfter[a - 1] : a < n ? events.midBefore[a] : NaN;
    const mid1 = b > 0 ? events.midAfter[b - 1] : NaN;
    midReturn[w] = (mid1 / mid0 - 1) * 10_000;
    spread[w] = spN ? sp / spN / tick : NaN;
    imbalance[w] = b > a ? events.imbalanceAfter[b - 1] : NaN;
  }
  return new OrderBatches(W, shape, win, stride, start, images, orders, sells, buys, cancels, bidCancels, askCancels, aggrBuys, aggrSells, traded, vwap, vwapChange, midReturn, spread, imbalance, events.meta.symbol, events.meta.date);
}

export const BATCH_TOKENIZER_SCHEMA = 'marsbook.batch-tokenizer';

export interface BatchTokenizerJson {
  schema: typeof BATCH_TOKENIZER_SCHEMA;
  version: number;
  windowSeconds: number;
  shape: [number, number, number];
  /** Codes are centroids of √count images, stored as round(√count × scale) in uint8, base64. */
  transform: 'sqrt';
  scale: number;
  codebookSize: number;
  codebook: string;
  /** The fitted windows' mean image (√count, same encoding): the one-code baseline. */
  mean: string;
  fittedOn: { windows: number; strideSeconds: number; sources: string[] };
  /** Reconstruction quality on the windows it was fitted on. */
  fit: BatchReconstruction;
}

export interface BatchReconstruction {
  windows: number;
  /** 1 − Σ‖x − x̂‖² / Σ‖x − x̄‖², in √count space (what k-means minimises). */
  explainedVariance: number;
  /** Mean squared error per pixel, in counts. */
  mseCounts: number;
  /** Mean over windows of ‖x − x̂‖₁ / ‖x‖₁ in counts (how much of a minute's orders a code misplaces). */
  relativeL1: number;
  /** Codes used at least once. */
  codesUsed: number;
  /**
   * Cross-entropy of each window's orders under its code's image (normalised, lightly smoothed), bits
   * per order: how well the code describes where that minute's orders fall.
   */
  bitsPerOrder: number;
  /** The same under the single mean image of the fitted windows (a one-code codebook). */
  baselineBitsPerOrder: number;
}

const SCALE = 25; // √100 = 10 → 250 fits a byte

export class BatchTokenizer {
  private constructor(
    readonly windowSeconds: number,
    readonly shape: readonly [number, number, number],
    /** codebookSize × pixels, √count space. */
    readonly codebook: Float32Array,
    readonly codebookSize: number,
    /** Mean image of the fitted windows, √count space. */
    readonly mean: Float32Array,
    readonly fittedOn: BatchTokenizerJson['fittedOn'],
    readonly fitQuality: BatchReconstruction,
  ) {}

  get pixels(): number {
    return this.shape[0] * this.shape[1] * this.shape[2];
  }

  static fit(batches: OrderBatches | OrderBatches[], options: { codebookSize?: number; seed?: number; maxIterations?: number } = {}): BatchTokenizer {
    const list = Array.isArray(batches) ? batches : [batches];
    if (list.length === 0) throw new Error('BatchTokenizer.fit: no windows');
    const shape = list[0].shape;
    const pixels = list[0].pixels;
    for (const b of list) {
      if (b.pixels !== pixels || b.windowSeconds !== list[0].windowSeconds) throw new Error('BatchTokenizer.fit: windows of different shapes or lengths');
    }
    const x = sqrtImages(list);
    const k = options.codebookSize ?? 64;
    const km = kmeans(toSparseRows(x.data, x.rows, pixels), k, { seed: options.seed ?? 0, maxIterations: options.maxIterations ?? 40 });
    const mean = new Float32Array(pixels);
    for (let r = 0; r < x.rows; r++) for (let j = 0; j < pixels; j++) mean[j] += x.data[r * pixels + j] / x.rows;
    // Store as bytes, and measure quality with the stored (quantised) codebook.
    const codebook = dequantize(quantize(km.centroids));
    const fittedOn = { windows: x.rows, strideSeconds: list[0].strideSeconds, sources: list.map((b) => `${b.symbol} ${b.date}`) };
    const tok = new BatchTokenizer(list[0].windowSeconds, shape, codebook, km.k, dequantize(quantize(mean)), fittedOn, emptyQuality());
    return new BatchTokenizer(tok.windowSeconds, shape, codebook, km.k, tok.mean, fittedOn, tok.evaluate(list));
  }

  static fromJSON(json: BatchTokenizerJson): BatchTokenizer {
    if (json.schema !== BATCH_TOKENIZER_SCHEMA) throw new Error(`not a batch tokenizer (schema ${JSON.stringify(json.schema)})`);
    const bytes = Buffer.from(json.codebook, 'base64');
    const pixels = json.shape[0] * json.shape[1] * json.shape[2];
    if (bytes.length !== json.codebookSize * pixels) throw new Error(`batch tokenizer: codebook has ${bytes.length} bytes, expected ${json.codebookSize * pixels}`);
    const unpack = (b: Buffer) => Float32Array.from(b, (v) => v / json.scale);
    const mean = Buffer.from(json.mean, 'base64');
    if (mean.length !== pixels) throw new Error(`batch tokenizer: mean image has ${mean.length} bytes, expected ${pixels}`);
    return new BatchTokenizer(json.windowSeconds, json.shape, unpack(bytes), json.codebookSize, unpack(mean), json.fittedOn, json.fit);
  }

  toJSON(): BatchTokenizerJson {
    return {
      schema: BATCH_TOKENIZER_SCHEMA,
      version: 1,
      windowSeconds: this.windowSeconds,
      shape: [this.shape[0], this.shape[1], this.shape[2]],
      transform: 'sqrt',
      scale: SCALE,
      codebookSize: this.codebookSize,
      codebook: Buffer.from(quantize(this.codebook)).toString('base64'),
      mean: Buffer.from(quantize(this.mean)).toString('base64'),
      fittedOn: this.fittedOn,
      fit: this.fitQuality,
    };
  }

  /** The code (batch token) of every window. */
  encode(batches: OrderBatches): Uint16Array {
    this.check(batches);
    const x = sqrtImages([batches]);
    const { assignment } = assign(toSparseRows(x.data, x.rows, this.pixels), this.codebook, this.codebookSize);
    return Uint16Array.from(assignment);
  }

  /** The image a code stands for, in counts (√ undone). */
  reconstruct(code: number): Float32Array {
    if (!(code >= 0 && code < this.codebookSize)) throw new RangeError(`batch code ${code} outside 0..${this.codebookSize - 1}`);
    const out = new Float32Array(this.pixels);
    for (let j = 0, at = code * this.pixels; j < this.pixels; j++, at++) out[j] = this.codebook[at] * this.codebook[at];
    return out;
  }

  /** Reconstruction quality on some windows (e.g. a held-out day). */
  evaluate(batches: OrderBatches | OrderBatches[]): BatchReconstruction {
    const list = Array.isArray(batches) ? batches : [batches];
    list.forEach((b) => this.check(b));
    const x = sqrtImages(list);
    const P = this.pixels;
    const { assignment } = assign(toSparseRows(x.data, x.rows, P), this.codebook, this.codebookSize);
    const mean = new Float64Array(P);
    for (let r = 0; r < x.rows; r++) for (let j = 0; j < P; j++) mean[j] += x.data[r * P + j] / x.rows;
    // Per-code and baseline probabilities over pixels (normalised counts, smoothed).
    const ALPHA = 0.05;
    const logq = (img: (j: number) => number): Float64Array => {
      let total = 0;
      for (let j = 0; j < P; j++) total += img(j) + ALPHA;
      const out = new Float64Array(P);
      for (let j = 0; j < P; j++) out[j] = Math.log2((img(j) + ALPHA) / total);
      return out;
    };
    const codeLogq = new Map<number, Float64Array>();
    const baseLogq = logq((j) => this.mean[j] * this.mean[j]);
    let sse = 0;
    let sst = 0;
    let mse = 0;
    let rel = 0;
    let bits = 0;
    let baseBits = 0;
    let ordersSeen = 0;
    const used = new Set<number>();
    for (let r = 0; r < x.rows; r++) {
      const c = assignment[r];
      used.add(c);
      let lq = codeLogq.get(c);
      if (!lq) {
        lq = logq((j) => this.codebook[c * P + j] ** 2);
        codeLogq.set(c, lq);
      }
      let l1 = 0;
      let norm1 = 0;
      for (let j = 0; j < P; j++) {
        const v = x.data[r * P + j];
        const h = this.codebook[c * P + j];
        sse += (v - h) ** 2;
        sst += (v - mean[j]) ** 2;
        const counts = v * v;
        const hc = h * h;
        mse += (counts - hc) ** 2;
        l1 += Math.abs(counts - hc);
        norm1 += counts;
        if (counts > 0) {
          bits -= counts * lq[j];
          baseBits -= counts * baseLogq[j];
        }
      }
      ordersSeen += norm1;
      rel += norm1 > 0 ? l1 / norm1 : 0;
    }
    return {
      windows: x.rows,
      explainedVariance: sst > 0 ? 1 - sse / sst : 1,
      mseCounts: mse / (x.rows * P),
      relativeL1: rel / x.rows,
      codesUsed: used.size,
      bitsPerOrder: ordersSeen > 0 ? bits / ordersSeen : NaN,
      baselineBitsPerOrder: ordersSeen > 0 ? baseBits / ordersSeen : NaN,
    };
  }

  private check(b: OrderBatches): void {
    if (b.pixels !== this.pixels) throw new Error(`batch tokenizer: images have ${b.pixels} pixels, the codebook ${this.pixels}`);
    if (b.windowSeconds !== this.windowSeconds) throw new Error(`batch tokenizer: fitted on ${this.windowSeconds}-s windows, given ${b.windowSeconds}-s`);
  }
}

function sqrtImages(list: OrderBatches[]): { data: Float32Array; rows: number } {
  const rows = list.reduce((a, b) => a + b.windows, 0);
  const P = list[0].pixels;
  const data = new Float32Array(rows * P);
  let at = 0;
  for (const b of list) {
    for (let i = 0; i < b.images.length; i++) data[at + i] = Math.sqrt(b.images[i]);
    at += b.images.length;
  }
  return { data, rows };
}

function quantize(c: Float32Array): Uint8Array {
  const out = new Uint8Array(c.length);
  for (let i = 0; i < c.length; i++) out[i] = Math.max(0, Math.min(255, Math.round(c[i] * SCALE)));
  return out;
}

function dequantize(q: Uint8Array): Float32Array {
  const out = new Float32Array(q.length);
  for (let i = 0; i < q.length; i++) out[i] = q[i] / SCALE;
  return out;
}

function emptyQuality(): BatchReconstruction {
  return { windows: 0, explainedVariance: NaN, mseCounts: NaN, relativeL1: NaN, codesUsed: 0, bitsPerOrder: NaN, baselineBitsPerOrder: NaN };
}
