/**
 * Run several execution policies over the same episodes: the same start states, the same seed, the
 * same world streams (common random numbers), so the difference of two policies' shortfalls on one
 * episode is their decisions' doing, not a different market. The result is columns: one row per
 * (policy, episode), and one per decision with what the policy saw and chose. Summaries and
 * intervals are `analysis`'s (`compareExecutions`).
 */
import { SimTable } from '../trajectories';
import type { StartState } from '../start-state';
import type { ExecutionEnv } from './execution-env';
import { OBSERVATION_FEATURES, type ExecutionAction, type ExecutionTask } from './execution-agent';
import type { ExecutionPolicy } from './policy';

export interface EvaluateExecutionOptions {
  env: ExecutionEnv;
  starts: StartState[];
  seed: number;
  /** Episodes from each start (default 1): episode e starts from start ⌊e / repeats⌋ and draws from stream e of the seed. */
  repeats?: number;
  policies: ExecutionPolicy[];
  /** Worlds per model batch, policies mixed (default 16). */
  batch?: number;
  /** Called after each batch with episodes done and the total (over all policies). */
  onProgress?: (done: number, total: number) => void;
}

export interface ExecutionEvaluation {
  world: string;
  task: Required<ExecutionTask>;
  seed: number;
  repeats: number;
  policies: string[];
  /** One row per (policy, episode): policy, episode, start (seconds after midnight), shortfallBp, filled, left, passiveFilled, aggressiveFilled, forced, forcedFilled, stuck. */
  episodes: SimTable;
  /** One row per (policy, episode, slice): policy, episode, slice, pvr, level (Infinity: market), and each observation feature. */
  decisions: SimTable;
  seconds: number;
}

/** Every policy on every episode (see the module comment). A sampling policy acts deterministically here (its most probable action). */
export async function evaluateExecution(o: EvaluateExecutionOptions): Promise<ExecutionEvaluation> {
  const t0 = performance.now();
  const env = o.env;
  const k = o.repeats ?? 1;
  const batch = o.batch ?? 16;
  if (!(Number.isInteger(k) && k >= 1)) throw new RangeError(`evaluateExecution: repeats must be a whole number ≥ 1, got ${k}`);
  if (!(Number.isInteger(batch) && batch >= 1)) throw new RangeError(`evaluateExecution: batch must be a whole number ≥ 1, got ${batch}`);
  if (!Array.isArray(o.starts) || o.starts.length === 0) throw new RangeError('evaluateExecution: starts must be a non-empty list of start states');
  if (!Array.isArray(o.policies) || o.policies.length === 0) throw new RangeError('evaluateExecution: policies must be a non-empty list');
  const names = o.policies.map((p) => p.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new RangeError(`evaluateExecution: two policies are named ${JSON.stringify(dup)}`);
  const E = o.starts.length * k;
  const N = env.task.slices;
  const F = OBSERVATION_FEATURES.length;
  const P = o.policies.length;
  const ep = {
    policy: [] as string[],
    episode: new Int32Array(P * E),
    start: new Float64Array(P * E),
    shortfallBp: new Float64Array(P * E),
    filled: new Float64Array(P * E),
    left: new Float64Array(P * E),
    passiveFilled: new Float64Array(P * E),
    aggressiveFilled: new Float64Array(P * E),
    forced: new Float64Array(P * E),
    forcedFilled: new Float64Array(P * E),
    stuck: new Uint8Array(P * E),
  };
  const D = P * E * N;
  const dec = { policy: [] as string[], episode: new Int32Array(D), slice: new Int32Array(D), pvr: new Float64Array(D).fill(NaN), level: new Float64Array(D).fill(NaN) };
  const feats = OBSERVATION_FEATURES.map(() => new Float64Array(D).fill(NaN));
  // Worlds j = p·E + e (policy p on episode e) in batches of `batch`: several policies share a model
  // batch, and episode e runs on stream e of the seed whatever its policy (common random numbers).
  const total = P * E;
  for (let j0 = 0; j0 < total; j0 += batch) {
    const j1 = Math.min(total, j0 + batch);
    const members = Array.from({ length: j1 - j0 }, (_, m) => j0 + m);
    const policyOf = members.map((j) => o.policies[Math.floor(j / E)]);
    const episodeOf = members.map((j) => j % E);
    const starts = episodeOf.map((e) => o.starts[Math.floor(e / k)]);
    let obs = await env.reset({ seed: o.seed, starts, streams: episodeOf });
    const over = new Uint8Array(members.length);
    for (let t = 0; t < N && !over.every(Boolean); t++) {
      const choice: Array<number | ExecutionAction> = obs.map((x, m) => (over[m] ? 0 : policyOf[m].act(x, null)));
      for (let m = 0; m < members.length; m++) {
        if (over[m]) continue;
        const d = members[m] * N + t;
        const c = choice[m];
        const a = typeof c === 'number' ? env.actions[c] : c;
        dec.pvr[d] = a.pvr;
        dec.level[d] = a.level;
        for (let f = 0; f < F; f++) feats[f][d] = obs[m][f];
      }
      const out = await env.step(choice);
      for (let m = 0; m < members.length; m++) {
        if (over[m] || !out[m].done) continue;
        over[m] = 1;
        const i = members[m];
        const info = out[m].info;
        ep.shortfallBp[i] = info.shortfallBp;
        ep.filled[i] = info.filled;
        ep.left[i] = info.left;
        ep.passiveFilled[i] = info.passiveFilled;
        ep.aggressiveFilled[i] = info.aggressiveFilled;
        ep.forced[i] = info.forced;
        ep.forcedFilled[i] = info.forcedFilled;
        ep.stuck[i] = info.stuck;
      }
      obs = out.map((r) => r.observation);
    }
    o.onProgress?.(j1, total);
  }
  for (let p = 0; p < P; p++) {
    for (let e = 0; e < E; e++) {
      const i = p * E + e;
      ep.policy.push(o.policies[p].name);
      ep.episode[i] = e;
      ep.start[i] = o.starts[Math.floor(e / k)].time / 1e9;
      for (let t = 0; t < N; t++) {
        dec.policy.push(o.policies[p].name);
        dec.episode[i * N + t] = e;
        dec.slice[i * N + t] = t;
      }
    }
  }
  const decisionCols: Record<string, Float64Array | Int32Array | string[]> = { ...dec };
  OBSERVATION_FEATURES.forEach((f, j) => (decisionCols[f] = feats[j]));
  return {
    world: env.world,
    task: env.task,
    seed: o.seed,
    repeats: k,
    policies: names,
    episodes: new SimTable(ep),
    decisions: new SimTable(decisionCols),
    seconds: (performance.now() - t0) / 1000,
  };
}
