import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { BinConverter } from '../src/tokenize/bin-converter';
import { Rng } from '../src/util/rng';

test('a frequent value gets its own bin; the rest is cut into equal-count bins', () => {
  // 40% of the values are 100 (like round lots); the rest spread over 1..999.
  const rng = new Rng(1);
  const v: number[] = [];
  for (let i = 0; i < 10_000; i++) v.push(rng.float() < 0.4 ? 100 : 1 + rng.int(999));
  const c = BinConverter.fit(v, 8);
  assert.is(c.numBins, 8);
  const k100 = c.index(100);
  assert.ok(c.single[k100], '100 has a bin of its own');
  assert.is(c.index(99), k100 - 1);
  assert.is(c.index(101), k100 + 1);
  const totals = c.binCounts();
  assert.is(totals.reduce((a, b) => a + b, 0), 10_000);
  // The frequent value is a forced boundary: the values below it (≈6% of the rest) form one bin,
  // and the values above it are cut into bins of equal count.
  assert.is(k100, 1);
  assert.is(totals[0], v.filter((x) => x < 100).length);
  const above = totals.slice(k100 + 1);
  const mean = above.reduce((a, b) => a + b, 0) / above.length;
  for (const t of above) assert.ok(Math.abs(t - mean) / mean < 0.05, `equal counts: ${above.join(' ')}`);
});

test('bins are (edge_k, edge_k+1] as numpy.digitize(right=True); outside values clip into the edge bins', () => {
  const c = BinConverter.fit([1, 2, 3, 4, 5, 6, 7, 8], 4);
  assert.equal(Array.from(c.edges), [0, 2, 4, 6, 8]);
  assert.equal([1, 2, 3, 4, 5, 6, 7, 8].map((x) => c.index(x)), [0, 0, 1, 1, 2, 2, 3, 3]);
  assert.is(c.index(-50), 0);
  assert.is(c.index(1e9), 3);
  assert.ok(c.isClipped(-50) && c.isClipped(0) && c.isClipped(9));
  assert.not.ok(c.isClipped(1) || c.isClipped(8));
});

test('sampling draws the most common values of the bin with their frequencies, seeded', () => {
  const v = [...Array(70).fill(10), ...Array(30).fill(11), ...Array(100).fill(50)];
  const c = BinConverter.fit(v, 2);
  const k = c.index(10);
  assert.equal(c.binValues(k), { values: [10, 11], counts: [70, 30] });
  const draw = (seed: number) => {
    const r = new Rng(seed);
    return Array.from({ length: 2000 }, () => c.sample(k, r));
  };
  const a = draw(5);
  assert.equal(draw(5), a, 'same seed, same draws');
  const share10 = a.filter((x) => x === 10).length / a.length;
  assert.ok(Math.abs(share10 - 0.7) < 0.04, `share of 10: ${share10}`);
  assert.is(c.mode(k), 10);
  assert.throws(() => c.sample(5, new Rng(1)), /outside/);
});

test('fewer distinct values than bins: one bin per value', () => {
  const c = BinConverter.fit([3, 3, 5, 9, 9, 9], 16);
  assert.is(c.numBins, 3);
  assert.equal([3, 5, 9].map((x) => c.index(x)), [0, 1, 2]);
});

test('JSON round trip keeps every bin and draw', () => {
  const rng = new Rng(9);
  const v = Array.from({ length: 5000 }, () => Math.floor(rng.exponential(40)));
  const c = BinConverter.fit(v, 12, { name: 'sizes' });
  const d = BinConverter.fromJSON(JSON.parse(JSON.stringify(c.toJSON())));
  assert.equal(d.toJSON(), c.toJSON());
  for (const x of [0, 1, 5, 17, 100, 1000]) assert.is(d.index(x), c.index(x));
  const r1 = new Rng(3);
  const r2 = new Rng(3);
  for (let k = 0; k < c.numBins; k++) assert.is(d.sample(k, r1), c.sample(k, r2));
  assert.throws(() => BinConverter.fromJSON({ ...c.toJSON(), schema: 'nope' } as never), /not a bin converter/);
});

