/**
 * `marsbook bench`: one JSON object of figures (keys are a contract: add, never rename).
 *
 * - load_rows_per_s: rows per second loading the GOOG level-10 message + orderbook pair (gzip'd) into
 *   columns (median of 5 after a warm-up); pandas_load_seconds / load_speedup_vs_pandas when pandas is
 *   installed.
 * - replay_msgs_per_s: messages per second through the engine alone (the day already loaded, no
 *   validation); replay_validated_msgs_per_s with validation against every orderbook row.
 * - match_orders_per_s: a pre-generated stream of 1M noise-trader events (passive and marketable limit
 *   orders, deletions) through a fresh book, trades written to the tape.
 * - lmm_tokens_per_s_b1 / lmm_tokens_per_s_b64: tokens generated per second by the shipped model with
 *   its KV cache (2 ONNX threads), one sequence or 64 at once, each step the backbone on one new
 *   position and the factorized head sampled component by component; primed with a real context.
 * - tokenize_orders_per_s: orders per second turned into MarS tokens from a loaded day: the replay that
 *   gives each order its book, the reconstruction of aggressive orders, binning and context (one core).
 * - generate_128x5min_seconds / generate_orders_per_s: the whole `simulate` a user runs — the start
 *   state rebuilt from the GOOG day at 12:00, 128 futures × 5 simulated minutes of the shipped model
 *   driving the engine (batch 64, worker threads as the defaults choose) — with where the time went
 *   (generate_*_thread_seconds: backbone steps, sampling, the worlds' decoding/matching/feature rows).
 * Without the LOBSTER samples, load and replay run on a synthetic day of the same size (`data` says so).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { extname, join } from 'node:path';
import { spawn } from 'node:child_process';
import { loadLobster, type LobsterData } from '../src/data/lobster-load';
import { lobsterSample } from '../src/data/sample-data';
import { replayLobster } from '../src/replay/lobster-replay';
import { OrderBook } from '../src/book/order-book';
import { generateNoiseStream } from '../src/sim/noise';
import { syntheticLobsterDay } from '../src/sim/synthetic-day';
import { medianSeconds, round } from './timing';
import { pandasLoadSeconds } from './pandas';
import { extractOrders } from '../src/replay/lobster-orders';
import { OrderTokenizer } from '../src/tokenize/order-tokenizer';
import { existsSync } from 'node:fs';
import { join as joinPath } from 'node:path';
import { LargeMarketModel, shippedModelDir, tokenFeatures } from '../src/model/lmm';
import { TokenGenerator } from '../src/model/generator';
import { simulate } from '../src/sim/simulate';

export type BenchFigures = Record<string, number | string | boolean | null>;

export interface BenchOptions {
  /** Run only the groups named (`benchGroupNames()`); unknown names are an error. */
  only?: string[];
  /** Run the groups in this process rather than each in a child process of its own. */
  inProcess?: boolean;
  /** Fewer repetitions (for tests). */
  quick?: boolean;
  /** Skip the pandas comparison. */
  noPandas?: boolean;
  log?: (line: string) => void;
}

export type BenchGroup = (ctx: BenchContext, figures: BenchFigures) => Promise<void>;

export interface BenchContext {
  options: BenchOptions;
  runs: number;
  /** The day used by load/replay: the GOOG sample, or a synthetic stand-in. */
  day(): Promise<{ files: { messages: string; orderbook: string }; data: LobsterData; synthetic: boolean }>;
  log(line: string): void;
}

const groups = new Map<string, BenchGroup>();

/**
 * Register a benchmark group: one call per group, in this file, in the order they run. `bench` runs each
 * group in a child process of its own (bench/child.ts), so groups cannot disturb each other's JIT state
 * or heap; `bench --help` and `--only` list what is registered here.
 */
export function registerBenchGroup(name: string, group: BenchGroup): void {
  groups.set(name, group);
}

/** The registered groups, in the order they run. */
export function benchGroupNames(): string[] {
  return [...groups.keys()];
}

registerBenchGroup('load', async (ctx, fig) => {
  const { files, synthetic } = await ctx.day();
  let rows = 0;
  const secs = await medianSeconds(ctx.runs, async () => {
    const d = await loadLobster(files.messages, files.orderbook);
    rows = d.flow.length;
  });
  fig.load_rows = rows;
  fig.load_seconds = round(secs, 4);
  fig.load_rows_per_s = Math.round(rows / secs);
  if (!ctx.options.noPandas && !synthetic) {
    const pd = pandasLoadSeconds(files.messages, files.orderbook, ctx.runs);
    fig.pandas_load_seconds = pd ? round(pd.seconds, 4) : null;
    fig.pandas_version = pd?.version ?? null;
    fig.load_speedup_vs_pandas = pd ? round(pd.seconds / secs, 2) : null;
    if (!pd) ctx.log('pandas not found (apt-get install python3-pandas to compare)');
  }
});

