import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { loadLobster } from '../src/data/lobster-load';
import { extractOrders } from '../src/replay/lobster-orders';
import type { OrderEvents } from '../src/data/order-events';
import { OrderTokenizer } from '../src/tokenize/order-tokenizer';
import { OrderTokens } from '../src/tokenize/order-tokens';
import { MARS_LAYOUT, tokenId, tokenParts, vocabularySize } from '../src/tokenize/token-layout';
import { OrderBook } from '../src/book/order-book';
import { syntheticLobsterDay } from '../src/sim/synthetic-day';
import { Rng } from '../src/util/rng';
import { dayFiles, tempDir } from './helpers';
import { join } from 'node:path';
import { NASDAQ } from '../src/data/order-flow';

const TICK = NASDAQ.tickSize;

let goog: OrderEvents | null = null;
async function googEvents(): Promise<OrderEvents> {
  if (!goog) {
    const f = dayFiles('GOOG', 10);
    const d = await loadLobster(f.messages, f.orderbook);
    goog = extractOrders(d.flow, d.frames);
  }
  return goog;
}

function bookWith(bid: number, ask: number): OrderBook {
  const b = new OrderBook();
  b.limit(1, 1, bid, 100);
  b.limit(2, -1, ask, 100);
  return b;
}

test('token ids: 3 × 32 × 32 × 16 = 49,152, and parts ↔ id both ways', () => {
  assert.is(vocabularySize(MARS_LAYOUT), 49_152);
  let id = 0;
  for (let t = 0; t < 3; t++)
    for (let p = 0; p < 32; p++)
      for (let v = 0; v < 32; v++)
        for (let i = 0; i < 16; i++) {
          assert.is(tokenId(MARS_LAYOUT, t, p, v, i), id);
          const parts = tokenParts(MARS_LAYOUT, id);
          if (parts.type !== t || parts.price !== p || parts.volume !== v || parts.interval !== i) assert.unreachable(`id ${id}`);
          id++;
        }
  assert.throws(() => tokenParts(MARS_LAYOUT, 49_152), /outside/);
});

test('the shipped tokenizers load, with 32/32/16 bins and a batch codebook', () => {
  for (const name of ['pooled', 'GOOG', 'AMZN']) {
    const t = OrderTokenizer.load(name);
    assert.is(t.vocabularySize, 49_152);
    assert.ok(t.batch && t.batch.codebookSize > 0, `${name} has a batch codebook`);
    assert.ok(t.fittedOn.length >= 1);
  }
  assert.throws(() => OrderTokenizer.load('NOPE'), /no tokenizer/);
});

for (const [label, bid, ask] of [
  ['odd spread', 5_801_900, 5_802_000],
  ['even spread', 5_801_900, 5_802_100],
  ['wide spread', 5_790_000, 5_810_300],
] as const) {
  test(`every one of the 49,152 ids decodes to an order that encodes back to the same id (${label})`, () => {
    const tok = OrderTokenizer.load('pooled');
    const book = bookWith(bid, ask);
    const rng = new Rng(42);
    for (let id = 0; id < tok.vocabularySize; id++) {
      const o = tok.decode(id, book, rng, TICK);
      const back = tok.encodeOrder(o.typeCode, o.price, o.size, o.wait, book.mid(), TICK);
      if (back !== id) assert.unreachable(`id ${id} → ${JSON.stringify(o)} → ${back}`);
      if (o.price % 100 !== 0 || o.size < 1 || o.wait < 0) assert.unreachable(`id ${id}: off-grid or impossible order ${JSON.stringify(o)}`);
    }
  });
}

test('property: the round trip holds on random books', () => {
  const tok = OrderTokenizer.load('GOOG');
  fc.assert(
    fc.property(fc.integer({ min: 1_000, max: 90_000 }), fc.integer({ min: 1, max: 60 }), fc.integer({ min: 0, max: 49_151 }), fc.integer(), (bidTicks, spread, id, seed) => {
      const book = bookWith(bidTicks * 100, (bidTicks + spread) * 100);
      const o = tok.decode(id, book, new Rng(seed), TICK);
      assert.is(tok.encodeOrder(o.typeCode, o.price, o.size, o.wait, book.mid(), TICK), id);
    }),
    { seed: 8, numRuns: 3000 },
  );
});

test('decode: B buys, S sells, a cancel takes the side where its price would rest', () => {
  const tok = OrderTokenizer.load('pooled');
  const book = bookWith(5_801_900, 5_802_000);
  const rng = new Rng(1);
  for (let id = 0; id < tok.vocabularySize; id += 97) {
    const o = tok.decode(id, book, rng, TICK);
    if (o.type === 'B') assert.is(o.side, 1);
    if (o.type === 'S') assert.is(o.side, -1);
    if (o.type === 'C') assert.is(o.side, o.price <= 5_801_900 ? 1 : -1);
  }
  assert.throws(() => tok.decode(0, new OrderBook(), rng, TICK), /needs both a bid and an ask/);
});

