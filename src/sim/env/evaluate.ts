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
  /** Worlds per batch (default 16). */
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
  let done = 0;
  for (let p = 0; p < P; p++) {
    const policy = o.policies[p];
    for (let e0 = 0; e0 < E; e0 += batch) {
      const e1 = Math.min(E, e0 + batch);
      const starts = Array.from({ length: e1 - e0 }, (_, j) => o.starts[Math.floor((e0 + j) / k)]);
      let obs = await env.reset({ seed: o.seed, starts, firstEpisode: e0 });
      const over = new Uint8Array(starts.length);
      for (let t = 0; t < N && !over.every(Boolean); t++) {
        const choice: Array<number | ExecutionAction> = obs.map((x, j) => (over[j] ? 0 : policy.act(x, null)));
        for (let j = 0; j < starts.length; j++) {
          if (over[j]) continue;
          const d = (p * E + e0 + j) * N + t;
          const c = choice[j];
          const a = typeof c === 'number' ? env.actions[c] : c;
          dec.pvr[d] = a.pvr;
          dec.level[d] = a.level;
          for (let f = 0; f < F; f++) feats[f][d] = obs[j][f];
        }
        const out = await env.step(choice);
        for (let j = 0; j < starts.length; j++) {
          if (over[j] || !out[j].done) continue;
          over[j] = 1;
          const i = p * E + e0 + j;
          const info = out[j].info;
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
      done += e1 - e0;
      o.onProgress?.(done, P * E);
    }
    for (let e = 0; e < E; e++) {
      const i = p * E + e;
      ep.policy.push(policy.name);
      ep.episode[i] = e;
      ep.start[i] = o.starts[Math.floor(e / k)].time / 1e9;
      for (let t = 0; t < N; t++) {
        dec.policy.push(policy.name);
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