registerBenchGroup('replay', async (ctx, fig) => {
  const { data } = await ctx.day();
  const reps = ctx.options.quick ? 3 : 15;
  const engine = await medianSeconds(reps, () => replayLobster(data.flow, data.frames, { validate: false }), 2);
  const validated = await medianSeconds(reps, () => replayLobster(data.flow, data.frames, { validate: true }), 2);
  fig.replay_messages = data.flow.length;
  fig.replay_msgs_per_s = Math.round(data.flow.length / engine);
  fig.replay_validated_msgs_per_s = Math.round(data.flow.length / validated);
  fig.replay_mismatched_rows = replayLobster(data.flow, data.frames).report.mismatchedRows;
});

registerBenchGroup('match', async (ctx, fig) => {
  const n = ctx.options.quick ? 200_000 : 1_000_000;
  const s = generateNoiseStream(n, 20_240_907);
  let trades = 0;
  const secs = await medianSeconds(ctx.options.quick ? 3 : 7, () => {
    const book = new OrderBook();
    for (let i = 0; i < s.length; i++) {
      if (s.kind[i] === 0) book.limit(s.id[i], s.side[i], s.price[i], s.qty[i], s.time[i]);
      else book.delete(s.id[i]);
    }
    trades = book.tape.length;
  });
  fig.match_orders = n;
  fig.match_trades = trades;
  fig.match_orders_per_s = Math.round(n / secs);
});

registerBenchGroup('tokenize', async (ctx, fig) => {
  const { data } = await ctx.day();
  const tok = OrderTokenizer.load('pooled');
  let tokens = 0;
  const secs = await medianSeconds(ctx.options.quick ? 3 : 9, () => {
    tokens = tok.encode(extractOrders(data.flow, data.frames)).length;
  }, 2);
  fig.tokenize_tokens = tokens;
  fig.tokenize_orders_per_s = Math.round(tokens / secs);
});

registerBenchGroup('lmm', async (ctx, fig) => {
  const dir = shippedModelDir();
  if (!existsSync(joinPath(dir, 'config.json'))) {
    ctx.log(`no model at ${dir}: lmm figures skipped`);
    fig.lmm_tokens_per_s_b1 = null;
    fig.lmm_tokens_per_s_b64 = null;
    return;
  }
  const model = await LargeMarketModel.load(dir, { threads: 2 });
  const { data } = await ctx.day();
  const tokens = model.tokenizer.encode(extractOrders(data.flow.slice(0, Math.min(data.flow.length, 20_000)), data.frames?.slice(0, Math.min(data.flow.length, 20_000)) ?? null));
  const C = model.context;
  const N_FEATURES = model.rowWidth;
  const feats = tokenFeatures(tokens).subarray(0, C * N_FEATURES);
  const run = async (batch: number, steps: number): Promise<number> => {
    const g = new TokenGenerator(model, { batch, seed: 5 });
    await g.prime(feats, C);
    const rows = new Int32Array(batch * N_FEATURES);
    for (let b = 0; b < batch; b++) rows.set(feats.subarray((C - 1) * N_FEATURES, C * N_FEATURES), b * N_FEATURES);
    const t0 = performance.now();
    for (let s = 0; s < steps; s++) {
      const x = await g.sample();
      for (let b = 0; b < batch; b++) for (let c = 0; c < 4; c++) rows[b * N_FEATURES + c] = x.parts[b * 4 + c];
      await g.append(rows);
    }
    return (batch * steps) / ((performance.now() - t0) / 1000);
  };
  await run(1, 20);
  fig.lmm_model = model.name;
  fig.lmm_parameters = model.parameters;
  fig.lmm_tokens_per_s_b1 = Math.round(await run(1, ctx.options.quick ? 100 : 400));
  fig.lmm_tokens_per_s_b64 = Math.round(await run(64, ctx.options.quick ? 20 : 80));
});

registerBenchGroup('generate', async (ctx, fig) => {
  const dir = shippedModelDir();
  const sample = lobsterSample('GOOG', 10);
  if (!existsSync(joinPath(dir, 'config.json')) || !sample) {
    ctx.log(`generate figures need the shipped model and the GOOG sample: skipped`);
    fig.generate_128x5min_seconds = null;
    fig.generate_orders_per_s = null;
    return;
  }
  const { data } = await ctx.day();
  const minutes = ctx.options.quick ? 1 : 5;
  // The whole loop a user runs: start state from the real day, 128 futures, workers as the defaults choose.
  const r = await simulate({ day: data, start: '12:00', minutes, trajectories: 128, seed: 1 });
  const t = r.totals();
  const p = r.timing.profile;
  fig.generate_config = `GOOG 12:00, 128 futures x ${minutes} min, batch ${r.spec.batch}, ${r.timing.workers} workers`;
  fig.generate_128x5min_seconds = minutes === 5 ? round(t.seconds, 1) : null;
  fig.generate_seconds = round(t.seconds, 1);
  fig.generate_orders = t.ordersGenerated + t.agentOrders;
  fig.generate_orders_per_s = Math.round(t.ordersPerSecond);
  fig.generate_tokens_per_s = Math.round((t.ordersGenerated + t.invalidActions) / t.seconds);
  fig.generate_invalid_actions = t.invalidActions;
  fig.generate_model_steps = p.steps;
  // Where the time went: thread-seconds summed over workers (divide by workers for wall-clock shares).
  fig.generate_setup_seconds = round(r.timing.setupSeconds, 2);
  fig.generate_model_thread_seconds = round(p.model, 1);
  fig.generate_sampling_thread_seconds = round(p.sampling, 1);
  fig.generate_worlds_thread_seconds = round(p.worlds, 1);
  fig.generate_other_seconds = round(t.seconds - r.timing.setupSeconds - (p.model + p.sampling + p.worlds) / Math.max(1, r.timing.workers), 1);
});

