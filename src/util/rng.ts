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
