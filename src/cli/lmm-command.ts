/**
 * `marsbook lmm eval --model DIR --messages F --orderbook F [--from HH:MM] [--json]`: score real order
 * flow with a model; `marsbook lmm card [--model DIR]`: print its model card.
 */
import { loadLobster } from '../data/lobster-load';
import { extractOrders } from '../replay/lobster-orders';
import { LargeMarketModel, shippedModelDir, resolveModelDir } from '../model/lmm';
import { NgramBaselines } from '../model/baselines';
import { progressReporter } from '../util/progress';
import { clockFlag, resolveDayFiles } from './day-files';
import { fmt, type CliIO } from './io';

export interface LmmEvalOptions {
  model?: string;
  messages?: string;
  orderbook?: string;
  from?: string;
  json?: boolean;
  threads?: number;
}

export async function lmmEvalCommand(o: LmmEvalOptions, io: CliIO): Promise<number> {
  const dir = resolveModelDir(o.model ?? shippedModelDir());
  const files = resolveDayFiles(o);
  const model = await LargeMarketModel.load(dir, { threads: o.threads });
  const day = await loadLobster(files.messages, files.orderbook);
  const events = extractOrders(day.flow, day.frames);
  const tokens = model.tokenizer.encode(events);
  const from = o.from ? Math.max(1, events.indexAtTime(clockFlag(o.from, '--from'))) : 1;
  const bar = o.json ? null : progressReporter('score');
  const s = await model.score(tokens, { from, onProgress: bar?.onProgress });
  bar?.finish();
  const base = NgramBaselines.load(dir, model.config.files).bits(tokens.id, from);
  const result = {
    model: model.name,
    parameters: model.parameters,
    symbol: day.flow.meta.symbol,
    date: day.flow.meta.date,
    from: o.from ?? null,
    tokens: s.tokens,
    nllBitsPerToken: s.nllBitsPerToken,
    perplexity: s.perplexity,
    unigramBitsPerToken: base.unigram,
    bigramBitsPerToken: base.bigram,
    bitsByField: s.bitsByField,
    accuracy: s.accuracy,
    clippedTokens: tokens.clipped.tokens,
    seconds: s.seconds,
    tokensPerSecond: s.tokens / s.seconds,
  };
  if (o.json) io.out(JSON.stringify(result) + '\n');
  else {
    const f = (x: number) => x.toFixed(3);
    io.out(
      [
        `${result.model} (${fmt(result.parameters)} parameters) on ${result.symbol} ${result.date}${o.from ? ` from ${o.from}` : ''}: ${fmt(result.tokens)} tokens`,
        `  model    ${f(s.nllBitsPerToken)} bits/token (perplexity ${fmt(s.perplexity)})`,
        `  unigram  ${f(base.unigram)}    bigram ${f(base.bigram)}   (fitted on the model's training tokens)`,
        `  fields   ${Object.entries(s.bitsByField).map(([k, v]) => `${k} ${f(v)} bits, ${(100 * s.accuracy[k as keyof typeof s.accuracy]).toFixed(1)}% top-1`).join(' · ')}`,
        `  speed    ${fmt(result.tokensPerSecond)} tokens/s scored`,
      ].join('\n') + '\n',
    );
  }
  return 0;
}

export async function lmmCardCommand(o: { model?: string }, io: CliIO): Promise<number> {
  const model = await LargeMarketModel.load(o.model ?? shippedModelDir());
  io.out(model.card() || `${model.name}: no model card\n`);
  return 0;
}
