import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadLobster, type LobsterData } from '../src/data/lobster-load';
import { extractOrders } from '../src/replay/lobster-orders';
import { OrderEvents, allocateOrderEventColumns, TYPE_BUY, TYPE_CANCEL, TYPE_SELL } from '../src/data/order-events';
import { NASDAQ } from '../src/data/order-flow';
import { marketPath, pathFromEvents, type MarketPath } from '../src/data/market-path';
import { simulate } from '../src/sim/simulate';
import { INDICATORS, marsLabel, midReturnBp, realizedVolatility, spreadTicks, volume, vwap, resolveIndicator } from '../src/analysis/forecast/indicators';
import { forecastIndicator } from '../src/analysis/forecast/indicator-forecast';
import { classify, fitClassThresholds, predictFromFutures, realLabels, simulatedLabels, startTimes } from '../src/analysis/forecast/labels';
import { featureMatrix, flowFeatures, selectRows } from '../src/analysis/forecast/features';
import { fitLinear, fitLogistic, majorityBaseline } from '../src/analysis/forecast/baselines';
import { fitForecastBaselines } from '../src/analysis/forecast/task';
import { accuracy, bootstrapIndices, brierScore, compareForecasts, confusionMatrix, macroF1, reliabilityTable } from '../src/analysis/forecast/evaluation';
import { forecastChart, forecastHistogramChart, forecastScoresChart, reliabilityChart } from '../src/plot/forecast-charts';
import { Rng } from '../src/util/rng';
import { dayFiles } from './helpers';

// Equal within eps, or both NaN (an indicator with nothing to measure, e.g. a VWAP over a window without trades, on both sides).
const close = (a: number, b: number, eps = 1e-12) => assert.ok(Math.abs(a - b) <= eps || (a !== a && b !== b), `${a} vs ${b}`);

/**
 * A hand-made path: start 100 s, mid0 1000, spread0 200 (2 ticks of 100).
 * Orders at 101, 102.5, 105, 130 leave mids 1010, 990, 1000, 1020 and spreads 100, 300, NaN, 200.
 * Trades at 101 (100 @ 1005), 105 (300 @ 995), 140 (50 @ 1020).
 */
function handPath(): MarketPath {
  return marketPath({
    start: 100,
    end: 200,
    mid0: 1000,
    spread0: 200,
    tick: 100,
    orders: { time: [101, 102.5, 105, 130], mid: [1010, 990, 1000, 1020], spread: [100, 300, NaN, 200] },
    trades: { time: [101, 105, 140], price: [1005, 995, 1020], qty: [100, 300, 50] },
  });
}

test('indicators on a hand-made path, each over (start, start + h]', () => {
  const p = handPath();
  close(midReturnBp(p, 2), 100); // mid at 102 is 1010
  close(midReturnBp(p, 10), 0); // mid at 110 is 1000
  close(midReturnBp(p, 40), 200);
  close(midReturnBp(p, 0.5), 0); // no order yet: mid0
  close(vwap(p, 10), (1005 * 100 + 995 * 300) / 400);
  assert.ok(Number.isNaN(vwap(p, 0.5)), 'no trade, no VWAP');
  close(volume(p, 10), 400);
  close(volume(p, 5), 400); // the trade at exactly start + 5 is in (start, start + 5]
  close(volume(p, 50), 450);
  // Spread, time-weighted over (100, 110]: 200 for 1 s, 100 for 1.5 s, 300 for 2.5 s, then an empty side (left out).
  close(spreadTicks(p, 10), (200 * 1 + 100 * 1.5 + 300 * 2.5) / 5 / 100);
  // Realized volatility on a 1-s grid over 5 s: mids at 101…105 are 1010, 1010, 990, 990, 1000.
  const r = [Math.log(1010 / 1000), 0, Math.log(990 / 1010), 0, Math.log(1000 / 990)];
  close(realizedVolatility(1)(p, 5), Math.sqrt(r.reduce((s, x) => s + x * x, 0)) * 1e4, 1e-9);
  // h not a multiple of the step: the grid ends at start + h (101, 102, 102.5).
  const r2 = [Math.log(1010 / 1000), 0, Math.log(990 / 1010)];
  close(realizedVolatility(1)(p, 2.5), Math.sqrt(r2.reduce((s, x) => s + x * x, 0)) * 1e4, 1e-9);
  // Beyond what the path knows: NaN.
  for (const ind of Object.values(INDICATORS)) assert.ok(Number.isNaN(ind.compute(p, 150)), ind.name);
  assert.throws(() => midReturnBp(p, 0), /horizon must be a positive number of seconds, got 0/);
  assert.throws(() => resolveIndicator('midReturn' as never), /unknown name 'midReturn'/);
});

