/**
 * Keys and values of every past position, per layer, batch row and head: [L, B, H, P, D] float32,
 * as the exported backbone takes and returns them. The backbone returns a new, longer cache each call;
 * `keepLast` drops the oldest positions (rotary positions make attention depend only on distances,
 * but the model was trained on windows of `context` positions, so the runtime re-primes instead).
 */
export class KvCache {
  constructor(
    readonly layers: number,
    readonly batch: number,
    readonly heads: number,
    readonly headDim: number,
    readonly length: number,
    readonly k: Float32Array,
    readonly v: Float32Array,
  ) {
    const want = layers * batch * heads * length * headDim;
    if (k.length !== want || v.length !== want) throw new RangeError(`KvCache: ${k.length}/${v.length} values for shape [${layers},${batch},${heads},${length},${headDim}]`);
  }

  static empty(layers: number, batch: number, heads: number, headDim: number): KvCache {
    return new KvCache(layers, batch, heads, headDim, 0, new Float32Array(0), new Float32Array(0));
  }

  get dims(): number[] {
    return [this.layers, this.batch, this.heads, this.length, this.headDim];
  }

  /** Rows `rows` of the batch (e.g. to continue some sequences and not others). */
  selectRows(rows: readonly number[]): KvCache {
    const per = this.heads * this.length * this.headDim;
    const k = new Float32Array(this.layers * rows.length * per);
    const v = new Float32Array(k.length);
    for (let l = 0; l < this.layers; l++) {
      rows.forEach((r, j) => {
        const src = (l * this.batch + r) * per;
        const dst = (l * rows.length + j) * per;
        k.set(this.k.subarray(src, src + per), dst);
        v.set(this.v.subarray(src, src + per), dst);
      });
    }
    return new KvCache(this.layers, rows.length, this.heads, this.headDim, this.length, k, v);
  }
}

/**
 * A fixed-size cache for generation: per layer, keys and values [B, H, C, D] float32 (one array each,
 * passed to the step graph as separate inputs, so nothing is sliced or copied); position p lives in
 * slot p mod C.
 */
export class RingCache {
  readonly k: Float32Array[];
  readonly v: Float32Array[];

  constructor(
    readonly layers: number,
    readonly batch: number,
    readonly heads: number,
    readonly capacity: number,
    readonly headDim: number,
  ) {
    const n = batch * heads * capacity * headDim;
    this.k = Array.from({ length: layers }, () => new Float32Array(n));
    this.v = Array.from({ length: layers }, () => new Float32Array(n));
  }

  /** Shape of one layer's keys or values. */
  get layerDims(): number[] {
    return [this.batch, this.heads, this.capacity, this.headDim];
  }

  /** Write one position's keys/values ([L, B, H, 1, D]) into `slot`. */
  write(slot: number, k: Float32Array, v: Float32Array): void {
    const D = this.headDim;
    const C = this.capacity;
    const BH = this.batch * this.heads;
    let src = 0;
    for (let l = 0; l < this.layers; l++) {
      const kl = this.k[l];
      const vl = this.v[l];
      for (let bh = 0; bh < BH; bh++, src += D) {
        const dst = (bh * C + slot) * D;
        kl.set(k.subarray(src, src + D), dst);
        vl.set(v.subarray(src, src + D), dst);
      }
    }
  }

  /** Fill slots [0, len) from a cache of `len` positions (after priming). */
  load(cache: KvCache): void {
    if (cache.layers !== this.layers || cache.batch !== this.batch || cache.heads !== this.heads || cache.headDim !== this.headDim) {
      throw new RangeError('RingCache.load: shapes differ');
    }
    if (cache.length > this.capacity) throw new RangeError(`RingCache.load: ${cache.length} positions for ${this.capacity} slots`);
    const D = this.headDim;
    const per = cache.length * D;
    const BH = this.batch * this.heads;
    for (let l = 0; l < this.layers; l++) {
      for (let bh = 0; bh < BH; bh++) {
        const src = (l * BH + bh) * per;
        this.k[l].set(cache.k.subarray(src, src + per), bh * this.capacity * D);
        this.v[l].set(cache.v.subarray(src, src + per), bh * this.capacity * D);
      }
    }
  }
}
