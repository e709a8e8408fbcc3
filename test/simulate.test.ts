import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadLobster, type LobsterData } from '../src/data/lobster-load';
import { replayLobster, LobsterReplayer } from '../src/replay/lobster-replay';
import { extractOrders } from '../src/replay/lobster-orders';
import { LargeMarketModel, tokenFeatures } from '../src/model/lmm';
import { OrderTokenizer } from '../src/tokenize/order-tokenizer';
import { simulate, simulateStarts } from '../src/sim/simulate';
import { startFromDay, startFromNoise } from '../src/sim/start-state';
import type { Trajectories } from '../src/sim/trajectories';
import type { Agent, Market } from '../src/sim/agent';
import { seconds } from '../src/sim/agent';
import { Exchange, OWNER } from '../src/sim/exchange';
import { World } from '../src/sim/world';
import { Rng } from '../src/util/rng';
import { NASDAQ } from '../src/data/order-flow';
import { OrderBook } from '../src/book/order-book';
import { dayFiles, tempDir } from './helpers';

let dayCache: { day: LobsterData; start: string } | null = null;
/** GOOG (or a synthetic day on a clone without the samples) and a start time inside it. */
async function day(): Promise<{ day: LobsterData; start: string }> {
  if (dayCache) return dayCache;
  const f = dayFiles('GOOG', 10);
  const d = await loadLobster(f.messages, f.orderbook);
  dayCache = { day: d, start: f.real ? '12:00' : '09:45' };
  return dayCache;
}

let modelCache: LargeMarketModel | null = null;
async function model(): Promise<LargeMarketModel> {
  return (modelCache ??= await LargeMarketModel.load());
}

function digest(r: Trajectories): string {
  const h = createHash('sha256');
  for (const t of r.data) {
    for (const part of [t.orders, t.trades, t.snapshots]) for (const a of Object.values(part)) h.update(Buffer.from(a.buffer, a.byteOffset, a.byteLength));
    h.update(JSON.stringify(t.stats));
  }
  return h.digest('hex');
}

test('the same seed and batch give byte-identical futures on 0, 1 or 2 worker threads; another seed differs', async () => {
  const { day: d, start } = await day();
  const run = (seed: number, workers: number) => simulate({ model: workers ? undefined : undefined, day: d, start, minutes: 0.25, trajectories: 4, batch: 2, seed, workers });
  const a = await run(3, 0);
  assert.is(a.count, 4);
  assert.ok(a.totals().ordersGenerated > 100, `only ${a.totals().ordersGenerated} orders`);
  assert.is(digest(await run(3, 1)), digest(a));
  assert.is(digest(await run(3, 2)), digest(a));
  assert.is.not(digest(await run(4, 0)), digest(a));
  // Trajectories of one run differ from each other.
  assert.is.not(a.data[0].orders.price.join(), a.data[1].orders.price.join());
});

test('simulateStarts: futures from several starts in one run; start 0 is simulate from it; batches that mix starts are deterministic across workers', async () => {
  const { day: d, start } = await day();
  const [h, m] = start.split(':').map(Number);
  const starts = [0, 1, 2].map((i) => `${String(h).padStart(2, '0')}:${String(m + i).padStart(2, '0')}`);
  const m0 = await model();
  const one = await simulate({ model: m0, day: d, start: starts[0], minutes: 0.1, trajectories: 2, batch: 2, seed: 6, workers: 0 });
  const many = await simulateStarts({ model: m0, day: d, starts, minutes: 0.1, trajectories: 2, batch: 2, seed: 6, workers: 0 });
  assert.is(many.length, 3);
  assert.is(digest(many[0]), digest(one));
  many.forEach((r, s) => {
    assert.is(r.count, 2);
    assert.is(r.start, (h * 3600 + (m + s) * 60) * 1e9);
    assert.ok(r.data.every((t) => t.start === s));
  });
  assert.is.not(digest(many[1]), digest(many[2]));
  // batch 4 holds futures of two starts at once (contexts of different starts primed side by side).
  const mixed = (workers: number) => simulateStarts({ model: workers ? undefined : m0, day: d, starts, minutes: 0.1, trajectories: 2, batch: 4, seed: 6, workers });
  const a = await mixed(0);
  const b = await mixed(2);
  assert.equal(a.map(digest), b.map(digest));
  assert.ok(a.every((r) => r.totals().ordersGenerated > 0));
  let err = '';
  await simulateStarts({ world: 'noise', starts: ['12:00'], minutes: 0.1, trajectories: 1, seed: 1 }).catch((e: Error) => (err = e.message));
  assert.match(err, /need a `day`/);
});

