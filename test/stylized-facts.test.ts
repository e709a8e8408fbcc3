import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rng } from '../src/util/rng';
import { NASDAQ, OrderFlow } from '../src/data/order-flow';
import { BookFrames } from '../src/data/book-frames';
import { loadLobster } from '../src/data/lobster-load';
import { simulate } from '../src/sim/simulate';
import { MarketSeries, type PathOrders } from '../src/analysis/market-series';
import { stylizedFacts, stylizedFactsTable, FACT_IDS, type StylizedFacts } from '../src/analysis/stylized-facts';
import { aggregate, excessKurtosis, locallyStandardized, pooledAutocorrelation, pooledCrossCorrelation, skewness } from '../src/analysis/return-stats';
import { overlapCoefficient, overlapCoefficients, windowQuantities } from '../src/analysis/overlap';
import { overlapChart, stylizedFactsChart } from '../src/plot/realism-charts';
import { realSample } from './helpers';

const close = (a: number, b: number, eps = 1e-12) => assert.ok(Math.abs(a - b) <= eps, `${a} vs ${b} (±${eps})`);
const f64 = (xs: number[]) => Float64Array.from(xs);

/** Paths of returns (one per grid step of `step` seconds) as a series: mid = 100 · exp(Σ r) dollars. */
function fromReturns(paths: Float64Array[], options: { step?: number; volumes?: Float64Array[] } = {}): MarketSeries {
  return new MarketSeries({
    step: options.step ?? 60,
    venue: NASDAQ,
    label: 'test',
    paths: paths.map((r, k) => {
      const mid = new Float64Array(r.length + 1);
      const volume = new Float64Array(r.length + 1);
      mid[0] = 1_000_000;
      for (let i = 0; i < r.length; i++) {
        mid[i + 1] = mid[i] * Math.exp(r[i]);
        volume[i + 1] = options.volumes ? volume[i] + options.volumes[k][i] : NaN;
      }
      if (!options.volumes) volume[0] = NaN;
      return { start: 36_000, mid, spread: new Float64Array(r.length + 1).fill(100), volume, orders: null };
    }),
  });
}

const SCALE = 1e-3;
function gaussian(n: number, seed: number): Float64Array {
  const g = new Rng(seed);
  return Float64Array.from({ length: n }, () => g.normal() * SCALE);
}
/** GARCH(1,1) (gamma = 0) or GJR-GARCH (a negative return raises the next variance by gamma·r²). */
function garch(n: number, seed: number, gamma = 0): Float64Array {
  const g = new Rng(seed);
  const r = new Float64Array(n);
  const alpha = gamma ? 0.02 : 0.15;
  let s2 = 1;
  let prev = 0;
  for (let t = 0; t < n; t++) {
    s2 = 0.05 + (alpha + (prev < 0 ? gamma : 0)) * prev * prev + 0.8 * s2;
    prev = Math.sqrt(s2) * g.normal();
    r[t] = prev * SCALE;
  }
  return r;
}
/** A HARCH-like process: the variance follows the squared 5-step (coarse) return. */
function harch(n: number, seed: number): Float64Array {
  const g = new Rng(seed);
  const e = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    let s = 0;
    for (let i = 1; i <= 5 && t - i >= 0; i++) s += e[t - i];
    e[t] = Math.sqrt(0.3 + (0.65 * s * s) / 5) * g.normal();
  }
  return e.map((v) => v * SCALE);
}

const verdicts = (f: StylizedFacts) => Object.fromEntries(f.facts.map((x) => [x.id, x.present]));

test('pooled autocorrelation by hand: pooled mean and variance, pairs never span two paths', () => {
  // One path 1,2,3,4: deviations −1.5, −0.5, 0.5, 1.5, variance 1.25; lag-1 products 0.75, −0.25, 0.75 → mean 5/12; ρ = 1/3.
  close(pooledAutocorrelation([f64([1, 2, 3, 4])], 1)[0], 1 / 3);
  // Paths [1,2] and [3,4]: same pooled mean 2.5 and variance; lag-1 pairs (1,2), (3,4) only: (0.75 + 0.75)/2 / 1.25 = 0.6.
  close(pooledAutocorrelation([f64([1, 2]), f64([3, 4])], 1)[0], 0.6);
  // Cross-correlation at lag 1 of demeaned x = (1, −1, 1, −1) and y = (−1, 1, −1, 1): x_t·y_{t+1} = 1 → 1 / √(1·1) = 1.
  close(pooledCrossCorrelation([f64([1, -1, 1, -1])], [f64([-1, 1, -1, 1])], 1)[0], 1);
  // A lag no pair reaches is NaN, not 0.
  assert.ok(Number.isNaN(pooledAutocorrelation([f64([1, 2])], 2)[1]));
});

