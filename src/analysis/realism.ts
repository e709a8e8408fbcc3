/**
 * How close generated order flow is to real order flow: LOB-Bench's scores (`lob-scores.ts`), each
 * compared real against generated with its L1 and Wasserstein-1 distances and 99% bootstrap intervals
 * (`distances.ts`), plus the summary over scores (mean, median, interquartile mean). The same code
 * scores any generator: marsbook's worlds, or LOBSTER files written by something else.
 *
 * Conditional scores (the conditioning variable cut into deciles of the pooled values, a distance per
 * group, averaged weighted by group size): touch volume given spread, spread given hour, spread given
 * the sequence's volatility.
 */
import { quantileSorted } from 'simple-statistics';
import { interval, l1Draws, summarizeScores, w1Draws, type BootstrapDraws, type DistanceWithInterval } from './distances';
import { DISCRETE_SCORES, sequenceScores, type LobSequence, type SequenceScores } from './lob-scores';

export interface ScoreComparison {
  score: string;
  conditional: boolean;
  /** Values compared (real, generated). */
  n: [number, number];
  l1: DistanceWithInterval;
  w1: DistanceWithInterval;
}

export interface RealismReport {
  scores: ScoreComparison[];
  summary: { l1: ReturnType<typeof summarizeScores>; w1: ReturnType<typeof summarizeScores> };
  sequences: { real: number; generated: number };
}

export interface RealismOptions {
  /** Bootstrap resamples per score (default 100, as LOB-Bench). */
  resamples?: number;
  seed?: number;
}

function pool(seqs: SequenceScores[], score: string): number[] {
  const out: number[] = [];
  for (const s of seqs) for (const v of s.scores[score] ?? []) out.push(v);
  return out;
}

/** Decile edges of pooled values (duplicates removed, so a discrete variable gets fewer groups). */
function decileEdges(values: number[]): number[] {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0) return [];
  const edges = new Set<number>();
  for (let q = 1; q < 10; q++) edges.add(quantileSorted(v, q / 10));
  return [...edges].sort((a, b) => a - b);
}

function groupOf(edges: number[], x: number): number {
  let g = 0;
  while (g < edges.length && x > edges[g]) g++;
  return g;
}

interface Paired {
  cond: number[];
  val: number[];
}

/**
 * A distance per group of the conditioning variable, averaged weighted by the pooled group sizes; its
 * bootstrap draws resample within each group (stratified) and are averaged with the same weights.
 */
function conditionalDraws(real: Paired, gen: Paired, grouping: (x: number) => number, draws: (a: number[], b: number[], seed: number) => BootstrapDraws, resamples: number, seed: number): BootstrapDraws {
  const groups = new Map<number, [number[], number[]]>();
  const add = (p: Paired, k: 0 | 1) => {
    for (let i = 0; i < p.cond.length; i++) {
      if (!Number.isFinite(p.cond[i]) || !Number.isFinite(p.val[i])) continue;
      const g = grouping(p.cond[i]);
      if (!groups.has(g)) groups.set(g, [[], []]);
      groups.get(g)![k].push(p.val[i]);
    }
  };
  add(real, 0);
  add(gen, 1);
  let total = 0;
  let value = 0;
  const out = new Float64Array(resamples);
  let g = 0;
  for (const [a, b] of groups.values()) {
    g++;
    if (a.length === 0 || b.length === 0) continue; // a group only one side has says nothing about the shape within it
    const w = a.length + b.length;
    const d = draws(a, b, seed + 31 * g);
    value += w * d.value;
    for (let r = 0; r < resamples; r++) out[r] += w * d.draws[r];
    total += w;
  }
  if (!(total > 0)) return { value: NaN, draws: new Float64Array(0) };
  for (let r = 0; r < resamples; r++) out[r] /= total;
  return { value: value / total, draws: out };
}

/** Real against generated sequences: every score's distances with intervals, and the summaries. */
export function realismScores(real: LobSequence[], generated: LobSequence[], options: RealismOptions = {}): RealismReport {
  if (real.length === 0 || generated.length === 0) throw new RangeError(`realism: need real and generated sequences (got ${real.length} and ${generated.length})`);
  const R = real.map(sequenceScores);
  const G = generated.map(sequenceScores);
  const resamples = options.resamples ?? 100;
  const seed = options.seed ?? 0;
  const out: ScoreComparison[] = [];
  const names = Object.keys(R[0].scores);
  names.forEach((score, k) => {
    const a = pool(R, score);
    const b = pool(G, score);
    const discrete = DISCRETE_SCORES.has(score);
    out.push({
      score,
      conditional: false,
      n: [a.length, b.length],
      l1: interval(l1Draws(a, b, discrete, { resamples, seed: seed + 2 * k })),
      w1: interval(w1Draws(a, b, { resamples, seed: seed + 2 * k + 1 })),
    });
  });
  // Conditional scores.
  const cond = (name: string, realP: Paired, genP: Paired, grouping: (x: number) => number, discrete: boolean) => {
    const k = out.length;
    out.push({
      score: name,
      conditional: true,
      n: [realP.val.length, genP.val.length],
      l1: interval(conditionalDraws(realP, genP, grouping, (a, b, sd) => l1Draws(a, b, discrete, { resamples, seed: sd }), resamples, seed + 1000 * k)),
      w1: interval(conditionalDraws(realP, genP, grouping, (a, b, sd) => w1Draws(a, b, { resamples, seed: sd }), resamples, seed + 1000 * k + 500)),
    });
  };
  for (const side of ['ask', 'bid']) {
    const spreadEdges = decileEdges([...pool(R, 'spread'), ...pool(G, 'spread')]);
    cond(`${side}_volume_touch | spread`, { cond: pool(R, 'spread'), val: pool(R, `${side}_volume_touch`) }, { cond: pool(G, 'spread'), val: pool(G, `${side}_volume_touch`) }, (x) => groupOf(spreadEdges, x), false);
  }
  const hours = (S: SequenceScores[]) => S.flatMap((s) => s.hour);
  cond('spread | hour', { cond: hours(R), val: pool(R, 'spread') }, { cond: hours(G), val: pool(G, 'spread') }, (x) => x, true);
  const volEdges = decileEdges([...R, ...G].map((s) => s.volatility));
  const byVol = (S: SequenceScores[]): Paired => ({ cond: S.flatMap((s) => s.scores.spread.map(() => s.volatility)), val: pool(S, 'spread') });
  cond('spread | volatility', byVol(R), byVol(G), (x) => groupOf(volEdges, x), true);
  return {
    scores: out,
    summary: { l1: summarizeScores(out.map((s) => s.l1.value)), w1: summarizeScores(out.map((s) => s.w1.value)) },
    sequences: { real: real.length, generated: generated.length },
  };
}
