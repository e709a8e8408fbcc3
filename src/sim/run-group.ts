/**
 * Run one group of trajectories: the unit of work a thread or a queue worker takes. A group is fixed
 * by the run's seed and batch size (trajectories [g·batch, (g+1)·batch)), each trajectory draws from
 * its own random streams, and an LMM group advances its worlds in lockstep, one model step for all of
 * them: so a trajectory's bytes depend on the seed and the batch size, never on which worker ran it.
 */
import type { SamplingOptions } from '../model/sampling';
import { TokenGenerator } from '../model/generator';
import type { LargeMarketModel } from '../model/lmm';
import { CONTEXT_ROW_WIDTH } from '../tokenize/context-row';
import type { DecodedOrder } from '../tokenize/order-tokenizer';
import { Rng } from '../util/rng';
import type { Agent, AgentSpec } from './agent';
import { NoiseAgent } from './agents/noise';
import { ReplayAgent } from './agents/replay';
import { ScriptedAgent } from './agents/scripted';
import { TwapAgent } from './agents/twap';
import type { NoiseOptions } from './noise';
import { stateBook, type StartState } from './start-state';
import { STOP, World, type WorldStats } from './world';
import { finishColumns } from '../data/columns';
import { MESSAGE_SCHEMA, ORDER_LOG_SCHEMA, SNAPSHOT_SCHEMA, type MessageColumns, type OrderLogColumns, type SnapshotColumns } from './logs';

/** Background markets: the model, MarS's noise agent, or the real orders replayed. */
export type WorldKind = 'lmm' | 'noise' | 'replay';

/** Everything that fixes a run's results, all serializable. */
export interface RunSpec {
  world: WorldKind;
  minutes: number;
  seed: number;
  trajectories: number;
  /** Trajectories per group (one model batch). */
  batch: number;
  agents: AgentSpec[];
  /** Book levels recorded after each exchange message (0: none; needed for LOBSTER files). */
  levels: number;
  snapshotSeconds: number;
  sampling: SamplingOptions;
  /** Resamples of a token the engine cannot apply before the trajectory is stopped as stuck. */
  maxRetries: number;
  /** The noise world's settings. */
  noise?: Partial<NoiseOptions>;
}

/** Where a group's time went, in seconds: the model's backbone steps, sampling (the head, resamples included), and the worlds (decoding, matching, feature rows, agents). */
export interface GroupProfile {
  model: number;
  sampling: number;
  worlds: number;
  steps: number;
}

/** One trajectory's results, as typed arrays (they travel between threads without copying). */
export interface TrajectoryData {
  index: number;
  orders: OrderLogColumns;
  trades: { time: Float64Array; price: Float64Array; qty: Float64Array; side: Int8Array; makerOwner: Int32Array; takerOwner: Int32Array };
  snapshots: SnapshotColumns;
  /** The exchange's LOBSTER messages and the top `levels` after each (when levels > 0). */
  messages: (MessageColumns & { top: Float64Array }) | null;
  stats: WorldStats;
  /** Each agent's report (null for agents without one), in the order of the spec. */
  agents: Array<Record<string, number> | null>;
}

/** The random stream of trajectory k of a run (independent of every other trajectory's; O(1) in k, so any worker rebuilds any trajectory). */
export function trajectoryRng(seed: number, k: number): Rng {
  return Rng.stream(seed, k);
}

/** The agents a spec describes. */
export function makeAgents(specs: AgentSpec[]): Agent[] {
  return specs.map((s) => {
    switch (s.kind) {
      case 'twap':
        return new TwapAgent(s);
      case 'scripted':
        return new ScriptedAgent(s);
      case 'noise':
        return new NoiseAgent(s.options);
      default:
        throw new Error(`unknown agent kind ${JSON.stringify((s as { kind: unknown }).kind)}`);
    }
  });
}

export interface GroupOptions {
  model: LargeMarketModel | null;
  /** Agents made in-process (functions cannot travel to workers); default: from `spec.agents`. */
  agents?: (trajectory: number) => Agent[];
  /** Called after model steps with the share of simulated time done (0..1). */
  onProgress?: (done: number) => void;
  /** Filled with where the time went. */
  profile?: GroupProfile;
}

/** The trajectories of group `g`. */
export async function runGroup(state: StartState, spec: RunSpec, g: number, options: GroupOptions): Promise<TrajectoryData[]> {
  const k0 = g * spec.batch;
  const k1 = Math.min(spec.trajectories, k0 + spec.batch);
  if (!(k1 > k0)) throw new RangeError(`group ${g} is empty (${spec.trajectories} trajectories, batch ${spec.batch})`);
  const end = state.time + Math.round(spec.minutes * 60e9);
  const worlds: World[] = [];
  const modelRngs: Rng[] = [];
  const tokenizer = options.model?.tokenizer ?? null;
  if (spec.world === 'lmm') {
    if (!options.model) throw new Error('an LMM world needs a model');
    if (tokenizer!.name !== state.tokenizer) throw new Error(`the start state's context was made with tokenizer ${state.tokenizer}, the model uses ${tokenizer!.name}`);
  }
  if (spec.world === 'replay' && !state.continuation) throw new Error('a replay world needs a start state from a real day (with its continuation)');
  for (let k = k0; k < k1; k++) {
    const r = trajectoryRng(spec.seed, k);
    modelRngs.push(r.fork());
    const background = spec.world === 'noise' ? new NoiseAgent(spec.noise) : spec.world === 'replay' ? new ReplayAgent(state.continuation!) : undefined;
    worlds.push(
      new World({
        book: stateBook(state),
        firstId: state.firstId,
        venue: state.venue,
        start: state.time,
        end,
        lastOrderTime: state.lastOrderTime,
        background,
        agents: options.agents ? options.agents(k) : makeAgents(spec.agents),
        rng: r.fork(),
        agentRng: r.fork(),
        context: spec.world === 'lmm' ? { tokenizer: tokenizer!, openPrice: state.openPrice, lastMid: state.mid } : undefined,
        levels: spec.levels,
        snapshotSeconds: spec.snapshotSeconds,
      }),
    );
  }
  for (const w of worlds) w.begin();
  const profile = options.profile ?? { model: 0, sampling: 0, worlds: 0, steps: 0 };
  if (spec.world === 'lmm') await driveWithModel(options.model!, state, spec, worlds, modelRngs, profile, options.onProgress);
  else {
    const t0 = performance.now();
    for (let i = 0; i < worlds.length; i++) {
      worlds[i].runToEnd();
      options.onProgress?.((i + 1) / worlds.length);
    }
    profile.worlds += (performance.now() - t0) / 1000;
  }
  return worlds.map((w, i) => collect(w, k0 + i));
}

