import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rng } from '../src/util/rng';

test('same seed, same stream; different seeds differ', () => {
  const a = new Rng(42);
  const b = new Rng(42);
  const c = new Rng(43);
  const xs = Array.from({ length: 5 }, () => a.float());
  assert.equal(Array.from({ length: 5 }, () => b.float()), xs);
  assert.not.equal(Array.from({ length: 5 }, () => c.float()), xs);
});

test('state round-trips and forks are independent and reproducible', () => {
  const a = new Rng(7);
  a.float();
  const s = a.state();
  const x = a.float();
  assert.is(Rng.fromState(s).float(), x);
  const [f1, f2] = new Rng(1).split(2);
  const [g1] = new Rng(1).split(2);
  assert.is(f1.float(), g1.float());
  assert.is.not(f1.float(), f2.float());
});

test('distributions have the right moments', () => {
  const r = new Rng(3);
  const n = 200_000;
  let s = 0;
  let s2 = 0;
  let e = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const z = r.normal();
    s += z;
    s2 += z * z;
    e += r.exponential(2);
    const u = r.float();
    lo = Math.min(lo, u);
    hi = Math.max(hi, u);
  }
  assert.ok(Math.abs(s / n) < 0.01);
  assert.ok(Math.abs(s2 / n - 1) < 0.02);
  assert.ok(Math.abs(e / n - 2) < 0.03);
  assert.ok(lo >= 0 && hi < 1);
  const counts = [0, 0, 0];
  for (let i = 0; i < 30_000; i++) counts[r.weighted([1, 2, 0, 3].slice(0, 3))]++;
  assert.ok(Math.abs(counts[0] / 30_000 - 1 / 3) < 0.015);
  assert.is(counts[2], 0);
});


test('Rng.stream: the same (seed, index) gives the same draws; other indices and seeds give unrelated ones; indices past 2^32 count', () => {
  const draw = (r: Rng) => Array.from({ length: 8 }, () => r.float());
  assert.equal(draw(Rng.stream(1, 5)), draw(Rng.stream(1, 5)));
  const firsts = new Set<number>();
  for (let k = 0; k < 2000; k++) firsts.add(Rng.stream(1, k).float());
  assert.is(firsts.size, 2000);
  assert.not.equal(draw(Rng.stream(1, 0)), draw(Rng.stream(2, 0)));
  // Indices past 2^32 use their high word: k and k + 2^32 are different streams.
  assert.not.equal(draw(Rng.stream(1, 3)), draw(Rng.stream(1, 3 + 2 ** 32)));
  // Draws of one stream look uniform: mean near 1/2 over 20,000 draws from different streams' first values.
  let sum = 0;
  for (let k = 0; k < 20000; k++) sum += Rng.stream(9, k).float();
  assert.ok(Math.abs(sum / 20000 - 0.5) < 0.01);
  assert.throws(() => Rng.stream(1, -1), /whole number/);
});

test.run();