function selectedGroups(options: BenchOptions): string[] {
  const names = benchGroupNames();
  const unknown = (options.only ?? []).filter((n) => !groups.has(n));
  if (unknown.length > 0) throw new BenchError(`unknown bench group${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `'${n}'`).join(', ')} (groups: ${names.join(', ')})`);
  return names.filter((n) => !options.only || options.only.includes(n));
}

/** A user mistake in the bench options (one line, no stack). */
export class BenchError extends Error {
  override name = 'BenchError';
}

function baseFigures(): BenchFigures {
  return { node: process.version, cpus: cpus().length, cpu_model: cpus()[0]?.model ?? 'unknown' };
}

/** How to start a child that runs bench/child: compiled JavaScript, or TypeScript through tsx (tests). */
function childCommand(): string[] {
  const ext = extname(__filename);
  const child = join(__dirname, `child${ext}`);
  return ext === '.ts' ? ['--require', require.resolve('tsx/cjs'), child] : [child];
}

function runGroupInChild(name: string, options: BenchOptions, log: (l: string) => void): Promise<BenchFigures> {
  return new Promise((resolvePromise, reject) => {
    const settings = { quick: options.quick === true, noPandas: options.noPandas === true };
    const p = spawn(process.execPath, [...childCommand(), name, JSON.stringify(settings)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let errTail = '';
    let partial = '';
    p.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    p.stderr.setEncoding('utf8').on('data', (d: string) => {
      errTail = (errTail + d).slice(-2000);
      const lines = (partial + d).split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) log(l);
    });
    p.on('error', reject);
    p.on('close', (code) => {
      if (partial) log(partial);
      if (code !== 0) return reject(new Error(`bench group ${name} failed (exit ${code}): ${errTail.trim().split('\n').slice(-3).join(' ')}`));
      try {
        resolvePromise(JSON.parse(out) as BenchFigures);
      } catch {
        reject(new Error(`bench group ${name} printed no figures`));
      }
    });
  });
}

/** Run the selected groups, each in a child process of its own (or all here with `inProcess`). */
export async function runBench(options: BenchOptions = {}): Promise<BenchFigures> {
  const names = selectedGroups(options);
  if (options.inProcess) return runBenchInProcess(options);
  const log = options.log ?? (() => {});
  const figures = baseFigures();
  for (const name of names) {
    Object.assign(figures, await runGroupInChild(name, options, log));
  }
  // keep `data` last, as before
  if ('data' in figures) {
    const data = figures.data;
    delete figures.data;
    figures.data = data;
  }
  return figures;
}

/** Run the selected groups in this process, one after the other. */
export async function runBenchInProcess(options: BenchOptions = {}): Promise<BenchFigures> {
  const names = selectedGroups(options);
  const log = options.log ?? (() => {});
  let dayCache: Awaited<ReturnType<BenchContext['day']>> | null = null;
  let tmp: string | null = null;
  const ctx: BenchContext = {
    options,
    runs: options.quick ? 2 : 5,
    log,
    async day() {
      if (dayCache) return dayCache;
      const sample = lobsterSample('GOOG', 10);
      let files: { messages: string; orderbook: string };
      let synthetic = false;
      if (sample) files = sample;
      else {
        log('LOBSTER samples not found: benchmarking a synthetic day instead');
        tmp = mkdtempSync(join(tmpdir(), 'marsbook-bench-'));
        files = syntheticLobsterDay({ seed: 1, events: options.quick ? 30_000 : 150_000, levels: 10 }).writeFiles(tmp, 'SYNTH', '2012-06-21', { gzip: true });
        synthetic = true;
      }
      dayCache = { files, data: await loadLobster(files.messages, files.orderbook), synthetic };
      return dayCache;
    },
  };
  const figures = baseFigures();
  try {
    for (const name of names) {
      log(`bench ${name}…`);
      await groups.get(name)!(ctx, figures);
    }
    if (dayCache) figures.data = (dayCache as { synthetic: boolean }).synthetic ? 'synthetic' : 'lobster-sample GOOG level 10';
  } finally {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
  return figures;
}
