/**
 * The touch-relative scheme: placements against the best prices, the events' touch and best-level
 * columns, decoding against a book (what fits, and what is counted as impossible), and its fit.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadLobster } from '../src/data/lobster-load';
import { extractOrders } from '../src/replay/lobster-orders';
import { LobsterReplayer } from '../src/replay/lobster-replay';
import { TOUCH_LEVELS, TYPE_BUY, TYPE_CANCEL, TYPE_SELL, type OrderEvents } from '../src/data/order-events';
import { startFromDay, stateBook } from '../src/sim/start-state';
import { World } from '../src/sim/world';
import { ReplayAgent } from '../src/sim/agents/replay';
import { clockString } from '../src/util/clock';
import { OrderTokenizer } from '../src/tokenize/order-tokenizer';
import { OrderTokens } from '../src/tokenize/order-tokens';
import { CANCEL_RANGES, CROSS, PLACEMENT_RANGES, cancelPlacementOf, gapBin, placementOf, spreadBin, tradeAgeBin } from '../src/tokenize/touch-bins';
import { TOUCH_ROW_WIDTH } from '../src/tokenize/touch-context-row';
import { tokenId } from '../src/tokenize/token-layout';
import { tokenFeatures } from '../src/model/lmm';
import { OrderBook } from '../src/book/order-book';
import { Rng } from '../src/util/rng';
import { NASDAQ } from '../src/data/order-flow';
import { dayFiles, tempDir } from './helpers';
import { join } from 'node:path';

const TICK = NASDAQ.tickSize;

let cached: { events: OrderEvents; tok: OrderTokenizer; real: boolean; flow: Awaited<ReturnType<typeof loadLobster>> } | null = null;
async function goog() {
  if (!cached) {
    const f = dayFiles('GOOG', 10);
    const d = await loadLobster(f.messages, f.orderbook);
    const events = extractOrders(d.flow, d.frames);
    cached = { events, tok: OrderTokenizer.fit(events, { name: 'touch-test', config: { scheme: 'touch' } }), real: f.real, flow: d };
  }
  return cached;
}

test('placements: join, improve, cross and rest behind are the values the bins are cut on', () => {
  const bid = 100 * TICK;
  const ask = 110 * TICK;
  assert.is(placementOf(1, bid, bid, ask, TICK), 0, 'a buy at the bid joins it');
  assert.is(placementOf(1, bid + TICK, bid, ask, TICK), 1, 'one tick better');
  assert.is(placementOf(1, bid - 3 * TICK, bid, ask, TICK), -3, 'three behind');
  assert.is(placementOf(1, ask, bid, ask, TICK), CROSS, 'a buy at the ask crosses');
  assert.is(placementOf(1, ask + 2 * TICK, bid, ask, TICK), CROSS + 2);
  assert.is(placementOf(-1, ask - 2 * TICK, bid, ask, TICK), 2, 'a sell two inside the ask');
  assert.is(placementOf(-1, bid, bid, ask, TICK), CROSS, 'a sell at the bid crosses');
  assert.is(cancelPlacementOf(1, bid - 4 * TICK, bid, ask, TICK), 4);
  assert.is(cancelPlacementOf(-1, ask, bid, ask, TICK), CROSS);
  // 32 bins each, and every integer falls in exactly one.
  assert.is(PLACEMENT_RANGES.length, 32);
  assert.is(CANCEL_RANGES.length, 32);
  for (const ranges of [PLACEMENT_RANGES, CANCEL_RANGES]) for (let k = 1; k < ranges.length; k++) assert.is(ranges[k][0], ranges[k - 1][1] + 1, `bin ${k} starts where bin ${k - 1} ends`);
  assert.is(spreadBin(NaN), 0);
  assert.is(spreadBin(1), 1);
  assert.is(spreadBin(28), 9);
  assert.is(spreadBin(500), 12);
  assert.is(gapBin(-1), 0);
  assert.is(gapBin(1), 1);
  assert.is(tradeAgeBin(NaN), 11);
  assert.is(tradeAgeBin(0), 0);
});

test('order events carry the touch before each order and the best levels after it, as the replayed book has them', async () => {
  const { events: ev, flow: d } = await goog();
  const replay = new LobsterReplayer(d.flow, d.frames);
  let checked = 0;
  for (let i = 1; i < Math.min(ev.length, 5000); i++) {
    replay.runTo(ev.firstRow[i]);
    const b = replay.book.bestBid();
    const a = replay.book.bestAsk();
    if (b === b && ev.bidBefore[i] !== b) assert.unreachable(`order ${i}: bid before ${ev.bidBefore[i]} vs book ${b}`);
    if (a === a && ev.askBefore[i] !== a) assert.unreachable(`order ${i}: ask before ${ev.askBefore[i]} vs book ${a}`);
    replay.runTo(ev.lastRow[i] + 1);
    const book = replay.book;
    for (let s = 0; s < 2; s++) {
      const side = s === 0 ? 1 : -1;
      for (let k = 0; k < TOUCH_LEVELS; k++) {
        const j = i * 2 * TOUCH_LEVELS + s * TOUCH_LEVELS + k;
        const q = book.levelQty(side, k);
        const gap = k < book.levelCount(side) ? Math.round((side * (book.levelPrice(side, 0) - book.levelPrice(side, k))) / TICK) : -1;
        if (ev.depthAfter[j] !== q || ev.gapAfter[j] !== gap) assert.unreachable(`order ${i} side ${side} level ${k}: ${ev.depthAfter[j]}/${ev.gapAfter[j]} vs ${q}/${gap}`);
      }
    }
    checked++;
  }
  assert.ok(checked > 1000);
});

test('touch tokens: each token encodes its order; joins, one-tick improvements and crosses get their own bins', async () => {
  const { events: ev, tok } = await goog();
  assert.is(tok.scheme, 'touch');
  assert.is(tok.rowWidth, TOUCH_ROW_WIDTH);
  const tokens = tok.encode(ev);
  assert.is(tokens.meta.scheme, 'touch');
  const rows = tokenFeatures(tokens);
  assert.is(rows.length, ev.length * TOUCH_ROW_WIDTH);
  const JOIN = PLACEMENT_RANGES.findIndex(([a]) => a === 0);
  const IMPROVE1 = PLACEMENT_RANGES.findIndex(([a]) => a === 1);
  const CROSS0 = PLACEMENT_RANGES.findIndex(([a]) => a === CROSS);
  const seen = new Set<number>();
  for (let i = 0; i < ev.length; i++) {
    const ty = ev.type[i];
    const want = tok.encodeTouchOrder(ty, ev.side[i], ev.price[i], ev.size[i], ev.interval[i], ev.bidBefore[i], ev.askBefore[i], TICK);
    if (want !== tokens.id[i]) assert.unreachable(`order ${i}: ${tokens.id[i]} vs encodeTouchOrder ${want}`);
    if (ty === TYPE_CANCEL) continue;
    const own = ev.side[i] > 0 ? ev.bidBefore[i] : ev.askBefore[i];
    const opp = ev.side[i] > 0 ? ev.askBefore[i] : ev.bidBefore[i];
    if (ev.price[i] === own) {
      assert.is(tokens.priceBin[i], JOIN);
      seen.add(JOIN);
    } else if (ev.price[i] === own + ev.side[i] * TICK && ev.price[i] !== opp) {
      assert.is(tokens.priceBin[i], IMPROVE1);
      seen.add(IMPROVE1);
    } else if (ev.price[i] === opp) {
      assert.is(tokens.priceBin[i], CROSS0);
      seen.add(CROSS0);
    }
  }
  assert.is(seen.size, 3, 'the day has joins, one-tick improvements and crosses at the opposite best');
  // The scheme travels with saved tokens.
  const path = join(tempDir(), 't.mbt');
  await tokens.slice(0, 2000).save(path);
  const back = OrderTokens.read(path);
  assert.is(back.meta.scheme, 'touch');
  assert.equal(Array.from(tokenFeatures(back)), Array.from(rows.subarray(0, 2000 * TOUCH_ROW_WIDTH)));
});

test('touch decode: what fits the book encodes back to the token; what cannot be placed is NaN, never moved elsewhere', async () => {
  const { tok } = await goog();
  const l = tok.config.layout;
  const book = new OrderBook();
  const B = 58_000; // GOOG's bid in ticks: every resting placement has a positive price
  book.limit(1, 1, B * TICK, 100);
  book.limit(2, 1, (B - 3) * TICK, 50);
  book.limit(3, -1, (B + 4) * TICK, 100); // spread 4 ticks
  book.limit(4, -1, (B + 10) * TICK, 70);
  const rng = new Rng(3);
  let valid = 0;
  let invalid = 0;
  for (let type = 0; type < 3; type++) {
    for (let p = 0; p < l.priceBins; p++) {
      const id = tokenId(l, type, p, 5, 3);
      const o = tok.decode(id, book, rng, TICK);
      if (o.price !== o.price) {
        invalid++;
        if (type === TYPE_CANCEL) {
          const [lo, hi] = CANCEL_RANGES[p];
          const side = lo < CROSS ? 1 : -1;
          const best = side > 0 ? B : B + 4;
          const levels = side > 0 ? [B, B - 3] : [B + 4, B + 10];
          const d = levels.map((x) => side * (best - x));
          const off = side > 0 ? 0 : CROSS;
          assert.ok(!d.some((x) => x + off >= lo && x + off <= hi), `cancel bin ${p}: a level was there`);
        } else {
          const [lo] = PLACEMENT_RANGES[p];
          assert.ok(lo >= 4 && lo < CROSS, `bin ${p} (from ${lo}) should fit a 4-tick spread`);
        }
        continue;
      }
      valid++;
      assert.is(o.typeCode, type);
      assert.is(tok.encodeTouchOrder(o.typeCode, o.side, o.price, o.size, o.wait, B * TICK, (B + 4) * TICK, TICK), id, `type ${type} bin ${p}: ${o.price}`);
      if (type === TYPE_BUY) assert.is(o.side, 1);
      if (type === TYPE_SELL) assert.is(o.side, -1);
    }
  }
  assert.ok(valid > 50 && invalid > 10, `${valid} valid, ${invalid} impossible`);
  assert.throws(() => OrderTokenizer.load('pooled').encodeTouchOrder(0, -1, 1, 1, 0, 1, 2, TICK), /MarS's scheme/);
  assert.throws(() => tok.encodeOrder(0, 1, 1, 0, 1, TICK), /touch/);
});

test('the shipped touch tokenizer loads and survives a JSON round trip', () => {
  const t = OrderTokenizer.load('touch');
  assert.is(t.scheme, 'touch');
  assert.is(t.vocabularySize, 49_152);
  assert.ok(t.cancelPrice && t.cancelPrice.numBins === 32);
  const back = OrderTokenizer.fromJSON(JSON.parse(JSON.stringify(t.toJSON())));
  assert.equal(back.toJSON(), t.toJSON());
  assert.throws(() => OrderTokenizer.fromJSON({ ...t.toJSON(), config: { ...t.config, scheme: 'nope' as 'touch' } }), /unknown scheme/);
});

test('a world replaying the real orders builds the rows the offline encoder makes from them (both schemes)', async () => {
  const { events: ev, flow: d, real } = await goog();
  for (const tok of [OrderTokenizer.load('pooled'), (await goog()).tok]) {
    const start = real ? '12:00' : clockString(ev.time[Math.floor(ev.length / 2)]);
    const state = startFromDay(d, start, tok, { events: ev, continuationSeconds: 120 });
    const world = new World({
      book: stateBook(state),
      firstId: state.firstId,
      venue: state.venue,
      start: state.time,
      end: state.time + 120e9,
      lastOrderTime: state.lastOrderTime,
      background: new ReplayAgent(state.continuation!),
      agents: [],
      rng: new Rng(1),
      context: { tokenizer: tok, openPrice: state.openPrice, lastMid: state.mid, lastTrade: state.lastTrade },
      startTouch: { bid: state.bid, ask: state.ask },
    });
    world.begin();
    world.runToEnd();
    const W = tok.rowWidth;
    const k0 = ev.indexAtTime(state.time / 1e9);
    const n = world.orders.time.length;
    let lastTrade = NaN;
    for (let j = k0 - 1; j >= 0 && !(lastTrade === lastTrade); j--) if (ev.type[j] !== TYPE_CANCEL && ev.filled[j] > 0) lastTrade = ev.time[j];
    const want = tokenFeatures(tok.encode(ev.slice(k0, k0 + n), { lastTrade }));
    const got = world.contextRows(n);
    assert.is(got.length, n * W);
    // The replayed orders are the real ones at their real times until the replay first loses one (an
    // order the replayed book cannot take as the real book did: on GOOG at 12:00, after 98 orders, a
    // cancel at a price where the replayed book holds nothing to delete).
    // Up to there the world's rows — its own touch before, volume before, fills, trade age, book after —
    // must equal the encoder's, field by field.
    let aligned = 0;
    while (aligned < n && world.orders.time.get(aligned) === Math.round(ev.time[k0 + aligned] * 1e9) && world.orders.type.get(aligned) === ev.type[k0 + aligned]) aligned++;
    let aggressive = 0;
    for (let i = 0; i < aligned; i++) {
      const g = Array.from(got.subarray(i * W, (i + 1) * W)).join(' ');
      const w = Array.from(want.subarray(i * W, (i + 1) * W)).join(' ');
      if (g !== w) assert.unreachable(`${tok.scheme} scheme, replayed order ${i} (${'SBC'[ev.type[k0 + i]]}${ev.aggressive[k0 + i] ? ', aggressive' : ''}): world row ${g} vs encoder ${w}`);
      if (ev.aggressive[k0 + i]) aggressive++;
    }
    assert.ok(aligned >= 50 && aggressive >= 1, `${tok.scheme}: ${aligned} orders replayed as they were, ${aggressive} aggressive`);
  }
});

test.run();
