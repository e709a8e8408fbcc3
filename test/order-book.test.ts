import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { OrderBook } from '../src/book/order-book';
import { TradeKind } from '../src/book/trade-tape';

const BUY = 1;
const SELL = -1;

function invariant(b: OrderBook) {
  const e = b.checkInvariants();
  if (e) assert.unreachable(e);
}

test('limit orders rest on the right side, best level first', () => {
  const b = new OrderBook();
  b.limit(1, BUY, 100, 10);
  b.limit(2, BUY, 101, 5);
  b.limit(3, SELL, 103, 7);
  b.limit(4, SELL, 102, 3);
  assert.is(b.bestBid(), 101);
  assert.is(b.bestAsk(), 102);
  assert.is(b.mid(), 101.5);
  assert.is(b.spread(), 1);
  assert.equal(b.snapshot(5), { bids: [[101, 5], [100, 10]], asks: [[102, 3], [103, 7]] });
  invariant(b);
});

test('price-time priority: better price first, then earlier order', () => {
  const b = new OrderBook();
  b.limit(1, SELL, 101, 5, 1);
  b.limit(2, SELL, 100, 5, 2);
  b.limit(3, SELL, 100, 5, 3);
  const filled = b.limit(10, BUY, 101, 12, 4);
  assert.is(filled, 12);
  assert.is(b.lastRested, 0);
  const makers = Array.from({ length: b.tape.length }, (_, i) => [b.tape.maker(i), b.tape.qty(i), b.tape.price(i)]);
  assert.equal(makers, [[2, 5, 100], [3, 5, 100], [1, 2, 101]]);
  assert.is(b.tape.side(0), BUY, 'aggressor side is the buyer');
  assert.is(b.orderQty(1), 3);
  invariant(b);
});

test('a marketable limit order trades what it can and rests the remainder at its limit', () => {
  const b = new OrderBook();
  b.limit(1, SELL, 100, 5);
  b.limit(2, SELL, 102, 5);
  assert.is(b.limit(3, BUY, 101, 8), 5);
  assert.is(b.lastRested, 3);
  assert.is(b.bestBid(), 101);
  assert.is(b.bestAsk(), 102);
  assert.is(b.orderQty(3), 3);
  invariant(b);
});

test('a market order sweeps levels and drops what it cannot fill', () => {
  const b = new OrderBook();
  b.limit(1, BUY, 99, 4);
  b.limit(2, BUY, 98, 4);
  assert.is(b.market(3, SELL, 10), 8);
  assert.is(b.levelCount(BUY), 0);
  assert.ok(Number.isNaN(b.bestBid()));
  assert.not.ok(b.has(3));
  invariant(b);
});

test('partial cancel keeps queue position; delete removes; unknown ids return 0', () => {
  const b = new OrderBook();
  b.limit(1, BUY, 100, 10);
  b.limit(2, BUY, 100, 10);
  assert.is(b.cancel(1, 4), 4);
  assert.is(b.order(1)!.queueAhead, 0);
  assert.is(b.order(2)!.queueAhead, 6);
  assert.is(b.delete(2), 10);
  assert.is(b.delete(2), 0);
  assert.is(b.cancel(99, 5), 0);
  assert.is(b.cancel(1, 100), 6, 'cancelling more than rests removes the order');
  assert.is(b.levelCount(BUY), 0);
  invariant(b);
});

test('modify: a smaller size keeps priority, a new price loses it and may trade', () => {
  const b = new OrderBook();
  b.limit(1, BUY, 100, 10);
  b.limit(2, BUY, 100, 10);
  assert.is(b.modify(1, 100, 5), 0);
  assert.is(b.order(1)!.queueAhead, 0);
  assert.is(b.modify(1, 100, 8), 0);
  assert.is(b.order(1)!.queueAhead, 10, 'a larger size goes to the back');
  b.limit(3, SELL, 102, 4);
  assert.is(b.modify(2, 102, 10), 4, 'repricing through the ask trades');
  assert.is(b.bestBid(), 102);
  assert.is(b.modify(42, 1, 1), 0, 'an unknown id: nothing happened');
  assert.not.ok(b.has(42));
  invariant(b);
});

test('execute-by-id writes a trade with the aggressor on the other side', () => {
  const b = new OrderBook();
  b.limit(7, SELL, 105, 10);
  assert.is(b.executeById(7, 4, 12.5), 4);
  assert.is(b.tape.length, 1);
  assert.is(b.tape.side(0), BUY);
  assert.is(b.tape.kind(0), TradeKind.Execution);
  assert.is(b.tape.time(0), 12.5);
  assert.is(b.orderQty(7), 6);
  assert.is(b.executeById(7, 100), 6);
  assert.not.ok(b.has(7));
  invariant(b);
});

