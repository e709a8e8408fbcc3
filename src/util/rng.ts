/**
 * Seeded random numbers for everything in marsbook that draws: fixtures, noise agents, bin sampling,
 * token sampling, trajectories. One generator (xoroshiro128+ from pure-rand, mutated in place so a draw
 * allocates nothing) behind a small interface of the distributions the project needs.
 */
import { xoroshiro128plus, xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';

type Generator = ReturnType<typeof xoroshiro128plus>;

const TWO_POW_26 = 67108864;
const TWO_POW_53 = 9007199254740992;

export class Rng {
  private gen: Generator;
  private spareNormal = NaN;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new RangeError(`Rng seed must be a finite number, got ${seed}`);
    this.gen = xoroshiro128plus(seed | 0);
    // Discard a few outputs: nearby integer seeds start from nearby states.
    for (let i = 0; i < 8; i++) this.gen.next();
  }

  /** Rebuild a generator from {@link Rng.state}. */
  static fromState(state: readonly number[]): Rng {
    const r = new Rng(0);
    r.gen = xoroshiro128plusFromState(state);
    return r;
  }

  /**
   * Stream `index` of the family named by `seed`, derived directly (O(1) whatever the index): the
   * 128-bit state is a hash of (seed, index), so trajectory 600,000 costs what trajectory 0 costs and
   * any machine can rebuild any stream from two numbers. Streams of different indices start at
   * unrelated points of xoroshiro's 2^128 period.
   */
  static stream(seed: number, index: number): Rng {
    if (!Number.isFinite(seed)) throw new RangeError(`Rng seed must be a finite number, got ${seed}`);
    if (!(Number.isInteger(index) && index >= 0 && index <= Number.MAX_SAFE_INTEGER)) throw new RangeError(`Rng stream index must be a whole number ≥ 0, got ${index}`);
    const lo = index >>> 0;
    const hi = Math.floor(index / 4294967296) >>> 0;
    const s = seed | 0;
    const words: number[] = [];
    for (let j = 0; j < 4; j++) {
      let h = fmix32((s ^ Math.imul(0x9e3779b9, j + 1)) >>> 0);
      h = fmix32((h ^ lo) >>> 0);
      h = fmix32((h + Math.imul(0x85ebca6b, hi + 1) + j) >>> 0);
      words.push(h | 0);
    }
    if ((words[0] | words[1] | words[2] | words[3]) === 0) words[0] = 1; // xoroshiro's one forbidden state
    const r = Rng.fromState(words);
    for (let i = 0; i < 8; i++) r.gen.next();
    return r;
  }

  /** The generator's internal state, to save and restore a stream exactly. */
  state(): number[] {
    return [...this.gen.getState()];
  }

  /** An independent stream: a copy of this one advanced by 2^64 draws (xoroshiro's jump). */
  fork(): Rng {
    const child = Rng.fromState(this.gen.getState());
    child.gen.jump();
    this.gen.jump();
    this.gen.jump();
    return child;
  }

  /** `n` independent streams (one per trajectory, say), derived from this one. */
  split(n: number): Rng[] {
    const out: Rng[] = [];
    for (let i = 0; i < n; i++) out.push(this.fork());
    return out;
  }

  /** Uniform on [0, 1) with 53 random bits. */
  float(): number {
    const a = this.gen.next() >>> 5;
    const b = this.gen.next() >>> 6;
    return (a * TWO_POW_26 + b) / TWO_POW_53;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** Uniform integer in [lo, hi] (both included). */
  intBetween(lo: number, hi: number): number {
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }

  /** Standard normal (Marsaglia polar method, the spare value kept for the next call). */
  normal(): number {
    if (!Number.isNaN(this.spareNormal)) {
      const s = this.spareNormal;
      this.spareNormal = NaN;
      return s;
    }
    let u = 0;
    let v = 0;
    let s = 0;
    do {
      u = this.float() * 2 - 1;
      v = this.float() * 2 - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const m = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * m;
    return u * m;
  }

  /** Exponential with the given mean. */
  exponential(mean: number): number {
    return -Math.log(1 - this.float()) * mean;
  }

  /** Index drawn from non-negative weights `w[0..n)` (n defaults to w.length). */
  weighted(w: ArrayLike<number>, n = w.length): number {
    let total = 0;
    for (let i = 0; i < n; i++) total += w[i];
    if (!(total > 0)) throw new RangeError('Rng.weighted: weights must have a positive sum');
    let x = this.float() * total;
    for (let i = 0; i < n; i++) {
      x -= w[i];
      if (x < 0) return i;
    }
    // Rounding left x at (or a hair above) zero: return the last index with weight.
    for (let i = n - 1; i >= 0; i--) if (w[i] > 0) return i;
    return n - 1;
  }
}

/** MurmurHash3's 32-bit finaliser: every input bit flips each output bit with probability about 1/2. */
function fmix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}