test("MarS's label by hand: mean mid after each order in (t, t+k] over m0, minus 1", () => {
  const p = handPath();
  close(marsLabel(p, 2), 0.01); // one order: mid 1010
  close(marsLabel(p, 3), 0); // 1010, 990
  close(marsLabel(p, 40), (1010 + 990 + 1000 + 1020) / 4 / 1000 - 1);
  close(marsLabel(p, 0.5), 0); // no order: the mid did not move
  // A NaN mid in the raw arrays (an empty side) is read as the last finite one.
  const q = marketPath({ start: 0, end: 10, mid0: 100, spread0: 1, tick: 1, orders: { time: [1, 2], mid: [110, NaN], spread: [1, 1] }, trades: { time: [], price: [], qty: [] } });
  close(marsLabel(q, 5), 0.1);
});

/** Order events by hand: times, mids and spreads after each, and executions (type, filled, notional). */
function handEvents(rows: Array<{ t: number; mid: number; spread?: number; type?: number; side?: number; size?: number; filled?: number; notional?: number; aggressive?: number; imb?: number }>): OrderEvents {
  const cols = allocateOrderEventColumns(rows.length);
  rows.forEach((r, i) => {
    cols.time[i] = r.t;
    cols.midAfter[i] = r.mid;
    cols.spreadAfter[i] = r.spread ?? 100;
    cols.type[i] = r.type ?? TYPE_BUY;
    cols.side[i] = r.side ?? (r.type === TYPE_SELL ? -1 : 1);
    cols.size[i] = r.size ?? 100;
    cols.filled[i] = r.filled ?? 0;
    cols.notional[i] = r.notional ?? 0;
    cols.aggressive[i] = r.aggressive ?? 0;
    cols.imbalanceAfter[i] = r.imb ?? 0;
  });
  return new OrderEvents(cols, { symbol: 'HAND', date: '2020-01-02', venue: NASDAQ, openPrice: 1000 }, { messages: 0, orders: 0, aggressiveOrders: 0, aggressiveWithRemainder: 0, hiddenOnlyRuns: 0, hiddenShares: 0, mergedCancels: 0, skippedMessages: 0, staleMid: 0, badOrders: 0 }, []);
}

test('real labels at many starts: the path after each start is what startFromDay continues from', () => {
  const ev = handEvents([
    { t: 10, mid: 1000 },
    { t: 20, mid: 1010 },
    { t: 30, mid: 1030, type: TYPE_BUY, filled: 200, notional: 200 * 1025, aggressive: 1 },
    { t: 40, mid: 990 },
    { t: 50, mid: 1000 },
  ]);
  // t = 20: m0 is the mid after the order at 10 (the order at exactly 20 is after the start), window [20, 35]: 1010, 1030.
  const l = realLabels(ev, [20, 25, 45, 48], 15);
  close(l[0], (1010 + 1030) / 2 / 1000 - 1);
  close(l[1], (1030 + 990) / 2 / 1010 - 1); // (25, 40]
  assert.ok(Number.isNaN(l[2]), 'the day ends at 50 < 45 + 15');
  close(realLabels(ev, [45], 5)[0], 1000 / 990 - 1);
  const p = pathFromEvents(ev, 20);
  assert.equal(Array.from(p.trades.qty), [200]);
  close(p.trades.price[0], 1025); // the aggressive order's VWAP
  close(p.spread0, 100);
  assert.throws(() => realLabels(ev, [5], 10), /no order before 5 s/);
  assert.equal(Array.from(startTimes('09:30', '09:31', 20)), [34200, 34220, 34240, 34260]);
  assert.throws(() => startTimes('10:00', '09:00', 60), /to \(09:00\) is before from \(10:00\)/);
});

