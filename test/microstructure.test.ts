import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { OrderFlow, NASDAQ } from '../src/data/order-flow';
import { BookFrames } from '../src/data/book-frames';
import { loadLobsterSync } from '../src/data/lobster-load';
import type { LobSequence } from '../src/analysis/lob-scores';
import { intervalFlows, kyleLambda, ofiRegression } from '../src/analysis/order-flow-impact';
import { propagatorAnalysis, responseFunctions, solvePropagator, tradeSigns } from '../src/analysis/propagator';
import { LOB_BENCH_RESPONSE_LAGS, priceResponseCurves, priceResponseScore, touchEvents } from '../src/analysis/price-response';
import { Rng } from '../src/util/rng';
import { realSample, syntheticFiles } from './helpers';

const close = (a: number, b: number, eps: number, what = '') => assert.ok(Math.abs(a - b) <= eps, `${what} ${a} vs ${b} (±${eps})`);
const TICK = NASDAQ.tickSize;

/** One message and the level-1 book after it (ask price, ask size, bid price, bid size). */
interface Row {
  time: number;
  type: number;
  dir: number;
  size?: number;
  price?: number;
  book: [number, number, number, number];
}

function sequence(rows: Row[]): LobSequence {
  const n = rows.length;
  const flow = new OrderFlow(
    {
      time: Float64Array.from(rows, (r) => r.time),
      type: Uint8Array.from(rows, (r) => r.type),
      id: Float64Array.from(rows, (_, i) => i + 1),
      size: Float64Array.from(rows, (r) => r.size ?? 100),
      price: Float64Array.from(rows, (r) => r.price ?? r.book[0]),
      direction: Int8Array.from(rows, (r) => r.dir),
      line: Int32Array.from(rows, (_, i) => i + 1),
    },
    { symbol: 'T', date: '2020-01-02', levels: 1, venue: NASDAQ, source: 'test' },
  );
  return { flow, frames: new BookFrames(1, Float64Array.from(rows.flatMap((r) => r.book)), Int32Array.from({ length: n }, (_, i) => i + 1)) };
}

/** A sequence whose book moves as given: trades of the given signs, mid before trade t = mids[t]. */
function tradeSequence(signs: ArrayLike<number>, midsAfter: ArrayLike<number>): LobSequence {
  const rows: Row[] = [{ time: 36000, type: 1, dir: 1, book: [1_000_000 + 50 * TICK, 100, 1_000_000 - 50 * TICK, 100] }];
  for (let t = 0; t < signs.length; t++) {
    const m = midsAfter[t];
    rows.push({ time: 36001 + t, type: 4, dir: -signs[t], book: [m + 50 * TICK, 100, m - 50 * TICK, 100] });
  }
  return sequence(rows);
}

/** ±1 signs from a Markov chain that keeps its sign with probability p: C(ℓ) = (2p − 1)^ℓ. */
function markovSigns(n: number, p: number, seed: number): Int8Array {
  const rng = new Rng(seed);
  const s = new Int8Array(n);
  s[0] = rng.float() < 0.5 ? 1 : -1;
  for (let i = 1; i < n; i++) s[i] = rng.float() < p ? s[i - 1] : -s[i - 1];
  return s;
}

test('trade signs: aggressor = −direction, a sweep (same time, same sign) is one trade, hidden executions count unless told not to', () => {
  const B = (a: number, b: number): [number, number, number, number] => [a, 100, b, 100];
  const seq = sequence([
    { time: 1, type: 1, dir: 1, book: B(1_000_200, 1_000_000) },
    { time: 2, type: 4, dir: -1, size: 30, book: B(1_000_200, 1_000_000) }, // buyer lifts the ask
    { time: 2, type: 4, dir: -1, size: 20, book: B(1_000_300, 1_000_000) }, // same sweep
    { time: 3, type: 5, dir: 1, size: 10, book: B(1_000_300, 1_000_000) }, // hidden: a seller hits a hidden bid
    { time: 4, type: 1, dir: -1, book: B(1_000_300, 1_000_100) },
    { time: 5, type: 4, dir: 1, size: 5, book: B(1_000_300, 1_000_100) },
  ]);
  const t = tradeSigns(seq);
  assert.equal(Array.from(t.sign), [1, -1, -1]);
  assert.equal(Array.from(t.size), [50, 10, 5]);
  assert.equal(Array.from(t.midBefore), [1_000_100, 1_000_150, 1_000_200]);
  assert.equal(Array.from(t.row), [1, 3, 5]);
  assert.equal(Array.from(tradeSigns(seq, { merge: false }).size), [30, 20, 10, 5]);
  assert.equal(Array.from(tradeSigns(seq, { hidden: false }).sign), [1, -1]);
});

