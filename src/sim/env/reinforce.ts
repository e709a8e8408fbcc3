/**
 * Policy-gradient training of a `SoftmaxPolicy` inside an `ExecutionEnv`: REINFORCE with a baseline
 * (Williams 1992), Adam steps, an entropy bonus. One iteration is one batch of episodes (one `reset`,
 * N steps) made of groups: the `group` episodes of a group start from the same state on the same
 * random stream, so they meet the same market until their decisions differ (common random numbers).
 * Every decision's return-to-go G_t (the sum of its and the later rewards, i.e. minus the shortfall
 * still to come, in bp) minus a baseline — the mean G_t of the other episodes of its group at the same
 * decision: no bias, and the market's own move, which dwarfs what a decision changes, cancels — scaled
 * by the batch's standard deviation, weighs ∇ log π(a_t | s_t).
 *
 * Seeded and deterministic: group g of iteration i runs on stream i·(B/group) + g of the seed and the
 * actions come from a stream of their own, so the same options give the same policy, weight for weight.
 */
import { Rng } from '../../util/rng';
import type { StartState } from '../start-state';
import type { ExecutionEnv } from './execution-env';
import { SoftmaxPolicy } from './policy';

/** Streams of the seed that sample the actions of iteration i (far from the worlds' streams). */
const ACTION_STREAMS = 2 ** 45;

export interface TrainExecutionOptions {
  env: ExecutionEnv;
  /** Start states to train on, taken in turn: iteration i uses starts i·B … i·B+B−1 (wrapping around). */
  starts: StartState[];
  iterations: number;
  /** Episodes per iteration: one batch of worlds (default 16). */
  episodes?: number;
  /** Episodes per group on one start and one stream (default 4; divides `episodes`; 1: the baseline is the batch's mean). */
  group?: number;
  seed: number;
  /** Adam's step size (default 0.05). */
  learningRate?: number;
  /** Weight of the entropy bonus (default 0.01): keeps exploring. */
  entropy?: number;
  /** Continue from this policy (default: all weights 0, every action equally likely). */
  init?: SoftmaxPolicy;
  /** Called after each iteration with its row of the curve. */
  onIteration?: (row: TrainingRow) => void;
}

export interface TrainingRow {
  iteration: number;
  episodes: number;
  /** Mean shortfall of the iteration's episodes (actions sampled from the policy being trained), bp. */
  meanShortfallBp: number;
  /** Mean return (the sum of rewards: −shortfall), bp. */
  meanReturn: number;
  /** The surrogate loss −mean(A · log π) − entropy·H, before the update. */
  loss: number;
  /** Mean entropy of the policy at the decisions (nats; log 16 ≈ 2.77 is uniform over MarS's grid). */
  entropy: number;
  seconds: number;
}

export interface TrainingResult {
  policy: SoftmaxPolicy;
  curve: TrainingRow[];
  episodes: number;
  seconds: number;
}

function check(name: string, v: number, integer: boolean, min: number): void {
  if (!(Number.isFinite(v) && v >= min && (!integer || Number.isInteger(v)))) throw new RangeError(`trainExecutionPolicy: ${name} must be ${integer ? 'a whole number' : 'a number'} ≥ ${min}, got ${v}`);
}

