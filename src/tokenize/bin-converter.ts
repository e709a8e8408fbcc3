/**
 * MarS's bin converter: turns a continuous or integer quantity (a price level, a size, a wait) into
 * one of `numBins` bins fitted on data, and back into a concrete value drawn from what was seen there.
 *
 * Fitting (as MarS): take up to 1M values (a seeded sample when there are more); any single value whose
 * frequency exceeds N / numBins gets a bin of its own; the rest is cut into equal-count bins. Bins are
 * `(edge[k], edge[k+1]]` (numpy's digitize with right=True), values outside the fitted range clip into
 * the edge bins and are counted. Unlike MarS, a frequent value's bin holds only that value, and no bin
 * is ever empty (so every bin can be decoded).
 *
 * Decoding draws a value from what was seen in the bin, with its frequency. MarS keeps the (up to) 100
 * most common values; that is exact for a bin of at most 100 distinct values (ticks, share counts) but
 * not for a continuous quantity: with every value distinct, "the 100 most common" are the 100 smallest,
 * so a wait bin spanning 0.76–19 s decoded to 0.76 s and the simulated clock ran about 2.5 times too
 * fast. A bin with more distinct values than are kept keeps 100 evenly spaced quantiles of its values
 * instead (a value that fills a fifth of the bin fills a fifth of them), so decoding draws from the
 * bin's own distribution to within 1%.
 */
import { Rng } from '../util/rng';

export const BIN_CONVERTER_SCHEMA = 'marsbook.bin-converter';
export const BIN_CONVERTER_VERSION = 1;

export interface BinConverterJson {
  schema: typeof BIN_CONVERTER_SCHEMA;
  version: number;
  name: string;
  numBins: number;
  /** numBins + 1 increasing edges; bin k is (edges[k], edges[k+1]]. */
  edges: number[];
  /** Per bin: the values kept for decoding (see the module comment), most common first, and how often. */
  values: number[][];
  counts: number[][];
  /** Whether a bin holds a single value (a frequent value that got its own bin). */
  single: boolean[];
  /** How many fitted values fell in each bin. */
  totals: number[];
  /** How many values the fit used. */
  fittedOn: number;
}

export interface FitOptions {
  /** Most values used (a seeded random sample when there are more). Default 1,000,000. */
  maxValues?: number;
  /** Values kept per bin for decoding (distinct values, or quantiles past that). Default 100. */
  topValues?: number;
  seed?: number;
  name?: string;
}

export class BinConverter {
  readonly numBins: number;
  readonly edges: Float64Array;
  private readonly cum: Float64Array[];
  private readonly top: Float64Array[];
  private readonly topCounts: number[][];
  readonly single: boolean[];
  /** How many fitted values fell in each bin. */
  readonly totals: number[];
  /** How many values the fit used. */
  readonly fittedOn: number;
  readonly name: string;
  /** For integer data over a modest range: bin of each integer in (edges[0], edges[n]] (no search). */
  private readonly lut: Uint8Array | null;
  private readonly lutLo: number;

  private constructor(json: BinConverterJson) {
    if (json.schema !== BIN_CONVERTER_SCHEMA) throw new Error(`not a bin converter (schema ${JSON.stringify(json.schema)})`);
    if (json.version > BIN_CONVERTER_VERSION) throw new Error(`bin converter version ${json.version} is newer than this marsbook understands (${BIN_CONVERTER_VERSION})`);
    if (json.edges.length !== json.numBins + 1) throw new Error(`bin converter ${json.name}: ${json.edges.length} edges for ${json.numBins} bins`);
    this.name = json.name;
    this.numBins = json.numBins;
    this.edges = Float64Array.from(json.edges);
    this.single = json.single.slice();
    if (json.totals.length !== json.numBins) throw new Error(`bin converter ${json.name}: ${json.totals.length} bin totals for ${json.numBins} bins`);
    this.totals = json.totals.slice();
    this.fittedOn = json.fittedOn;
    this.top = json.values.map((v) => Float64Array.from(v));
    this.topCounts = json.counts.map((c) => c.slice());
    this.cum = json.counts.map((c) => {
      const out = new Float64Array(c.length);
      let s = 0;
      for (let i = 0; i < c.length; i++) out[i] = s += c[i];
      return out;
    });
    for (let k = 0; k < this.numBins; k++) {
      if (this.top[k].length === 0) throw new Error(`bin converter ${json.name}: bin ${k} has no values to decode`);
    }
    const lo = this.edges[0];
    const hi = this.edges[this.numBins];
    const integral = this.edges.every((e) => Number.isInteger(e));
    if (integral && hi - lo <= 1 << 20 && this.numBins <= 255) {
      this.lut = new Uint8Array(hi - lo);
      this.lutLo = lo + 1;
      for (let k = 0; k < this.numBins; k++) this.lut.fill(k, this.edges[k] - lo, this.edges[k + 1] - lo);
    } else {
      this.lut = null;
      this.lutLo = 0;
    }
  }

