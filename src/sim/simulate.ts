/**
 * `simulate`: many futures from one start state. The Large Market Model drives the matching engine
 * (MarS's loop), or MarS's noise agent, or the real orders replayed; other agents (a TWAP execution,
 * scripted orders, your own) trade inside each future and the model reacts to them.
 *
 *     const day = await mb.loadLobster(messages, orderbook);
 *     const futures = await mb.simulate({ day, start: '12:00', minutes: 5, trajectories: 32, seed: 1 });
 *     futures.summaries();                     // final mid, return, volume, invalid actions per trajectory
 *     mb.charts.fan(futures);                  // quantile bands of the mid across futures, the real path overlaid
 *
 * Trajectories run in groups of `batch` (one model batch; the model is the cost, and batch 64 runs
 * several times more tokens per second than batch 1). Groups run in this thread, on `workers`
 * worker threads, or on queue workers on other machines (`backend: { redis: URL }`, see queue-run.ts);
 * the same seed and batch size give byte-identical trajectories whatever runs them.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { BookFrames } from '../data/book-frames';
import type { OrderFlow } from '../data/order-flow';
import { LargeMarketModel } from '../model/lmm';
import type { SamplingOptions } from '../model/sampling';
import { OrderTokenizer } from '../tokenize/order-tokenizer';
import type { OrderEvents } from '../data/order-events';
import { extractOrders } from '../replay/lobster-orders';
import { autoProgress, type ProgressCallback } from '../util/progress';
import type { Agent, AgentSpec } from './agent';
import { makeAgents, runGroup, type GroupProfile, type RunSpec, type TrajectoryData, type WorldKind } from './run-group';
import { startFromDay, startFromNoise, type StartState } from './start-state';
import { Trajectories } from './trajectories';
import type { WorkerReply, WorkerRequest } from './worker-thread';
import type { NoiseOptions } from './noise';
import type { RedisBackend } from './queue';
import type { QueueRunResult, QueueRunOptions } from './queue-run';

export interface SimulateOptions {
  /** The model (loaded, or a model directory); default the shipped one. Not needed for noise and replay worlds. */
  model?: LargeMarketModel | string;
  /** Background market: 'lmm' (default), 'noise' (MarS's noise agent: nobody reacts) or 'replay' (the real orders). */
  world?: WorldKind;
  /** A real day to start from (with `start`), or a ready `state`. Neither: MarS's demo mode (a noise warm-up). */
  day?: { flow: OrderFlow; frames: BookFrames | null };
  /** Order events of `day` already extracted (saves that step). */
  events?: OrderEvents;
  /** Start time, "HH:MM[:SS]" or seconds after midnight (default 12:00). */
  start?: string | number;
  state?: StartState;
  /** Simulated minutes per trajectory. */
  minutes: number;
  trajectories: number;
  seed: number;
  /** Other agents in every trajectory: specs (run anywhere) or a factory of your own agents (runs in this thread). */
  agents?: AgentSpec[] | ((trajectory: number) => Agent[]);
  /** Trajectories per group (one model batch; default min(64, trajectories)). Part of what fixes the results. */
  batch?: number;
  /**
   * Worker threads (default: one per core, at most one per group; 0 when agents come from a function).
   * Results do not depend on it.
   */
  workers?: number;
  /** ONNX threads per model session (default 2 in this thread, 1 per worker when there are several). */
  threads?: number;
  /** Book levels recorded after each exchange message (default 0; set it to write LOBSTER files). */
  levels?: number;
  /** Seconds between book snapshots (default 1). */
  snapshotSeconds?: number;
  sampling?: SamplingOptions;
  /** Resamples of a token the engine cannot apply before a trajectory stops as stuck (default 32). */
  maxRetries?: number;
  /** Settings of the noise world's agent. */
  noise?: Partial<NoiseOptions>;
  /**
   * Run the groups on queue workers instead of this machine's threads: `{ redis: 'redis://host:6379' }`
   * (workers: `npx marsbook worker --redis URL`). Same seed and batch, same bytes as a local run.
   */
  backend?: RedisBackend;
  onProgress?: ProgressCallback;
}

/** Roll out `trajectories` futures (see the module comment). */
export async function simulate(options: SimulateOptions): Promise<Trajectories> {
  const [only] = await simulateRun(options, (tokenizer) => [startStateFor(options, tokenizer)]);
  return only;
}

