/**
 * Execution policies: what picks a slice's (PVR, level) from an observation. A fixed schedule
 * (`ConstantPolicy`: every TWAP of MarS's grid is one) and a trainable one (`SoftmaxPolicy`: a
 * linear score per action over the observation features plus a bias, softmax over the actions),
 * saved and loaded as a small JSON file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Rng } from '../../util/rng';
import { checkAction, OBSERVATION_FEATURES, type ExecutionAction } from './execution-agent';

export interface ExecutionPolicy {
  readonly name: string;
  /** The decision for an observation: an index into the environment's actions, or an action. `rng` given: sample (training); null: the policy's deterministic choice (evaluation). */
  act(observation: Float64Array, rng: Rng | null): number | ExecutionAction;
}

/** The same action at every slice: a TWAP configuration, or the pure aggressive schedule. */
export class ConstantPolicy implements ExecutionPolicy {
  readonly name: string;
  constructor(
    readonly action: ExecutionAction,
    name?: string,
  ) {
    checkAction(action);
    this.name = name ?? constantPolicyName(action);
  }
  act(): ExecutionAction {
    return this.action;
  }
}

/** "twap-0.1-1" (PVR, level), "aggressive" for level Infinity without passive orders. */
export function constantPolicyName(a: ExecutionAction): string {
  if (a.level === Infinity && a.pvr === 0) return 'aggressive';
  return `twap-${a.pvr}-${a.level === Infinity ? 'market' : a.level}`;
}

/**
 * MarS's baselines on the same seeds: every TWAP of its grid (PVR 0.1/0.9 × level 1/5) and a pure
 * aggressive schedule (no passive order; each slice's quantity as a market order at its aggressive time).
 */
export function baselinePolicies(): ConstantPolicy[] {
  const out: ConstantPolicy[] = [];
  for (const pvr of [0.1, 0.9]) for (const level of [1, 5]) out.push(new ConstantPolicy({ pvr, level }));
  out.push(new ConstantPolicy({ pvr: 0, level: Infinity }));
  return out;
}

export interface SoftmaxPolicyJson {
  schema: 'marsbook.execution-policy';
  version: 1;
  name: string;
  features: string[];
  actions: ExecutionAction[];
  /** One row per action: a weight per feature, then the bias. */
  weights: number[][];
  /** How it was made (task, world, seed, iterations…): free-form, for the reader. */
  training?: Record<string, unknown>;
}

/** π(a | s) = softmax_a(w_a · s + b_a): a linear policy over the observation features. */
export class SoftmaxPolicy implements ExecutionPolicy {
  readonly features: readonly string[];
  readonly actions: readonly ExecutionAction[];
  /** [actions × (features + 1)], row-major: each action's weights, then its bias. */
  readonly weights: Float64Array;
  training: Record<string, unknown> = {};
  private readonly scratch: Float64Array;

  constructor(
    actions: readonly ExecutionAction[],
    readonly name = 'agent',
    weights?: Float64Array,
    features: readonly string[] = OBSERVATION_FEATURES,
  ) {
    if (actions.length === 0) throw new RangeError('SoftmaxPolicy: actions must not be empty');
    actions.forEach(checkAction);
    this.actions = actions;
    this.features = features;
    const n = actions.length * (features.length + 1);
    if (weights && weights.length !== n) throw new RangeError(`SoftmaxPolicy: ${weights.length} weights for ${actions.length} actions × ${features.length + 1}`);
    this.weights = weights ?? new Float64Array(n);
    this.scratch = new Float64Array(actions.length);
  }

  /** Action probabilities for an observation (into `out`). */
  probabilities(observation: ArrayLike<number>, out: Float64Array = new Float64Array(this.actions.length)): Float64Array {
    const F = this.features.length;
    if (observation.length !== F) throw new RangeError(`SoftmaxPolicy: an observation of ${observation.length} values, the policy reads ${F}`);
    const A = this.actions.length;
    const w = this.weights;
    let max = -Infinity;
    for (let a = 0; a < A; a++) {
      const row = a * (F + 1);
      let z = w[row + F];
      for (let f = 0; f < F; f++) z += w[row + f] * observation[f];
      out[a] = z;
      if (z > max) max = z;
    }
    let sum = 0;
    for (let a = 0; a < A; a++) sum += out[a] = Math.exp(out[a] - max);
    for (let a = 0; a < A; a++) out[a] /= sum;
    return out;
  }

  /** Sample an action index (rng), or the most probable one (null; the first on ties). */
  act(observation: Float64Array, rng: Rng | null): number {
    const p = this.probabilities(observation, this.scratch);
    if (rng) return rng.weighted(p);
    let best = 0;
    for (let a = 1; a < p.length; a++) if (p[a] > p[best]) best = a;
    return best;
  }

  toJSON(): SoftmaxPolicyJson {
    const F = this.features.length + 1;
    return {
      schema: 'marsbook.execution-policy',
      version: 1,
      name: this.name,
      features: [...this.features],
      actions: this.actions.map((a) => ({ pvr: a.pvr, level: a.level === Infinity ? 1e9 : a.level })),
      weights: this.actions.map((_, a) => Array.from(this.weights.subarray(a * F, (a + 1) * F))),
      training: this.training,
    };
  }

  static fromJSON(json: SoftmaxPolicyJson, source = 'policy'): SoftmaxPolicy {
    if (!json || json.schema !== 'marsbook.execution-policy') throw new Error(`${source}: not a marsbook execution policy (schema ${JSON.stringify(json?.schema)})`);
    if (json.version !== 1) throw new Error(`${source}: execution policy version ${json.version} is not supported (1)`);
    const unknown = json.features.filter((f, i) => OBSERVATION_FEATURES[i] !== f);
    if (json.features.length !== OBSERVATION_FEATURES.length || unknown.length) throw new Error(`${source}: the policy reads features ${json.features.join(', ')}; this marsbook observes ${OBSERVATION_FEATURES.join(', ')}`);
    const F = json.features.length + 1;
    if (!Array.isArray(json.weights) || json.weights.length !== json.actions.length || json.weights.some((r) => r.length !== F)) throw new Error(`${source}: weights must be ${json.actions.length} rows of ${F} numbers`);
    const actions = json.actions.map((a) => ({ pvr: a.pvr, level: a.level >= 1e9 ? Infinity : a.level }));
    const p = new SoftmaxPolicy(actions, json.name ?? 'agent', Float64Array.from(json.weights.flat()), json.features);
    p.training = json.training ?? {};
    return p;
  }

  /** A policy saved with `save` (small JSON: sync). */
  static load(path: string): SoftmaxPolicy {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      throw new Error(`${path}: cannot read the policy file`);
    }
    let json: SoftmaxPolicyJson;
    try {
      json = JSON.parse(text) as SoftmaxPolicyJson;
    } catch (e) {
      throw new Error(`${path}: not JSON (${(e as Error).message})`);
    }
    return SoftmaxPolicy.fromJSON(json, path);
  }

  async save(path: string): Promise<void> {
    writeFileSync(path, JSON.stringify(this.toJSON(), null, 1) + '\n');
  }
}
