/**
 * `marsbook tokenize`: LOBSTER days → MarS order tokens and order-batch tokens.
 *
 *   --messages F --orderbook F   (repeatable: several days, e.g. to fit a pooled tokenizer)
 *   --fit OUT.json               fit a tokenizer (bins + batch codebook) on the days and save it
 *   --tokenizer IN.json|NAME     use a saved tokenizer (default: the shipped `pooled`)
 *   --until HH:MM                fit only on orders before this time (keep the rest held out)
 *   --out FILE                   write the tokens (.arrow, .csv, else the binary token file)
 *   --json                       one JSON object of figures
 */
import { basename, extname } from 'node:path';
import { loadLobster } from '../data/lobster-load';
import { clockFlag, sampleDayFiles } from './day-files';
import { extractOrders } from '../replay/lobster-orders';
import type { OrderEvents } from '../data/order-events';
import { OrderTokenizer } from '../tokenize/order-tokenizer';
import type { OrderTokens } from '../tokenize/order-tokens';
import { BatchTokenizer, orderBatches, type BatchReconstruction, type OrderBatches } from '../tokenize/batch-tokens';
import { progressReporter } from '../util/progress';
import { CliError, fmt, fmtRate, type CliIO } from './io';

export interface TokenizeCommandOptions {
  messages?: string[];
  orderbook?: string[];
  fit?: string;
  tokenizer?: string;
  until?: string;
  out?: string;
  json?: boolean;
  codebook?: number;
  window?: number;
  stride?: number;
  seed?: number;
  /** With --fit: the context scheme, 'mars' (default) or 'touch'. */
  scheme?: string;
}

export interface TokenizeDayFigures {
  symbol: string;
  date: string;
  orders: number;
  tokens: number;
  distinctTokens: number;
  entropyBits: number;
  clipped: number;
  clippedByField: Record<string, number>;
  aggressiveOrders: number;
  mergedCancels: number;
  batchWindows: number;
  out: string | null;
}