test('balanced thresholds: a third of the training labels below lo, a third above hi; ties at 0 give fell / unchanged / rose', () => {
  const t = fitClassThresholds([9, 1, 8, 2, 7, 3, 6, 4, 5, NaN]);
  assert.equal(t, { lo: 3.5, hi: 6.5 });
  assert.equal(Array.from(classify([1, 2, 3, 4, 5, 6, 7, 8, 9, NaN], t)), [0, 0, 0, 1, 1, 1, 2, 2, 2, -1]);
  const u = fitClassThresholds([-2, -1, 0, 0, 0, 0, 0, 1, 2]);
  assert.equal(u, { lo: 0, hi: 0 });
  assert.equal(Array.from(classify([-0.1, 0, 0.1], u)), [0, 1, 2]);
  // 30 continuous labels: 10 / 10 / 10.
  const rng = new Rng(3);
  const v = Array.from({ length: 30 }, () => rng.normal());
  const c = classify(v, fitClassThresholds(v));
  assert.equal([0, 1, 2].map((k) => c.filter((x) => x === k).length), [10, 10, 10]);
  assert.throws(() => fitClassThresholds([1, NaN]), /at least 3 finite labels, got 1/);
});

test("MarS's prediction from futures: the class of the mean label, probabilities = shares of trajectories", () => {
  const p = predictFromFutures([[-2, -1, 5], [NaN, 0, 0.1]], { lo: -0.5, hi: 0.5 });
  close(p.mean[0], 2 / 3);
  assert.is(p.predicted[0], 2); // the mean is up although most trajectories are down
  assert.equal(Array.from(p.proba.subarray(0, 3)), [2 / 3, 0, 1 / 3]);
  assert.is(p.predicted[1], 1);
  assert.equal(Array.from(p.proba.subarray(3)), [0, 1, 0]);
  assert.equal(Array.from(p.count), [3, 2]);
  assert.throws(() => predictFromFutures([[NaN]], { lo: 0, hi: 0 }), /start 0 has no trajectory with a label/);
});

test('metrics against a hand-computed confusion matrix; Brier and reliability by hand', () => {
  const actual = [0, 0, 0, 1, 1, 2, 2, 2, 2, 1];
  const predicted = [0, 1, 0, 1, 2, 2, 2, 0, 2, 1];
  assert.equal(Array.from(confusionMatrix(actual, predicted)), [2, 1, 0, 0, 2, 1, 1, 0, 3]);
  close(accuracy(actual, predicted), 0.7);
  // F1: down 2·2/(3+3), flat 2·2/(3+3), up 2·3/(4+4).
  close(macroF1(actual, predicted), (2 / 3 + 2 / 3 + 3 / 4) / 3);
  // A class never predicted and never seen has F1 0; one never predicted but seen, 0 too.
  close(macroF1([0, 0, 1], [0, 0, 0]), (2 * 2) / (3 + 2) / 3);
  close(brierScore([0, 2], [0.5, 0.3, 0.2, 0.1, 0.1, 0.8]), (0.25 + 0.09 + 0.04 + (0.01 + 0.01 + 0.04)) / 2);
  const rel = reliabilityTable([0, 0, 1, 2], [0.9, 0.05, 0.05, 0.7, 0.2, 0.1, 0.6, 0.3, 0.1, 0.2, 0.2, 0.6], { bins: 2 });
  const row = (cls: string, bin: number) => rel.class.findIndex((c, i) => c === cls && rel.bin[i] === bin);
  const d0 = row('down', 0);
  const d1 = row('down', 1);
  assert.equal([rel.count[d0], rel.predicted[d0], rel.observed[d0]], [1, 0.2, 0]);
  assert.is(rel.count[d1], 3);
  close(rel.predicted[d1], (0.9 + 0.7 + 0.6) / 3);
  close(rel.observed[d1], 2 / 3);
  const t1 = row('top', 1);
  assert.is(rel.count[t1], 4);
  close(rel.predicted[t1], (0.9 + 0.7 + 0.6 + 0.6) / 4);
  close(rel.observed[t1], 3 / 4);
  assert.throws(() => confusionMatrix([0, 3], [0, 1]), /class 3 at row 1/);
});