  static fromJSON(json: BinConverterJson): BinConverter {
    return new BinConverter(json);
  }

  /**
   * Fit `numBins` bins to `values` (NaNs are an error: the caller names the row).
   * With fewer distinct values than bins, each distinct value gets its own bin and `numBins` shrinks.
   */
  static fit(values: ArrayLike<number>, numBins: number, options: FitOptions = {}): BinConverter {
    if (!(numBins >= 2 && Number.isInteger(numBins))) throw new RangeError(`numBins must be an integer ≥ 2, got ${numBins}`);
    const maxValues = options.maxValues ?? 1_000_000;
    const name = options.name ?? 'values';
    let sample: Float64Array;
    if (values.length > maxValues) {
      // A seeded partial Fisher–Yates shuffle: the first maxValues of a random permutation.
      const rng = new Rng(options.seed ?? 0);
      const all = Float64Array.from(values);
      for (let i = 0; i < maxValues; i++) {
        const j = i + rng.int(all.length - i);
        const t = all[i];
        all[i] = all[j];
        all[j] = t;
      }
      sample = all.slice(0, maxValues);
    } else sample = Float64Array.from(values);
    const n = sample.length;
    if (n === 0) throw new Error(`cannot fit bins for ${name}: no values`);
    for (let i = 0; i < n; i++) if (!Number.isFinite(sample[i])) throw new Error(`cannot fit bins for ${name}: value ${sample[i]} at position ${i}`);
    sample.sort();
    // Distinct values and their counts.
    const uniq: number[] = [];
    const cnt: number[] = [];
    for (let i = 0; i < n; i++) {
      if (i > 0 && sample[i] === sample[i - 1]) cnt[cnt.length - 1]++;
      else {
        uniq.push(sample[i]);
        cnt.push(1);
      }
    }
    const D = uniq.length;
    // Groups of distinct-value indices [lo, hi], each a bin.
    let groups: Array<{ lo: number; hi: number; count: number; single: boolean }> = [];
    if (D <= numBins) {
      for (let j = 0; j < D; j++) groups.push({ lo: j, hi: j, count: cnt[j], single: true });
    } else {
      const threshold = n / numBins;
      const isSingle = cnt.map((c) => c > threshold);
      let restCount = 0;
      let singles = 0;
      for (let j = 0; j < D; j++) {
        if (isSingle[j]) singles++;
        else restCount += cnt[j];
      }
      let binsLeft = numBins - singles;
      let countLeft = restCount;
      let open: { lo: number; hi: number; count: number; single: boolean } | null = null;
      for (let j = 0; j < D; j++) {
        if (isSingle[j]) {
          if (open) {
            groups.push(open);
            binsLeft--;
            countLeft -= open.count;
            open = null;
          }
          groups.push({ lo: j, hi: j, count: cnt[j], single: true });
          continue;
        }
        if (!open) open = { lo: j, hi: j, count: 0, single: false };
        open.hi = j;
        open.count += cnt[j];
        if (binsLeft > 1 && open.count >= countLeft / binsLeft) {
          groups.push(open);
          binsLeft--;
          countLeft -= open.count;
          open = null;
        }
      }
      if (open) groups.push(open);
      groups = rebalance(groups, numBins, cnt);
    }
    const edges = [uniq[0] - 1];
    for (const g of groups) edges.push(uniq[g.hi]);
    const topValues = options.topValues ?? 100;
    const vals: number[][] = [];
    const counts: number[][] = [];
    for (const g of groups) {
      const pairs: Array<[number, number]> = [];
      for (let j = g.lo; j <= g.hi; j++) pairs.push([uniq[j], cnt[j]]);
      const kept = decodeTable(pairs, topValues);
      vals.push(kept.map((p) => p[0]));
      counts.push(kept.map((p) => p[1]));
    }
    return new BinConverter({
      schema: BIN_CONVERTER_SCHEMA,
      version: BIN_CONVERTER_VERSION,
      name,
      numBins: groups.length,
      edges,
      values: vals,
      counts,
      single: groups.map((g) => g.single),
      totals: groups.map((g) => g.count),
      fittedOn: n,
    });
  }