test('more values than the cap: a seeded sample of them (the same seed fits the same bins)', () => {
  const rng = new Rng(2);
  const v = Float64Array.from({ length: 50_000 }, () => rng.normal());
  const a = BinConverter.fit(v, 16, { maxValues: 10_000, seed: 4 });
  const b = BinConverter.fit(v, 16, { maxValues: 10_000, seed: 4 });
  assert.is(a.fittedOn, 10_000);
  assert.equal(Array.from(a.edges), Array.from(b.edges));
  assert.throws(() => BinConverter.fit([1, NaN, 2], 2), /value NaN/);
});

test('property: edges increase strictly, no bin is empty, and every drawn value falls back in its bin', () => {
  const values = fc.array(fc.oneof(fc.integer({ min: -50, max: 50 }), fc.double({ min: -1e3, max: 1e3, noNaN: true })), { minLength: 1, maxLength: 400 });
  fc.assert(
    fc.property(values, fc.integer({ min: 2, max: 40 }), (v, bins) => {
      const c = BinConverter.fit(v, bins);
      const distinct = new Set(v).size;
      assert.is(c.numBins, Math.min(bins, distinct));
      for (let k = 0; k < c.numBins; k++) assert.ok(c.edges[k + 1] > c.edges[k]);
      const rng = new Rng(1);
      for (let k = 0; k < c.numBins; k++) {
        assert.ok(c.binCounts()[k] > 0);
        for (let r = 0; r < 5; r++) assert.is(c.index(c.sample(k, rng)), k);
      }
      for (const x of v) assert.not.ok(c.isClipped(x));
    }),
    { seed: 11, numRuns: 300 },
  );
});

test('integer converters answer from a lookup table exactly as the bisection rule says', () => {
  const rng = new Rng(12);
  const v = Array.from({ length: 20_000 }, () => Math.round(rng.normal() * 40) + (rng.float() < 0.3 ? 100 : 0));
  const c = BinConverter.fit(v, 32);
  const brute = (x: number) => {
    for (let k = 0; k < c.numBins - 1; k++) if (x <= c.edges[k + 1]) return k;
    return c.numBins - 1;
  };
  for (let x = -300; x <= 400; x++) assert.is(c.index(x), brute(x), `x = ${x}`);
  for (const x of [-1e9, 1e9, 0.5, -3.25, 99.999]) assert.is(c.index(x), brute(x), `x = ${x}`);
});

test('a bin of continuous values decodes to its own distribution (quantiles), not to its 100 smallest values', () => {
  // Waits: a heavy tail of distinct values. The top bin spans about 1 s to 60 s; its mean is far above its bottom edge.
  const rng = new Rng(7);
  const v: number[] = [];
  for (let i = 0; i < 20_000; i++) v.push(rng.float() < 0.3 ? 0 : -Math.log(1 - rng.float()) * (rng.float() < 0.1 ? 10 : 0.1));
  const c = BinConverter.fit(v, 8);
  const top = c.numBins - 1;
  const inTop = v.filter((x) => c.index(x) === top);
  const mean = inTop.reduce((a, b) => a + b, 0) / inTop.length;
  const r = new Rng(3);
  let sum = 0;
  const N = 20_000;
  for (let i = 0; i < N; i++) sum += c.sample(top, r);
  const decoded = sum / N;
  assert.ok(Math.abs(decoded - mean) / mean < 0.05, `decoded mean ${decoded.toFixed(3)} against the bin's ${mean.toFixed(3)} (its smallest value ${Math.min(...inTop).toFixed(3)})`);
  // At most 100 kept, and the atom at 0 (a bin of its own) decodes exactly.
  assert.ok(c.binValues(top).values.length <= 100);
  assert.equal(c.binValues(c.index(0)).values, [0]);
  // A bin of few distinct values keeps them all with their exact counts.
  const d = BinConverter.fit([1, 1, 1, 2, 2, 3, 4, 4, 5, 6, 7, 8], 2);
  const kept = d.binValues(0);
  const total = kept.counts.reduce((a, b) => a + b, 0);
  assert.is(total, d.binCounts()[0]);
});

test.run();