/** MarS's loop for a batch of worlds: sample, decode against each world's book, apply, feed back. */
async function driveWithModel(model: LargeMarketModel, state: StartState, spec: RunSpec, worlds: World[], rngs: Rng[], profile: GroupProfile, onProgress?: (done: number) => void): Promise<void> {
  const B = worlds.length;
  const W = CONTEXT_ROW_WIDTH;
  const gen = new TokenGenerator(model, { batch: B, seed: spec.seed, rngs, ...spec.sampling });
  const ctxLen = state.context.length / W;
  const tp = performance.now();
  if (ctxLen > 0) await gen.prime(state.context, ctxLen);
  profile.model += (performance.now() - tp) / 1000;
  const tok = model.tokenizer;
  const tick = state.venue.tickSize;
  const views = worlds.map((w) => ({ mid: () => w.referenceMid, bestBid: () => w.book.bestBid(), bestAsk: () => w.book.bestAsk() }));
  const decoded: DecodedOrder = { type: 'S', typeCode: 0, side: 1, level: 0, price: 0, size: 0, wait: 0 };
  const need = new Uint8Array(B);
  const rows = new Int32Array(B * W);
  const span = worlds[0].end - worlds[0].start;

  const proposeAll = async (active: Uint8Array): Promise<void> => {
    need.set(active);
    for (let attempt = 0; attempt <= spec.maxRetries; attempt++) {
      const t0 = performance.now();
      const s = await gen.sample(need);
      const t1 = performance.now();
      profile.sampling += (t1 - t0) / 1000;
      let left = 0;
      for (let b = 0; b < B; b++) {
        if (!need[b]) continue;
        const w = worlds[b];
        let ok = false;
        if (w.referenceMid === w.referenceMid) {
          tok.decode(s.ids[b], views[b], w.rng, tick, decoded);
          ok = w.propose(decoded.wait, decoded.typeCode, decoded.side, decoded.price, decoded.size);
        }
        if (ok) need[b] = 0;
        else {
          w.stats.invalidActions++;
          left++;
        }
      }
      profile.worlds += (performance.now() - t1) / 1000;
      if (left === 0) return;
    }
    for (let b = 0; b < B; b++) if (need[b]) worlds[b].stop(STOP.stuck);
  };

  const active = new Uint8Array(B).fill(1);
  // A context-less start (an empty state) needs one row before the first sample: the model has nothing to continue.
  if (ctxLen === 0) throw new Error('the start state has no context rows for the model');
  await proposeAll(active);
  let step = 0;
  while (true) {
    const t0 = performance.now();
    let any = false;
    for (let b = 0; b < B; b++) {
      const w = worlds[b];
      if (!w.done && w.advance()) {
        w.takeRow(rows, b * W);
        active[b] = 1;
        any = true;
      } else active[b] = 0;
    }
    const t1 = performance.now();
    profile.worlds += (t1 - t0) / 1000;
    if (!any) break;
    await gen.append(rows);
    profile.model += (performance.now() - t1) / 1000;
    profile.steps++;
    await proposeAll(active);
    if (onProgress && (++step & 63) === 0) {
      let t = 0;
      for (const w of worlds) t += w.done ? 1 : (w.now - w.start) / span;
      onProgress(t / B);
    }
  }
  onProgress?.(1);
}

function collect(w: World, index: number): TrajectoryData {
  const tc = w.book.tape.columns();
  return {
    index,
    orders: finishColumns(ORDER_LOG_SCHEMA, w.orders),
    trades: {
      time: tc.time as Float64Array,
      price: tc.price as Float64Array,
      qty: tc.qty as Float64Array,
      side: tc.side as Int8Array,
      makerOwner: tc.makerOwner as Int32Array,
      takerOwner: tc.takerOwner as Int32Array,
    },
    snapshots: finishColumns(SNAPSHOT_SCHEMA, w.snapshots),
    messages: w.exchange.levels > 0 ? { ...finishColumns(MESSAGE_SCHEMA, w.exchange.log), top: w.exchange.top!.toArray() } : null,
    stats: { ...w.stats },
    agents: w.agentReports(),
  };
}

/** The typed arrays of a trajectory (to transfer them between threads). */
export function transferables(t: TrajectoryData): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const part of [t.orders, t.trades, t.snapshots, t.messages]) {
    if (!part) continue;
    for (const a of Object.values(part)) if (ArrayBuffer.isView(a) && !out.includes(a.buffer as ArrayBuffer)) out.push(a.buffer as ArrayBuffer);
  }
  return out;
}