test('encoding a real day: every token in range, context within MarS\'s ranges, stats consistent', async () => {
  const ev = await googEvents();
  const tok = OrderTokenizer.load('pooled');
  const t = tok.encode(ev);
  assert.is(t.length, ev.length);
  const c = t;
  for (let i = 0; i < t.length; i++) {
    if (c.id[i] >= 49_152 || c.priceBin[i] >= 32 || c.volumeBin[i] >= 32 || c.intervalBin[i] >= 16) assert.unreachable(`row ${i}`);
    if (Math.abs(c.changeBp[i]) > 2000 || c.timeBucket[i] > 4680 || c.volumeRatio[i] > 9 || c.fillRatio[i] > 9) assert.unreachable(`context row ${i}`);
    if (c.type[i] === 2 && c.fillRatio[i] !== 9) assert.unreachable('a cancel has fill ratio slot 9');
  }
  for (let i = 0; i < c.lob.length; i++) if (c.lob[i] > 16) assert.unreachable('lob slot beyond 16 bins + 1');
  const h = t.entropyBits();
  assert.ok(h > 6 && h < Math.log2(49_152));
  assert.ok(t.distinctTokens() > 1000);
  // a token is the same whether encoded in bulk or one by one
  for (let i = 0; i < 2000; i += 37) {
    assert.is(tok.encodeOrder(ev.type[i], ev.price[i], ev.size[i], ev.interval[i], ev.midBefore[i], TICK), c.id[i]);
  }
});

test('a tokenizer fitted on one symbol works on another: what falls outside is clipped and counted', async () => {
  const tok = OrderTokenizer.load('GOOG');
  // A synthetic stock at $20 with thin books and mostly odd lots: far from GOOG's ranges.
  const rec = syntheticLobsterDay({ seed: 3, events: 6_000, levels: 10, noise: { initialPrice: 200_000, lot: 1000, oddLotShare: 0.05, meanDepthTicks: 60, maxDepthTicks: 400 } });
  const files = rec.writeFiles(tempDir(), 'CHEAP', '2020-01-02');
  const d = await loadLobster(files.messages, files.orderbook);
  const t = tok.encode(extractOrders(d.flow, d.frames));
  assert.ok(t.length > 1000);
  assert.ok(t.clipped.tokens > 0, JSON.stringify(t.clipped));
  assert.ok(t.clipped.volume > 0, 'sizes beyond GOOG\'s largest bin are clipped');
  for (const id of t.id) if (id >= 49_152) assert.unreachable();
});

test('fit → save → load gives the same tokens; refitting with the same seed gives the same tokenizer', async () => {
  const ev = await googEvents();
  const part = ev.slice(0, 20_000);
  const a = OrderTokenizer.fit(part, { seed: 5, name: 'part' });
  const b = OrderTokenizer.fit(part, { seed: 5, name: 'part' });
  assert.equal(a.toJSON(), b.toJSON());
  const path = join(tempDir(), 'tok.json');
  await a.save(path);
  const c = OrderTokenizer.load(path);
  assert.equal(Array.from(c.encode(part).id), Array.from(a.encode(part).id));
  assert.throws(() => OrderTokenizer.fit(part.slice(0, 10)), /fewer than the 32 bins/);
});

test('tokens as a table (arquero), Arrow, and the binary token file round trip', async () => {
  const ev = (await googEvents()).slice(0, 3000);
  const t = OrderTokenizer.load('pooled').encode(ev);
  const aq = await t.toArquero();
  assert.is(aq.numRows(), 3000);
  assert.ok(aq.columnNames().includes('lob-5') && aq.columnNames().includes('fillRatio'));
  assert.is(aq.get('id', 17), t.id[17]);
  assert.is(t.toArrow().numRows, 3000);
  const back = OrderTokens.fromBinary(t.toBinary());
  for (const k of ['id', 'lob', 'changeBp', 'timeBucket', 'time', 'price'] as const) {
    assert.equal(Array.from(back[k] as ArrayLike<number>), Array.from(t[k] as ArrayLike<number>), k);
  }
  assert.equal(back.clipped, t.clipped);
  const dir = tempDir();
  await t.save(join(dir, 't.mbt'));
  await t.save(join(dir, 't.arrow'));
  await t.save(join(dir, 't.csv'));
  assert.is(OrderTokens.read(join(dir, 't.mbt')).length, 3000);
  assert.throws(() => OrderTokens.fromBinary(Buffer.from('nope, not a token file')), /MBTK/);
});

test.run();
