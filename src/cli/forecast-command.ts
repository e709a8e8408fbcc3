/**
 * `marsbook forecast [--messages F --orderbook F] [--from HH:MM --to HH:MM --every-minutes N]
 *  [--horizon S] [--trajectories K] [--world lmm,noise] [--model DIR] [--split HH:MM] [--seed S] [--json]`:
 * MarS's forecasting task on held-out time. The label of a start t is
 * mean(mid after each order in (t, t+k]) / m0 − 1 in three classes (down, flat, up) whose thresholds
 * are fitted on training time (starts whose window ends before the split) for balanced classes. The
 * baselines (majority class, a multinomial logistic regression and a ridge regression on recent order
 * flow and returns) are fitted on training time; each world forecasts from K simulated futures per
 * start (the class of the mean label, and class probabilities as shares of futures). Everything is
 * scored on the same held-out starts, with bootstrap intervals over starts.
 */
import { existsSync } from 'node:fs';
import { loadLobster } from '../data/lobster-load';
import { findOrderbookBeside } from '../data/lobster-names';
import { extractOrders } from '../replay/lobster-orders';
import type { WorldKind } from '../sim/run-group';
import { simulateStarts } from '../sim/simulate';
import { fitForecastBaselines, heldOutAt } from '../analysis/forecast/task';
import { futuresForecasts, startTimes } from '../analysis/forecast/labels';
import { compareForecasts, type MethodForecast } from '../analysis/forecast/evaluation';
import { clockString } from '../util/clock';
import { clockFlag, resolveDayFiles } from './day-files';
import { CliError, type CliIO } from './io';

export interface ForecastCommandOptions {
  messages?: string;
  orderbook?: string;
  from?: string;
  to?: string;
  everyMinutes?: number;
  horizon?: number;
  trajectories?: number;
  world?: string;
  model?: string;
  split?: string;
  seed?: number;
  workers?: number;
  resamples?: number;
  json?: boolean;
}

const WORLDS: readonly WorldKind[] = ['lmm', 'noise', 'replay'];

export async function forecastCommand(o: ForecastCommandOptions, io: CliIO): Promise<number> {
  const files = resolveDayFiles(o);
  const ob = files.orderbook ?? findOrderbookBeside(files.messages);
  if (!ob || !existsSync(ob)) throw new CliError(`--messages ${files.messages}: forecasting starts simulations from the real book, so it needs the orderbook file too (--orderbook)`);
  const k = o.horizon ?? 60;
  if (!(k > 0)) throw new CliError(`--horizon ${o.horizon}: must be a positive number of seconds`);
  const K = o.trajectories ?? 16;
  const seed = o.seed ?? 1;
  const split = clockFlag(o.split ?? '15:00', '--split');
  const from = clockFlag(o.from ?? clockString(split), '--from');
  const every = (o.everyMinutes ?? 5) * 60;
  if (!(every > 0)) throw new CliError(`--every-minutes ${o.everyMinutes}: must be positive`);
  const worlds = (o.world ?? 'lmm,noise').split(',').map((w) => w.trim()) as WorldKind[];
  for (const w of worlds) if (!WORLDS.includes(w)) throw new CliError(`--world ${o.world}: expected a comma-separated list of ${WORLDS.join(', ')}`);
  if (from < split) throw new CliError(`--from ${o.from}: forecasts are scored on held-out time, from the split (${clockString(split)}) on`);

  const day = await loadLobster(files.messages, ob);
  const events = extractOrders(day.flow, day.frames);
  const lastStart = events.time[events.length - 1] - k;
  const to = o.to ? clockFlag(o.to, '--to') : lastStart;
  // The baselines' grid: every 30 s over the day (training before the split), the simulation's starts on it.
  const grid = 30;
  const first = Math.ceil((events.time[0] + 300) / grid) * grid;
  let task;
  try {
    task = fitForecastBaselines(events, { starts: startTimes(first, Math.floor(lastStart / grid) * grid, grid), horizon: k, split });
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  const simStarts: number[] = [];
  for (let t = Math.ceil(from / grid) * grid; t <= Math.min(to, lastStart); t += every) simStarts.push(t);
  if (simStarts.length < 2) throw new CliError(`forecast: fewer than 2 held-out starts between ${clockString(from)} and ${clockString(Math.min(to, lastStart))} every ${every / 60} min`);
  let held;
  try {
    held = heldOutAt(task, simStarts);
  } catch (e) {
    throw new CliError(`forecast: ${(e as Error).message}`);
  }
  const methods: Record<string, MethodForecast> = { ...held.methods };
  const realized = held.realized;
  const timing: Record<string, number> = {};
  for (const world of worlds) {
    const t0 = performance.now();
    let runs;
    try {
      runs = await simulateStarts({ model: o.model, day, events, starts: simStarts, minutes: k / 60, trajectories: K, seed, world, workers: o.workers });
    } catch (e) {
      if (e instanceof RangeError) throw new CliError(e.message);
      throw e;
    }
    timing[world] = (performance.now() - t0) / 1000;
    // Two readings of K futures: MarS's (the class of the mean label) and the vote (the most frequent class).
    const f = futuresForecasts(runs, k, task.thresholds);
    methods[`${world} (mean)`] = f.mean;
    methods[`${world} (vote)`] = f.vote;
  }
  const cmp = compareForecasts(realized, task.thresholds, methods, { seed, resamples: o.resamples ?? 1000, reference: 'logistic' });
  if (o.json) {
    io.out(
      JSON.stringify({
        messages: files.messages,
        horizon: k,
        split: clockString(split),
        starts: simStarts.map((t) => clockString(t)),
        trajectories: K,
        seed,
        thresholds: task.thresholds,
        trainingStarts: task.train.length,
        realizedShares: Array.from(cmp.realizedShares),
        scores: cmp.scores.map(({ confusion, ...s }) => ({ ...s, confusion: Array.from(confusion) })),
        reliability: cmp.reliability,
        seconds: timing,
      }) + '\n',
    );
    return 0;
  }
  const e = (x: { value: number; lo: number; hi: number }) => (Number.isFinite(x.value) ? `${x.value.toFixed(3)} [${x.lo.toFixed(3)}, ${x.hi.toFixed(3)}]` : '–');
  const lines = [
    `${day.flow.meta.symbol} ${day.flow.meta.date} · MarS's label over the next ${k} s, 3 classes (thresholds ${task.thresholds.lo.toExponential(2)} / ${task.thresholds.hi.toExponential(2)}, fitted on ${task.train.length} training starts before ${clockString(split)})`,
    `held-out: ${simStarts.length} starts ${clockString(simStarts[0])}–${clockString(simStarts[simStarts.length - 1])} every ${every / 60} min; realized shares down/flat/up ${Array.from(cmp.realizedShares, (x) => x.toFixed(2)).join('/')}; ${K} futures per start; 95% bootstrap intervals over starts`,
    `  ${'method'.padEnd(16)} ${'accuracy'.padEnd(22)} ${'macro-F1'.padEnd(22)} ${'Brier'.padEnd(22)} ${'corr(mean, realized)'.padEnd(22)} accuracy − logistic`,
    ...cmp.scores.map((s) => `  ${s.method.padEnd(16)} ${e(s.accuracy).padEnd(22)} ${e(s.macroF1).padEnd(22)} ${e(s.brier).padEnd(22)} ${e(s.correlation).padEnd(22)} ${e(s.accuracyDiff)}`),
    `time: ${Object.entries(timing).map(([w, s]) => `${w} ${s.toFixed(1)} s`).join(', ')}`,
  ];
  io.out(lines.join('\n') + '\n');
  return 0;
}