test('R(ℓ) and C(ℓ) by hand on four trades', () => {
  // signs + + − +; mids before the trades (ticks) 0, 1, 3, 2 (the last mid after is irrelevant).
  const signs = [1, 1, -1, 1];
  const seq = tradeSequence(signs, [1_000_000 + 1 * TICK, 1_000_000 + 3 * TICK, 1_000_000 + 2 * TICK, 1_000_000 + 9 * TICK]);
  const r = responseFunctions(seq, { maxLag: 2 });
  // R(1) = mean of (+1)(1−0), (+1)(3−1), (−1)(2−3) = (1 + 2 + 1)/3
  close(r.response[1], 4 / 3, 1e-12);
  // R(2) = mean of (+1)(3−0), (+1)(2−1) = 2
  close(r.response[2], 2, 1e-12);
  // μ = ½; E[εε'] at lag 1 = (1 − 1 − 1)/3 = −⅓; C(1) = (−⅓ − ¼)/(1 − ¼) = −7/9
  close(r.signCorrelation[1], -7 / 9, 1e-12);
  close(r.signCorrelation[0], 1, 1e-12);
  assert.is(r.trades, 4);
  assert.throws(() => responseFunctions(seq, { maxLag: 0 }), /option maxLag must be a whole number ≥ 1/);
});

test('a Markov sign series has C(ℓ) = (2p − 1)^ℓ; its power-law fit is poor where the truth is exponential', () => {
  const signs = markovSigns(100_000, 0.8, 3);
  const mids = new Float64Array(signs.length).fill(1_000_000);
  const r = responseFunctions(tradeSequence(signs, mids), { maxLag: 20 });
  for (const l of [1, 2, 3, 5]) close(r.signCorrelation[l], 0.6 ** l, 0.015, `C(${l})`);
  close(r.response[5], 0, 1e-12); // the mid never moves
});

test('propagator: G recovered exactly from R built from a known G and C (full and causal equations)', () => {
  const L = 30;
  const G = (n: number) => 2 * Math.min(n, 20) ** -0.3; // flat from lag 20 on
  const C = (j: number) => 0.7 ** j;
  // R(ℓ) = Σ_{n≥1} G(n)[C(|n−ℓ|) − C(n)], summed far enough that C's tail is negligible.
  const R = new Float64Array(L + 1);
  for (let l = 1; l <= L; l++) for (let n = 1; n <= 3000; n++) R[l] += G(n) * (C(Math.abs(n - l)) - C(n));
  const Cs = Float64Array.from({ length: L + 1 }, (_, j) => C(j));
  const full = solvePropagator(R, Cs, { lags: L });
  for (let l = 1; l <= L; l++) close(full.G[l - 1], G(l), 1e-9, `G(${l})`);
  // The causal equation ignores the past trades' changing impact: on this R it is not G.
  const causalOnFull = solvePropagator(R, Cs, { lags: L, form: 'causal' });
  assert.ok(Math.abs(causalOnFull.G[L - 1] - G(L)) > 0.01);
  // …but it inverts its own equation R(ℓ) = Σ_{0≤n<ℓ} G(ℓ−n) C(n) exactly.
  const Rc = new Float64Array(L + 1);
  for (let l = 1; l <= L; l++) for (let n = 0; n < l; n++) Rc[l] += G(l - n) * C(n);
  const causal = solvePropagator(Rc, Cs, { lags: L, form: 'causal' });
  for (let l = 1; l <= L; l++) close(causal.G[l - 1], G(l), 1e-12, `causal G(${l})`);
  assert.throws(() => solvePropagator(R, Cs, { lags: 40 }), /lags 1…40 needed/);
  assert.throws(() => solvePropagator(R, Cs, { form: 'toeplitz' as never, lags: 5 }), /option form must be 'full' or 'causal'/);
});