test('every world writes LOBSTER files that replay to their orderbook files exactly (TWAP agent inside)', async () => {
  const { day: d, start } = await day();
  for (const world of ['lmm', 'noise', 'replay'] as const) {
    const r = await simulate({ model: world === 'lmm' ? await model() : undefined, day: d, world, start, minutes: 0.5, trajectories: 2, seed: 5, levels: 10, agents: [{ kind: 'twap', side: 'buy', quantity: 1000, duration: 20, slices: 4 }] });
    const dir = tempDir();
    const folders = r.writeLobster(dir, { levels: 5 });
    assert.is(folders.length, 2);
    for (const f of folders) {
      const files = readdirSync(f).sort();
      assert.match(files[0], /_message_5\.csv$/);
      assert.match(files[1], /_orderbook_5\.csv$/);
      const day2 = await loadLobster(join(f, files[0]), join(f, files[1]));
      assert.ok(day2.flow.length > 10, `${world}: ${day2.flow.length} messages`);
      const rep = replayLobster(day2.flow, day2.frames);
      assert.is(rep.report.mismatchedRows, 0, `${world}: ${JSON.stringify(rep.report.firstMismatch)}`);
      assert.is(rep.report.unmatchedQty, 0, world);
    }
    // In memory, the same: every book chart takes a simulated day.
    const mem = r.toLobster(0, 5);
    assert.is(replayLobster(mem.flow, mem.frames).report.mismatchedRows, 0);
    for (const s of r.summaries()) {
      const tw = s.agents[0]!;
      assert.is(tw.filled + tw.left, 1000, `${world}: filled ${tw.filled} + left ${tw.left}`);
      assert.ok(tw.filled > 0, `${world}: the TWAP filled nothing`);
    }
    // The agent's fills in the trade tape add up to its report.
    const t = r.data[0];
    let mine = 0;
    for (let i = 0; i < t.trades.qty.length; i++) if (t.trades.makerOwner[i] === OWNER.firstAgent || t.trades.takerOwner[i] === OWNER.firstAgent) mine += t.trades.qty[i];
    assert.is(mine, r.summaries()[0].agents[0]!.filled, world);
  }
});

test("another agent's order enters the model's context before the model's next order: the pending token is discarded", async () => {
  const { day: d, start } = await day();
  const at = 5;
  const r = await simulate({ model: await model(), day: d, start, minutes: 0.2, trajectories: 2, seed: 9, agents: [{ kind: 'scripted', orders: [{ at, side: 'buy', qty: 300 }] }] });
  for (const t of r.data) {
    assert.ok(t.stats.preempted >= 1, 'the scripted order preempted the model');
    const o = t.orders;
    const k = Array.from(o.owner).indexOf(OWNER.firstAgent);
    assert.ok(k >= 0, 'the scripted order is in the order log');
    assert.is(o.time[k], r.start + seconds(at));
    // The model's next order comes at or after it (its wait is measured from the injected order).
    assert.ok(o.time[k + 1] >= o.time[k]);
    assert.is(o.owner[k + 1], OWNER.background);
    assert.is(t.agents[0]!.filled, 300);
  }
  // Common random numbers: without the agent, every future is the same until the order would have arrived.
  const base = await simulate({ model: await model(), day: d, start, minutes: 0.2, trajectories: 2, seed: 9 });
  const cut = r.start + seconds(at);
  for (let k = 0; k < 2; k++) {
    const a = r.data[k].orders;
    const b = base.data[k].orders;
    const n = Array.from(a.time).filter((x) => x < cut).length;
    assert.ok(n > 10, `${n} orders before the injection`);
    assert.equal(Array.from(a.price.subarray(0, n)), Array.from(b.price.subarray(0, n)), `future ${k} differs before the injected order`);
    assert.equal(Array.from(a.time.subarray(0, n)), Array.from(b.time.subarray(0, n)));
    assert.is.not(Array.from(a.price.subarray(n, n + 20)).join(), Array.from(b.price.subarray(n, n + 20)).join(), 'the order changed the future');
  }
});

test('a user agent of a few lines trades through its port; fills reach it; it cannot cancel what is not its own', async () => {
  const { day: d, start } = await day();
  const fills: number[] = [];
  let refused = -1;
  class Joiner implements Agent {
    readonly name = 'joiner';
    private id = 0;
    start(m: Market) {
      return m.time + seconds(1);
    }
    wake(m: Market) {
      if (!this.id) {
        this.id = m.limit(1, m.book.bestAsk(), 200); // crosses: executes at once
        const other = m.book.headOrderId(1, m.book.levelCount(1) - 1); // the deepest bid: not ours
        refused = m.cancel(other);
        return m.time + seconds(1);
      }
      return null;
    }
    onFill(_id: number, _side: 1 | -1, _price: number, qty: number) {
      fills.push(qty);
    }
  }
  const r = await simulate({ world: 'noise', day: d, start, minutes: 0.1, trajectories: 1, seed: 2, agents: () => [new Joiner()] });
  assert.ok(fills.length > 0, 'no fill reached the agent');
  assert.is(refused, 0, "cancelling someone else's order returns 0");
  assert.ok(r.data[0].stats.agentOrders >= 1);
});