test('bootstrap: seeded and reproducible, blocks are runs of consecutive starts, paired differences vs the reference', () => {
  const rng = new Rng(11);
  const n = 400;
  const labels = Float64Array.from({ length: n }, () => rng.normal());
  const th = fitClassThresholds(labels);
  const truth = classify(labels, th);
  // A method right 70% of the time, a coin, and the mean label itself (a perfect forecast).
  const good = Int8Array.from(truth, (c) => (rng.float() < 0.7 ? c : (c + 1 + rng.int(2)) % 3));
  const coin = Int8Array.from(truth, () => rng.int(3));
  const methods = { coin: { predicted: coin }, good: { predicted: good }, oracle: { mean: labels } };
  const a = compareForecasts(labels, th, methods, { seed: 5, resamples: 300 });
  const b = compareForecasts(labels, th, methods, { seed: 5, resamples: 300 });
  const bytes = (x: typeof a) => JSON.stringify(x.columns(), (_, v) => (ArrayBuffer.isView(v) ? Array.from(v as Float64Array, String) : v));
  assert.is(bytes(a), bytes(b));
  const c = compareForecasts(labels, th, methods, { seed: 6, resamples: 300 });
  assert.equal(c.columns().accuracy, a.columns().accuracy, 'the value does not depend on the seed');
  assert.not.equal(c.columns().accuracyLo, a.columns().accuracyLo, 'the interval does');
  const [sCoin, sGood, sOracle] = a.scores;
  close(sGood.accuracy.value, accuracy(truth, good));
  assert.ok(sGood.accuracy.lo < sGood.accuracy.value && sGood.accuracy.value < sGood.accuracy.hi);
  assert.ok(sGood.accuracy.hi - sGood.accuracy.lo < 0.12, JSON.stringify(sGood.accuracy));
  assert.equal(sCoin.accuracyDiff, { value: 0, lo: 0, hi: 0 });
  assert.ok(sGood.accuracyDiff.lo > 0.25, 'good beats the coin on every resample');
  assert.is(sOracle.accuracy.value, 1);
  assert.is(sOracle.correlation.value, 1);
  assert.ok(Number.isNaN(sGood.brier.value) && Number.isNaN(sGood.correlation.value), 'no probabilities, no mean: NaN');
  assert.is(a.columns().method.length, 3);
  // Blocks: runs of consecutive rows.
  const idx = bootstrapIndices(20, { resamples: 3, seed: 2, block: 5 });
  for (const r of idx) for (let k = 0; k < 20; k += 5) for (let j = 1; j < 5; j++) assert.is(r[k + j], r[k] + 1 * j);
  assert.equal(bootstrapIndices(20, { resamples: 3, seed: 2, block: 5 }), idx);
  assert.throws(() => compareForecasts(labels, th, { x: { predicted: [0, 1] } }), /method 'x' has 2 values of predicted, expected 400/);
  assert.throws(() => compareForecasts(labels, th, methods, { reference: 'nope' }), /reference 'nope' is not one of coin, good, oracle/);
  assert.throws(() => compareForecasts(labels, th, methods, { level: 2 }), /level must be in \(0, 1\), got 2/);
});

