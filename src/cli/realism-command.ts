/**
 * `marsbook realism --real-messages F [--real-orderbook F] --generated DIR [--resamples N] [--json]`:
 * score folders of generated LOBSTER files (one trajectory per folder, as `generate --out` writes them,
 * or another generator's) against the real day, with LOB-Bench's scores and distances. Each generated
 * sequence is compared with the real messages of the same time window (read from its LOBSTER name).
 *
 * `marsbook realism --real-messages F --starts 15:00,15:10,… [--minutes M] [--trajectories K]
 *  [--world lmm,noise] [--model DIR] [--seed S] [--json]`: LOB-Bench's protocol run here: from each
 * start (the real book and the real orders before it as context), K generated futures of M minutes,
 * scored against the real messages that followed each start; one column per world, and the
 * closed-loop report (spread, emptied books, order rate, invalid actions) of each.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadLobster } from '../data/lobster-load';
import { findOrderbookBeside, parseLobsterFileName } from '../data/lobster-names';
import { realismScores, type RealismReport } from '../analysis/realism';
import type { LobSequence } from '../analysis/lob-scores';
import { closedLoopReport, type ClosedLoopReport } from '../analysis/closed-loop';
import { priceResponseScore } from '../analysis/price-response';
import { MarketSeries } from '../analysis/market-series';
import { overlapCoefficients, type OverlapRow } from '../analysis/overlap';
import { stylizedFacts } from '../analysis/stylized-facts';
import type { LobsterData } from '../data/lobster-load';
import type { BookFrames } from '../data/book-frames';
import type { WorldKind } from '../sim/run-group';
import { simulateStarts } from '../sim/simulate';
import { clockString } from '../util/clock';
import { clockFlag } from './day-files';
import { CliError, type CliIO } from './io';

export interface RealismCommandOptions {
  realMessages: string;
  realOrderbook?: string;
  generated?: string;
  /** Model mode: start times, comma-separated. */
  starts?: string;
  minutes?: number;
  trajectories?: number;
  world?: string;
  model?: string;
  seed?: number;
  workers?: number;
  resamples?: number;
  /** Closed-loop report horizons in minutes, comma-separated. */
  horizons?: string;
  json?: boolean;
}

/** The real messages (and books) of the window [t0, t1) seconds, or a one-line error naming what asked for it. */
function realWindow(real: LobsterData & { frames: BookFrames }, t0: number, t1: number, what: string): LobSequence {
  const i0 = real.flow.indexAtTime(t0);
  const i1 = real.flow.indexAtTime(t1);
  if (i1 - i0 < 2) throw new CliError(`${what}: the real file has no messages in its window ${clockString(t0)}–${clockString(t1)}`);
  return { flow: real.flow.slice(i0, i1), frames: real.frames.slice(i0, i1) };
}

/** Every LOBSTER message file under `dir` (itself or one level of sub-folders) with its orderbook file. */
function generatedPairs(dir: string): Array<{ messages: string; orderbook: string }> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new CliError(`--generated ${dir}: no such folder`);
  const folders = [dir, ...readdirSync(dir).map((f) => join(dir, f)).filter((p) => statSync(p).isDirectory())];
  const out: Array<{ messages: string; orderbook: string }> = [];
  for (const f of folders.sort()) {
    for (const name of readdirSync(f).sort()) {
      const info = parseLobsterFileName(name);
      if (!info || info.kind !== 'message') continue;
      const ob = findOrderbookBeside(join(f, name));
      if (!ob) throw new CliError(`${join(f, name)}: no orderbook file beside it`);
      out.push({ messages: join(f, name), orderbook: ob });
    }
  }
  if (out.length === 0) throw new CliError(`--generated ${dir}: no LOBSTER message files (SYMBOL_DATE_start_end_message_N.csv) in it or its sub-folders`);
  return out;
}