test('the context row of a live book equals the tokenizer encoding of the same orders', async () => {
  const { day: d } = await day();
  const m = await model();
  const n = Math.min(d.flow.length, 6000);
  const flow = d.flow.slice(0, n);
  const frames = d.frames!.slice(0, n);
  const events = extractOrders(flow, frames);
  let checked = 0;
  // Both schemes: MarS's (the shipped model's tokenizer) and the touch-relative one.
  for (const tok of [m.tokenizer, OrderTokenizer.fit(events, { name: 'touch-test', config: { scheme: 'touch' } })]) {
    const want = tokenFeatures(tok.encode(events));
    const replay = new LobsterReplayer(flow, frames);
    const b = tok.rowBuilder(flow.meta.venue, events.meta.openPrice);
    const W = tok.rowWidth;
    const row = new Int32Array(W);
    checked = 0;
    for (let i = 0; i < events.length; i++) {
      replay.runTo(events.lastRow[i] + 1);
      b.row(replay.book, events.type[i], events.side[i], events.price[i], events.size[i], events.midBefore[i], events.bidBefore[i], events.askBefore[i], events.interval[i], events.time[i], events.volumeBefore[i], events.filled[i], row, 0);
      const got = Array.from(row).join();
      const exp = Array.from(want.subarray(i * W, (i + 1) * W)).join();
      if (got !== exp) assert.unreachable(`${tok.scheme} scheme, order ${i}: live ${got} vs encode ${exp}`);
      checked++;
    }
    assert.ok(checked > 1000, tok.scheme);
  }
  assert.ok(checked > 1000);
});

test('start states: a time outside the file is a clear error; the noise warm-up (demo mode) builds a two-sided book and a context', async () => {
  const { day: d } = await day();
  const m = await model();
  assert.throws(() => startFromDay(d, '17:00', m.tokenizer), /outside .*message/);
  assert.throws(() => startFromDay(d, '25:00', m.tokenizer), /not a time of day/);
  const s = startFromNoise(m.tokenizer, { seed: 1, warmupMinutes: 5 });
  assert.is(s.source, 'noise-warmup');
  assert.ok(s.context.length / m.rowWidth >= 256, `${s.context.length / m.rowWidth} context rows`);
  assert.ok(Number.isFinite(s.mid));
  const r = await simulate({ model: m, state: s, minutes: 0.1, trajectories: 2, seed: 1 });
  assert.ok(r.totals().ordersGenerated > 0);
  let err = '';
  await simulate({ model: m, state: s, minutes: 0, trajectories: 2, seed: 1 }).catch((e: Error) => (err = e.message));
  assert.match(err, /minutes must be positive/);
});

test('exchange: fills reach both owners; level cancels take the newest allowed orders first; one failure convention (0)', () => {
  const book = new OrderBook();
  const ex = new Exchange(book, 100, 2);
  const fills: string[] = [];
  ex.onFill = (owner, id, side, price, qty) => fills.push(`${owner}:${id}:${side}:${price}:${qty}`);
  const a = ex.submit(OWNER.seed, -1, 10_100, 100);
  const b = ex.submit(OWNER.background, -1, 10_100, 50);
  const c = ex.submit(OWNER.firstAgent, -1, 10_100, 70);
  const d = ex.submit(OWNER.background, -1, 10_100, 30);
  assert.equal([a, b, c, d], [100, 101, 102, 103]);
  // Newest first, skipping the agent's order: d (30) then b (50 → 20 taken).
  const may = (o: number) => o === OWNER.background || o === OWNER.seed;
  assert.is(ex.cancellableAt(-1, 10_100, may), 180);
  assert.is(ex.cancelAtLevel(-1, 10_100, 50, may), 50);
  assert.is(book.orderQty(d), 0);
  assert.is(book.orderQty(b), 30);
  assert.is(book.orderQty(c), 70);
  // A buy sweeps the queue front to back: a (100), b (30), then 20 of c.
  const t = ex.submit(OWNER.firstAgent + 1, 1, 10_100, 150);
  assert.is(ex.lastFilled, 150);
  assert.is(ex.lastNotional, 150 * 10_100);
  assert.equal(fills, [`0:100:-1:10100:100`, `3:${t}:1:10100:100`, `1:101:-1:10100:30`, `3:${t}:1:10100:30`, `2:102:-1:10100:20`, `3:${t}:1:10100:20`]);
  // Executions are logged as messages of the resting orders, then nothing rests: no submission.
  const log = ex.log;
  const types = Array.from({ length: log.time.length }, (_, i) => log.type.get(i));
  assert.equal(types, [1, 1, 1, 1, 3, 2, 4, 4, 4]);
  assert.is(log.id.get(6), a);
  // Failure convention: 0 for nothing done.
  assert.is(ex.submit(OWNER.background, 1, 10_000, 0), 0);
  assert.is(ex.submit(OWNER.background, 1, 10_000, 1.5), 0);
  assert.is(ex.submit(OWNER.background, 1, -5, 10), 0);
  assert.is(ex.cancel(999_999), 0);
  assert.is(ex.cancelAtLevel(1, 9_000, 10, may), 0);
  assert.is(book.checkInvariants(), null);
});