test('propagator: simulated prices m_t = Σ G(t−t′)ε_t′ + noise give back G, γ and β within noise', () => {
  const n = 200_000;
  const L0 = 10;
  const Gtrue = (l: number) => 4 * Math.min(l, L0) ** -0.5;
  const signs = markovSigns(n, 0.75, 8);
  const rng = new Rng(9);
  // mid after trade t (the mid before trade t + 1), in price units: Σ_{t′≤t} G(t + 1 − t′) ε_t′ + noise
  const mids = new Float64Array(n);
  let tail = 0; // Σ of signs at distance ≥ L0, which all weigh G(L0)
  for (let t = 0; t < n; t++) {
    if (t + 1 - L0 >= 0) tail += signs[t + 1 - L0];
    let m = Gtrue(L0) * tail;
    for (let k = 1; k < L0 && t + 1 - k >= 0; k++) m += Gtrue(k) * signs[t + 1 - k];
    mids[t] = 1_000_000 + TICK * (m + 0.5 * rng.normal());
  }
  const a = propagatorAnalysis(tradeSequence(signs, mids), { lags: 20, maxLag: 100, fitRange: [1, 8] });
  for (let l = 1; l <= 20; l++) close(a.propagator.G[l - 1], Gtrue(l), 0.15, `G(${l})`);
  close(a.signCorrelation[1], 0.5, 0.01, 'C(1)');
  close(a.beta.exponent, 0.5, 0.08, 'β');
  assert.ok(a.gamma.exponent > 0, 'C decays');
});

/**
 * Intervals of 10 s with a known relation between the mid change (ticks) and OFI: each interval opens
 * with a reset of the book (prices moved by d ticks, sizes back to `depth`), then one submission that
 * brings the interval's OFI to x. The reset's own OFI by hand (level 1, sizes before a, b):
 * d > 0: depth + a; d < 0: −b − depth; d = 0: a − b.
 */
function ofiDay(beta: (k: number) => number, depth: (k: number) => number, intervals: number, noise: number, seed: number): { seq: LobSequence; x: number[]; d: number[] } {
  const rng = new Rng(seed);
  let ask = 1_000_000 + TICK;
  let bid = 1_000_000 - TICK;
  let a = depth(0);
  let b = depth(0);
  const rows: Row[] = [{ time: 35999, type: 1, dir: 1, book: [ask, a, bid, b] }];
  const xs: number[] = [];
  const ds: number[] = [];
  for (let k = 0; k < intervals; k++) {
    const t0 = 36000 + 10 * k;
    const D = depth(k);
    const x = Math.round(D * 2 * rng.normal());
    const d = Math.round(beta(k) * x + noise * rng.normal());
    const reset = d > 0 ? D + a : d < 0 ? -b - D : a - b;
    ask += d * TICK;
    bid += d * TICK;
    a = D;
    b = D;
    rows.push({ time: t0 + 0.01, type: 1, dir: 1, book: [ask, a, bid, b] });
    const rest = x - reset;
    if (rest > 0) b += rest;
    else a -= rest;
    if (rest !== 0) rows.push({ time: t0 + 9.99, type: 1, dir: rest > 0 ? 1 : -1, book: [ask, a, bid, b] });
    xs.push(x);
    ds.push(d);
  }
  return { seq: sequence(rows), x: xs, d: ds };
}

