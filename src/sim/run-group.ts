/**
 * Run one group of trajectories: the unit of work a thread or a queue worker takes. A group is fixed
 * by the run's seed and batch size (trajectories [g·batch, (g+1)·batch)), each trajectory draws from
 * its own random streams, and an LMM group advances its worlds in lockstep, one model step for all of
 * them: so a trajectory's bytes depend on the seed and the batch size, never on which worker ran it.
 */
import type { SamplingOptions } from '../model/sampling';
import { TokenGenerator } from '../model/generator';
import type { LargeMarketModel } from '../model/lmm';
import type { BookView, DecodedOrder } from '../tokenize/order-tokenizer';
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
  /** The name of the model driving an LMM world (for the record; the model itself is passed apart). */
  model?: string;
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
  /** The trajectory's number among its start's futures, and its start's number in the run (0 for a one-start run). */
  index: number;
  start: number;
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

/**
 * The trajectories of group `g` of a run over `states` (one start state, or many: a run of several
 * start times enumerates (start s, trajectory k) as i = s·K + k and cuts that sequence into groups of
 * `batch`, so one model batch can hold futures of several starts). Trajectory (s, k) draws from stream
 * i of the seed: a one-start run is the first start of a many-start run.
 */
export async function runGroup(states: StartState | StartState[], spec: RunSpec, g: number, options: GroupOptions): Promise<TrajectoryData[]> {
  const all = Array.isArray(states) ? states : [states];
  const total = all.length * spec.trajectories;
  const i0 = g * spec.batch;
  const i1 = Math.min(total, i0 + spec.batch);
  if (!(i1 > i0)) throw new RangeError(`group ${g} is empty (${total} trajectories, batch ${spec.batch})`);
  const worlds: World[] = [];
  const modelRngs: Rng[] = [];
  const members: StartState[] = [];
  const tokenizer = options.model?.tokenizer ?? null;
  for (let i = i0; i < i1; i++) {
    const state = all[Math.floor(i / spec.trajectories)];
    const k = i % spec.trajectories;
    if (spec.world === 'lmm') {
      if (!options.model) throw new Error('an LMM world needs a model');
      if (tokenizer!.name !== state.tokenizer) throw new Error(`the start state's context was made with tokenizer ${state.tokenizer}, the model uses ${tokenizer!.name}`);
    }
    if (spec.world === 'replay' && !state.continuation) throw new Error('a replay world needs a start state from a real day (with its continuation)');
    const r = trajectoryRng(spec.seed, i);
    modelRngs.push(r.fork());
    const background = spec.world === 'noise' ? new NoiseAgent(spec.noise) : spec.world === 'replay' ? new ReplayAgent(state.continuation!) : undefined;
    members.push(state);
    worlds.push(
      new World({
        book: stateBook(state),
        firstId: state.firstId,
        venue: state.venue,
        start: state.time,
        end: state.time + Math.round(spec.minutes * 60e9),
        lastOrderTime: state.lastOrderTime,
        startMid: state.mid,
        background,
        agents: options.agents ? options.agents(k) : makeAgents(spec.agents),
        rng: r.fork(),
        agentRng: r.fork(),
        context: spec.world === 'lmm' ? { tokenizer: tokenizer!, openPrice: state.openPrice, lastMid: state.mid, lastTrade: state.lastTrade } : undefined,
        startTouch: { bid: state.bid, ask: state.ask },
        levels: spec.levels,
        snapshotSeconds: spec.snapshotSeconds,
      }),
    );
  }
  for (const w of worlds) w.begin();
  const profile = options.profile ?? { model: 0, sampling: 0, worlds: 0, steps: 0 };
  if (spec.world === 'lmm') await driveWithModel(options.model!, members, spec, worlds, modelRngs, profile, options.onProgress);
  else {
    const t0 = performance.now();
    for (let j = 0; j < worlds.length; j++) {
      worlds[j].runToEnd();
      options.onProgress?.((j + 1) / worlds.length);
    }
    profile.worlds += (performance.now() - t0) / 1000;
  }
  return worlds.map((w, j) => collect(w, i0 + j, spec.trajectories));
}