test('logistic regression recovers a known multinomial model and separates separable data; the majority baseline', () => {
  // Scores s_c = b_c + w_c·x with x ~ N(0, 1)²: class 0 the reference.
  const B = [0, 0.5, -0.3];
  const W = [
    [0, 0],
    [1.5, -1],
    [-2, 0.5],
  ];
  const rng = new Rng(7);
  const n = 20_000;
  const rows: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = [rng.normal() * 2 + 1, rng.normal()];
    const s = B.map((b, c) => b + W[c][0] * x[0] + W[c][1] * x[1]);
    const m = Math.max(...s);
    const e = s.map((v) => Math.exp(v - m));
    const tot = e.reduce((a, v) => a + v, 0);
    rows.push(x);
    y.push(rng.weighted(e.map((v) => v / tot)));
  }
  const X = featureMatrix(['a', 'b'], rows);
  const model = fitLogistic(X, y, { lambda: 0 });
  assert.ok(model.converged && model.iterations < 30, `${model.iterations} iterations`);
  // Raw-scale weights: w_std / scale; differences to class 0 are what the data identify.
  const p1 = 3;
  for (const c of [1, 2]) {
    for (const j of [0, 1]) {
      const w = (model.coef[c * p1 + 1 + j] - model.coef[1 + j]) / model.scale[j];
      assert.ok(Math.abs(w - W[c][j]) < 0.1, `w[${c}][${j}] = ${w}, true ${W[c][j]}`);
    }
  }
  const probe = featureMatrix(['a', 'b'], [[1, 0], [3, -1], [-1, 1]]);
  const pr = model.predictProba(probe);
  probe.data.forEach(() => undefined);
  for (let i = 0; i < 3; i++) {
    const x = [probe.data[2 * i], probe.data[2 * i + 1]];
    const s = B.map((b, c) => b + W[c][0] * x[0] + W[c][1] * x[1]);
    const e = s.map(Math.exp);
    const tot = e.reduce((a, v) => a + v, 0);
    for (let c = 0; c < 3; c++) assert.ok(Math.abs(pr[3 * i + c] - e[c] / tot) < 0.03, `row ${i} class ${c}: ${pr[3 * i + c]} vs ${e[c] / tot}`);
  }
  // Deterministic: the same fit, the same bytes.
  assert.equal(fitLogistic(X, y, { lambda: 0 }).coef, model.coef);
  // Separable in one feature (down < −1 < flat < 1 < up): every training row right.
  const xs = Array.from({ length: 300 }, (_, i) => -3 + (6 * i) / 299);
  const ys = xs.map((x) => (x < -1 ? 0 : x > 1 ? 2 : 1));
  const sep = fitLogistic(featureMatrix(['x'], xs.map((x) => [x])), ys, { lambda: 1e-4 });
  assert.equal(Array.from(sep.predict(featureMatrix(['x'], xs.map((x) => [x])))), ys);
  const maj = majorityBaseline([0, 2, 2, 1, 2]);
  assert.is(maj.majority, 2);
  assert.equal(Array.from(maj.predictProba({ rows: 2 })), [0.2, 0.2, 0.6, 0.2, 0.2, 0.6]);
  assert.throws(() => fitLogistic(featureMatrix(['x'], [[NaN]]), [0]), /feature x of row 0 is NaN/);
  assert.throws(() => fitLogistic(X, y.map(() => -1)), /class of row 0 is -1/);
  // Ridge regression (λ = 0) recovers y = 0.3 + 2a − 0.5b exactly from noiseless rows, and nearly with noise.
  const lin = fitLinear(X, rows.map(([a, b]) => 0.3 + 2 * a - 0.5 * b), { lambda: 0 });
  const got = lin.predictMean(featureMatrix(['a', 'b'], [[0, 0], [1, 0], [0, 1]]));
  close(got[0], 0.3, 1e-6);
  close(got[1] - got[0], 2, 1e-6);
  close(got[2] - got[0], -0.5, 1e-6);
  const noisy = fitLinear(X, rows.map(([a, b]) => 0.3 + 2 * a - 0.5 * b + rng.normal()), { lambda: 0 });
  close(noisy.coef[1] / noisy.scale[0], 2, 0.05);
  assert.throws(() => model.predictProba(featureMatrix(['b', 'a'], [[0, 0]])), /predict: features b, a differ from the model's a, b/);
});

