import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { interval, l1Distance, l1Draws, summarizeScores, w1Draws, wasserstein1 } from '../src/analysis/distances';
import { sequenceScores } from '../src/analysis/lob-scores';
import { realismScores } from '../src/analysis/realism';
import { realismScoresChart } from '../src/plot/realism-charts';
import { OrderFlow, NASDAQ } from '../src/data/order-flow';
import { BookFrames } from '../src/data/book-frames';

const close = (a: number, b: number, eps = 1e-12) => assert.ok(Math.abs(a - b) <= eps, `${a} vs ${b}`);

test('L1 by hand: one bin per value for discrete scores, Freedman–Diaconis bins otherwise; 0 for the same sample, 1 for disjoint ones', () => {
  // p_real = {1: ½, 2: ½}, p_gen = {2: ½, 3: ½}: ½ · (½ + 0 + ½) = ½.
  close(l1Distance([1, 1, 2, 2], [2, 2, 3, 3], true), 0.5);
  close(l1Distance([1, 2, 3, 4, 5], [1, 2, 3, 4, 5]), 0);
  close(l1Distance([0, 0.1, 0.2, 0.3], [10, 10.1, 10.2, 10.3]), 1);
  // Non-finite values are dropped before binning.
  close(l1Distance([1, NaN, 2, Infinity], [1, 2], true), 0);
});

test('W1 by hand: z-scored with the pooled mean and standard deviation', () => {
  close(wasserstein1([0, 1], [1, 0]), 0);
  // Pooled {0,0,1,1,1,1,2,2}: mean 1, sd √½; a shift of 1 is √2 standard deviations.
  close(wasserstein1([0, 0, 1, 1], [1, 1, 2, 2]), Math.SQRT2, 1e-12);
  // Half the mass moved by 2 of pooled sd √(3/4)·…: check against the CDF area directly.
  const a = [0, 0, 0, 2];
  const b = [0, 2, 2, 2];
  const pooled = [...a, ...b];
  const mu = pooled.reduce((s, x) => s + x, 0) / 8;
  const sd = Math.sqrt(pooled.reduce((s, x) => s + (x - mu) ** 2, 0) / 8);
  close(wasserstein1(a, b), (0.5 * 2) / sd, 1e-12);
});

test('bootstrap: seeded, the interval holds the value, and resampling the same data twice gives the same bytes', () => {
  const a = Array.from({ length: 500 }, (_, i) => Math.sin(i) * 3);
  const b = Array.from({ length: 400 }, (_, i) => Math.sin(i * 1.3) * 3 + 0.5);
  const d1 = interval(l1Draws(a, b, false, { seed: 4 }));
  const d2 = interval(l1Draws(a, b, false, { seed: 4 }));
  assert.equal(d1, d2);
  assert.ok(d1.ci[0] <= d1.value + 0.05 && d1.value - 0.05 <= d1.ci[1], JSON.stringify(d1));
  const w = interval(w1Draws(a, b, { seed: 4 }));
  assert.ok(w.ci[0] < w.ci[1] && w.ci[0] <= w.value + 0.1 && w.value <= w.ci[1] + 0.1, JSON.stringify(w));
  assert.is(l1Draws(a, b, false, { resamples: 100 }).draws.length, 100);
});

test('summary over scores: mean, median and the interquartile mean', () => {
  const s = summarizeScores([0.1, 0.2, 0.3, 0.9, NaN]);
  close(s.mean, 0.375);
  close(s.median, 0.25);
  close(s.iqm, 0.25); // the middle half: 0.2 and 0.3
  assert.is(s.count, 4);
});

/** A hand-made LOBSTER sequence: 3 messages, 2 levels. */
function tiny(): { flow: OrderFlow; frames: BookFrames } {
  const flow = new OrderFlow(
    {
      time: Float64Array.from([36000, 36000.5, 36001.5]),
      type: Uint8Array.from([1, 3, 4]),
      id: Float64Array.from([7, 7, 9]),
      size: Float64Array.from([100, 100, 40]),
      price: Float64Array.from([1_000_100, 1_000_100, 1_000_200]),
      direction: Int8Array.from([1, 1, -1]),
      line: Int32Array.from([1, 2, 3]),
    },
    { symbol: 'T', date: '2020-01-02', levels: 2, venue: NASDAQ, source: 'tiny' },
  );
  // ask price, ask size, bid price, bid size per level
  const rows = [
    [1_000_200, 50, 1_000_100, 100, 1_000_300, 10, 1_000_000, 20],
    [1_000_200, 50, 1_000_000, 20, 1_000_300, 10, NaN, 0],
    [1_000_200, 10, 1_000_000, 20, 1_000_300, 10, NaN, 0],
  ];
  return { flow, frames: new BookFrames(2, Float64Array.from(rows.flat()), Int32Array.from([1, 2, 3])) };
}

test('LOB-Bench scores of a hand-made sequence', () => {
  const s = sequenceScores(tiny()).scores;
  assert.equal(s.spread, [1, 2, 2]);
  close(s.imbalance[0], (100 - 50) / 150);
  assert.equal(s.ask_volume_touch, [50, 50, 10]);
  assert.equal(s.bid_volume_10, [120, 20, 20]);
  close(s.log_inter_arrival_ms[0], Math.log(500));
  close(s.log_inter_arrival_ms[1], Math.log(1000));
  close(s.log_time_to_cancel[0], Math.log(0.5));
  // The delete at 1,000,100 against the book before (mid 1,000,150): half a tick deep, level 1 of the bids.
  close(s.cancel_depth_bid[0], 0.5);
  assert.equal(s.cancel_level_bid, [1]);
  // Executions per 1-second bucket × 60: second 36000 traded nothing, 36001 traded 40.
  assert.equal(s.volume_per_min, [0, 40 * 60]);
});

test('realism: a sample against itself scores 0; against a shifted copy it does not', () => {
  const a = tiny();
  const r = realismScores([a], [a], { resamples: 20 });
  for (const sc of r.scores) if (Number.isFinite(sc.l1.value)) close(sc.l1.value, 0);
  assert.ok(r.scores.some((x) => x.score === 'spread | volatility'));
  const b = tiny();
  b.frames.data[0] = 1_000_400; // a wider first spread
  const r2 = realismScores([a], [b], { resamples: 20 });
  assert.ok(r2.scores.find((x) => x.score === 'spread')!.l1.value > 0);
  assert.throws(() => realismScores([], [a]), /need real and generated/);
  // The chart draws every finite score per generator, with the summary means.
  const chart = realismScoresChart({ same: r, shifted: r2 });
  const spec = chart.spec as unknown as { layer: Array<{ data: { values: Array<Record<string, unknown>> } }> };
  assert.is(spec.layer[0].data.values.length, r.scores.filter((x) => Number.isFinite(x.l1.value)).length + r2.scores.filter((x) => Number.isFinite(x.l1.value)).length);
  assert.equal(spec.layer[2].data.values.map((m) => m.source), ['same', 'shifted']);
  assert.throws(() => realismScoresChart({}), /no reports/);
});

test.run();