test('AR(1): the autocorrelation is φ^τ, and the absence of autocorrelation is absent', () => {
  const g = new Rng(5);
  const n = 40_000;
  const x = new Float64Array(n);
  for (let t = 1; t < n; t++) x[t] = 0.5 * x[t - 1] + g.normal();
  const rho = pooledAutocorrelation([x], 3);
  close(rho[0], 0.5, 0.015);
  close(rho[1], 0.25, 0.015);
  close(rho[2], 0.125, 0.015);
  const f = stylizedFacts(fromReturns([x.subarray(0, 4000).map((v) => v * SCALE)]), { resamples: 100 });
  const fact = f.fact('no_autocorrelation');
  assert.is(fact.present, false);
  assert.ok(fact.pValue! < 0.05);
  assert.match(fact.note, /ρ\(1\) = 0\.[45]/);
});

test('moments by hand, aggregation and local standardization by hand, and a Student t with excess kurtosis 6/(ν−4)', () => {
  // G2 of 1,2,2,3,5 (simple-statistics' example) and G1 of 2,4,6,3,1.
  close(excessKurtosis(f64([1, 2, 2, 3, 5])), 1.4555765595463122);
  close(skewness(f64([2, 4, 6, 3, 1])), 0.590128656384365);
  assert.ok(Number.isNaN(excessKurtosis(f64([3, 3, 3, 3, 3]))), 'no variation: no kurtosis');
  assert.equal(Array.from(aggregate([f64([1, 2, 3, 4, 5]), f64([10, 20])], 2)), [3, 7, 30]);
  // w = 2: σ̂² over the two before: t=2 (1+1)/2 → 1/1; t=3 → −1/1; t=4: (1+1)/2 → 2/1.
  assert.equal(Array.from(locallyStandardized([f64([1, -1, 1, -1, 2])], 2)[0]), [1, -1, 2]);
  // Student t with ν = 10: excess kurtosis 6/(10 − 4) = 1.
  const g = new Rng(9);
  const t = Float64Array.from({ length: 200_000 }, () => {
    let chi = 0;
    for (let i = 0; i < 10; i++) chi += g.normal() ** 2;
    return g.normal() / Math.sqrt(chi / 10);
  });
  close(excessKurtosis(t), 1, 0.25);
  close(skewness(t), 0, 0.05);
  // Gaussian returns over a trailing σ̂ of w = 20 returns are Student t₂₀: excess kurtosis 6/16, not 0
  // (the null of conditional heavy tails).
  const z = locallyStandardized([Float64Array.from({ length: 200_000 }, () => g.normal())], 20)[0];
  close(excessKurtosis(z), 0.375, 0.06);
});

test('iid Gaussian returns: only the absence of autocorrelation is present (local standardization gives the t null, not 0)', () => {
  // Each test false-alarms on iid data with probability alpha (0.05): seed 2 is a draw where none does
  // (seed 1's kurtosis, 0.133 from 6,000 values, is 2.1 standard errors above 0).
  const n = 6000;
  const g = new Rng(21);
  const volume = Float64Array.from({ length: n }, () => 100 + g.int(50));
  const f = stylizedFacts(fromReturns([gaussian(n, 2)], { volumes: [volume] }), { resamples: 200 });
  const v = verdicts(f);
  assert.equal(v, {
    no_autocorrelation: true,
    heavy_tails: false,
    gain_loss_asymmetry: false,
    aggregational_gaussianity: false,
    intermittency: false,
    volatility_clustering: false,
    conditional_heavy_tails: false,
    slow_decay: false,
    leverage_effect: false,
    volume_volatility: false,
    timescale_asymmetry: false,
  });
  close(f.fact('conditional_heavy_tails').null, 6 / 16); // w = 20
  assert.is(f.assessed, 11);
  assert.is(f.present, 1);
});

