/**
 * A gym-like, vectorised environment for execution agents inside the simulator: `reset` starts one
 * world per start state (all of them in one model batch), `step` takes one decision per world, runs
 * every world to its next decision with one model step for all per order, and returns
 * `{ observation, reward, done, info }` per world. The task, the decision and the reward are
 * `ExecutionAgent`'s: MarS's (passive-volume ratio, aggressive level) per slice, shortfall against the
 * arrival mid in bp (rewards sum to −shortfallBp), forced completion at the end.
 *
 *     const env = new mb.ExecutionEnv({ world: 'lmm', model, task: { side: 'buy', quantity: 2000 } });
 *     let obs = await env.reset({ seed: 1, starts });              // one world per start state
 *     for (let done = false; !done; ) {
 *       const out = await env.step(obs.map(() => 5));               // action 5 of env.actions for each
 *       obs = out.map((o) => o.observation);
 *       done = out.every((o) => o.done);
 *     }
 *
 * How the loop pauses: the agent of a world is `waiting` at each slice start, so the world stops just
 * before that wake-up (the model's pending order stays pending); the batch loop treats paused worlds as
 * inactive and returns once every world is paused or over. While one world waits, the others still
 * take model steps, and the generator's shared cache then holds filler positions for the waiting one;
 * so at every decision the model is primed again from each world's own last `context` orders (kept
 * here). A world's future therefore depends on its seed, its start and its decisions, not on what the
 * other worlds of the batch do (as in `simulate`, results depend on the batch size).
 *
 * Randomness: world b of a reset draws from stream `firstEpisode + b` of the seed (`trajectoryRng`), so
 * two policies run on the same (seed, starts, firstEpisode) meet the same market until their
 * decisions differ (common random numbers).
 */
import type { LargeMarketModel } from '../../model/lmm';
import { TokenGenerator } from '../../model/generator';
import type { SamplingOptions } from '../../model/sampling';

import type { Rng } from '../../util/rng';
import { NoiseAgent } from '../agents/noise';
import { ReplayAgent } from '../agents/replay';
import type { NoiseOptions } from '../noise';
import { batchContext, OrderProposer, trajectoryRng, type GroupProfile, type WorldKind } from '../run-group';
import { startFromDay, stateBook, type StartState } from '../start-state';
import type { OrderFlow } from '../../data/order-flow';
import type { BookFrames } from '../../data/book-frames';
import type { OrderEvents } from '../../data/order-events';
import type { OrderTokenizer } from '../../tokenize/order-tokenizer';
import { extractOrders } from '../../replay/lobster-orders';
import { clockSeconds, clockString } from '../../util/clock';
import { STOP, World } from '../world';
import { checkAction, ExecutionAgent, OBSERVATION_FEATURES, resolveTask, type ExecutionAction, type ExecutionTask } from './execution-agent';

/** MarS's decision grid: PVR ∈ {0, 0.1, 0.5, 0.9} × aggressive level ∈ {0 (none), 1, 3, 5}; index = 4·pvr index + level index. */
export const EXECUTION_ACTIONS: readonly ExecutionAction[] = [0, 0.1, 0.5, 0.9].flatMap((pvr) => [0, 1, 3, 5].map((level) => ({ pvr, level })));

export interface ExecutionEnvOptions {
  /** Background market: 'lmm' (the model, which reacts to the agent; default), 'noise' (MarS's noise agent) or 'replay' (the real orders). */
  world?: WorldKind;
  /** The Large Market Model (an LMM world needs it). */
  model?: LargeMarketModel | null;
  task: ExecutionTask;
  /** The discrete actions a step's indices refer to (default EXECUTION_ACTIONS). */
  actions?: readonly ExecutionAction[];
  sampling?: SamplingOptions;
  /** Resamples of a token the engine cannot apply before a world stops as stuck (default 32). */
  maxRetries?: number;
  /** Settings of the noise world's agent. */
  noise?: Partial<NoiseOptions>;
}

export interface ResetOptions {
  seed: number;
  /** One world per start state (several may share one). */
  starts: StartState[];
  /** World b draws from stream firstEpisode + b of the seed (default 0). */
  firstEpisode?: number;
  /** Or the stream of each world, explicitly (worlds given one stream and one start meet the same market until their decisions differ). */
  streams?: number[];
}