test('interval flows by hand: OFI, mid change, signed volume and time-weighted depth of one interval', () => {
  const seq = sequence([
    { time: 99, type: 1, dir: 1, book: [1_000_100, 100, 1_000_000, 200] },
    { time: 102, type: 1, dir: 1, size: 50, book: [1_000_100, 100, 1_000_000, 250] }, // e = +50
    { time: 104, type: 4, dir: -1, size: 100, book: [1_000_200, 30, 1_000_000, 250] }, // ask level gone: e = +100
    { time: 108, type: 5, dir: 1, size: 7, book: [1_000_200, 30, 1_000_000, 250] }, // hidden sell: e = 0
  ]);
  const iv = intervalFlows(seq, { interval: 10, from: 100, to: 110 });
  assert.is(iv.length, 1);
  close(iv.ofi[0], 150, 1e-12);
  close(iv.dMid[0], (1_000_100 - 1_000_050) / TICK, 1e-12);
  close(iv.signedVolume[0], 100 - 7, 1e-12);
  close(iv.volume[0], 107, 1e-12);
  // depth (a+b)/2: 150 for 2 s, 175 for 2 s, 140 for 6 s
  close(iv.depth[0], (150 * 2 + 175 * 2 + 140 * 6) / 10, 1e-12);
  assert.is(iv.messages[0], 3);
  assert.throws(() => intervalFlows(seq, { interval: 0 }), /option interval must be a positive number of seconds \(got 0\)/);
});

test('OFI regression: β recovered from a day built with ΔP = β·OFI + noise; β per window tracks 1/depth', () => {
  const { seq, x, d } = ofiDay(() => 0.01, () => 100, 600, 0.5, 4);
  const r = ofiRegression(seq, { interval: 10, from: 36000, to: 42000, window: 600 });
  assert.is(r.intervals.length, 600);
  assert.equal(Array.from(r.intervals.ofi), x);
  assert.equal(Array.from(r.intervals.dMid), d);
  close(r.fit.slope, 0.01, 0.0005, 'β');
  assert.ok(r.fit.r2 > 0.8 && r.fit.r2 < 1, `R² ${r.fit.r2}`);
  assert.ok(r.fit.slopeT > 20);
  assert.is(r.windows.beta.length, 10);
  // β = ½/D with D changing every 10 minutes: the slope on 1/D is ½, the exponent λ is 1.
  const depths = [50, 100, 200, 400];
  const byDepth = ofiDay((k) => 0.5 / depths[Math.floor(k / 60) % 4], (k) => depths[Math.floor(k / 60) % 4], 960, 0.3, 5);
  const rd = ofiRegression(byDepth.seq, { interval: 10, from: 36000, to: 36000 + 9600, window: 600 });
  close(rd.depthFit.c, 0.5, 0.08, 'c');
  close(rd.depthFit.lambda, 1, 0.1, 'λ');
  assert.throws(() => ofiRegression(seq, { interval: 10, window: 5 }), /option window \(5 s\) must be at least one interval/);
});

test('Kyle’s λ recovered from a day built with ΔP = λ·(signed volume) + noise', () => {
  const rng = new Rng(12);
  const rows: Row[] = [{ time: 35999, type: 1, dir: 1, book: [1_000_100, 100, 1_000_000, 100] }];
  let mid = 1_000_050;
  for (let k = 0; k < 500; k++) {
    const t0 = 36000 + 60 * k;
    const v = Math.round(300 * rng.normal());
    const d = Math.round(0.004 * v + 0.4 * rng.normal());
    if (v !== 0) rows.push({ time: t0 + 1, type: 4, dir: v > 0 ? -1 : 1, size: Math.abs(v), book: [mid + 50, 100, mid - 50, 100] });
    mid += d * TICK;
    rows.push({ time: t0 + 2, type: 1, dir: 1, book: [mid + 50, 100, mid - 50, 100] });
  }
  const k = kyleLambda(sequence(rows), { interval: 60, from: 36000 });
  close(k.fit.slope, 0.004, 0.0003, 'λ');
  close(k.lambdaPer1000, k.fit.slope * 1000, 1e-12);
  close(k.lambdaPrice, (k.fit.slope * TICK) / NASDAQ.priceScale, 1e-18);
});