export async function realismCommand(o: RealismCommandOptions, io: CliIO): Promise<number> {
  if (o.generated && o.starts) throw new CliError('realism: give either --generated DIR (score files) or --starts LIST (generate from those starts and score), not both');
  if (!o.generated && !o.starts) throw new CliError('realism: give --generated DIR (files to score) or --starts HH:MM,HH:MM,… (futures to generate from the real day and score)');
  const ob = o.realOrderbook ?? findOrderbookBeside(o.realMessages);
  if (!ob) throw new CliError(`--real-messages ${o.realMessages}: realism needs the real book too (--real-orderbook; none found beside it)`);
  const loaded = await loadLobster(o.realMessages, ob);
  if (!loaded.frames) throw new CliError(`${ob}: no orderbook rows`);
  const real = loaded as LobsterData & { frames: BookFrames };
  if (o.starts) return realismFromStarts(o, real, io);
  const generatedDir = o.generated!;
  const pairs = generatedPairs(generatedDir);
  const generated: LobSequence[] = [];
  const windows = new Map<string, LobSequence>();
  for (const p of pairs) {
    const g = await loadLobster(p.messages, p.orderbook);
    if (!g.frames) throw new CliError(`${p.orderbook}: no orderbook rows`);
    generated.push({ flow: g.flow, frames: g.frames });
    // The real messages of the same window, as the LOBSTER name states it (generate --out names its run's window).
    const name = parseLobsterFileName(p.messages)!;
    const t0 = name.startMs / 1000;
    const t1 = name.endMs / 1000;
    const key = `${t0}-${t1}`;
    if (!windows.has(key)) windows.set(key, realWindow(real, t0, t1, p.messages));
  }
  const t = performance.now();
  const report = realismScores([...windows.values()], generated, { resamples: o.resamples ?? 100 });
  const seconds = (performance.now() - t) / 1000;
  const result = { real: o.realMessages, generatedFolder: generatedDir, sequences: report.sequences, summary: report.summary, scores: report.scores, seconds };
  if (o.json) {
    io.out(JSON.stringify(result) + '\n');
    return 0;
  }
  const lines = [
    `${report.sequences.generated} generated sequences against ${report.sequences.real} real window${report.sequences.real === 1 ? '' : 's'} · LOB-Bench scores, L1 and W1 with 99% bootstrap intervals (${o.resamples ?? 100} resamples)`,
    `  ${'score'.padEnd(34)} ${'L1'.padStart(6)}  ${'interval'.padEnd(15)} ${'W1'.padStart(6)}  ${'interval'.padEnd(15)} n real / generated`,
    ...report.scores.map((s) => `  ${s.score.padEnd(34)} ${f3(s.l1.value).padStart(6)}  [${f3(s.l1.ci[0])}, ${f3(s.l1.ci[1])}] ${f3(s.w1.value).padStart(6)}  [${f3(s.w1.ci[0])}, ${f3(s.w1.ci[1])}] ${s.n[0]} / ${s.n[1]}`),
    summaryLine(report),
  ];
  io.out(lines.join('\n') + '\n');
  return 0;
}

const f3 = (x: number): string => (Number.isFinite(x) ? x.toFixed(3) : '  –  ');

function summaryLine(r: RealismReport): string {
  const { l1, w1 } = r.summary;
  return `  summary L1: mean ${f3(l1.mean)}, median ${f3(l1.median)}, IQM ${f3(l1.iqm)} · W1: mean ${f3(w1.mean)}, median ${f3(w1.median)}, IQM ${f3(w1.iqm)}`;
}

const WORLDS: readonly WorldKind[] = ['lmm', 'noise', 'replay'];

interface WorldResult {
  world: WorldKind;
  sequences: RealismReport['sequences'];
  summary: RealismReport['summary'];
  scores: RealismReport['scores'];
  closedLoop: ClosedLoopReport;
  /** LOB-Bench's price-response score (Σ over lags of |R_real − R_gen|, averaged over the six touch-event classes; lower is closer). */
  priceResponse: { score: number; byClass: Record<string, number>; classesScored: number };
  /** MarS's Table 7: overlap coefficients of per-minute quantities, simulated against the real continuations. */
  overlap: OverlapRow[];
  /** The 11 stylized facts on 10-second returns: facts present / assessed, in the futures and in the real continuations. */
  stylizedFacts: { present: number; assessed: number; realPresent: number; realAssessed: number; facts: Array<{ id: string; present: boolean | null; real: boolean | null }> };
  /** Seconds generating and scoring. */
  seconds: { simulate: number; score: number };
}

