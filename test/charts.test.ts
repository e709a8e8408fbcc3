import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadLobster } from '../src/data/lobster-load';
import { replayFrames } from '../src/replay/replay-frames';
import { extractOrders } from '../src/replay/lobster-orders';
import { OrderTokenizer } from '../src/tokenize/order-tokenizer';
import { orderBatches } from '../src/tokenize/batch-tokens';
import { tokenHeatmap, tokenHistogram, binEdgesChart, batchImageChart, codebookEntryChart } from '../src/plot/token-charts';
import { Chart, VEGA_LITE_MIME } from '../src/plot/chart';
import { quotesChart, spreadDepthChart, depthHeatmapChart, depthProfileChart, eventCountsChart } from '../src/plot/book-charts';
import { syntheticFiles, tempDir } from './helpers';
import { syntheticLobsterDay } from '../src/sim/synthetic-day';

async function tokens() {
  const f = syntheticFiles(10, 8_000);
  const d = await loadLobster(f.messages, f.orderbook);
  const ev = extractOrders(d.flow, d.frames);
  const tok = OrderTokenizer.load('pooled');
  return { ev, tok, t: tok.encode(ev) };
}

test('token charts are Vega-Lite v5 specs that compile and render to SVG', async () => {
  const { ev, tok, t } = await tokens();
  const b = orderBatches(t, ev);
  const charts: Chart[] = [
    tokenHeatmap(t, { tokenizer: tok }),
    tokenHistogram(t, 'volume', { tokenizer: tok }),
    tokenHistogram(t, 'interval'),
    binEdgesChart(tok.price),
    binEdgesChart(tok.interval),
    batchImageChart(b, 0),
    codebookEntryChart(tok.batch!, 0),
    tokenHeatmap(await t.toArquero()),
  ];
  for (const c of charts) {
    assert.match(String(c.spec.$schema), /vega-lite\/v5/);
    assert.ok(c.spec.config, 'the theme is applied');
    const svg = await c.toSVG();
    assert.match(svg, /^<svg/);
    assert.ok(svg.length > 1000);
  }
  // the heatmap's data is the aggregated counts: 3 × 32 rows whatever the day's size
  const values = (charts[0].spec as { data: { values: Array<{ count: number }> } }).data.values;
  assert.is(values.length, 96);
  assert.is(values.reduce((a, v) => a + v.count, 0), t.length);
});

test('charts save as svg, png, html and json, and give a notebook mime bundle', async () => {
  const { tok } = await tokens();
  const c = binEdgesChart(tok.volume);
  const dir = tempDir();
  for (const ext of ['svg', 'png', 'html', 'json']) {
    const p = join(dir, `c.${ext}`);
    await c.save(p);
    assert.ok(existsSync(p));
  }
  assert.equal([...readFileSync(join(dir, 'c.png')).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  assert.match(readFileSync(join(dir, 'c.html'), 'utf8'), /<svg[\s\S]*vega-lite-spec/);
  assert.equal(JSON.parse(readFileSync(join(dir, 'c.json'), 'utf8')), JSON.parse(JSON.stringify(c.spec)));
  const bundle = await c.mimeBundle();
  assert.is(typeof bundle[VEGA_LITE_MIME], 'object', 'the spec travels as a JSON object, not a string');
  assert.match(String(bundle['image/svg+xml']), /^<svg/);
  try {
    await c.save(join(dir, 'c.gif'));
    assert.unreachable();
  } catch (e) {
    assert.match(String(e), /unknown extension/);
  }
});

test('order-flow charts: from frames, from arquero tables, or from frames rebuilt by replay; each within its row budget; a flow alone is a clear error', async () => {
  const f = syntheticFiles(10, 20_000);
  const day = await loadLobster(f.messages, f.orderbook);
  const fromTables = { flow: await day.flow.toArquero(), frames: await day.frames!.toArquero() };
  const rowsOf = (c: Chart): number => {
    const spec = c.spec as unknown as Record<string, unknown>;
    let n = 0;
    const walk = (x: unknown): void => {
      if (Array.isArray(x)) x.forEach(walk);
      else if (x && typeof x === 'object') {
        for (const [k, v] of Object.entries(x as Record<string, unknown>)) {
          if ((k === 'values' || k === 'datasets') && v && typeof v === 'object') {
            n += Array.isArray(v) ? v.length : Object.values(v as Record<string, unknown[]>).reduce((a, d) => a + d.length, 0);
          } else walk(v);
        }
      }
    };
    walk(spec);
    return n;
  };
  for (const c of [
    quotesChart(day),
    quotesChart(fromTables),
    quotesChart({ flow: day.flow, frames: replayFrames(day.flow) }),
    spreadDepthChart(day),
    spreadDepthChart({ flow: day.flow, frames: replayFrames(day.flow) }),
    depthHeatmapChart(day, { buckets: 50 }),
    depthProfileChart(day, { time: 34_500 }),
    eventCountsChart(day.flow),
    eventCountsChart(fromTables.flow),
  ]) {
    assert.ok(rowsOf(c) > 0 && rowsOf(c) <= 5_000, `${rowsOf(c)} rows`);
    assert.match(await c.toSVG(), /^<svg/);
  }
  // With no book before the open and a window deep enough to see every order, replaying the messages
  // alone rebuilds exactly the quotes the frames record.
  const full = syntheticLobsterDay({ seed: 5, events: 8_000, levels: 50, warmupEvents: 0 }).writeFiles(tempDir(), 'FULL', '2020-01-02');
  const whole = await loadLobster(full.messages, full.orderbook);
  const q1 = (quotesChart(whole).spec as unknown as { datasets: { quotes: unknown[] } }).datasets.quotes;
  const q2 = (quotesChart({ flow: whole.flow, frames: replayFrames(whole.flow, 50) }).spec as unknown as { datasets: { quotes: unknown[] } }).datasets.quotes;
  assert.ok(q1.length > 100);
  assert.equal(q2, q1);
  // A book chart given a flow alone says how to get the book, rather than running the engine itself.
  assert.throws(() => quotesChart(whole.flow), /needs the book after each message.*replayFrames/);
});

test.run();