test('anonymous volume sits at the front of the queue and is drawn down first', () => {
  const b = new OrderBook();
  b.addAnonymous(SELL, 100, 50);
  b.limit(1, SELL, 100, 10);
  assert.is(b.volumeAt(SELL, 100), 60);
  assert.is(b.order(1)!.queueAhead, 50);
  assert.is(b.limit(2, BUY, 100, 55), 55);
  assert.is(b.orderQty(1), 5, 'the anonymous 50 traded first');
  assert.is(b.drawAnonymous(SELL, 100, 10), 0);
  b.addAnonymous(BUY, 90, 7);
  assert.is(b.drawAnonymous(BUY, 90, 10), 7);
  assert.is(b.levelCount(BUY), 0);
  invariant(b);
});

test('setLevelQty re-synchronises a level: anonymous volume absorbs the difference, newest orders are trimmed', () => {
  const b = new OrderBook();
  b.limit(1, BUY, 100, 10);
  b.limit(2, BUY, 100, 10);
  b.setLevelQty(BUY, 100, 25);
  assert.is(b.volumeAt(BUY, 100), 25);
  assert.is(b.levelAnonymous(BUY, 0), 5);
  b.setLevelQty(BUY, 100, 12);
  assert.is(b.volumeAt(BUY, 100), 12);
  assert.is(b.orderQty(1), 10);
  assert.is(b.orderQty(2), 2);
  b.setLevelQty(BUY, 100, 0);
  assert.is(b.levelCount(BUY), 0);
  assert.is(b.orderCount, 0);
  invariant(b);
});

test('rest() never trades: crossing opposite levels are stale and removed', () => {
  const b = new OrderBook();
  b.limit(1, SELL, 100, 5);
  assert.is(b.rest(2, BUY, 101, 3), 1);
  assert.is(b.tape.length, 0);
  assert.is(b.bestBid(), 101);
  assert.ok(Number.isNaN(b.bestAsk()));
  invariant(b);
});

test('microprice, depth and imbalance', () => {
  const b = new OrderBook();
  b.limit(1, BUY, 100, 30);
  b.limit(2, BUY, 99, 10);
  b.limit(3, SELL, 101, 10);
  b.limit(4, SELL, 102, 50);
  assert.is(b.microprice(), (100 * 10 + 101 * 30) / 40);
  assert.is(b.depth(BUY), 40);
  assert.is(b.depth(SELL, 1), 10);
  assert.is(b.imbalance(1), (30 - 10) / 40);
  assert.is(b.imbalance(2), (40 - 60) / 100);
  const out = new Float64Array(12);
  b.writeTopLevels(3, out);
  assert.equal(Array.from(out.slice(0, 8)), [101, 10, 100, 30, 102, 50, 99, 10]);
  assert.ok(Number.isNaN(out[8]));
  assert.is(out[9], 0);
});

test('duplicate ids and non-positive sizes are refused with a clear error', () => {
  const b = new OrderBook();
  b.limit(1, BUY, 100, 1);
  assert.throws(() => b.limit(1, BUY, 100, 1), /already resting/);
  assert.throws(() => b.limit(2, BUY, 100, 0), /must be positive/);
});

test('clone is independent of the original', () => {
  const b = new OrderBook();
  b.limit(1, BUY, 100, 10);
  b.limit(2, SELL, 101, 10);
  const c = b.clone();
  c.limit(3, BUY, 101, 4);
  assert.is(b.orderQty(2), 10);
  assert.is(c.orderQty(2), 6);
  assert.is(c.tape.length, 1);
  assert.is(b.tape.length, 0);
  invariant(b);
  invariant(c);
});

test('ordersOf lists an owner\'s resting orders', () => {
  const b = new OrderBook();
  b.limit(1, BUY, 100, 1, 0, 7);
  b.limit(2, BUY, 99, 1, 0, 8);
  b.limit(3, SELL, 101, 1, 0, 7);
  assert.equal(b.ordersOf(7).sort(), [1, 3]);
});

test('grows past its initial capacity without losing orders', () => {
  const b = new OrderBook({ orders: 64, levels: 64 });
  for (let i = 0; i < 5000; i++) b.limit(i, i % 2 ? BUY : SELL, i % 2 ? 1000 - (i % 300) : 2000 + (i % 300), 1 + (i % 7));
  assert.is(b.orderCount, 5000);
  assert.is(b.levelCount(BUY), 150);
  invariant(b);
});

test.run();
