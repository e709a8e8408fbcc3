/**
 * Execution results compared: per policy, the number of episodes and the mean implementation
 * shortfall (bp of the arrival mid; positive = cost); per pair of policies run on the same episodes
 * (common random numbers), the mean of the episode-by-episode difference with a paired bootstrap
 * interval (episodes resampled with replacement, percentile interval). The reference comparison is
 * MarS's: the trained agent against the best TWAP, "best" meaning the lowest mean shortfall on these
 * very episodes (chosen after the fact, which favours the TWAP a little).
 */
import { mean, sampleStandardDeviation } from 'simple-statistics';
import { Rng } from '../util/rng';
import type { ExecutionEvaluation } from '../sim/env/evaluate';

export interface PolicySummary {
  policy: string;
  episodes: number;
  meanShortfallBp: number;
  /** Standard deviation across episodes and the standard error of the mean, bp. */
  sdBp: number;
  seBp: number;
  /** Shares of Q filled passively, aggressively before the last slice, and by the forced completion. */
  passiveShare: number;
  aggressiveShare: number;
  forcedShare: number;
}

export interface ShortfallDifference {
  policy: string;
  against: string;
  /** Mean over paired episodes of shortfall(policy) − shortfall(against), bp: negative = the policy is cheaper. */
  meanBp: number;
  ci: [number, number];
  level: number;
  pairs: number;
  resamples: number;
}

export interface ExecutionComparison {
  policies: PolicySummary[];
  /** The baseline with the lowest mean shortfall (among `baselines`). */
  bestBaseline: string | null;
  /** agent − best baseline (null without the agent or a baseline). */
  difference: ShortfallDifference | null;
  /** agent − every other policy. */
  differences: ShortfallDifference[];
}

export interface CompareExecutionsOptions {
  /** The policy under study (default 'agent'). */
  agent?: string;
  /** Which policies compete for "best baseline" (default: those named twap-…). */
  baselines?: string[];
  /** Interval level (default 0.95) and bootstrap resamples (default 2,000). */
  level?: number;
  resamples?: number;
  seed?: number;
}

/** Episode shortfalls of one policy, by episode number. */
function byEpisode(policyCol: readonly string[], episode: ArrayLike<number>, values: ArrayLike<number>, name: string): Map<number, number> {
  const out = new Map<number, number>();
  for (let i = 0; i < policyCol.length; i++) if (policyCol[i] === name) out.set(episode[i], values[i]);
  return out;
}

/** Paired bootstrap of the mean difference a − b over episodes both ran (finite values only). */
export function pairedDifference(a: Map<number, number> | ArrayLike<number>, b: Map<number, number> | ArrayLike<number>, options: { level?: number; resamples?: number; seed?: number } = {}): { meanBp: number; ci: [number, number]; pairs: number } {
  const level = options.level ?? 0.95;
  const R = options.resamples ?? 2000;
  if (!(level > 0 && level < 1)) throw new RangeError(`pairedDifference: level must be in (0, 1), got ${level}`);
  if (!(Number.isInteger(R) && R >= 1)) throw new RangeError(`pairedDifference: resamples must be a whole number ≥ 1, got ${R}`);
  const am = a instanceof Map ? a : new Map(Array.from(a as ArrayLike<number>, (x, i) => [i, x]));
  const bm = b instanceof Map ? b : new Map(Array.from(b as ArrayLike<number>, (x, i) => [i, x]));
  const d: number[] = [];
  for (const [e, x] of am) {
    const y = bm.get(e);
    if (y !== undefined && Number.isFinite(x) && Number.isFinite(y)) d.push(x - y);
  }
  if (d.length === 0) return { meanBp: NaN, ci: [NaN, NaN], pairs: 0 };
  const m = mean(d);
  const rng = new Rng(options.seed ?? 0);
  const draws = new Float64Array(R);
  for (let r = 0; r < R; r++) {
    let s = 0;
    for (let i = 0; i < d.length; i++) s += d[rng.int(d.length)];
    draws[r] = s / d.length;
  }
  draws.sort();
  const q = (p: number) => {
    const x = p * (R - 1);
    const lo = Math.floor(x);
    const hi = Math.min(R - 1, lo + 1);
    return draws[lo] + (draws[hi] - draws[lo]) * (x - lo);
  };
  const alpha = (1 - level) / 2;
  return { meanBp: m, ci: [q(alpha), q(1 - alpha)], pairs: d.length };
}

/** Summaries per policy and the agent's paired differences (see the module comment). */
export function compareExecutions(evaluation: Pick<ExecutionEvaluation, 'episodes' | 'policies' | 'task'>, options: CompareExecutionsOptions = {}): ExecutionComparison {
  const c = evaluation.episodes.columns();
  const policyCol = c.policy as readonly string[];
  const episode = c.episode as Int32Array;
  const sf = c.shortfallBp as Float64Array;
  const Q = evaluation.task.quantity;
  const agent = options.agent ?? 'agent';
  const level = options.level ?? 0.95;
  const resamples = options.resamples ?? 2000;
  const summaries: PolicySummary[] = evaluation.policies.map((name) => {
    const rows: number[] = [];
    for (let i = 0; i < policyCol.length; i++) if (policyCol[i] === name && Number.isFinite(sf[i])) rows.push(i);
    const x = rows.map((i) => sf[i]);
    const share = (col: string) => (rows.length ? rows.reduce((s, i) => s + (c[col] as Float64Array)[i], 0) / (rows.length * Q) : NaN);
    const sd = x.length > 1 ? sampleStandardDeviation(x) : NaN;
    return {
      policy: name,
      episodes: x.length,
      meanShortfallBp: x.length ? mean(x) : NaN,
      sdBp: sd,
      seBp: sd / Math.sqrt(x.length),
      passiveShare: share('passiveFilled'),
      aggressiveShare: share('aggressiveFilled'),
      forcedShare: share('forcedFilled'),
    };
  });
  const baselines = options.baselines ?? evaluation.policies.filter((p) => p.startsWith('twap-'));
  let best: PolicySummary | null = null;
  for (const s of summaries) if (baselines.includes(s.policy) && s.episodes > 0 && (!best || s.meanShortfallBp < best.meanShortfallBp)) best = s;
  const hasAgent = evaluation.policies.includes(agent);
  const diff = (against: string): ShortfallDifference => {
    const r = pairedDifference(byEpisode(policyCol, episode, sf, agent), byEpisode(policyCol, episode, sf, against), { level, resamples, seed: options.seed });
    return { policy: agent, against, meanBp: r.meanBp, ci: r.ci, level, pairs: r.pairs, resamples };
  };
  return {
    policies: summaries,
    bestBaseline: best?.policy ?? null,
    difference: hasAgent && best ? diff(best.policy) : null,
    differences: hasAgent ? evaluation.policies.filter((p) => p !== agent).map(diff) : [],
  };
}
