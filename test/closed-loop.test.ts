import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { closedLoopReport } from '../src/analysis/closed-loop';
import { Trajectories } from '../src/sim/trajectories';
import type { RunSpec, TrajectoryData } from '../src/sim/run-group';
import { STOP } from '../src/sim/world';

const S = 1e9;
/** A hand-made future: snapshots every 60 s (bid, ask, sizes), background orders at the given seconds. */
function future(index: number, bids: number[], asks: number[], orderSeconds: number[], stuck = false, invalid = 0, types: number[] = [], filled: number[] = []): TrajectoryData {
  const n = bids.length;
  return {
    index,
    start: 0,
    orders: { time: Float64Array.from(orderSeconds, (t) => t * S), owner: Int32Array.from(orderSeconds, () => 1), type: Uint8Array.from(orderSeconds, (_, i) => types[i] ?? 0), filled: Float64Array.from(orderSeconds, (_, i) => filled[i] ?? 0) },
    trades: { time: new Float64Array(0), price: new Float64Array(0), qty: new Float64Array(0), side: new Int8Array(0), makerOwner: new Int32Array(0), takerOwner: new Int32Array(0) },
    snapshots: { time: Float64Array.from({ length: n }, (_, i) => i * 60 * S), bid: Float64Array.from(bids), ask: Float64Array.from(asks), bidQty: new Float64Array(n).fill(10), askQty: new Float64Array(n).fill(30), volume: new Float64Array(n) },
    messages: null,
    stats: { backgroundOrders: orderSeconds.length, agentOrders: 0, invalidActions: invalid, preempted: 0, stopReason: stuck ? STOP.stuck : STOP.end },
    agents: [],
  } as unknown as TrajectoryData;
}

test('closed-loop report against a hand-made run: spread, emptied side, order rate, depth, invalid actions, the real continuation', () => {
  const spec = { world: 'lmm', minutes: 2, seed: 1, trajectories: 2, batch: 2, agents: [], levels: 0, snapshotSeconds: 60, sampling: {}, maxRetries: 32 } as RunSpec;
  const venue = { tickSize: 1, lotSize: 1 } as never;
  // Real continuation: spread 4 then 6 ticks; 3 orders in the first minute, 1 in the second; mid 100 → 101.
  const continuation = {
    time: Float64Array.from([10, 20, 30, 90, 200]),
    midAfter: Float64Array.from([100, 100, 100, 101, 102]),
    spreadAfter: Float64Array.from([4, 4, 4, 6, 6]),
    type: new Uint8Array(5), side: new Int8Array(5), price: new Float64Array(5), size: new Float64Array(5), aggressive: new Uint8Array(5), filled: new Float64Array(5),
  };
  const state = { symbol: 'X', date: '2012-06-21', venue, time: 0, mid: 100, source: 'lobster' as const, continuation };
  const run = new Trajectories(state, spec, [
    // spread 2, 2, 4 ticks; mid 100, 100, 101 → +100 bp; 6 orders in 2 minutes.
    future(0, [99, 99, 99], [101, 101, 103], [5, 10, 50, 70, 100, 110], false, 0, [0, 1, 2, 0, 1, 2], [0, 5, 0, 0, 0, 0]),
    // an empty ask at 60 s; stuck; 2 orders; 1 invalid action.
    future(1, [99, 99, 98], [101, NaN, 102], [5, 10], true, 1),
  ], { seconds: 1, setupSeconds: 0, workers: 0, profile: { model: 0, sampling: 0, worlds: 0, steps: 0 } });
  const r = closedLoopReport(run, [1, 2]);
  assert.is(r.rows.length, 2);
  const [h1, h2] = r.rows;
  // Horizon 1 min: the snapshot at 60 s (the one at 0 is the real starting book). Future 0: spread 2; future 1: empty → none. Median 2.
  assert.is(h1.spreadTicks, 2);
  assert.is(h1.emptied, 0.5);
  assert.is(h1.minutesToEmpty, 1);
  // Orders in the first minute: future 0 has 3 (5, 10, 50 s), future 1 has 2 → median 2.5 per minute.
  assert.is(h1.ordersPerMinute, 2.5);
  // Real: grid times 0 (no order yet), 60 → spread 4; orders at 10, 20, 30 → 3 per minute.
  assert.is(h1.realSpreadTicks, 4);
  assert.is(h1.realOrdersPerMinute, 3);
  assert.ok(Math.abs(h1.rateRatio - 2.5 / 3) < 1e-12);
  assert.is(h1.touchDepth, 20);
  // Invalid tokens and stuck futures are whole-run counts: given at the run's horizon only.
  assert.ok(Number.isNaN(h1.invalidPerOrder) && Number.isNaN(h1.stuck));
  // Horizon 2 min: future 0 spreads 2, 4 → 3; future 1: 4 → 4; median 3.5.
  assert.is(h2.spreadTicks, 3.5);
  assert.is(h2.realSpreadTicks, (4 + 6) / 2); // grid 0 s has no real order yet, 60 s → 4, 120 s → 6
  assert.is(h2.realOrdersPerMinute, 2);
  // Future 0: 6 orders / 2 min = 3; future 1: 2 orders / 2 min = 1 → median 2.
  assert.is(h2.ordersPerMinute, 2);
  // Returns: future 0 ends at mid 101 (+100 bp), future 1 at 100 (0 bp) → median 50; the real mid after 120 s is 101.
  assert.ok(Math.abs(h2.returnBp - 50) < 1e-9);
  assert.ok(Math.abs(h2.realReturnBp - 100) < 1e-9);
  assert.is(h2.invalidPerOrder, 1 / 8);
  assert.is(h2.stuck, 0.5);
  assert.equal(r.summary.map((x) => x.horizon), [1, 2]);
  assert.is(r.summary[1].spreadTicks, h2.spreadTicks);
  // Drift by position: all 8 orders are in the first bucket (orders 0–10): 6 new orders, one crossed
  // (future 0's second); 2 cancels; waits 5, 40, 20, 30, 10 s (future 0) and 5 s (future 1).
  const d0 = r.drift[0];
  assert.equal([d0.from, d0.to, d0.orders], [0, 10, 8]);
  assert.ok(Math.abs(d0.aggressiveShare - 1 / 6) < 1e-12);
  assert.is(d0.cancelShare, 2 / 8);
  assert.ok(Math.abs(d0.meanWaitMs - 110_000 / 6) < 1e-9);
  // Real: the 4 orders in (0, 2 min] (at 10, 20, 30, 90 s), none aggressive, waits 10, 10, 60 s.
  assert.is(d0.realOrders, 4);
  assert.is(d0.realAggressiveShare, 0);
  assert.ok(Math.abs(d0.realMeanWaitMs - 80_000 / 3) < 1e-9);
  assert.is(r.drift[1].orders, 0);
  assert.throws(() => closedLoopReport([]), /no runs/);
});

test.run();