export interface ExecutionInfo {
  /** The slice of the next decision (N once done). */
  slice: number;
  /** Simulated time of the next decision (ns; the end of the episode once done). */
  time: number;
  filled: number;
  left: number;
  passiveFilled: number;
  aggressiveFilled: number;
  /** Shares the forced completion was sent for, and how many of them it filled. */
  forced: number;
  forcedFilled: number;
  arrivalMid: number;
  /** Shortfall so far (bp of the arrival mid, over Q; final once done). */
  shortfallBp: number;
  /** 1 when the world stopped before the execution ended (the model got stuck). */
  stuck: number;
}

export interface StepResult {
  observation: Float64Array;
  reward: number;
  done: boolean;
  info: ExecutionInfo;
}


export class ExecutionEnv {
  readonly world: WorldKind;
  readonly model: LargeMarketModel | null;
  readonly task: Required<ExecutionTask>;
  readonly actions: readonly ExecutionAction[];
  /** Where the time went (model steps and primes, sampling, worlds), summed over every reset. */
  readonly profile: GroupProfile = { model: 0, sampling: 0, worlds: 0, steps: 0 };
  private readonly options: ExecutionEnvOptions;
  private worlds: World[] = [];
  private agents: ExecutionAgent[] = [];
  private gen: TokenGenerator | null = null;
  private proposer: OrderProposer | null = null;
  private rows = new Int32Array(0);
  /** Ints per context row (the model's tokenizer's scheme). */
  private W = 0;
  private active = new Uint8Array(0);
  /** Each world's last `context` rows (a ring per world) and how many it holds. */
  private history = new Int32Array(0);
  private historyCount = new Int32Array(0);
  private historyNext = new Int32Array(0);
  private context = 0;
  private over: boolean[] = [];

  constructor(options: ExecutionEnvOptions) {
    this.options = options;
    this.world = options.world ?? 'lmm';
    if (!['lmm', 'noise', 'replay'].includes(this.world)) throw new RangeError(`ExecutionEnv: world must be 'lmm', 'noise' or 'replay', got ${JSON.stringify(this.world)}`);
    this.model = options.model ?? null;
    if (this.world === 'lmm' && !this.model) throw new Error('ExecutionEnv: an LMM world needs a model (options.model)');
    this.task = resolveTask(options.task);
    this.actions = options.actions ?? EXECUTION_ACTIONS;
    if (this.actions.length === 0) throw new RangeError('ExecutionEnv: actions must not be empty');
    this.actions.forEach(checkAction);
  }

  /** Worlds in the current batch. */
  get batch(): number {
    return this.worlds.length;
  }

  /** Length of an observation (OBSERVATION_FEATURES). */
  get observationSize(): number {
    return OBSERVATION_FEATURES.length;
  }

