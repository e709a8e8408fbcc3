/**
 * The unigram and bigram baselines a model is compared with, from the counts of its own training
 * tokens (exported as unigram.mbt.gz and bigram.mbt.gz), with the trainer's smoothing:
 * unigram add-½ over the vocabulary; bigram interpolated absolute discounting backing off to it.
 */
import { join } from 'node:path';
import { readColumnFile } from '../tokenize/token-file';

export class NgramBaselines {
  private readonly pairs = new Map<number, number>();
  private readonly prevTotal: Float64Array;
  private readonly prevTypes: Float64Array;

  private constructor(
    readonly vocab: number,
    private readonly uni: Uint32Array,
    private readonly n: number,
    private readonly alpha: number,
    readonly discount: number,
    prev: Uint16Array,
    next: Uint16Array,
    count: Uint32Array,
  ) {
    this.prevTotal = new Float64Array(vocab);
    this.prevTypes = new Float64Array(vocab);
    for (let i = 0; i < prev.length; i++) {
      this.pairs.set(prev[i] * vocab + next[i], count[i]);
      this.prevTotal[prev[i]] += count[i];
      this.prevTypes[prev[i]]++;
    }
  }

  static load(dir: string, files = { unigram: 'unigram.mbt.gz', bigram: 'bigram.mbt.gz' }): NgramBaselines {
    const u = readColumnFile(join(dir, files.unigram));
    const b = readColumnFile(join(dir, files.bigram));
    const uni = u.columns.count.data as Uint32Array;
    return new NgramBaselines(
      uni.length,
      uni,
      Number(u.meta.tokens),
      Number(u.meta.alpha ?? 0.5),
      Number(b.meta.discount),
      b.columns.prev.data as Uint16Array,
      b.columns.next.data as Uint16Array,
      b.columns.count.data as Uint32Array,
    );
  }

  pUnigram(y: number): number {
    return (this.uni[y] + this.alpha) / (this.n + this.alpha * this.vocab);
  }

  pBigram(x: number, y: number): number {
    const c = this.prevTotal[x];
    const pu = this.pUnigram(y);
    if (c === 0) return pu;
    const cxy = this.pairs.get(x * this.vocab + y) ?? 0;
    return Math.max(cxy - this.discount, 0) / c + ((this.discount * this.prevTypes[x]) / c) * pu;
  }

  /** Bits per token of ids[from..) under each baseline (each token given the one before it). */
  bits(ids: ArrayLike<number>, from = 1): { unigram: number; bigram: number; tokens: number } {
    let u = 0;
    let b = 0;
    let n = 0;
    for (let t = Math.max(1, from); t < ids.length; t++) {
      u -= Math.log2(this.pUnigram(ids[t]));
      b -= Math.log2(this.pBigram(ids[t - 1], ids[t]));
      n++;
    }
    return { unigram: u / n, bigram: b / n, tokens: n };
  }
}