/** Train a softmax-linear execution policy by REINFORCE with a baseline (see the module comment). */
export async function trainExecutionPolicy(o: TrainExecutionOptions): Promise<TrainingResult> {
  const env = o.env;
  const B = o.episodes ?? 16;
  check('iterations', o.iterations, true, 1);
  check('episodes', B, true, 1);
  const K = o.group ?? Math.min(4, B);
  check('group', K, true, 1);
  if (B % K !== 0) throw new RangeError(`trainExecutionPolicy: group (${K}) must divide episodes (${B})`);
  const groups = B / K;
  check('seed', o.seed, false, -Infinity);
  const lr = o.learningRate ?? 0.05;
  const beta = o.entropy ?? 0.01;
  check('learningRate', lr, false, 0);
  check('entropy', beta, false, 0);
  if (!Array.isArray(o.starts) || o.starts.length === 0) throw new RangeError('trainExecutionPolicy: starts must be a non-empty list of start states');
  const policy = o.init ? SoftmaxPolicy.fromJSON(o.init.toJSON()) : new SoftmaxPolicy(env.actions);
  if (policy.actions.length !== env.actions.length || policy.actions.some((a, i) => a.pvr !== env.actions[i].pvr || a.level !== env.actions[i].level)) {
    throw new Error('trainExecutionPolicy: the initial policy chooses among other actions than the environment');
  }
  const N = env.task.slices;
  const F = policy.features.length;
  const A = policy.actions.length;
  const P = A * (F + 1);
  const m = new Float64Array(P);
  const v = new Float64Array(P);
  const grad = new Float64Array(P);
  const probs = new Float64Array(A);
  const curve: TrainingRow[] = [];
  const t00 = performance.now();
  let adamStep = 0;
  for (let it = 0; it < o.iterations; it++) {
    const t0 = performance.now();
    const starts = Array.from({ length: B }, (_, b) => o.starts[(it * groups + Math.floor(b / K)) % o.starts.length]);
    const streams = Array.from({ length: B }, (_, b) => it * groups + Math.floor(b / K));
    const rng = Rng.stream(o.seed, ACTION_STREAMS + it);
    const obs = new Float64Array(B * N * F);
    const act = new Int32Array(B * N);
    const rew = new Float64Array(B * N);
    const live = new Uint8Array(B * N);
    let cur = await env.reset({ seed: o.seed, starts, streams });
    const over = new Uint8Array(B);
    const finalShortfall = new Float64Array(B);
    for (let t = 0; t < N && !over.every(Boolean); t++) {
      const choice = new Int32Array(B);
      for (let b = 0; b < B; b++) {
        if (over[b]) continue;
        choice[b] = policy.act(cur[b], rng);
        obs.set(cur[b], (b * N + t) * F);
        act[b * N + t] = choice[b];
        live[b * N + t] = 1;
      }
      const out = await env.step(choice);
      for (let b = 0; b < B; b++) {
        if (over[b]) continue;
        rew[b * N + t] = out[b].reward;
        cur[b] = out[b].observation;
        if (out[b].done) {
          over[b] = 1;
          finalShortfall[b] = out[b].info.shortfallBp;
        }
      }
    }
    // Returns-to-go, the leave-one-out baseline per decision within each group (the whole batch when
    // groups are single episodes), advantages scaled by their spread.
    const G = new Float64Array(B * N);
    for (let b = 0; b < B; b++) {
      let g = 0;
      for (let t = N - 1; t >= 0; t--) G[b * N + t] = g += rew[b * N + t];
    }
    const adv = new Float64Array(B * N);
    let n = 0;
    let ss = 0;
    const span = K > 1 ? K : B;
    for (let g0 = 0; g0 < B; g0 += span) {
      for (let t = 0; t < N; t++) {
        let sum = 0;
        let cnt = 0;
        for (let b = g0; b < g0 + span; b++) if (live[b * N + t]) (sum += G[b * N + t]), cnt++;
        for (let b = g0; b < g0 + span; b++) {
          const i = b * N + t;
          if (!live[i]) continue;
          const base = cnt > 1 ? (sum - G[i]) / (cnt - 1) : 0;
          adv[i] = G[i] - base;
          ss += adv[i] * adv[i];
          n++;
        }
      }
    }
    const sd = n > 0 ? Math.sqrt(ss / n) : 0;
    grad.fill(0);
    let loss = 0;
    let entropy = 0;
    for (let i = 0; i < B * N; i++) {
      if (!live[i]) continue;
      const s = obs.subarray(i * F, (i + 1) * F);
      policy.probabilities(s, probs);
      let H = 0;
      for (let a = 0; a < A; a++) if (probs[a] > 0) H -= probs[a] * Math.log(probs[a]);
      const Ai = sd > 0 ? adv[i] / sd : 0;
      loss -= Ai * Math.log(Math.max(probs[act[i]], 1e-300)) + beta * H;
      entropy += H;
      for (let a = 0; a < A; a++) {
        // d/dz_a of A·log π(act) + β·H, with z = W·[s, 1].
        const pa = probs[a];
        const dz = Ai * ((a === act[i] ? 1 : 0) - pa) + (pa > 0 ? -beta * pa * (Math.log(pa) + H) : 0);
        if (dz === 0) continue;
        const row = a * (F + 1);
        for (let f = 0; f < F; f++) grad[row + f] += dz * s[f];
        grad[row + F] += dz;
      }
    }
    if (n > 0) {
      // Adam, ascending the objective (mean over decisions).
      adamStep++;
      const b1 = 0.9;
      const b2 = 0.999;
      const w = policy.weights;
      for (let k = 0; k < P; k++) {
        const g = grad[k] / n;
        m[k] = b1 * m[k] + (1 - b1) * g;
        v[k] = b2 * v[k] + (1 - b2) * g * g;
        const mh = m[k] / (1 - b1 ** adamStep);
        const vh = v[k] / (1 - b2 ** adamStep);
        w[k] += (lr * mh) / (Math.sqrt(vh) + 1e-8);
      }
    }
    let sf = 0;
    for (let b = 0; b < B; b++) sf += finalShortfall[b];
    const row: TrainingRow = {
      iteration: it,
      episodes: B,
      meanShortfallBp: sf / B,
      meanReturn: -sf / B,
      loss: n > 0 ? loss / n : NaN,
      entropy: n > 0 ? entropy / n : NaN,
      seconds: (performance.now() - t0) / 1000,
    };
    curve.push(row);
    o.onIteration?.(row);
  }
  policy.training = {
    method: 'REINFORCE, leave-one-out baseline within groups on common random numbers, Adam',
    group: K,
    world: env.world,
    task: env.task,
    seed: o.seed,
    iterations: o.iterations,
    episodesPerIteration: B,
    learningRate: lr,
    entropy: beta,
    starts: o.starts.length,
    firstStart: o.starts[0].time / 1e9,
    lastStart: o.starts[o.starts.length - 1].time / 1e9,
  };
  return { policy, curve, episodes: o.iterations * B, seconds: (performance.now() - t00) / 1000 };
}