/** The start state `simulate` runs from: `state`, or `day` at `start`, or MarS's demo state (a noise warm-up). */
export function startStateFor(options: Pick<SimulateOptions, 'state' | 'day' | 'start' | 'events' | 'seed'>, tokenizer: OrderTokenizer): StartState {
  if (options.state) return options.state;
  return options.day ? startFromDay(options.day, options.start ?? '12:00', tokenizer, { events: options.events }) : startFromNoise(tokenizer, { seed: options.seed, start: options.start });
}

export interface SimulateStartsOptions extends Omit<SimulateOptions, 'start' | 'state'> {
  /** Start times of `day` ("HH:MM[:SS]" or seconds after midnight), or ready start states. */
  starts: Array<string | number> | StartState[];
}

/**
 * `trajectories` futures from each of several start states in one run: the protocol of forecasting
 * and realism studies (many start points, K futures each). The model is loaded once, and a model
 * batch holds futures of consecutive starts, so 20 starts × 8 futures run as 160 futures do. Returns
 * one `Trajectories` per start, in order. Start 0's futures are byte-identical to `simulate`'s from
 * it with the same seed, when `batch` divides `trajectories` (a model batch then holds one start only).
 */
export async function simulateStarts(options: SimulateStartsOptions): Promise<Trajectories[]> {
  const starts = options.starts;
  if (!Array.isArray(starts) || starts.length === 0) throw new RangeError('simulateStarts: starts must be a non-empty list of start times or states');
  return simulateRun(options, (tokenizer) => {
    const events = options.events ?? (options.day && starts.some((s) => typeof s !== 'object') ? extractOrders(options.day.flow, options.day.frames) : undefined);
    return starts.map((s) => {
      if (typeof s === 'object') return s;
      if (!options.day) throw new Error('simulateStarts: start times need a `day` (or pass start states)');
      return startFromDay(options.day, s, tokenizer, { events });
    });
  });
}

/** A run over the start states `makeStates` builds (given the model's tokenizer): what `simulate` and `simulateStarts` share. */
export async function simulateRun(options: Omit<SimulateOptions, 'start' | 'state'>, makeStates: (tokenizer: OrderTokenizer) => StartState[]): Promise<Trajectories[]> {
  const t0 = performance.now();
  const world = options.world ?? 'lmm';
  if (!(options.minutes > 0)) throw new RangeError(`simulate: minutes must be positive, got ${options.minutes}`);
  if (!(Number.isInteger(options.trajectories) && options.trajectories > 0)) throw new RangeError(`simulate: trajectories must be a positive whole number, got ${options.trajectories}`);
  if (!Number.isFinite(options.seed)) throw new RangeError(`simulate: seed must be a number, got ${options.seed}`);
  const model = world === 'lmm' ? (typeof options.model === 'string' || !options.model ? await LargeMarketModel.load(options.model, { threads: options.threads ?? 2 }) : options.model) : null;
  const tokenizer = model?.tokenizer ?? OrderTokenizer.load('pooled');
  const states = makeStates(tokenizer);
  const setupSeconds = (performance.now() - t0) / 1000;
  const profile: GroupProfile = { model: 0, sampling: 0, worlds: 0, steps: 0 };
  const total = states.length * options.trajectories;
  const batch = Math.max(1, Math.floor(options.batch ?? Math.min(64, total)));
  const factory = typeof options.agents === 'function' ? options.agents : undefined;
  const spec: RunSpec = {
    world,
    minutes: options.minutes,
    seed: options.seed,
    trajectories: options.trajectories,
    batch,
    agents: Array.isArray(options.agents) ? options.agents : [],
    levels: options.levels ?? 0,
    snapshotSeconds: options.snapshotSeconds ?? 1,
    sampling: options.sampling ?? {},
    maxRetries: options.maxRetries ?? 32,
    noise: options.noise,
    ...(model ? { model: model.name } : {}),
  };
  makeAgents(spec.agents); // validate the specs here, with a clear error, before any thread starts
  const groups = Math.ceil(total / batch);
  const backend = options.backend;
  if (backend && factory) throw new Error('simulate: agents made by a function run in this process only; a Redis backend needs agent specs');
  let workers = backend ? 0 : Math.max(0, Math.min(groups, Math.floor(options.workers ?? (factory ? 0 : availableParallelism()))));
  if (workers > 0 && factory) throw new Error('simulate: agents made by a function run in this thread only (use workers: 0, or agent specs)');
  const where = states.length > 1 ? ` from ${states.length} starts` : '';
  const progress = autoProgress(`simulating ${options.trajectories} × ${options.minutes} min${where} (${world})`, options.onProgress);
  const done = new Float64Array(groups);
  const report = (): void => {
    let s = 0;
    for (let g = 0; g < groups; g++) s += done[g];
    progress.onProgress?.(Math.round((s / groups) * 1000), 1000);
  };
  let data: TrajectoryData[];
  let queue: QueueRunResult['stats'] | undefined;
  if (backend) {
    const r = await queueRun()({
      states,
      spec,
      groups,
      model: model?.identity() ?? null,
      backend,
      onProgress: (g, d) => {
        done[g] = d;
        report();
      },
    });
    data = r.data;
    for (const k of ['model', 'sampling', 'worlds', 'steps'] as const) profile[k] += r.profile[k];
    queue = r.stats;
    workers = r.stats.workers;
  } else if (workers === 0) {
    data = [];
    for (let g = 0; g < groups; g++) {
      const part = await runGroup(states, spec, g, {
        model,
        agents: factory,
        profile,
        onProgress: (d) => {
          done[g] = d;
          report();
        },
      });
      data.push(...part);
    }
  } else {
    data = await runOnWorkers(states, spec, groups, workers, model?.dir ?? null, options.threads ?? (workers > 1 ? 1 : 2), profile, (g, d) => {
      done[g] = d;
      report();
    });
  }
  progress.onProgress?.(1000, 1000);
  progress.finish();
  const timing = { seconds: (performance.now() - t0) / 1000, setupSeconds, workers, profile, ...(queue ? { queue } : {}) };
  return states.map((state, s) => new Trajectories(state, spec, data.filter((t) => t.start === s), timing));
}

