/**
 * `marsbook replay`: load a LOBSTER day, replay it through the matching engine, validate the book
 * against the orderbook file and print a summary (or, with --json, one object of figures).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLobster } from '../data/lobster-load';
import { syntheticLobsterDay } from '../sim/synthetic-day';
import { lobsterSample } from '../data/sample-data';
import { describeBadLine } from '../data/errors';
import { findOrderbookBeside } from '../data/lobster-names';
import { replayLobster, type ReplayReport } from '../replay/lobster-replay';
import { summarizeDay, clockTime, type DaySummary } from '../analysis/day-summary';
import { progressReporter } from '../util/progress';
import { CliError, fmt, fmtRate, type CliIO } from './io';
import { resolveDayFiles } from './day-files';

export interface ReplayCommandOptions {
  messages?: string;
  orderbook?: string;
  levels?: number;
  json?: boolean;
  onError?: 'throw' | 'collect';
}

export interface ReplayJson extends ReplayReport {
  symbol: string;
  date: string;
  levels: number;
  messagesFile: string;
  orderbookFile: string | null;
  /**
   * How the orderbook file was chosen: 'named' (--orderbook), 'beside' (found next to the message
   * file under LOBSTER's name), 'sample' (the sample day), 'synthetic', or null (none).
   */
  orderbookFound: OrderbookFound;
  loadSeconds: number;
  badLines: number;
  /** Good rows dropped because their partner row in the other file was bad or missing. */
  unpairedRows: number;
  /** True when no files were named and no samples were found, so a synthetic day was replayed. */
  synthetic: boolean;
  summary: DaySummary;
}

export type OrderbookFound = 'named' | 'beside' | 'sample' | 'synthetic' | null;

/** The synthetic stand-in for the main job on a machine without the LOBSTER samples. */
const SYNTHETIC_MAIN_DAY = { seed: 1, events: 150_000, levels: 10 } as const;

