/**
 * `marsbook generate [--model DIR] [--messages F --orderbook F] --start HH:MM --minutes M
 *  --trajectories K --seed S [--workers N] [--batch B] [--world lmm|noise|replay] [--twap SIDE:QTY]
 *  [--levels N] [--out DIR] [--redis URL [--queue NAME]] [--json]`: roll out futures from a real state
 *  and summarise them; with --redis the groups run on queue workers (`marsbook worker`), same bytes.
 *
 * Without --messages it starts from the GOOG sample beside the repository; where that is absent, from
 * MarS's demo state (a noise agent's 30-minute warm-up), and says so.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { quantile } from 'simple-statistics';
import { loadLobster } from '../data/lobster-load';
import { findOrderbookBeside } from '../data/lobster-names';
import { lobsterSample } from '../data/sample-data';
import { LargeMarketModel, shippedModelDir, resolveModelDir } from '../model/lmm';
import { OrderTokenizer } from '../tokenize/order-tokenizer';
import type { AgentSpec } from '../sim/agent';
import type { WorldKind } from '../sim/run-group';
import { simulate } from '../sim/simulate';
import { startFromDay, startFromNoise, type StartState } from '../sim/start-state';
import { clockString } from '../util/clock';
import { clockFlag } from './day-files';
import { progressReporter } from '../util/progress';
import { CliError, fmt, type CliIO } from './io';

export interface GenerateOptions {
  model?: string;
  messages?: string;
  orderbook?: string;
  start?: string;
  minutes?: number;
  trajectories?: number;
  seed?: number;
  workers?: number;
  batch?: number;
  world?: string;
  twap?: string;
  levels?: number;
  out?: string;
  threads?: number;
  redis?: string;
  queue?: string;
  json?: boolean;
}

const WORLDS: readonly WorldKind[] = ['lmm', 'noise', 'replay'];

/** "buy:2000" or "sell:500:0.9:5" (side, shares, passive-volume ratio, aggressive level) → a TWAP spec over the run. */
export function parseTwap(s: string, minutes: number): AgentSpec {
  const [side, qty, pvr, level] = s.split(':');
  if ((side !== 'buy' && side !== 'sell') || !(Number(qty) > 0)) throw new CliError(`--twap ${s}: expected SIDE:SHARES[:PVR[:LEVEL]], e.g. buy:2000 or sell:500:0.9:5`);
  return { kind: 'twap', side, quantity: Math.round(Number(qty)), duration: Math.min(300, minutes * 60), pvr: pvr ? Number(pvr) : undefined, aggressiveLevel: level ? Number(level) : undefined };
}