/** The queue backend, loaded on first use (bullmq and ioredis stay unloaded in local runs). */
function queueRun(): (o: QueueRunOptions) => Promise<QueueRunResult> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('./queue-run') as typeof import('./queue-run')).runOnQueue;
}

function workerFile(): { file: string; execArgv: string[] } {
  // Built: dist/src/sim/worker-thread.js. From the sources (tests under tsx): the .ts file, loaded through tsx.
  if (__filename.endsWith('.ts')) return { file: require.resolve('./worker-thread.ts'), execArgv: ['--require', require.resolve('tsx/cjs')] };
  return { file: require.resolve('./worker-thread.js'), execArgv: [] };
}

async function runOnWorkers(states: StartState[], spec: RunSpec, groups: number, n: number, modelDir: string | null, threads: number, profile: GroupProfile, onProgress: (g: number, done: number) => void): Promise<TrajectoryData[]> {
  const { file, execArgv } = workerFile();
  const results: TrajectoryData[][] = new Array(groups);
  let next = 0;
  let finished = 0;
  const pool: Worker[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const feed = (w: Worker): void => {
        if (next < groups) w.postMessage({ kind: 'group', group: next++ } satisfies WorkerRequest);
      };
      for (let i = 0; i < n; i++) {
        const w = new Worker(file, { execArgv });
        pool.push(w);
        w.on('message', (msg: WorkerReply) => {
          if (msg.kind === 'ready') feed(w);
          else if (msg.kind === 'progress') onProgress(msg.group, msg.done);
          else if (msg.kind === 'group') {
            results[msg.group] = msg.data;
            for (const k of ['model', 'sampling', 'worlds', 'steps'] as const) profile[k] += msg.profile[k];
            onProgress(msg.group, 1);
            if (++finished === groups) resolve();
            else feed(w);
          } else if (msg.kind === 'error') reject(new Error(msg.group >= 0 ? `group ${msg.group}: ${msg.message}` : msg.message));
        });
        w.on('error', reject);
        w.on('exit', (code) => {
          if (finished < groups && code !== 0) reject(new Error(`a simulation worker exited with code ${code}`));
        });
        w.postMessage({ kind: 'init', modelDir, threads, states, spec } satisfies WorkerRequest);
      }
    });
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return results.flat();
}