test('order-flow features by hand: imbalance, trade imbalance and return over a window, only orders before the start', () => {
  const ev = handEvents([
    { t: 1, mid: 1000, type: TYPE_BUY, size: 100 },
    { t: 2, mid: 1000, type: TYPE_SELL, size: 300 },
    { t: 3, mid: 1010, type: TYPE_CANCEL, side: -1, size: 50 }, // an ask cancelled: buying pressure
    { t: 4, mid: 1020, type: TYPE_BUY, size: 200, filled: 150, aggressive: 1, imb: 0.25, spread: 200 },
    { t: 5, mid: 1000, type: TYPE_SELL, size: 100, filled: 100, aggressive: 1 }, // at the start: not seen
  ]);
  const X = flowFeatures(ev, [5], { windows: [2.5, 10] });
  assert.equal(X.names, ['ofi_2.5', 'tradeImb_2.5', 'ret_2.5', 'ofi_10', 'tradeImb_10', 'ret_10', 'bookImb', 'spreadTicks']);
  const v = Array.from(X.data);
  close(v[0], (50 + 200) / 250); // orders in [2.5, 5): the cancel (+50) and the buy (+200)
  close(v[1], 1);
  close(v[2], Math.log(1020 / 1000) * 1e4, 1e-9); // mid before 2.5 is 1000 (after the order at 2)
  close(v[3], (100 - 300 + 50 + 200) / 650);
  close(v[4], 1);
  close(v[5], Math.log(1020 / 1000) * 1e4, 1e-9); // nothing before −5: the first mid
  close(v[6], 0.25);
  close(v[7], 2);
  const sel = selectRows(flowFeatures(ev, [3, 5]), [1]);
  assert.equal(Array.from(sel.data), Array.from(flowFeatures(ev, [5]).data));
});

let dayCache: { day: LobsterData; ev: OrderEvents; real: boolean } | null = null;
async function goog(): Promise<{ day: LobsterData; ev: OrderEvents; real: boolean }> {
  if (dayCache) return dayCache;
  const f = dayFiles('GOOG', 10);
  const day = await loadLobster(f.messages, f.orderbook);
  dayCache = { day, ev: extractOrders(day.flow, day.frames), real: f.real };
  return dayCache;
}

test('simulated and real paths agree: a replay world reproduces the realized mid return and spread; every indicator forecast has its table and charts', async () => {
  const { day, ev, real } = await goog();
  const start = real ? 15 * 3600 : ev.time[Math.floor(ev.length / 2)];
  const horizons = [10, 60, 120];
  const replay = await simulate({ world: 'replay', day, events: ev, start, minutes: 2, trajectories: 2, seed: 1, workers: 0 });
  const realPath = pathFromEvents(ev, start);
  for (const name of ['midReturnBp', 'spreadTicks', 'realizedVol'] as const) {
    const f = forecastIndicator(replay, name, { horizons });
    for (let j = 0; j < horizons.length; j++) {
      close(f.realized[j], INDICATORS[name].compute(realPath, horizons[j]), 1e-9);
      close(f.values[j][0], f.realized[j], 1e-9);
    }
  }
  const noise = await simulate({ world: 'noise', day, events: ev, start, minutes: 2, trajectories: 8, seed: 1, workers: 0 });
  for (const name of Object.keys(INDICATORS) as Array<keyof typeof INDICATORS>) {
    const f = forecastIndicator(noise, name, { horizons, bins: 5 });
    const c = f.columns();
    assert.equal(Object.keys(c), ['horizon', 'n', 'mean', 'sd', 'median', 'q05', 'q25', 'q50', 'q75', 'q95', 'realized', 'rank']);
    assert.equal(Array.from(c.n as Int32Array), name === 'vwap' ? Array.from(f.values, (v) => v.filter(Number.isFinite).length) : [8, 8, 8]);
    for (let j = 0; j < 3; j++) {
      const q = ['q05', 'q25', 'q50', 'q75', 'q95'].map((k) => (c[k] as Float64Array)[j]);
      if ((c.n as Int32Array)[j] > 0) assert.ok(q.every((x, i) => i === 0 || x >= q[i - 1]), `${name} quantiles in order`);
      close(f.realized[j], INDICATORS[name].compute(realPath, horizons[j]), 1e-9);
      assert.is(f.histograms[j].counts.reduce((s, x) => s + x, 0), Array.from(f.values[j]).filter(Number.isFinite).length);
    }
  }
  const labels = simulatedLabels(noise, 60);
  assert.equal(Array.from(labels), noise.paths().map((p) => marsLabel(p, 60)));
  const mr = forecastIndicator(noise, 'midReturnBp', { horizons });
  for (const chart of [forecastChart(mr), forecastHistogramChart(mr, { horizon: 60 })]) assert.match(await chart.toSVG(), /^<svg/);
  assert.throws(() => forecastIndicator(noise, 'midReturnBp', { horizons: [] }), /horizons must be a non-empty list/);
  assert.throws(() => forecastHistogramChart(mr, { horizon: 7 }), /no horizon 7 \(horizons: 10, 60, 120\)/);
});

