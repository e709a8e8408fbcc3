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