test('GARCH: heavy tails, intermittency, volatility clustering and its slow decay, volume/volatility; no leverage', () => {
  const n = 6000;
  const r = garch(n, 2);
  const g = new Rng(3);
  const volume = Float64Array.from(r, (v) => 100 + 1e5 * Math.abs(v) + g.int(20));
  const f = stylizedFacts(fromReturns([r], { volumes: [volume] }), { resamples: 200 });
  const v = verdicts(f);
  for (const id of ['no_autocorrelation', 'heavy_tails', 'intermittency', 'volatility_clustering', 'slow_decay', 'volume_volatility'] as const) assert.is(v[id], true, id);
  assert.is(v.leverage_effect, false);
  assert.ok(f.fact('volatility_clustering').value > 0.15);
  assert.ok(f.fact('intermittency').value > 1.5);
  // The curves behind the facts: |r| autocorrelation above the iid band at lag 1, kurtosis per scale.
  assert.ok(f.curves.acf.absolute[0] > f.curves.acf.band[0]);
  assert.equal(f.curves.aggregation.seconds, [60, 120, 300, 600, 1200]);
});

test('GJR-GARCH shows the leverage effect; a coarse-driven (HARCH) process shows the asymmetry in time scales', () => {
  const lev = stylizedFacts(fromReturns([garch(6000, 3, 0.25)]), { resamples: 200 });
  assert.is(lev.fact('leverage_effect').present, true);
  assert.ok(lev.fact('leverage_effect').value < -0.02);
  assert.is(lev.fact('volume_volatility').present, null, 'no volume known: not assessed');
  assert.match(lev.fact('volume_volatility').note, /not assessed/);
  const har = stylizedFacts(fromReturns([harch(6000, 4)]), { resamples: 200 });
  assert.is(har.fact('timescale_asymmetry').present, true);
  assert.ok(har.fact('timescale_asymmetry').interval![0] > 0.1);
  assert.is(stylizedFacts(fromReturns([gaussian(6000, 8)]), { resamples: 200 }).fact('timescale_asymmetry').present, false);
});

test('short paths: lags, scales and blocks that do not fit leave facts not assessed, with the reason', () => {
  // Four paths of 8 one-minute returns: 32 returns, but no lag with 30 pairs inside half a path
  // (lag 1 has 4 × 7 = 28 pairs).
  const f = stylizedFacts(fromReturns([1, 2, 3, 4].map((s) => gaussian(8, s))), { resamples: 50 });
  for (const id of ['no_autocorrelation', 'volatility_clustering', 'slow_decay', 'leverage_effect', 'aggregational_gaussianity', 'conditional_heavy_tails', 'timescale_asymmetry', 'intermittency'] as const) {
    const x = f.fact(id);
    assert.is(x.present, null, id);
    assert.ok(Number.isNaN(x.value), id);
    assert.match(x.note, /^not assessed: /, id);
  }
  // The pooled distributional facts have their 30 returns, but in 4 blocks (10 needed): not assessed either.
  assert.match(f.fact('heavy_tails').note, /not assessed: 4 blocks of 10 returns \(10 needed\)/);
  // Many short paths: the pooled facts are assessed, the long lags are not.
  const many = stylizedFacts(fromReturns(Array.from({ length: 40 }, (_, s) => gaussian(12, 100 + s))), { resamples: 50 });
  assert.is(many.fact('heavy_tails').present, false);
  assert.is(many.fact('no_autocorrelation').present, true);
  assert.ok(many.curves.acf.lag.length === 6, `lags up to half a path: ${many.curves.acf.lag.length}`);
  assert.is(many.sample.paths, 40);
  assert.is(many.sample.returns, 480);
  // A gap (a NaN mid) splits a path rather than making a return across it.
  const gap = fromReturns([gaussian(100, 7)]);
  (gap.paths[0].mid as Float64Array)[50] = NaN;
  assert.is(stylizedFacts(gap, { resamples: 10 }).sample.paths, 2);
});

