import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { OrderFlow, NASDAQ } from '../src/data/order-flow';
import { DataError } from '../src/data/errors';
import { OrderBook } from '../src/book/order-book';
import { extractOrders } from '../src/replay/lobster-orders';
import { lobSlotVolumes, priceAtLevel, priceLevel, secondsFromOpen, TYPE_BUY, TYPE_CANCEL, TYPE_SELL } from '../src/data/order-events';

type Row = [time: number, type: number, id: number, size: number, price: number, direction: number];

function flowOf(rows: Row[]): OrderFlow {
  const col = (k: number) => Float64Array.from(rows, (r) => r[k]);
  return new OrderFlow(
    {
      time: col(0),
      type: Uint8Array.from(rows, (r) => r[1]),
      id: col(2),
      size: col(3),
      price: col(4),
      direction: Int8Array.from(rows, (r) => r[5]),
      line: Int32Array.from(rows, (_, i) => i + 1),
    },
    { symbol: 'HAND', date: '2020-01-02', levels: 0, venue: NASDAQ, source: 'hand-made.csv' },
  );
}

// A book: bid 999,900 (100), asks 1,000,100 (100), 1,000,200 (200), 1,000,400 (300). Mid 1,000,000.
const BOOK: Row[] = [
  [34200.0, 1, 1, 100, 1_000_100, -1],
  [34200.0, 1, 2, 200, 1_000_200, -1],
  [34200.0, 1, 4, 300, 1_000_400, -1],
  [34200.0, 1, 3, 100, 999_900, 1],
];

test('an aggressive buy: executions at one timestamp make one B order of what it took; its resting remainder is an order of its own', () => {
  const ev = extractOrders(
    flowOf([
      ...BOOK,
      [34201.0, 4, 1, 100, 1_000_100, -1],
      [34201.0, 4, 2, 200, 1_000_200, -1],
      [34201.0, 1, 9, 30, 1_000_200, 1],
    ]),
    null,
  );
  assert.is(ev.length, 6);
  const k = 4;
  assert.is(ev.type[k], TYPE_BUY);
  assert.is(ev.size[k], 300, 'what it executed');
  assert.is(ev.price[k], 1_000_200, 'the deepest price it traded at');
  assert.is(ev.filled[k], 300);
  assert.is(ev.aggressive[k], 1);
  assert.is(ev.midBefore[k], 1_000_000);
  assert.is(ev.level[k], 2);
  assert.is(ev.notional[k], 100 * 1_000_100 + 200 * 1_000_200);
  assert.is(ev.firstRow[k], 4);
  assert.is(ev.lastRow[k], 5);
  assert.is(ev.interval[k], 1);
  // The remainder: a resting buy at its limit, at the same time, against the book the executions left.
  assert.is(ev.type[k + 1], TYPE_BUY);
  assert.is(ev.size[k + 1], 30);
  assert.is(ev.filled[k + 1], 0);
  assert.is(ev.aggressive[k + 1], 0);
  assert.is(ev.interval[k + 1], 0);
  assert.is(ev.askBefore[k + 1], 1_000_400);
  assert.is(ev.firstRow[k + 1], 6);
  assert.is(ev.stats.aggressiveOrders, 1);
  assert.is(ev.stats.aggressiveWithRemainder, 1);
});

test('an aggressive sell is priced at the deepest visible level it reached; executions against hidden orders are in no order', () => {
  const ev = extractOrders(
    flowOf([
      ...BOOK,
      [34200.0, 1, 5, 100, 999_800, 1],
      [34202.0, 5, 0, 25, 999_900, 1],
      [34202.0, 4, 3, 100, 999_900, 1],
      [34202.0, 4, 5, 40, 999_800, 1],
      // a different timestamp: a new order
      [34202.5, 4, 5, 10, 999_800, 1],
      // a run of hidden executions alone (inside the spread): the visible book is as it was, no order
      [34203.0, 5, 0, 50, 999_850, -1],
      [34203.0, 5, 0, 20, 999_850, -1],
    ]),
    null,
  );
  const k = 5;
  assert.is(ev.type[k], TYPE_SELL);
  assert.is(ev.size[k], 140);
  assert.is(ev.filled[k], 140);
  assert.is(ev.notional[k], 100 * 999_900 + 40 * 999_800);
  assert.is(ev.price[k], 999_800);
  assert.is(ev.level[k], -2);
  assert.is(ev.type[k + 1], TYPE_SELL);
  assert.is(ev.size[k + 1], 10);
  assert.is(ev.length, 7);
  assert.is(ev.stats.hiddenOnlyRuns, 1);
  assert.is(ev.stats.hiddenShares, 95);
  assert.is(ev.stats.aggressiveOrders, 2);
});

test('executions on the other side at the same timestamp start a new aggressive order', () => {
  const ev = extractOrders(
    flowOf([
      ...BOOK,
      [34201.0, 4, 1, 50, 1_000_100, -1],
      [34201.0, 4, 3, 50, 999_900, 1],
    ]),
    null,
  );
  assert.equal(Array.from(ev.type.slice(4)), [TYPE_BUY, TYPE_SELL]);
  assert.equal(Array.from(ev.size.slice(4)), [50, 50]);
});

