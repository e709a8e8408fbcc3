import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadLobster } from '../src/data/lobster-load';
import { extractOrders } from '../src/replay/lobster-orders';
import type { OrderEvents } from '../src/data/order-events';
import { OrderTokenizer } from '../src/tokenize/order-tokenizer';
import { BatchTokenizer, orderBatches } from '../src/tokenize/batch-tokens';
import { kmeans, toSparseRows, assign } from '../src/tokenize/kmeans';
import { Rng } from '../src/util/rng';
import { dayFiles } from './helpers';

let cached: { ev: OrderEvents } | null = null;
async function day() {
  if (!cached) {
    const f = dayFiles('AMZN', 5);
    const d = await loadLobster(f.messages, f.orderbook);
    cached = { ev: extractOrders(d.flow, d.frames) };
  }
  return cached;
}

test('order images: one pixel per (type, price bin, volume bin), counts add up to the orders in the window', async () => {
  const { ev } = await day();
  const tok = OrderTokenizer.load('pooled');
  const t = tok.encode(ev);
  const b = orderBatches(t, ev);
  assert.is(b.shape.join('x'), '3x32x32');
  assert.ok(b.windows >= 1);
  let total = 0;
  for (let w = 0; w < b.windows; w++) {
    const img = b.image(w);
    let s = 0;
    for (const v of img) s += v;
    assert.ok(s <= b.orders[w]);
    if (Math.max(...img) < 100) assert.is(s, b.orders[w], `window ${w}`);
    assert.is(b.sells[w] + b.buys[w] + b.cancels[w], b.orders[w]);
    assert.is(b.bidCancels[w] + b.askCancels[w], b.cancels[w]);
    total += b.orders[w];
  }
  assert.is(total, t.length, 'non-overlapping windows cover every token once');
  // a window's tokens land in the pixel of their bins
  const w0 = b.start[0];
  const i = ev.indexAtTime(w0);
  const px = (t.type[i] * 32 + t.priceBin[i]) * 32 + t.volumeBin[i];
  assert.ok(b.image(0)[px] >= 1);
  const overlapping = orderBatches(t, ev, { strideSeconds: 15 });
  assert.ok(overlapping.windows >= 3 * b.windows);
  const cols = b.columns();
  for (const k of ['tradedVolume', 'vwapChangeBp', 'meanSpreadTicks', 'imbalanceEnd', 'midReturnBp']) assert.ok(k in cols, k);
});

test('pixels are clipped at 100', async () => {
  const { ev } = await day();
  const t = OrderTokenizer.load('pooled').encode(ev);
  // Make every token of the day identical and put them in one long window.
  t.priceBin.fill(3);
  t.volumeBin.fill(4);
  t.type.fill(1);
  const b = orderBatches(t, ev, { windowSeconds: 86_400 });
  assert.is(b.image(0)[(1 * 32 + 3) * 32 + 4], 100);
});

test('k-means finds planted clusters, and is reproducible with a seed', () => {
  const rng = new Rng(4);
  const dim = 50;
  const rows = 300;
  const x = new Float32Array(rows * dim);
  const truth: number[] = [];
  for (let r = 0; r < rows; r++) {
    const c = r % 3;
    truth.push(c);
    for (let j = 0; j < 5; j++) x[r * dim + c * 10 + j] = 5 + rng.normal() * 0.3;
  }
  const sp = toSparseRows(x, rows, dim);
  const a = kmeans(sp, 3, { seed: 7 });
  const b = kmeans(sp, 3, { seed: 7 });
  assert.equal(Array.from(a.assignment), Array.from(b.assignment));
  // each planted cluster maps to one k-means cluster
  const map = new Map<number, number>();
  for (let r = 0; r < rows; r++) {
    const m = map.get(truth[r]);
    if (m === undefined) map.set(truth[r], a.assignment[r]);
    else assert.is(a.assignment[r], m);
  }
  assert.is(new Set(map.values()).size, 3);
  assert.equal(Array.from(assign(sp, a.centroids, 3).assignment), Array.from(a.assignment));
});

test('batch tokenizer: fits, encodes every window, beats a one-code baseline, saves and loads', async () => {
  const { ev } = await day();
  const t = OrderTokenizer.load('pooled').encode(ev);
  const windows = orderBatches(t, ev, { strideSeconds: 30 });
  const [fitOn, heldOut] = windows.splitAt(ev.time[Math.floor(ev.length * 0.8)]);
  const bt = BatchTokenizer.fit(fitOn, { codebookSize: 16, seed: 3 });
  assert.is(bt.codebookSize, 16);
  const q = bt.fitQuality;
  assert.ok(q.bitsPerOrder < q.baselineBitsPerOrder, JSON.stringify(q));
  assert.ok(q.explainedVariance > 0 && q.explainedVariance < 1);
  const codes = bt.encode(fitOn);
  assert.is(codes.length, fitOn.windows);
  for (const c of codes) assert.ok(c < 16);
  const held = bt.evaluate(heldOut);
  assert.is(held.windows, heldOut.windows);
  assert.ok(Number.isFinite(held.bitsPerOrder));
  const back = BatchTokenizer.fromJSON(JSON.parse(JSON.stringify(bt.toJSON())));
  assert.equal(Array.from(back.encode(fitOn)), Array.from(codes));
  const img = back.reconstruct(codes[0]);
  assert.is(img.length, 3072);
  assert.throws(() => back.reconstruct(99), /outside/);
  assert.throws(() => bt.encode(orderBatches(t, ev, { windowSeconds: 30 })), /fitted on 60-s windows/);
});

test.run();