export async function generateCommand(o: GenerateOptions, io: CliIO): Promise<number> {
  const minutes = o.minutes ?? 5;
  const K = o.trajectories ?? 16;
  const seed = o.seed ?? 1;
  if (!(minutes > 0)) throw new CliError(`--minutes ${minutes}: must be a positive number of minutes`);
  const world = (o.world ?? 'lmm') as WorldKind;
  if (!WORLDS.includes(world)) throw new CliError(`--world ${o.world}: expected one of ${WORLDS.join(', ')}`);
  if (o.start !== undefined) clockFlag(o.start, '--start');
  // Every flag is checked before any file is read or model loaded.
  const agents: AgentSpec[] = o.twap ? [parseTwap(o.twap, minutes)] : [];
  // Groups of `batch` futures run on worker threads, one ONNX thread each when there are several.
  const batch = o.batch ?? Math.min(64, K);
  if (o.redis && o.workers !== undefined) throw new CliError('--workers and --redis: the groups run either on this machine\'s threads or on queue workers; drop one');
  if (o.queue !== undefined && !o.redis) throw new CliError('--queue needs --redis');
  const workers = o.workers ?? Math.min(Math.ceil(K / batch), availableParallelism());
  const threads = o.threads ?? (workers > 1 ? 1 : 2);
  let model: LargeMarketModel | null = null;
  const dir = resolveModelDir(o.model ?? shippedModelDir());
  if (world === 'lmm') {
    if (!existsSync(dir)) throw new CliError(`--model ${dir}: no such folder`);
    model = await LargeMarketModel.load(dir, { threads });
  }
  const tokenizer = model?.tokenizer ?? OrderTokenizer.load('pooled');

  // The start state: named files, else the GOOG sample, else MarS's noise warm-up.
  let files: { messages: string; orderbook: string } | null = null;
  let note = '';
  if (o.messages) {
    const ob = o.orderbook ?? findOrderbookBeside(o.messages);
    if (!ob || !existsSync(ob)) throw new CliError(`--messages ${o.messages}: a simulation starts from the real book, so it needs the orderbook file too (--orderbook; none found beside it)`);
    files = { messages: o.messages, orderbook: ob };
  } else if (o.orderbook) throw new CliError('--orderbook needs --messages');
  else {
    const s = lobsterSample('GOOG', 10);
    if (s) files = s;
    else note = 'no LOBSTER files named and no samples found (../shared/data/lobster, $MARSBOOK_LOBSTER_DIR): starting from MarS demo mode, a noise agent\'s 30-minute warm-up';
  }
  if (!files && world === 'replay') throw new CliError('--world replay needs a real day (--messages and --orderbook)');
  let state: StartState;
  if (files) {
    const day = await loadLobster(files.messages, files.orderbook);
    try {
      state = startFromDay(day, o.start ?? '12:00', tokenizer);
    } catch (e) {
      throw new CliError((e as Error).message);
    }
  } else state = startFromNoise(tokenizer, { seed, start: o.start ?? '12:00' });
  if (note && !o.json) io.err(`marsbook: ${note}\n`);

  const bar = o.json ? null : progressReporter('generate');
  const futures = await simulate({
    model: model ?? undefined,
    world,
    state,
    minutes,
    trajectories: K,
    seed,
    batch,
    workers,
    threads,
    levels: o.out ? (o.levels ?? 10) : 0,
    agents,
    backend: o.redis ? { redis: o.redis, queue: o.queue } : undefined,
    onProgress: bar?.onProgress,
  });
  bar?.finish();
  const written = o.out ? futures.writeLobster(o.out, { levels: o.levels ?? 10 }) : [];
  const totals = futures.totals();
  const summaries = futures.summaries();
  const finals = summaries.map((s) => s.finalMid).filter((x) => x === x);
  const real = futures.realMidPath();
  const realFinal = real ? real[real.length - 1] : NaN;
  const pm = futures.perMinute().columns();
  const spreads = Array.from(pm.spreadTicks as Float64Array).filter((x) => x === x);
  const realPm = futures.realPerMinute()?.columns();
  const realSpreads = realPm ? Array.from(realPm.spreadTicks as Float64Array).filter((x) => x === x) : [];
  const q = (xs: number[], p: number) => (xs.length ? quantile(xs, p) : NaN);
  const result = {
    world,
    model: model?.name ?? null,
    symbol: state.symbol,
    date: state.date,
    source: state.source,
    start: clockString(state.time / 1e9),
    trajectories: K,
    minutes,
    seed,
    batch: futures.spec.batch,
    workers: futures.timing.workers,
    queue: futures.timing.queue ? { name: futures.timing.queue.queue, jobs: futures.timing.queue.jobs, workers: futures.timing.queue.workers } : null,
    ordersGenerated: totals.ordersGenerated,
    agentOrders: totals.agentOrders,
    tradesGenerated: totals.tradesGenerated,
    invalidActions: totals.invalidActions,
    preempted: totals.preempted,
    stuck: totals.stuck,
    seconds: totals.seconds,
    ordersPerSecond: totals.ordersPerSecond,
    tokensPerSecond: world === 'lmm' ? (totals.ordersGenerated + totals.invalidActions) / totals.seconds : 0,
    startMid: state.mid,
    finalMid: { p05: q(finals, 0.05), median: q(finals, 0.5), p95: q(finals, 0.95) },
    realFinalMid: realFinal === realFinal ? realFinal : null,
    spreadTicks: { median: q(spreads, 0.5), real: realSpreads.length ? q(realSpreads, 0.5) : null },
    out: o.out ?? null,
    summaries: summaries.map((s) => ({ trajectory: s.trajectory, finalMid: s.finalMid, returnBp: s.returnBp, tradedVolume: s.tradedVolume, trades: s.trades, orders: s.backgroundOrders + s.agentOrders, invalidActions: s.invalidActions, stopped: s.stopped, agents: s.agents })),
  };
  if (o.json) {
    io.out(JSON.stringify(result) + '\n');
    return 0;
  }
  const scale = state.venue.priceScale;
  const px = (x: number) => (x / scale).toFixed(2);
  const rets = summaries.map((s) => s.returnBp);
  const vols = summaries.map((s) => s.tradedVolume);
  const lines = [
    `${state.symbol} ${state.date} from ${result.start} · ${world === 'lmm' ? `LMM world (${model!.name})` : `${world} world`} · ${fmt(K)} futures × ${minutes} min · seed ${seed}${state.source === 'noise-warmup' ? ' · start: noise warm-up' : ''}`,
    `  generated  ${fmt(totals.ordersGenerated)} background orders${totals.agentOrders ? ` + ${fmt(totals.agentOrders)} from agents` : ''}, ${fmt(totals.tradesGenerated)} trades; ${fmt(totals.invalidActions)} tokens resampled, ${totals.stuck} futures stuck`,
    `  speed      ${totals.seconds.toFixed(1)} s: ${fmt(totals.ordersPerSecond)} orders/s${world === 'lmm' ? `, ${fmt(result.tokensPerSecond)} tokens/s` : ''} (batch ${futures.spec.batch}, ${futures.timing.workers}${futures.timing.queue ? ` queue worker${futures.timing.workers === 1 ? '' : 's'} on '${futures.timing.queue.queue}'` : ` worker${futures.timing.workers === 1 ? '' : 's'}`})`,
    `  mid        ${px(state.mid)} → median ${px(result.finalMid.median)} (5–95%: ${px(result.finalMid.p05)}–${px(result.finalMid.p95)})${realFinal === realFinal ? `; really ${px(realFinal)}` : ''}`,
    `  return     median ${q(rets, 0.5).toFixed(1)} bp (25–75%: ${q(rets, 0.25).toFixed(1)} to ${q(rets, 0.75).toFixed(1)})`,
    `  spread     ${q(spreads, 0.5).toFixed(1)} ticks (median over futures and minutes, time-weighted)${realSpreads.length ? ` (real: ${q(realSpreads, 0.5).toFixed(1)})` : ''}`,
    `  volume     median ${fmt(q(vols, 0.5))} shares per future`,
  ];
  const twap = summaries[0]?.agents[0];
  if (twap && 'shortfallBp' in twap) {
    const sf = summaries.map((s) => s.agents[0]!.shortfallBp).filter((x) => x === x);
    const fr = summaries.map((s) => s.agents[0]!.fillRatio);
    lines.push(`  twap       ${o.twap}: fill ratio median ${q(fr, 0.5).toFixed(2)}, shortfall median ${q(sf, 0.5).toFixed(1)} bp against the arrival mid`);
  }
  if (written.length) lines.push(`  written    ${written.length} LOBSTER folders (level ${o.levels ?? 10}) in ${o.out}`);
  io.out(lines.join('\n') + '\n');
  return 0;
}