test('LOB-Bench lags are numpy’s (10 ** arange(0.3, 2.4, 0.1)).astype(int)', () => {
  assert.equal([...LOB_BENCH_RESPONSE_LAGS], [1, 2, 3, 3, 5, 6, 7, 10, 12, 15, 19, 25, 31, 39, 50, 63, 79, 100, 125, 158, 199]);
});

/** Touch events by hand (ask price, ask size, bid price, bid size after each message). */
function touchDay(): LobSequence {
  return sequence([
    { time: 1, type: 1, dir: 1, book: [1_000_400, 100, 1_000_000, 100] }, // first row: LO_1, ε +1, mid 1,000,200
    { time: 2, type: 1, dir: -1, book: [1_000_300, 50, 1_000_000, 100] }, // sell inside: LO_1, ε −1, mid 1,000,150
    { time: 3, type: 1, dir: -1, book: [1_000_300, 50, 1_000_000, 100] }, // deeper: touch unchanged → not a touch event
    { time: 4, type: 4, dir: -1, price: 1_000_300, book: [1_000_300, 20, 1_000_000, 100] }, // MO_0, ε +1
    { time: 4, type: 4, dir: -1, price: 1_000_300, book: [1_000_301, 80, 1_000_000, 100] }, // same sweep: merged, now MO_1, mid 1,000,150 (truncated from .5)
    { time: 5, type: 5, dir: 1, book: [1_000_301, 80, 1_000_000, 100] }, // hidden: not a touch event
    { time: 6, type: 3, dir: 1, book: [1_000_301, 80, 999_900, 30] }, // cancel empties the bid: CA_1, ε −1, mid 1,000,100
    { time: 7, type: 2, dir: -1, book: [1_000_301, 60, 999_900, 30] }, // partial cancel at the ask: CA_0, ε +1, mid 1,000,100
  ]);
}

test('touch events: filtered, classified, signed, merged and truncated as LOB-Bench does', () => {
  const ev = touchEvents(touchDay());
  const names = ['MO_0', 'MO_1', 'LO_0', 'LO_1', 'CA_0', 'CA_1'];
  assert.equal(Array.from(ev.cls, (c) => names[c]), ['LO_1', 'LO_1', 'MO_1', 'CA_1', 'CA_0']);
  assert.equal(Array.from(ev.eps), [1, -1, 1, -1, 1]);
  assert.equal(Array.from(ev.mid), [1_000_200, 1_000_150, 1_000_150, 1_000_100, 1_000_100]);
  assert.equal(Array.from(ev.row), [0, 1, 4, 6, 7]);
});

test('response curves and score by hand: R(1), R(2) per class; the same sequences score 0', () => {
  const seq = touchDay();
  const c = priceResponseCurves([seq], { lags: [1, 2], resamples: 0 });
  // LO_1: only the second event has a mid before: (1,000,150 − 1,000,200)·(−1)/100 = 0.5 at ℓ = 1;
  // at ℓ = 2: (1,000,150 − 1,000,200)·(−1)/100 = 0.5.
  close(c.mean.LO_1[0], 0.5, 1e-12);
  close(c.mean.LO_1[1], 0.5, 1e-12);
  // MO_1 (event 2): ℓ = 1: (1,000,150 − 1,000,150)·1 = 0; ℓ = 2: (1,000,100 − 1,000,150)/100 = −0.5
  close(c.mean.MO_1[0], 0, 1e-12);
  close(c.mean.MO_1[1], -0.5, 1e-12);
  // CA_1 (event 3): ℓ = 1: (1,000,100 − 1,000,150)·(−1)/100 = 0.5; ℓ = 2: (1,000,100 − 1,000,150)·(−1)/100 = 0.5
  close(c.mean.CA_1[0], 0.5, 1e-12);
  // CA_0 (the last event) has no event 1 later: NaN at ℓ = 2
  close(c.mean.CA_0[0], 0, 1e-12);
  assert.ok(Number.isNaN(c.mean.CA_0[1]));
  assert.equal(c.count.CA_0, Int32Array.from([1, 0]));
  assert.is(c.events.LO_1, 2);
  const same = priceResponseScore([seq], [seq], { lags: [1], resamples: 0 });
  close(same.score, 0, 0);
  assert.is(same.classesScored, 4); // MO_0 and LO_0 have no events
  // A generated sequence whose mids all sit one tick lower after the first event: LO_1's R(1) becomes 1.5.
  const rows = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => {
    const f = seq.frames;
    const shift = i >= 1 ? TICK : 0;
    return { time: seq.flow.time[i], type: seq.flow.type[i], dir: seq.flow.direction[i], price: seq.flow.price[i], book: [f.askPrice(i) - shift, f.askSize(i), f.bidPrice(i) - shift, f.bidSize(i)] as [number, number, number, number] };
  });
  const gen = priceResponseScore([seq], [sequence(rows)], { lags: [1], resamples: 0 });
  close(gen.byClass.LO_1, 1, 1e-12);
  close(gen.byClass.MO_1, 0, 1e-12);
  close(gen.score, 1 / 4, 1e-12);
});