  /**
   * Bins with fixed `edges` (bin k is (edges[k], edges[k+1]]), each keeping what was seen in it for
   * decoding, as `fit` does. A bin nothing fell in decodes to its top edge (the last
   * bin: its smallest integer), with a total of 0. Values outside the edges clip into the edge bins.
   */
  static withEdges(values: ArrayLike<number>, edges: readonly number[], options: Pick<FitOptions, 'topValues' | 'name'> = {}): BinConverter {
    const name = options.name ?? 'values';
    const n = edges.length - 1;
    if (!(n >= 2)) throw new RangeError(`${name}: at least 3 edges are needed, got ${edges.length}`);
    for (let k = 0; k < n; k++) if (!(edges[k + 1] > edges[k])) throw new RangeError(`${name}: edges must increase (edge ${k + 1} is ${edges[k + 1]} after ${edges[k]})`);
    const maps = Array.from({ length: n }, () => new Map<number, number>());
    const totals = new Array<number>(n).fill(0);
    const probe = new BinConverter({ schema: BIN_CONVERTER_SCHEMA, version: BIN_CONVERTER_VERSION, name, numBins: n, edges: edges.slice(), values: edges.slice(1).map((e) => [e]), counts: edges.slice(1).map(() => [1]), single: new Array<boolean>(n).fill(false), totals: new Array<number>(n).fill(0), fittedOn: 0 });
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (!Number.isFinite(v)) throw new Error(`cannot bin ${name}: value ${v} at position ${i}`);
      const k = probe.index(v);
      maps[k].set(v, (maps[k].get(v) ?? 0) + 1);
      totals[k]++;
    }
    const topValues = options.topValues ?? 100;
    const vals: number[][] = [];
    const counts: number[][] = [];
    maps.forEach((m, k) => {
      const pairs = decodeTable([...m.entries()].sort((a, b) => a[0] - b[0]), topValues);
      // A bin nothing fell in decodes to its nearest inner edge: its top, or the last bin's bottom (the outer edges are only clip bounds).
      if (pairs.length === 0) pairs.push([k === n - 1 ? Math.floor(edges[k]) + 1 : edges[k + 1], 1]);
      vals.push(pairs.map((p) => p[0]));
      counts.push(pairs.map((p) => p[1]));
    });
    return new BinConverter({ schema: BIN_CONVERTER_SCHEMA, version: BIN_CONVERTER_VERSION, name, numBins: n, edges: edges.slice(), values: vals, counts, single: vals.map((_, k) => edges[k + 1] - edges[k] === 1), totals, fittedOn: values.length });
  }

  /** The bin of a value (values outside the fitted range go to the edge bins). */
  index(value: number): number {
    const lut = this.lut;
    if (lut !== null) {
      const j = value - this.lutLo;
      if (j >= 0 && j < lut.length && (j | 0) === j) return lut[j];
    }
    const e = this.edges;
    const n = this.numBins;
    if (value <= e[1]) return 0;
    if (value > e[n - 1]) return n - 1;
    // smallest k with value ≤ e[k+1]
    let lo = 1;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (value <= e[mid + 1]) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** Whether a value lies outside the fitted range (and so was clipped into an edge bin). */
  isClipped(value: number): boolean {
    return value <= this.edges[0] || value > this.edges[this.numBins];
  }

  /** A value for bin `k`, drawn from the values kept for it with their frequencies. */
  sample(k: number, rng: Rng): number {
    if (!(k >= 0 && k < this.numBins)) throw new RangeError(`${this.name}: bin ${k} outside 0..${this.numBins - 1}`);
    const cum = this.cum[k];
    const x = rng.float() * cum[cum.length - 1];
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (x < cum[mid]) hi = mid;
      else lo = mid + 1;
    }
    return this.top[k][lo];
  }

  /** The most common value of bin k (a deterministic decode). */
  mode(k: number): number {
    return this.top[k][0];
  }

  /** Values kept for decoding bin k, most common first, with their counts. */
  binValues(k: number): { values: number[]; counts: number[] } {
    return { values: Array.from(this.top[k]), counts: this.topCounts[k].slice() };
  }

  /** How many fitted values fell in each bin. */
  binCounts(): number[] {
    return this.totals.slice();
  }

  /** The smallest and largest value seen in bin k among those kept for decoding. */
  keptRange(k: number): [number, number] {
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of this.top[k]) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    return [lo, hi];
  }

  toJSON(): BinConverterJson {
    return {
      schema: BIN_CONVERTER_SCHEMA,
      version: BIN_CONVERTER_VERSION,
      name: this.name,
      numBins: this.numBins,
      edges: Array.from(this.edges),
      values: this.top.map((v) => Array.from(v)),
      counts: this.topCounts.map((c) => c.slice()),
      single: this.single.slice(),
      totals: this.totals.slice(),
      fittedOn: this.fittedOn,
    };
  }
}