/** Model mode: generate from each start in each world, score against what followed. */
async function realismFromStarts(o: RealismCommandOptions, real: LobsterData & { frames: BookFrames }, io: CliIO): Promise<number> {
  const starts = o.starts!.split(',').map((s) => s.trim()).filter(Boolean);
  const times = starts.map((s) => clockFlag(s, '--starts'));
  const minutes = o.minutes ?? 5;
  const K = o.trajectories ?? 8;
  const seed = o.seed ?? 1;
  if (!(minutes > 0)) throw new CliError(`--minutes ${minutes}: must be a positive number of minutes`);
  const worlds = (o.world ?? 'lmm,noise').split(',').map((w) => w.trim()) as WorldKind[];
  for (const w of worlds) if (!WORLDS.includes(w)) throw new CliError(`--world ${o.world}: expected a comma-separated list of ${WORLDS.join(', ')}`);
  const levels = Math.min(10, real.flow.meta.levels);
  const loopHorizons = o.horizons === undefined ? undefined : o.horizons.split(',').map((h) => Number(h.trim()));
  if (loopHorizons && !loopHorizons.every((h) => h > 0)) throw new CliError(`--horizons ${o.horizons}: expected minutes, comma-separated (e.g. 1,5,30)`);
  let modelName: string | null = null;
  const windows = times.map((t, i) => realWindow(real, t, t + minutes * 60, `--starts ${starts[i]}`));
  const results: WorldResult[] = [];
  for (const world of worlds) {
    const t0 = performance.now();
    let runs;
    try {
      runs = await simulateStarts({ model: o.model, day: real, starts: times, minutes, trajectories: K, seed, world, levels, workers: o.workers });
    } catch (e) {
      if (e instanceof RangeError) throw new CliError(e.message);
      throw e;
    }
    const t1 = performance.now();
    if (world === 'lmm') modelName = runs[0].spec.model ?? null;
    const generated = runs.flatMap((r) => r.data.map((d) => r.toLobster(d.index, levels)));
    const report = realismScores(windows, generated, { resamples: o.resamples ?? 100, seed });
    const response = priceResponseScore(windows, generated, { resamples: o.resamples ?? 100, seed });
    const simSeries = MarketSeries.combine(runs.map((r) => MarketSeries.fromTrajectories(r)), world);
    const realSeries = MarketSeries.combine(runs.map((r) => MarketSeries.fromContinuation(r, { minutes })), 'real');
    const overlap = overlapCoefficients(realSeries, simSeries, { seed, resamples: o.resamples ?? 100 });
    const factsOptions = { interval: 10, seed };
    const sim = stylizedFacts(simSeries, factsOptions);
    const realFacts = stylizedFacts(realSeries, factsOptions);
    results.push({
      world,
      sequences: report.sequences,
      summary: report.summary,
      scores: report.scores,
      closedLoop: closedLoopReport(runs, loopHorizons),
      priceResponse: { score: response.score, byClass: response.byClass, classesScored: response.classesScored },
      overlap: overlap.rows,
      stylizedFacts: {
        present: sim.present,
        assessed: sim.assessed,
        realPresent: realFacts.present,
        realAssessed: realFacts.assessed,
        facts: sim.facts.map((f, i) => ({ id: f.id, present: f.present, real: realFacts.facts[i].present })),
      },
      seconds: { simulate: (t1 - t0) / 1000, score: (performance.now() - t1) / 1000 },
    });
  }
  if (o.json) {
    io.out(JSON.stringify({ real: o.realMessages, model: modelName, starts, minutes, trajectories: K, seed, worlds: results }) + '\n');
    return 0;
  }
  const names = results.map((r) => r.world);
  const col = (x: string) => x.padStart(8);
  const lines = [
    `${real.flow.meta.symbol} ${real.flow.meta.date} · ${starts.length} start${starts.length === 1 ? '' : 's'} (${starts.join(', ')}) · ${K} futures × ${minutes} min each, against what really followed`,
    `LOB-Bench scores, L1 (99% bootstrap intervals with --json)`,
    `  ${'score'.padEnd(34)}${names.map(col).join('')}`,
    ...results[0].scores.map((s, i) => `  ${s.score.padEnd(34)}${results.map((r) => col(f3(r.scores[i].l1.value))).join('')}`),
    `  ${'summary L1 mean'.padEnd(34)}${results.map((r) => col(f3(r.summary.l1.mean))).join('')}`,
    `  ${'summary L1 median'.padEnd(34)}${results.map((r) => col(f3(r.summary.l1.median))).join('')}`,
    `  ${'summary L1 IQM'.padEnd(34)}${results.map((r) => col(f3(r.summary.l1.iqm))).join('')}`,
    `  ${'summary W1 mean'.padEnd(34)}${results.map((r) => col(f3(r.summary.w1.mean))).join('')}`,
    `  ${'price response (LOB-Bench)'.padEnd(34)}${results.map((r) => col(fixed(r.priceResponse.score, 2))).join('')}`,
    `MarS's Table 7: overlap coefficients against the real continuations (MarS: 0.87–0.97)`,
    ...results[0].overlap.map((row, i) => `  ${row.quantity.padEnd(34)}${results.map((r) => col(fixed(r.overlap[i].overlap, 3))).join('')}`),
    `stylized facts (10-second returns): present / assessed`,
    `  ${'futures'.padEnd(34)}${results.map((r) => col(`${r.stylizedFacts.present}/${r.stylizedFacts.assessed}`)).join('')}`,
    `  ${'real continuations'.padEnd(34)}${col(`${results[0].stylizedFacts.realPresent}/${results[0].stylizedFacts.realAssessed}`)}`,
    `closed loop (median over starts; "real" is what followed)`,
  ];
  const horizons = results[0].closedLoop.summary.map((s) => s.horizon);
  for (const [hi, h] of horizons.entries()) {
    const row = (label: string, f: (x: ClosedLoopReport['summary'][number]) => number, digits = 1) =>
      `  ${`${label} (${h} min)`.padEnd(34)}${results.map((r) => col(fixed(f(r.closedLoop.summary[hi]), digits))).join('')}`;
    lines.push(
      row('spread, ticks', (x) => x.spreadTicks),
      `  ${`  real`.padEnd(34)}${col(fixed(results[0].closedLoop.summary[hi].realSpreadTicks, 1))}`,
      row('orders per minute', (x) => x.ordersPerMinute, 0),
      `  ${`  real`.padEnd(34)}${col(fixed(results[0].closedLoop.summary[hi].realOrdersPerMinute, 0))}`,
      row('futures with a side empty', (x) => x.emptied, 2),
      row('invalid tokens per order', (x) => x.invalidPerOrder, 3),
      row('futures stuck', (x) => x.stuck, 2),
      row('return, bp', (x) => x.returnBp),
      `  ${`  real`.padEnd(34)}${col(fixed(results[0].closedLoop.summary[hi].realReturnBp, 1))}`,
    );
  }
  lines.push(`drift by position in the rollout (orders from the start): share of new orders that crossed, mean wait ms; real beside`);
  for (const [k, d] of results[0].closedLoop.drift.entries()) {
    const span = Number.isFinite(d.to) ? `${d.from}–${d.to}` : `${d.from}+`;
    lines.push(
      `  ${`orders ${span}`.padEnd(34)}${results.map((r) => col(`${fixed(r.closedLoop.drift[k].aggressiveShare, 2)}/${fixed(r.closedLoop.drift[k].meanWaitMs, 0)}`)).join('')}   real ${fixed(d.realAggressiveShare, 2)}/${fixed(d.realMeanWaitMs, 0)}`,
    );
  }
  lines.push(`time: ${results.map((r) => `${r.world} ${r.seconds.simulate.toFixed(1)} s simulating, ${r.seconds.score.toFixed(1)} s scoring`).join('; ')}`);
  io.out(lines.join('\n') + '\n');
  return 0;
}

function fixed(x: number, digits: number): string {
  return Number.isFinite(x) ? x.toFixed(digits) : '–';
}