  /** Start one world per start state and run each to its first decision; returns the observations. */
  async reset(o: ResetOptions): Promise<Float64Array[]> {
    const starts = o.starts;
    if (!Array.isArray(starts) || starts.length === 0) throw new RangeError('ExecutionEnv.reset: starts must be a non-empty list of start states');
    if (!Number.isFinite(o.seed)) throw new RangeError(`ExecutionEnv.reset: seed must be a number, got ${o.seed}`);
    const first = o.firstEpisode ?? 0;
    if (!(Number.isInteger(first) && first >= 0)) throw new RangeError(`ExecutionEnv.reset: firstEpisode must be a whole number ≥ 0, got ${first}`);
    const B = starts.length;
    if (o.streams && (o.streams.length !== B || !o.streams.every((k) => Number.isInteger(k) && k >= 0))) throw new RangeError(`ExecutionEnv.reset: streams must be ${B} whole numbers ≥ 0 (one per start)`);
    const model = this.model;
    const tokenizer = model?.tokenizer ?? null;
    const lmm = this.world === 'lmm';
    this.worlds = [];
    this.agents = [];
    this.over = new Array<boolean>(B).fill(false);
    const modelRngs: Rng[] = [];
    starts.forEach((state, b) => {
      if (lmm && tokenizer!.name !== state.tokenizer) throw new Error(`ExecutionEnv: start ${b}'s context was made with tokenizer ${state.tokenizer}, the model uses ${tokenizer!.name}`);
      if (this.world === 'replay' && !state.continuation) throw new Error('ExecutionEnv: a replay world needs start states from a real day (with their continuation)');
      const r = trajectoryRng(o.seed, o.streams ? o.streams[b] : first + b);
      modelRngs.push(r.fork());
      const agent = new ExecutionAgent(this.task);
      const background = this.world === 'noise' ? new NoiseAgent(this.options.noise) : this.world === 'replay' ? new ReplayAgent(state.continuation!) : undefined;
      const w = new World({
        book: stateBook(state),
        firstId: state.firstId,
        venue: state.venue,
        start: state.time,
        // A little past the last decision's aggressive order: the forced completion is the last event that matters.
        end: state.time + Math.round(this.task.duration * 1e9) + 1,
        lastOrderTime: state.lastOrderTime,
        startMid: state.mid,
        background,
        agents: [agent],
        rng: r.fork(),
        agentRng: r.fork(),
        context: lmm ? { tokenizer: tokenizer!, openPrice: state.openPrice, lastMid: state.mid, lastTrade: state.lastTrade } : undefined,
        startTouch: { bid: state.bid, ask: state.ask },
      });
      this.worlds.push(w);
      this.agents.push(agent);
    });
    for (const w of this.worlds) w.begin();
    if (lmm) {
      const m = model!;
      this.context = m.context;
      this.W = m.rowWidth;
      this.gen = new TokenGenerator(m, { batch: B, seed: o.seed, rngs: modelRngs, ...(this.options.sampling ?? {}) });
      this.proposer = new OrderProposer(this.gen, this.worlds, starts, this.options.maxRetries ?? 32, this.profile);
      this.rows = new Int32Array(B * this.W);
      this.active = new Uint8Array(B);
      const { rows, len } = batchContext(starts, this.W);
      if (len === 0) throw new Error('ExecutionEnv: a start state has no context rows for the model');
      const C = this.context;
      this.history = new Int32Array(B * C * this.W);
      this.historyCount = new Int32Array(B);
      this.historyNext = new Int32Array(B);
      const shared = rows.length === len * this.W;
      for (let b = 0; b < B; b++) {
        const base = shared ? 0 : b * len * this.W;
        for (let t = Math.max(0, len - C); t < len; t++) this.remember(b, rows.subarray(base + t * this.W, base + (t + 1) * this.W));
      }
      const t0 = performance.now();
      await this.gen.prime(rows, len);
      this.profile.model += (performance.now() - t0) / 1000;
      this.active.fill(1);
      await this.proposer.proposeAll(this.active);
    }
    await this.run();
    return this.agents.map((a, b) => (this.settle(b) ? new Float64Array(OBSERVATION_FEATURES.length) : a.observe()));
  }

  /**
   * One decision per world (an index into `actions`, or an action), in the order of the reset's starts;
   * worlds whose episode is over ignore theirs. Runs every world to its next decision.
   */
  async step(actions: ArrayLike<number | ExecutionAction>): Promise<StepResult[]> {
    const B = this.worlds.length;
    if (B === 0) throw new Error('ExecutionEnv.step: call reset first');
    if (this.over.every(Boolean)) throw new Error('ExecutionEnv.step: every episode is over; call reset');
    if (actions.length !== B) throw new RangeError(`ExecutionEnv.step: ${actions.length} actions for ${B} worlds`);
    for (let b = 0; b < B; b++) {
      if (this.over[b]) continue;
      const a = actions[b];
      if (typeof a === 'number') {
        if (!(Number.isInteger(a) && a >= 0 && a < this.actions.length)) throw new RangeError(`ExecutionEnv.step: action ${a} for world ${b} is not an index of the ${this.actions.length} actions`);
        this.agents[b].setAction(this.actions[a]);
      } else this.agents[b].setAction(a);
    }
    if (this.gen) await this.reprime();
    await this.run();
    const out: StepResult[] = [];
    for (let b = 0; b < B; b++) {
      const a = this.agents[b];
      const wasOver = this.over[b];
      const done = this.settle(b);
      out.push({
        observation: done ? new Float64Array(OBSERVATION_FEATURES.length) : a.observe(),
        reward: wasOver ? 0 : a.takeReward(),
        done,
        info: this.info(b),
      });
    }
    return out;
  }

  /** Each world's execution agent (its fills, actions and report). */
  executionAgents(): readonly ExecutionAgent[] {
    return this.agents;
  }

  /** The worlds of the current batch (their order logs, trades and snapshots). */
  currentWorlds(): readonly World[] {
    return this.worlds;
  }