/**
 * Bring the greedy equal-count groups to exactly `numBins`: merge the lightest adjacent pair of
 * multi-value groups while there are too many; split the heaviest multi-value group at its count
 * median while there are too few.
 */
function rebalance(
  groups: Array<{ lo: number; hi: number; count: number; single: boolean }>,
  numBins: number,
  cnt: number[],
): Array<{ lo: number; hi: number; count: number; single: boolean }> {
  const g = groups.slice();
  while (g.length > numBins) {
    let best = -1;
    let bestCount = Infinity;
    for (let i = 0; i + 1 < g.length; i++) {
      if (g[i].single || g[i + 1].single) continue;
      const c = g[i].count + g[i + 1].count;
      if (c < bestCount) {
        bestCount = c;
        best = i;
      }
    }
    if (best < 0) {
      // Only singles are adjacent: merge the lightest adjacent pair of any kind.
      for (let i = 0; i + 1 < g.length; i++) {
        const c = g[i].count + g[i + 1].count;
        if (c < bestCount) {
          bestCount = c;
          best = i;
        }
      }
    }
    g.splice(best, 2, { lo: g[best].lo, hi: g[best + 1].hi, count: bestCount, single: false });
  }
  while (g.length < numBins) {
    let best = -1;
    let bestCount = -1;
    for (let i = 0; i < g.length; i++) {
      if (g[i].hi > g[i].lo && g[i].count > bestCount) {
        bestCount = g[i].count;
        best = i;
      }
    }
    if (best < 0) break;
    const { lo, hi, count } = g[best];
    let acc = 0;
    let cut = lo;
    for (let j = lo; j < hi; j++) {
      acc += cnt[j];
      cut = j;
      if (acc >= count / 2) break;
    }
    const left = { lo, hi: cut, count: acc, single: lo === cut };
    const right = { lo: cut + 1, hi, count: count - acc, single: cut + 1 === hi };
    g.splice(best, 1, left, right);
  }
  return g;
}

/**
 * What a bin keeps for decoding, most common first: all its distinct values when there are at most
 * `keep`, else `keep` evenly spaced quantiles of its values (the value at rank (j + ½)·n/keep, j < keep),
 * equal ones merged. `pairs`: the bin's distinct values in increasing order, with their counts.
 */
function decodeTable(pairs: Array<[number, number]>, keep: number): Array<[number, number]> {
  let out: Array<[number, number]>;
  if (pairs.length <= keep) out = pairs.slice();
  else {
    let total = 0;
    for (const p of pairs) total += p[1];
    out = [];
    let i = 0;
    let below = 0; // values before pairs[i]
    for (let j = 0; j < keep; j++) {
      const rank = Math.floor(((j + 0.5) * total) / keep);
      while (below + pairs[i][1] <= rank) below += pairs[i++][1];
      const v = pairs[i][0];
      if (out.length > 0 && out[out.length - 1][0] === v) out[out.length - 1][1]++;
      else out.push([v, 1]);
    }
  }
  return out.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
}