/**
 * The model's starting context for a batch: each world's own start state's rows, the last L of each,
 * L the shortest context in the batch (one start: all of it; the model keeps at most its window).
 */
export function batchContext(members: StartState[], W: number): { rows: Int32Array; len: number } {
  for (const m of members) if (m.context.length % W !== 0) throw new Error(`the start state's context (${m.context.length} ints, tokenizer ${m.tokenizer}) is not made of ${W}-int rows: it was made for another model's scheme`);
  const first = members[0].context;
  if (members.every((m) => m.context === first)) return { rows: first, len: first.length / W };
  let len = Infinity;
  for (const m of members) len = Math.min(len, m.context.length / W);
  const rows = new Int32Array(members.length * len * W);
  members.forEach((m, b) => rows.set(m.context.subarray(m.context.length - len * W), b * len * W));
  return { rows, len };
}

/** MarS's loop for a batch of worlds: sample, decode against each world's book, apply, feed back. */
async function driveWithModel(model: LargeMarketModel, members: StartState[], spec: RunSpec, worlds: World[], rngs: Rng[], profile: GroupProfile, onProgress?: (done: number) => void): Promise<void> {
  const B = worlds.length;
  const W = model.rowWidth;
  const gen = new TokenGenerator(model, { batch: B, seed: spec.seed, rngs, ...spec.sampling });
  const { rows: context, len: ctxLen } = batchContext(members, W);
  const tp = performance.now();
  if (ctxLen > 0) await gen.prime(context, ctxLen);
  profile.model += (performance.now() - tp) / 1000;
  const rows = new Int32Array(B * W);
  const proposer = new OrderProposer(gen, worlds, members, spec.maxRetries, profile);
  const proposeAll = (active: Uint8Array): Promise<void> => proposer.proposeAll(active);

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
      for (const w of worlds) t += w.done ? 1 : (w.now - w.start) / (w.end - w.start);
      onProgress(t / B);
    }
  }
  onProgress?.(1);
}

/**
 * The model's next order for each active world of a batch: sample, decode against the world's book,
 * and hand it to the world as pending; a token the engine cannot apply is drawn again (counted), and a
 * world still without an order after `maxRetries` resamples stops as stuck.
 */
export class OrderProposer {
  private readonly views: BookView[];
  private readonly decoded: DecodedOrder = { type: 'S', typeCode: 0, side: 1, level: 0, price: 0, size: 0, wait: 0 };
  private readonly need: Uint8Array;

  constructor(
    private readonly gen: TokenGenerator,
    private readonly worlds: World[],
    private readonly members: StartState[],
    private readonly maxRetries: number,
    private readonly profile: GroupProfile,
  ) {
    // The touch the model's prices are placed against: the live best prices, or the last ones seen while a side is empty.
    const touch = gen.model.tokenizer.scheme === 'touch';
    this.views = worlds.map((w) => ({ mid: () => w.referenceMid, bestBid: touch ? () => w.referenceBid : () => w.book.bestBid(), bestAsk: touch ? () => w.referenceAsk : () => w.book.bestAsk(), levelCount: (s: number) => w.book.levelCount(s), levelPrice: (s: number, k: number) => w.book.levelPrice(s, k) }));
    this.need = new Uint8Array(worlds.length);
  }

  async proposeAll(active: Uint8Array): Promise<void> {
    const { gen, worlds, members, profile, need, decoded } = this;
    const B = worlds.length;
    const tok = gen.model.tokenizer;
    need.set(active);
    for (let attempt = 0; attempt <= this.maxRetries; attempt++) {
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
          tok.decode(s.ids[b], this.views[b], w.rng, members[b].venue.tickSize, decoded);
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
  }
}

function collect(w: World, i: number, perStart: number): TrajectoryData {
  const tc = w.book.tape.columns();
  return {
    index: i % perStart,
    start: Math.floor(i / perStart),
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