test('consecutive cancels with the same time, price and side merge into one C', () => {
  const ev = extractOrders(
    flowOf([
      ...BOOK,
      [34202.0, 1, 6, 100, 1_000_500, -1],
      [34202.0, 1, 7, 100, 1_000_500, -1],
      [34203.0, 3, 6, 100, 1_000_500, -1],
      [34203.0, 2, 7, 60, 1_000_500, -1],
      [34203.0, 3, 4, 300, 1_000_400, -1],
    ]),
    null,
  );
  assert.is(ev.stats.mergedCancels, 1);
  assert.is(ev.stats.orders, 9);
  assert.is(ev.length, 8);
  const c = ev.length - 2;
  assert.is(ev.type[c], TYPE_CANCEL);
  assert.is(ev.size[c], 160);
  assert.is(ev.side[c], -1);
  assert.is(ev.lastRow[c], 7);
  assert.is(ev.volumeBefore[c], 200);
  assert.is(ev.type[c + 1], TYPE_CANCEL);
  assert.is(ev.size[c + 1], 300, 'a different price does not merge');
});

test('context: time since the open, mid change since the first trade, book volume around the mid', () => {
  const ev = extractOrders(flowOf([...BOOK, [34201.0, 4, 1, 100, 1_000_100, -1], [34260.0, 1, 8, 10, 999_800, 1]]), null);
  const k = ev.length - 1;
  assert.is(ev.fromOpen[k], 60);
  // after the trade the ask is 1,000,200: mid 1,000,050 against an open (first trade) of 1,000,100
  assert.ok(Math.abs(ev.changeBp[k] - (1_000_050 / 1_000_100 - 1) * 1e4) < 1e-9);
  // levels −5..4 around mid 1,000,050: bid 999,900 → level −1, 999,800 → −2; ask 1,000,200 → 2, 1,000,400 → 4
  const lob = Array.from(ev.lob.slice(k * 10, k * 10 + 10));
  assert.equal(lob, [0, 0, 0, 10, 100, 0, 0, 200, 0, 300]);
  assert.is(secondsFromOpen(34_000, NASDAQ), 0);
  assert.is(secondsFromOpen(13 * 3600, { ...NASDAQ, open: 9 * 3600, breaks: [[11.5 * 3600, 13 * 3600]] }), 2.5 * 3600);
});

test('price levels: whole ticks from the mid, one level per grid price, whatever the spread parity', () => {
  const tick = 100;
  // even spread (mid on the grid): the mid is level 0
  assert.equal([999_900, 1_000_000, 1_000_100].map((p) => priceLevel(p, 1_000_000, tick)), [-1, 0, 1]);
  // odd spread (mid half a tick off): best bid is level 0, best ask level 1
  assert.equal([999_900, 1_000_000].map((p) => priceLevel(p, 999_950, tick)), [0, 1]);
  fc.assert(
    fc.property(fc.integer({ min: 1_000, max: 100_000_000 }), fc.integer({ min: -500, max: 500 }), (mid2, level) => {
      const mid = (mid2 * tick) / 2; // any mid on the half-tick grid
      const p = priceAtLevel(level, mid, tick);
      assert.is(p % tick, 0);
      assert.is(priceLevel(p, mid, tick), level);
    }),
    { seed: 3, numRuns: 2000 },
  );
  fc.assert(
    fc.property(fc.double({ min: 1, max: 1e8, noNaN: true }), fc.integer({ min: -500, max: 500 }), (mid, level) => {
      assert.is(priceLevel(priceAtLevel(level, mid, tick), mid, tick), level);
    }),
    { seed: 4, numRuns: 2000 },
  );
});

test('lobSlotVolumes sums each level into its slot and skips levels beyond ±5 ticks', () => {
  const b = new OrderBook();
  b.limit(1, 1, 999_500, 7);
  b.limit(2, 1, 999_400, 9);
  b.limit(3, -1, 1_000_400, 5);
  b.limit(4, -1, 1_000_500, 6);
  const out = new Float64Array(12);
  lobSlotVolumes(b, 999_950, 100, out, 1);
  // mid 999,950: bid 999,500 → level −4 (slot 1), 999,400 → −5 (slot 0); ask 1,000,400 → 5 (outside), 1,000,500 → 6
  assert.equal(Array.from(out), [0, 9, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
});

test('impossible orders: a clear error naming the line, or skipped and listed in collect mode', () => {
  const zero = flowOf([...BOOK, [34201, 1, 10, 0, 999_800, 1]]);
  try {
    extractOrders(zero, null);
    assert.unreachable();
  } catch (e) {
    assert.instance(e, DataError);
    assert.match(String(e), /hand-made\.csv:5.*positive size/);
  }
  const crossing = flowOf([...BOOK, [34201, 1, 10, 50, 1_000_300, 1]]);
  assert.throws(() => extractOrders(crossing, null), /:5.*would cross the best ask 1000100/);
  const nan = flowOf([...BOOK, [34201, 3, 3, NaN, 999_900, 1]]);
  assert.throws(() => extractOrders(nan, null), /:5.*positive size/);
  const ev = extractOrders(flowOf([...BOOK, [34201, 1, 10, 0, 999_800, 1], [34202, 1, 11, 5, 999_800, 1]]), null, { onError: 'collect' });
  assert.is(ev.stats.badOrders, 1);
  assert.is(ev.badOrders[0].line, 5);
  assert.is(ev.length, 5);
});

test.run();