export async function replayCommand(o: ReplayCommandOptions, io: CliIO): Promise<number> {
  // The main job must run on a fresh machine: with no files named and no samples beside the
  // repository, replay a LOBSTER-format day that marsbook's own engine writes (and say so).
  if (!o.messages && !o.orderbook && !lobsterSample('GOOG', 10)) {
    const dir = mkdtempSync(join(tmpdir(), 'marsbook-replay-'));
    try {
      io.err(
        'marsbook: no LOBSTER samples found (../shared/data/lobster beside the repository, or $MARSBOOK_LOBSTER_DIR): ' +
          `replaying a synthetic LOBSTER day written by marsbook's engine (noise trader, seed ${SYNTHETIC_MAIN_DAY.seed}). ` +
          'Name your own files with --messages F --orderbook F.\n',
      );
      const day = syntheticLobsterDay({ seed: SYNTHETIC_MAIN_DAY.seed, events: SYNTHETIC_MAIN_DAY.events, levels: SYNTHETIC_MAIN_DAY.levels });
      const files = day.writeFiles(dir, 'SYNTH', '2012-06-21', { gzip: true });
      return await replayFiles(o, { ...files, found: 'synthetic' }, true, io);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const files = resolveDayFiles(o);
  let found: OrderbookFound = o.orderbook ? 'named' : o.messages ? null : 'sample';
  if (!files.orderbook) {
    // A message file's orderbook partner lying beside it under LOBSTER's name is used (and said so).
    const beside = findOrderbookBeside(files.messages);
    if (beside) {
      files.orderbook = beside;
      found = 'beside';
    }
  }
  return replayFiles(o, { ...files, found }, false, io);
}

async function replayFiles(
  o: ReplayCommandOptions,
  files: { messages: string; orderbook: string | undefined; found: OrderbookFound },
  synthetic: boolean,
  io: CliIO,
): Promise<number> {
  const t0 = performance.now();
  const loadBar = o.json ? null : progressReporter('load  ');
  const data = await loadLobster(files.messages, files.orderbook, {
    onError: o.onError ?? 'throw',
    onProgress: loadBar?.onProgress,
  });
  loadBar?.finish();
  const loadSeconds = (performance.now() - t0) / 1000;
  if (data.flow.length === 0) {
    // Collect mode with every row bad (or unpaired): nothing to replay is a failure, not a day of 0 messages.
    const first = data.badLines.length > 0 ? `; first: ${describeBadLine(data.badLines[0])}` : '';
    throw new CliError(`no messages to replay: ${fmt(data.badLineCount)} problems and ${fmt(data.unpairedRows)} unpaired rows left none${first}`);
  }
  if (o.levels !== undefined && data.frames && o.levels > data.frames.levels) {
    throw new CliError(`--levels ${o.levels}: the orderbook file has only ${data.frames.levels} levels`);
  }
  const bar = o.json ? null : progressReporter('replay');
  const replay = replayLobster(data.flow, data.frames, { levels: o.levels, onProgress: bar?.onProgress });
  bar?.finish();
  const r = replay.report;
  const summary = summarizeDay(data.flow, data.frames, replay.book.tape);
  const result: ReplayJson = {
    ...r,
    symbol: data.flow.meta.symbol,
    date: data.flow.meta.date,
    levels: replay.levels,
    messagesFile: files.messages,
    orderbookFile: files.orderbook ?? null,
    orderbookFound: files.orderbook ? files.found : null,
    loadSeconds,
    badLines: data.badLineCount,
    unpairedRows: data.unpairedRows,
    synthetic,
    summary,
  };
  if (o.json) {
    io.out(JSON.stringify(result) + '\n');
  } else {
    io.out(formatReplay(result, data.badLines.slice(0, 5).map(describeBadLine)));
  }
  return 0;
}

function formatReplay(r: ReplayJson, badSamples: string[]): string {
  const s = r.summary;
  const lines: string[] = [];
  const types = Object.entries(s.byType)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${fmt(n)}`)
    .join(' · ');
  lines.push(`${s.symbol} ${s.date || ''} · ${s.levels ? `LOBSTER level ${s.levels}` : 'no orderbook file'} · ${fmt(r.messages)} messages, ${clockTime(s.firstTime)}–${clockTime(s.lastTime)}`);
  if (r.synthetic) lines.push(`  data     a synthetic day written by marsbook's engine (no LOBSTER files named, no samples found)`);
  if (r.orderbookFound === 'beside') lines.push(`  files    orderbook file found beside the message file: ${r.orderbookFile}`);
  lines.push(`  events   ${types}`);
  if (r.orderbookFile) {
    const verdict = r.mismatchedRows === 0 ? 'exact' : 'MISMATCHES';
    lines.push(
      `  book     ${verdict}: ${fmt(r.mismatchedRows)} of ${fmt(r.rowsCompared)} rows differ from the orderbook file in the top ${r.levels} levels` +
        ` (${fmt(r.adoptedLevels)} levels adopted from beyond level ${r.levels}, ${fmt(r.forgottenLevels)} forgotten)`,
    );
    if (r.firstMismatch) {
      const m = r.firstMismatch;
      const show = (x: { price: number; size: number } | null) => (x ? `${x.size} @ ${x.price}` : 'no level');
      lines.push(`           first at line ${m.line} (${clockTime(m.time)}), ${m.side} level ${m.level}: file ${show(m.expected)}, replay ${show(m.found)}`);
    }
    lines.push(
      `  orders   ${fmt(r.unknownOrderEvents)} events on orders the file never submitted (resting before it began or beyond level ${r.levels}),` +
        ` drawn from seeded volume; ${fmt(r.unmatchedQty)} shares unaccounted`,
    );
  } else {
    lines.push(`  book     no orderbook file: nothing to seed or validate; ${fmt(r.unknownOrderEvents)} events on unknown order ids skipped`);
  }
  const crosses = r.crosses > 0 ? `, ${fmt(r.crosses)} cross trade${r.crosses > 1 ? 's' : ''} of ${fmt(r.crossVolume)} shares` : '';
  const vwap = Number.isFinite(s.vwap) ? s.vwap.toFixed(4) : '— (no trades)';
  lines.push(`  trades   ${fmt(r.trades)} trades, ${fmt(r.tradedVolume)} shares (${fmt(r.hiddenVolume)} hidden${crosses}), VWAP ${vwap}`);
  if (Number.isFinite(s.openMid)) {
    lines.push(`  quotes   mid ${s.openMid.toFixed(4)} → ${s.closeMid.toFixed(4)}, time-weighted spread ${s.meanSpread.toFixed(4)} (${s.meanSpreadTicks.toFixed(2)} ticks)`);
  }
  if (r.halts > 0) {
    const h = s.halts;
    const first = r.haltEvents[0];
    lines.push(
      `  halts    ${fmt(r.halts)} halt messages: ${fmt(h.halt)} trading halted, ${fmt(h.quoting)} quoting resumed, ${fmt(h.trading)} trading resumed` +
        (first ? ` (first at ${clockTime(first.time)}, line ${first.line})` : ''),
    );
  }
  if (r.badLines > 0) {
    lines.push(`  skipped  ${fmt(r.badLines)} bad lines${r.unpairedRows > 0 ? ` (and ${fmt(r.unpairedRows)} rows whose partner row was bad or missing)` : ''}, e.g.`);
    for (const b of badSamples) lines.push(`           ${b}`);
  }
  lines.push(`  speed    loaded in ${r.loadSeconds.toFixed(2)} s (${fmtRate(r.messages / r.loadSeconds)} rows/s), replayed in ${r.seconds.toFixed(3)} s (${fmtRate(r.messagesPerSecond)} messages/s)`);
  return lines.join('\n') + '\n';
}