test('GOOG: labels every 30 s, thresholds on training time (< 15:00), the baselines scored on held-out time (≥ 15:00)', async () => {
  const { ev, real } = await goog();
  const k = 60;
  const first = Math.ceil(ev.time[0] / 30) * 30 + 300;
  const last = ev.time[ev.length - 1] - k;
  const split = real ? 15 * 3600 : Math.round(first + (last - first) * 0.8);
  const task = fitForecastBaselines(ev, { starts: startTimes(first, Math.floor(last / 30) * 30, 30), horizon: k, split });
  assert.ok(task.labels.every(Number.isFinite), 'every start has a label');
  const ytr = classify(Array.from(task.train, (i) => task.labels[i]), task.thresholds);
  for (let c = 0; c < 3; c++) {
    const share = ytr.filter((v) => v === c).length / ytr.length;
    assert.ok(Math.abs(share - 1 / 3) < 0.02, `training class ${c}: ${share}`);
  }
  assert.ok(task.train.every((i) => task.starts[i] + k <= split) && task.heldStarts.every((t) => t >= split), 'no training window reaches held-out time');
  assert.ok(task.logistic.converged, 'the fit converged');
  const cmp = compareForecasts(task.heldLabels, task.thresholds, task.heldOut, { seed: 1, resamples: 500 });
  const [m, l, r] = cmp.scores;
  // The majority class always predicts one class: its macro-F1 is 1/3 · 2·share/(1 + share) ≤ 1/3.
  assert.ok(m.macroF1.value <= 1 / 3, `majority macro-F1 ${m.macroF1.value}`);
  assert.ok(l.macroF1.value > m.macroF1.value, 'the logistic baseline predicts more than one class');
  assert.ok(Number.isFinite(r.correlation.value), 'the linear baseline has a predicted mean');
  console.log(
    `\n  ${real ? 'GOOG' : 'synthetic day'} k = ${k} s, ${task.train.length} training / ${task.held.length} held-out starts, thresholds lo ${task.thresholds.lo.toExponential(3)} hi ${task.thresholds.hi.toExponential(3)}; held-out class shares ${Array.from(cmp.realizedShares, (x) => x.toFixed(3)).join('/')}` +
      cmp.scores
        .map((s) => {
          const f = (e: { value: number; lo: number; hi: number }) => `${e.value.toFixed(3)} [${e.lo.toFixed(3)}, ${e.hi.toFixed(3)}]`;
          return `\n  ${s.method}: accuracy ${f(s.accuracy)}, macro-F1 ${f(s.macroF1)}, Brier ${f(s.brier)}, corr ${f(s.correlation)}`;
        })
        .join(''),
  );
  for (const chart of [forecastScoresChart(cmp), reliabilityChart(cmp), reliabilityChart(cmp, { class: 'up' }), forecastScoresChart(cmp, { metrics: ['brier', 'accuracyDiff', 'correlation'] })]) assert.match(await chart.toSVG(), /^<svg/);
  assert.throws(() => forecastScoresChart(cmp, { metrics: ['auc' as never] }), /unknown metric 'auc'/);
  assert.throws(() => fitForecastBaselines(ev, { starts: [first], horizon: k, split }), /0 training starts|1 training starts/);
});

test.run();