  /** True when world b's episode is over (ending it if its world stopped first). */
  private settle(b: number): boolean {
    if (this.over[b]) return true;
    const a = this.agents[b];
    const w = this.worlds[b];
    if (!a.finished && w.done) a.end();
    if (a.finished) {
      this.over[b] = true;
      if (!w.done) w.stop(STOP.end);
    }
    return this.over[b];
  }

  private info(b: number): ExecutionInfo {
    const a = this.agents[b];
    const w = this.worlds[b];
    return {
      slice: a.slice,
      time: a.finished ? w.now : a.decisionTime,
      filled: a.filled,
      left: a.task.quantity - a.filled,
      passiveFilled: a.passiveFilled,
      aggressiveFilled: a.aggressiveFilled,
      forced: a.forced,
      forcedFilled: a.forcedFilled,
      arrivalMid: a.arrivalMid,
      shortfallBp: a.shortfallBp,
      stuck: w.stats.stopReason === STOP.stuck ? 1 : 0,
    };
  }

  private remember(b: number, row: Int32Array): void {
    const C = this.context;
    const slot = this.historyNext[b];
    this.history.set(row, (b * C + slot) * this.W);
    this.historyNext[b] = (slot + 1) % C;
    if (this.historyCount[b] < C) this.historyCount[b]++;
  }

  /** Prime the model again from each world's own last rows (the shared cache held filler while worlds waited). */
  private async reprime(): Promise<void> {
    const B = this.worlds.length;
    const C = this.context;
    let len = C;
    for (let b = 0; b < B; b++) len = Math.min(len, this.historyCount[b]);
    const rows = new Int32Array(B * len * this.W);
    for (let b = 0; b < B; b++) {
      const n = this.historyCount[b];
      const oldest = n < C ? 0 : this.historyNext[b];
      for (let t = 0; t < len; t++) {
        const slot = (oldest + n - len + t) % C;
        rows.set(this.history.subarray((b * C + slot) * this.W, (b * C + slot + 1) * this.W), (b * len + t) * this.W);
      }
    }
    const t0 = performance.now();
    await this.gen!.prime(rows, len);
    this.profile.model += (performance.now() - t0) / 1000;
  }

  /** Run every world until it waits for a decision or its episode is over. */
  private async run(): Promise<void> {
    const worlds = this.worlds;
    const agents = this.agents;
    const B = worlds.length;
    if (!this.gen) {
      const t0 = performance.now();
      for (let b = 0; b < B; b++) if (!worlds[b].done && !agents[b].finished && !agents[b].waiting()) worlds[b].runToEnd();
      this.profile.worlds += (performance.now() - t0) / 1000;
      return;
    }
    const gen = this.gen;
    const rows = this.rows;
    const active = this.active;
    while (true) {
      const t0 = performance.now();
      let any = false;
      for (let b = 0; b < B; b++) {
        const w = worlds[b];
        const a = agents[b];
        active[b] = 0;
        if (w.done || a.waiting()) continue;
        if (a.finished) {
          w.stop(STOP.end);
          continue;
        }
        if (w.advance()) {
          w.takeRow(rows, b * this.W);
          this.remember(b, rows.subarray(b * this.W, (b + 1) * this.W));
          active[b] = 1;
          any = true;
        }
      }
      const t1 = performance.now();
      this.profile.worlds += (t1 - t0) / 1000;
      if (!any) return;
      await gen.append(rows);
      this.profile.model += (performance.now() - t1) / 1000;
      this.profile.steps++;
      await this.proposer!.proposeAll(active);
    }
  }
}

/**
 * Start states of a real day every `everyMinutes` from `from` to `to` (both "HH:MM[:SS]" or seconds
 * after midnight, `to` included when on the grid): one extraction of the day's orders for all of them.
 */
export function startsBetween(day: { flow: OrderFlow; frames: BookFrames | null }, from: string | number, to: string | number, everyMinutes: number, tokenizer: OrderTokenizer, options: { events?: OrderEvents } = {}): StartState[] {
  const a = clockSeconds(from);
  const b = clockSeconds(to);
  if (!(everyMinutes > 0)) throw new RangeError(`startsBetween: everyMinutes must be positive, got ${everyMinutes}`);
  if (!(b >= a)) throw new RangeError(`startsBetween: ${clockString(b)} is before ${clockString(a)}`);
  const events = options.events ?? extractOrders(day.flow, day.frames);
  const out: StartState[] = [];
  for (let t = a; t <= b + 1e-9; t += everyMinutes * 60) out.push(startFromDay(day, t, tokenizer, { events }));
  return out;
}
