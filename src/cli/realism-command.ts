/**
 * `marsbook realism --real-messages F [--real-orderbook F] --generated DIR [--resamples N] [--json]`:
 * score folders of generated LOBSTER files (one trajectory per folder, as `generate --out` writes them,
 * or another generator's) against the real day, with LOB-Bench's scores and distances. Each generated
 * sequence is compared with the real messages of the same time window (read from its LOBSTER name).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadLobster } from '../data/lobster-load';
import { findOrderbookBeside, parseLobsterFileName } from '../data/lobster-names';
import { realismScores } from '../analysis/realism';
import type { LobSequence } from '../analysis/lob-scores';
import { clockString } from '../util/clock';
import { CliError, type CliIO } from './io';

export interface RealismCommandOptions {
  realMessages: string;
  realOrderbook?: string;
  generated: string;
  resamples?: number;
  json?: boolean;
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
  const ob = o.realOrderbook ?? findOrderbookBeside(o.realMessages);
  if (!ob) throw new CliError(`--real-messages ${o.realMessages}: realism needs the real book too (--real-orderbook; none found beside it)`);
  const real = await loadLobster(o.realMessages, ob);
  if (!real.frames) throw new CliError(`${ob}: no orderbook rows`);
  const pairs = generatedPairs(o.generated);
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
    if (!windows.has(key)) {
      const i0 = real.flow.indexAtTime(t0);
      const i1 = real.flow.indexAtTime(t1);
      if (i1 - i0 < 2) throw new CliError(`${p.messages}: the real file has no messages in its window ${clockString(t0)}–${clockString(t1)}`);
      windows.set(key, { flow: real.flow.slice(i0, i1), frames: real.frames.slice(i0, i1) });
    }
  }
  const t = performance.now();
  const report = realismScores([...windows.values()], generated, { resamples: o.resamples ?? 100 });
  const seconds = (performance.now() - t) / 1000;
  const result = { real: o.realMessages, generatedFolder: o.generated, sequences: report.sequences, summary: report.summary, scores: report.scores, seconds };
  if (o.json) {
    io.out(JSON.stringify(result) + '\n');
    return 0;
  }
  const f = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '  –  ');
  const lines = [
    `${report.sequences.generated} generated sequences against ${report.sequences.real} real window${report.sequences.real === 1 ? '' : 's'} · LOB-Bench scores, L1 and W1 with 99% bootstrap intervals (${o.resamples ?? 100} resamples)`,
    `  ${'score'.padEnd(28)} ${'L1'.padStart(6)}  ${'interval'.padEnd(15)} ${'W1'.padStart(6)}  ${'interval'.padEnd(15)} n real / generated`,
    ...report.scores.map((s) => `  ${s.score.padEnd(28)} ${f(s.l1.value).padStart(6)}  [${f(s.l1.ci[0])}, ${f(s.l1.ci[1])}] ${f(s.w1.value).padStart(6)}  [${f(s.w1.ci[0])}, ${f(s.w1.ci[1])}] ${s.n[0]} / ${s.n[1]}`),
    `  summary L1: mean ${f(report.summary.l1.mean)}, median ${f(report.summary.l1.median)}, IQM ${f(report.summary.l1.iqm)} · W1: mean ${f(report.summary.w1.mean)}, median ${f(report.summary.w1.median)}, IQM ${f(report.summary.w1.iqm)}`,
  ];
  io.out(lines.join('\n') + '\n');
  return 0;
}