test('response curves: seeded basic-bootstrap intervals around the mean', () => {
  const f = syntheticFiles(5, 6_000);
  const d = loadLobsterSync(f.messages, f.orderbook);
  const seq = { flow: d.flow, frames: d.frames! };
  const a = priceResponseCurves([seq], { resamples: 50, seed: 3 });
  const b = priceResponseCurves([seq], { resamples: 50, seed: 3 });
  assert.equal(a.lo, b.lo);
  let checked = 0;
  for (const c of a.classes) {
    for (let k = 0; k < a.lags.length; k++) {
      if (a.count[c][k] < 30) continue;
      assert.ok(a.lo[c][k] <= a.mean[c][k] + 1e-12 && a.mean[c][k] <= a.hi[c][k] + 1e-12, `${c} ${a.lags[k]}`);
      checked++;
    }
  }
  assert.ok(checked > 20);
  assert.throws(() => priceResponseCurves([seq], { lags: [0] }), /option lags must be whole numbers ≥ 1/);
});

test('the real GOOG day: OFI β > 0 with R² in (0, 1), trade signs persist (C(1) > 0), buys push the price up, Kyle’s λ > 0', () => {
  const p = realSample('GOOG');
  const files = p ?? syntheticFiles(10, 30_000);
  const d = loadLobsterSync(files.messages, files.orderbook);
  const seq = { flow: d.flow, frames: d.frames! };
  const o = ofiRegression(seq, { interval: 10 });
  assert.ok(o.fit.slope > 0 && o.fit.slopeT > 3, `β ${o.fit.slope} t ${o.fit.slopeT}`);
  assert.ok(o.fit.r2 > 0 && o.fit.r2 < 1, `R² ${o.fit.r2}`);
  if (!p) return; // the synthetic day's noise traders have no sign memory and little volume
  assert.ok(o.fit.slopeT > 10, `β's t ${o.fit.slopeT}`);
  const k = kyleLambda(seq, { interval: 60 });
  assert.ok(k.fit.slope > 0 && k.fit.slopeT > 5, `λ ${k.fit.slope} t ${k.fit.slopeT}`);
  const a = propagatorAnalysis(seq);
  assert.ok(a.signCorrelation[1] > 0.3, `C(1) ${a.signCorrelation[1]}`);
  assert.ok(a.response[1] > 0 && a.response[10] > a.response[1], `R(1) ${a.response[1]}, R(10) ${a.response[10]}`);
  assert.ok(a.gamma.exponent > 0 && a.propagator.G[0] > 0);
  const r = priceResponseCurves([seq], { resamples: 0 });
  assert.ok(r.mean.MO_1[0] > 0 && r.mean.MO_0[5] > 0, 'a market order moves the mid its way');
});

test.run();