export async function tokenizeCommand(o: TokenizeCommandOptions, io: CliIO): Promise<number> {
  let pairs: Array<{ messages: string; orderbook: string }>;
  const ms = o.messages ?? [];
  const obs = o.orderbook ?? [];
  if (ms.length === 0) {
    if (obs.length) throw new CliError('--orderbook needs --messages');
    pairs = [sampleDayFiles('--messages FILE --orderbook FILE')];
  } else {
    if (ms.length !== obs.length) throw new CliError(`give one --orderbook per --messages (got ${ms.length} and ${obs.length}): tokens need the book`);
    pairs = ms.map((m, i) => ({ messages: m, orderbook: obs[i] }));
  }
  if (o.fit && o.tokenizer) throw new CliError('use --fit or --tokenizer, not both');
  if (o.scheme !== undefined && !o.fit) throw new CliError('--scheme goes with --fit (a saved tokenizer has its scheme)');
  if (o.scheme !== undefined && o.scheme !== 'mars' && o.scheme !== 'touch') throw new CliError(`--scheme must be mars or touch (got ${JSON.stringify(o.scheme)})`);

  // Load and extract order events for every day.
  const days: OrderEvents[] = [];
  let extractSeconds = 0;
  for (const p of pairs) {
    const bar = o.json ? null : progressReporter(`load ${basename(p.messages).split('_')[0]}`);
    const d = await loadLobster(p.messages, p.orderbook, { onProgress: bar?.onProgress });
    bar?.finish();
    const t0 = performance.now();
    days.push(extractOrders(d.flow, d.frames));
    extractSeconds += (performance.now() - t0) / 1000;
  }

  const until = o.until ? clockFlag(o.until, '--until') : Infinity;
  let fitSeconds = 0;
  let batchFit: BatchReconstruction | null = null;
  const tFit = performance.now();
  let tokenizer = o.fit
    ? OrderTokenizer.fit(
        days.map((e) => e.slice(0, e.indexAtTime(until))),
        { seed: o.seed ?? 0, name: basename(o.fit, extname(o.fit)), config: { scheme: o.scheme === 'touch' ? 'touch' : 'mars' } },
      )
    : OrderTokenizer.load(o.tokenizer ?? 'pooled');
  fitSeconds = o.fit ? (performance.now() - tFit) / 1000 : 0;

  // Encode once: the batch codebook (fitted next, when fitting) does not change the order tokens.
  const t0 = performance.now();
  const encoded: OrderTokens[] = days.map((e) => tokenizer.encode(e));
  const encodeSeconds = (performance.now() - t0) / 1000;

  if (o.fit) {
    const tb = performance.now();
    const fitWindows = days.map((e, k) => orderBatches(encoded[k], e, { windowSeconds: o.window ?? 60, strideSeconds: o.stride ?? 15 }).splitAt(until)[0]);
    const batch = BatchTokenizer.fit(fitWindows, { codebookSize: o.codebook ?? 64, seed: o.seed ?? 0 });
    tokenizer = tokenizer.withBatch(batch);
    batchFit = batch.fitQuality;
    await tokenizer.save(o.fit);
    fitSeconds += (performance.now() - tb) / 1000;
  }
  const perDay: TokenizeDayFigures[] = [];
  let heldOut: BatchReconstruction | null = null;
  const heldOutWindows: OrderBatches[] = [];
  const allWindows: OrderBatches[] = [];
  for (let k = 0; k < days.length; k++) {
    const e = days[k];
    const t = encoded[k];
    let out: string | null = null;
    if (o.out) {
      out = days.length === 1 ? o.out : withSuffix(o.out, `${e.meta.symbol}_${e.meta.date}`);
      await t.save(out);
    }
    const windowSeconds = tokenizer.batch?.windowSeconds ?? o.window ?? 60;
    const b = orderBatches(t, e, { windowSeconds });
    allWindows.push(b);
    if (until < Infinity) heldOutWindows.push(b.splitAt(until)[1]);
    perDay.push({
      symbol: e.meta.symbol,
      date: e.meta.date,
      orders: e.stats.orders,
      tokens: t.length,
      distinctTokens: t.distinctTokens(),
      entropyBits: t.entropyBits(),
      clipped: t.clipped.tokens,
      clippedByField: { ...t.clipped },
      aggressiveOrders: e.stats.aggressiveOrders,
      mergedCancels: e.stats.mergedCancels,
      batchWindows: b.windows,
      out,
    });
  }
  if (tokenizer.batch && heldOutWindows.some((b) => b.windows > 0)) heldOut = tokenizer.batch.evaluate(heldOutWindows.filter((b) => b.windows > 0));
  const batchCodes = tokenizer.batch ? allWindows.map((b) => tokenizer.batch!.encode(b)) : [];
  const sum = (f: (d: TokenizeDayFigures) => number) => perDay.reduce((a, d) => a + f(d), 0);
  const allTokens = mergeCounts(encoded);
  const seconds = extractSeconds + encodeSeconds;
  const tokens = sum((d) => d.tokens);
  const figures = {
    tokenizer: tokenizer.name,
    fitted: o.fit ?? null,
    orders: sum((d) => d.orders),
    tokens,
    distinctTokens: allTokens.distinct,
    entropyBits: allTokens.entropy,
    clipped: sum((d) => d.clipped),
    clippedByField: Object.fromEntries(Object.keys(perDay[0].clippedByField).map((k) => [k, sum((d) => d.clippedByField[k])])),
    seconds,
    tokensPerSecond: tokens / seconds,
    fitSeconds,
    batchWindows: sum((d) => d.batchWindows),
    batchWindowSeconds: tokenizer.batch?.windowSeconds ?? null,
    batchCodebookSize: tokenizer.batch?.codebookSize ?? null,
    batchDistinctCodes: new Set(batchCodes.flatMap((c) => Array.from(c))).size,
    batchFit: batchFit ?? tokenizer.batch?.fitQuality ?? null,
    batchHeldOut: heldOut,
    days: perDay,
  };
  if (o.json) io.out(JSON.stringify(figures) + '\n');
  else {
    const lines = [
      `tokenizer ${figures.tokenizer}${o.fit ? ` (fitted${until < Infinity ? ` on orders before ${o.until}` : ''}, saved to ${o.fit}, ${fitSeconds.toFixed(1)} s)` : ''}`,
    ];
    for (const d of perDay) {
      lines.push(
        `  ${d.symbol} ${d.date}: ${fmt(d.orders)} orders → ${fmt(d.tokens)} tokens (${fmt(d.aggressiveOrders)} aggressive, ${fmt(d.mergedCancels)} cancels merged), ` +
          `${fmt(d.distinctTokens)} distinct, ${d.entropyBits.toFixed(2)} bits, ${fmt(d.clipped)} clipped${d.out ? ` → ${d.out}` : ''}`,
      );
    }
    lines.push(`  speed: ${fmt(tokens)} tokens in ${seconds.toFixed(2)} s (${fmtRate(figures.tokensPerSecond)} tokens/s, replay included)`);
    if (tokenizer.batch) {
      const q = figures.batchFit!;
      lines.push(
        `  batches: ${fmt(figures.batchWindows)} windows of ${tokenizer.batch.windowSeconds} s, ${tokenizer.batch.codebookSize} codes (${figures.batchDistinctCodes} used here); ` +
          `fit: ${q.bitsPerOrder.toFixed(2)} bits/order vs ${q.baselineBitsPerOrder.toFixed(2)} for one code, explained variance ${q.explainedVariance.toFixed(3)}`,
      );
      if (heldOut) lines.push(`  held out (after ${o.until}): ${heldOut.bitsPerOrder.toFixed(2)} bits/order vs ${heldOut.baselineBitsPerOrder.toFixed(2)}, explained variance ${heldOut.explainedVariance.toFixed(3)}`);
    }
    io.out(lines.join('\n') + '\n');
  }
  return 0;
}

function withSuffix(path: string, suffix: string): string {
  const ext = extname(path);
  return `${path.slice(0, path.length - ext.length)}.${suffix}${ext}`;
}

function mergeCounts(list: OrderTokens[]): { distinct: number; entropy: number } {
  const counts = list[0].counts();
  for (let k = 1; k < list.length; k++) {
    const c = list[k].counts();
    for (let i = 0; i < c.length; i++) counts[i] += c[i];
  }
  let n = 0;
  let d = 0;
  for (const c of counts) {
    n += c;
    if (c > 0) d++;
  }
  let h = 0;
  for (const c of counts) if (c > 0) h -= (c / n) * Math.log2(c / n);
  return { distinct: d, entropy: h };
}
