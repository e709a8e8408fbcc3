/**
 * Turning logits into choices: log-softmax, and seeded sampling with temperature, top-k and top-p.
 * The head is factorized (type, then price, volume and interval, each given the parts before), so
 * these apply to each component's conditional distribution in turn. No allocation per call beyond a
 * scratch buffer reused across calls.
 */
import type { Rng } from '../util/rng';

export interface SamplingOptions {
  /** Divides the logits (1 = the model's distribution; → 0 approaches argmax). Default 1. */
  temperature?: number;
  /** Keep only the k most likely values of each component (0 = all). */
  topK?: number;
  /** Keep the smallest set of most likely values whose probability reaches p (1 = all). */
  topP?: number;
}

/** log p of every entry of logits[offset .. offset+n), written to out[0..n); returns nothing. */
export function logSoftmax(logits: Float32Array, offset: number, n: number, out: Float64Array): void {
  let max = -Infinity;
  for (let i = 0; i < n; i++) if (logits[offset + i] > max) max = logits[offset + i];
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.exp(logits[offset + i] - max);
  const lse = max + Math.log(s);
  for (let i = 0; i < n; i++) out[i] = logits[offset + i] - lse;
}

export class Sampler {
  private readonly lp = new Float64Array(64);
  private readonly w = new Float64Array(64);
  private readonly order = new Int32Array(64);
  readonly temperature: number;
  readonly topK: number;
  readonly topP: number;

  constructor(options: SamplingOptions = {}) {
    this.temperature = options.temperature ?? 1;
    this.topK = options.topK ?? 0;
    this.topP = options.topP ?? 1;
    if (!(this.temperature >= 0)) throw new RangeError(`temperature must be ≥ 0, got ${this.temperature}`);
    if (!(this.topP > 0 && this.topP <= 1)) throw new RangeError(`topP must be in (0, 1], got ${this.topP}`);
  }

  /**
   * Draw an index from logits[offset .. offset+n). Returns the index; `lastLogProb` holds its log
   * probability under the model (temperature 1, no truncation), for scoring what was generated.
   */
  lastLogProb = 0;

  sample(logits: Float32Array, offset: number, n: number, rng: Rng): number {
    const lp = this.lp;
    logSoftmax(logits, offset, n, lp);
    let pick: number;
    if (this.temperature === 0) {
      pick = 0;
      for (let i = 1; i < n; i++) if (lp[i] > lp[pick]) pick = i;
    } else {
      const w = this.w;
      let max = -Infinity;
      for (let i = 0; i < n; i++) {
        w[i] = lp[i] / this.temperature;
        if (w[i] > max) max = w[i];
      }
      let total = 0;
      for (let i = 0; i < n; i++) total += w[i] = Math.exp(w[i] - max);
      if (this.topK > 0 || this.topP < 1) total = this.truncate(n, total);
      let x = rng.float() * total;
      pick = n - 1;
      for (let i = 0; i < n; i++) {
        x -= w[i];
        if (x < 0 && w[i] > 0) {
          pick = i;
          break;
        }
      }
      while (w[pick] === 0 && pick > 0) pick--;
    }
    this.lastLogProb = lp[pick];
    return pick;
  }

  /** Zero the weights outside the top-k / top-p set; returns the remaining total. */
  private truncate(n: number, total: number): number {
    const w = this.w;
    const order = this.order;
    for (let i = 0; i < n; i++) order[i] = i;
    // n ≤ 32: insertion sort by weight, descending
    for (let i = 1; i < n; i++) {
      const v = order[i];
      let j = i - 1;
      while (j >= 0 && w[order[j]] < w[v]) {
        order[j + 1] = order[j];
        j--;
      }
      order[j + 1] = v;
    }
    const k = this.topK > 0 ? Math.min(this.topK, n) : n;
    let kept = 0;
    let acc = 0;
    for (let r = 0; r < n; r++) {
      const i = order[r];
      if (r < k && acc < this.topP * total) {
        acc += w[i];
        kept += w[i];
      } else w[i] = 0;
    }
    return kept;
  }
}