test("exchange: deleteNearest deletes one whole order, the one nearest the size asked (the newest of equals), of allowed owners only", () => {
  const book = new OrderBook();
  const ex = new Exchange(book, 100, 0);
  const may = (o: number) => o === OWNER.background || o === OWNER.seed;
  const a = ex.submit(OWNER.seed, 1, 9_900, 100);
  const b = ex.submit(OWNER.background, 1, 9_900, 30);
  const c = ex.submit(OWNER.firstAgent, 1, 9_900, 45);
  const d = ex.submit(OWNER.background, 1, 9_900, 30);
  // 40 is nearest 30 (b and d; d is newer), never the agent's 45.
  assert.is(ex.deleteNearest(1, 9_900, 40, may), 30);
  assert.is(book.orderQty(d), 0);
  assert.is(book.orderQty(b), 30);
  assert.is(book.orderQty(c), 45);
  // 90 is nearest a's 100: deleted whole, not 90 of it.
  assert.is(ex.deleteNearest(1, 9_900, 90, may), 100);
  assert.is(book.orderQty(a), 0);
  assert.is(ex.deleteNearest(1, 9_800, 10, may), 0);
  const log = ex.log;
  assert.equal([log.type.get(4), log.type.get(5)], [3, 3]);
  assert.is(book.checkInvariants(), null);
});

test("a world: the model's marketable order takes what rests up to its price and never rests; its cancel deletes one whole order", () => {
  const venue = NASDAQ;
  const build = () => {
    const book = new OrderBook();
    const ex = new Exchange(book, 1, 0);
    ex.submit(OWNER.seed, 1, 9_900, 60);
    ex.submit(OWNER.seed, 1, 9_900, 25);
    ex.submit(OWNER.seed, -1, 10_100, 40);
    ex.submit(OWNER.seed, -1, 10_200, 50);
    return new World({ book, firstId: ex.peekId, venue, start: 40_000e9, end: 40_010e9, lastOrderTime: 39_999e9, agents: [], rng: new Rng(1) });
  };
  // A buy of 70 at the best ask (40 there): 40 trade, nothing rests at 101.00 (the ask's next level stays the best).
  let w = build();
  assert.ok(w.propose(0.5, 1, 1, 10_100, 70));
  w.advance();
  assert.is(w.book.bestAsk(), 10_200);
  assert.is(w.book.bestBid(), 9_900);
  assert.is(w.orders.size.get(0), 40);
  assert.is(w.orders.filled.get(0), 40);
  // A buy below the ask rests as any limit order.
  w = build();
  assert.ok(w.propose(0.5, 1, 1, 10_000, 70));
  w.advance();
  assert.is(w.book.bestBid(), 10_000);
  // A cancel of 20 at the bid deletes the 25-share order whole (nearest 20), leaving the 60.
  w = build();
  assert.ok(w.propose(0.5, 2, 1, 9_900, 20));
  w.advance();
  assert.is(w.book.volumeAt(1, 9_900), 60);
  assert.is(w.orders.size.get(0), 25);
});

test('resting orders as a list rebuild the same book, anonymous volume as a seed order at the front of its queue', () => {
  const book = new OrderBook();
  book.addAnonymous(1, 9_900, 500);
  book.limit(1, 1, 9_900, 100, 1, 7);
  book.limit(2, 1, 9_800, 40, 2, 7);
  book.limit(3, -1, 10_100, 60, 3, 8);
  let next = 1000;
  const list = book.toOrderList(() => next++, OWNER.seed);
  const copy = OrderBook.fromOrderList(list);
  assert.equal(copy.snapshot(5), book.snapshot(5));
  assert.is(copy.headOrderId(1, 0), 1000);
  assert.is(copy.orderQty(1000), 500);
  assert.is(copy.ownerOf(1), 7);
  assert.is(copy.levelAnonymous(1, 0), 0);
  assert.is(copy.checkInvariants(), null);
  // Without ids, anonymous volume stays anonymous.
  assert.equal(OrderBook.fromOrderList(book.toOrderList()).snapshot(5), book.snapshot(5));
  assert.is(OrderBook.fromOrderList(book.toOrderList()).levelAnonymous(1, 0), 500);
});

test.run();