test('options: the return interval is a multiple of the grid step; bad values are one-line errors naming the option', () => {
  const s = fromReturns([gaussian(600, 1)], { step: 10 });
  assert.throws(() => stylizedFacts(s, { interval: 45 }), /interval 45 s is not a positive multiple of the test series' step 10 s/);
  assert.throws(() => stylizedFacts(s, { interval: 60, window: 90 }), /window 90 s is not a multiple of the interval 60 s/);
  assert.throws(() => stylizedFacts(s, { volWindow: 4 }), /volWindow must be a whole number ≥ 5, got 4/);
  assert.throws(() => stylizedFacts(s, { alpha: 0.7 }), /alpha must be between 0 and 0.5/);
  assert.throws(() => stylizedFacts(s, { extremeQuantile: 1 }), /extremeQuantile/);
  // 10-second returns on a 10-second grid, with the default scales measured in seconds (1–20 minutes).
  const f = stylizedFacts(s, { interval: 10, resamples: 20 });
  assert.equal(f.curves.aggregation.seconds, [10, 60, 120, 300, 600, 1200]);
  assert.is(f.sample.returns, 600);
});

test('seeded: the same seed gives the same facts, another seed other randomized p-values', () => {
  const s = fromReturns([garch(3000, 6)]);
  const a = stylizedFacts(s, { resamples: 100, seed: 1 });
  const b = stylizedFacts(s, { resamples: 100, seed: 1 });
  const c = stylizedFacts(s, { resamples: 100, seed: 2 });
  assert.equal(JSON.stringify(a.facts), JSON.stringify(b.facts));
  assert.not.equal(JSON.stringify(a.facts), JSON.stringify(c.facts));
  assert.equal(
    a.facts.map((x) => x.value),
    c.facts.map((x) => x.value),
  );
});

test('result tables: one row per fact (fact | statistic | value | null | evidence | present | note), and sources side by side', () => {
  const a = stylizedFacts(fromReturns([garch(3000, 11)]), { resamples: 50 });
  const b = stylizedFacts(fromReturns([gaussian(3000, 12)]), { resamples: 50 });
  const t = a.table().columns();
  assert.equal(Object.keys(t), ['fact', 'statistic', 'value', 'null', 'evidence', 'present', 'note']);
  assert.is(t.fact.length, 11);
  assert.is((t.fact as string[])[1], 'heavy tails');
  assert.match((t.evidence as string[])[1], /^CI \[/);
  assert.match((t.evidence as string[])[0], /^p = /);
  const side = stylizedFactsTable({ garch: a, iid: b }).columns();
  assert.equal(Object.keys(side), ['fact', 'garch value', 'garch present', 'iid value', 'iid present']);
  assert.is((side['garch present'] as string[])[FACT_IDS.indexOf('volatility_clustering')], 'yes');
  assert.is((side['iid present'] as string[])[FACT_IDS.indexOf('volatility_clustering')], 'no');
  assert.throws(() => a.fact('nope' as never), /no stylized fact "nope"/);
});

test('overlap coefficient by hand: Freedman–Diaconis bins on the pooled values, Σ min(p, q)', () => {
  // Pooled 0,0,1,1,1,1,2,2: IQR 1.5 − 0.5 = 1, width 2·1/∛8 = 1, bins [0,1) and [1,2]: p = (½, ½), q = (0, 1) → ½.
  close(overlapCoefficient([0, 0, 1, 1], [1, 1, 2, 2]), 0.5);
  close(overlapCoefficient([1, 2, 3, 4, 5], [5, 4, 3, 2, 1]), 1);
  close(overlapCoefficient([0, 0.1, 0.2, 0.3], [10, 10.1, 10.2, 10.3]), 0);
});

/** One path on a 1-second grid over 3 minutes with hand-set mids, spreads and orders. */
function handSeries(): MarketSeries {
  const n = 181;
  const mid = new Float64Array(n).fill(1_000_000);
  for (let i = 60; i < n; i++) mid[i] = 1_001_000; // +10 bp at 60 s
  for (let i = 150; i < n; i++) mid[i] = 1_000_000; // back at 150 s
  const spread = new Float64Array(n).fill(100);
  for (let i = 60; i < 120; i++) spread[i] = 300;
  const orders: PathOrders = {
    // minute 0: a buy of 100 (aggressive) and a sell of 300; minute 1: a cancel only; minute 2: two buys of 50.
    time: f64([36_010, 36_030, 36_070, 36_130, 36_170]),
    type: Uint8Array.from([1, 0, 2, 1, 1]),
    size: f64([100, 300, 40, 50, 50]),
    aggressive: Uint8Array.from([1, 0, 0, 0, 1]),
  };
  return new MarketSeries({ step: 1, venue: NASDAQ, label: 'hand', paths: [{ start: 36_000, mid, spread, volume: new Float64Array(n), orders }] });
}

test('Table 7 quantities per minute by hand', () => {
  const q = windowQuantities(handSeries(), { horizons: [1, 2] });
  const lr = Math.log(1.001);
  assert.equal(Array.from(q.spread), [1, 3, 1]);
  close(q.volatility[0], lr, 1e-15); // the jump at 60 s is the last step of minute 0 (grid 59 → 60)
  close(q.volatility[1], 0);
  close(q.volatility[2], lr, 1e-15);
  assert.equal(Array.from(q['mean order volume']), [200, 50]); // minute 1 has no new order: left out
  assert.equal(Array.from(q['aggressive-order ratio']), [0.5, 0.5]);
  assert.equal(Array.from(q['buy ratio']), [0.5, 1]);
  const r1 = Array.from(q['1-min return']);
  close(r1[0], lr, 1e-15);
  close(r1[1], 0);
  close(r1[2], -lr, 1e-15);
  assert.is(q['2-min return'].length, 1); // non-overlapping spans: one 2-minute span in 3 minutes
  // Against itself every coefficient is 1, with an interval holding it.
  const self = overlapCoefficients(handSeries(), handSeries(), { resamples: 20 });
  assert.ok(Number.isNaN(self.row('4-min return').overlap), 'no 4-minute span in 3 minutes');
  for (const row of self.rows.filter((r) => r.n[0] > 0)) {
    close(row.overlap, 1, 1e-12);
    assert.ok(row.ci[0] <= row.overlap && row.overlap <= row.ci[1], row.quantity);
  }
  assert.equal(self.row('1-min return').mars, 0.956);
  assert.is(self.row('2-min return').mars, null);
  assert.throws(() => overlapCoefficients(handSeries(), handSeries(), { window: 0.5 }), /overlap: window 0.5 s is not a positive multiple of the hand series' step 1 s/);
  assert.throws(() => overlapCoefficients(handSeries(), handSeries(), { level: 2 }), /level must be between 0 and 1, got 2/);
});

test('MarketSeries.fromDay by hand: the book after the last message at or before each grid time, executed shares cumulated', () => {
  const flow = new OrderFlow(
    {
      time: f64([36_000.5, 36_001.2, 36_002.0, 36_002.5]),
      type: Uint8Array.from([1, 4, 5, 3]),
      id: f64([7, 9, 11, 7]),
      size: f64([100, 40, 10, 100]),
      price: f64([1_000_100, 1_000_200, 1_000_150, 1_000_100]),
      direction: Int8Array.from([1, -1, -1, 1]),
      line: Int32Array.from([1, 2, 3, 4]),
    },
    { symbol: 'T', date: '2020-01-02', levels: 1, venue: NASDAQ, source: 'tiny' },
  );
  const rows = [
    [1_000_200, 50, 1_000_100, 100],
    [1_000_200, 10, 1_000_100, 100],
    [1_000_200, 10, 1_000_100, 100],
    [1_000_300, 10, NaN, 0], // the bid side empties: the mid is carried forward
  ];
  const frames = new BookFrames(1, Float64Array.from(rows.flat()), Int32Array.from([1, 2, 3, 4]));
  const s = MarketSeries.fromDay({ flow, frames }, { from: 36_000, to: 36_003, orders: false });
  const p = s.paths[0];
  assert.is(p.start, 36_000);
  assert.ok(Number.isNaN(p.mid[0]), 'no message yet at 10:00:00');
  assert.equal(Array.from(p.mid.subarray(1)), [1_000_150, 1_000_150, 1_000_150]);
  assert.equal(Array.from(p.spread.subarray(1)), [100, 100, NaN]);
  assert.equal(Array.from(p.volume), [0, 0, 50, 50]);
  assert.is(p.orders, null);
  assert.throws(() => MarketSeries.fromDay({ flow, frames: null }), /has no orderbook frames/);
  assert.throws(() => MarketSeries.fromDay({ flow, frames }, { from: '11:00', to: '10:00' }), /from 11:00:00 must be before to 10:00:00/);
});

const goog = realSample('GOOG', 10);
let googDay: ReturnType<typeof loadLobster> | null = null;
/** The GOOG day, loaded once for the tests that need it. */
const loadGoog = () => (googDay ??= loadLobster(goog!.messages, goog!.orderbook));

test('simulated futures and their real continuation as series; Table 7 and the charts (noise world from GOOG at 15:00)', async () => {
  if (!goog) return;
  const day = await loadGoog();
  const futures = await simulate({ world: 'noise', day, start: '15:00', minutes: 3, trajectories: 3, seed: 1, workers: 0 });
  const sim = MarketSeries.fromTrajectories(futures);
  assert.is(sim.paths.length, 3);
  assert.is(sim.step, 1);
  for (const [k, p] of sim.paths.entries()) {
    const t = futures.data[k];
    assert.is(p.start, 15 * 3600);
    assert.is(p.mid.length, 181);
    assert.is(p.volume[0], 0);
    assert.is(p.volume[180], t.snapshots.volume[180]);
    assert.is(p.orders!.time.length, t.orders.time.length);
    for (let i = 0; i < t.orders.time.length; i++) assert.is(p.orders!.aggressive[i], t.orders.type[i] !== 2 && t.orders.filled[i] > 0 ? 1 : 0);
  }
  const real = MarketSeries.fromContinuation(futures);
  assert.equal(Array.from(real.paths[0].mid), Array.from(futures.realMidPath()!));
  assert.is(real.paths[0].orders!.time.every((t) => t >= 15 * 3600 && t <= 15 * 3600 + 180), true);
  const report = overlapCoefficients(real, sim, { resamples: 50 });
  assert.equal(report.rows.map((r) => r.quantity), ['volatility', 'spread', 'mean order volume', 'aggressive-order ratio', 'buy ratio', '1-min return', '2-min return', '3-min return', '4-min return', '5-min return']);
  assert.equal(report.row('spread').n, [3, 9]);
  assert.equal(report.row('5-min return').n, [0, 0]);
  assert.ok(Number.isNaN(report.row('5-min return').overlap), 'no 5-minute span in 3 minutes: no coefficient');
  for (const r of report.rows.filter((x) => x.n[0] > 0)) assert.ok(r.overlap >= 0 && r.overlap <= 1 && r.ci[0] <= r.overlap && r.overlap <= r.ci[1], r.quantity);
  assert.is(report.table().columns().quantity.length, 10);
  // Charts draw several sources; they compile and render.
  const facts = { real: stylizedFacts(real, { interval: 10, resamples: 20 }), noise: stylizedFacts(sim, { interval: 10, resamples: 20 }) };
  for (const c of [stylizedFactsChart(facts), stylizedFactsChart(facts.real), overlapChart({ noise: report }), overlapChart(report)]) assert.match(await c.toSVG(), /^<svg/);
});

test('the real GOOG day: heavy tails, volatility clustering, volume/volatility present at 1 minute; 10-second returns assess intermittency', async () => {
  if (!goog) return;
  const day = await loadGoog();
  const s = MarketSeries.fromDay(day);
  assert.is(s.paths[0].start, 34_200);
  assert.is(s.paths[0].mid.length, 23_401);
  assert.ok(s.paths[0].orders!.time.length > 100_000);
  const minute = stylizedFacts(s);
  assert.is(minute.sample.returns, 389); // 09:31–16:00 (no book before the first message at 09:30:00.015)
  const v = verdicts(minute);
  for (const id of ['no_autocorrelation', 'heavy_tails', 'volatility_clustering', 'volume_volatility'] as const) assert.is(v[id], true, id);
  assert.ok(minute.fact('heavy_tails').value > 2);
  assert.is(v.intermittency, null, 'a day of minute returns has about 4 extreme (1%) returns');
  const tenSec = stylizedFacts(s, { interval: 10 });
  const w = verdicts(tenSec);
  for (const id of ['heavy_tails', 'intermittency', 'volatility_clustering', 'conditional_heavy_tails', 'slow_decay', 'volume_volatility', 'aggregational_gaussianity'] as const) assert.is(w[id], true, id);
  assert.ok(tenSec.fact('heavy_tails').value > minute.fact('heavy_tails').value, 'kurtosis falls with aggregation');
});

test.run();
