import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Sampler, logSoftmax } from '../src/model/sampling';
import { Rng } from '../src/util/rng';

const LOGITS = Float32Array.from([0, 1, 2, 3, -1, 0.5]);
const probs = (() => {
  const lp = new Float64Array(6);
  logSoftmax(LOGITS, 0, 6, lp);
  return Array.from(lp, Math.exp);
})();

function freq(s: Sampler, n = 40_000, seed = 1): number[] {
  const r = new Rng(seed);
  const c = new Array(6).fill(0);
  for (let i = 0; i < n; i++) c[s.sample(LOGITS, 0, 6, r)]++;
  return c.map((x) => x / n);
}

test('log-softmax sums to one and respects an offset', () => {
  const out = new Float64Array(3);
  logSoftmax(Float32Array.from([9, 9, 1, 2, 3]), 2, 3, out);
  assert.ok(Math.abs(Array.from(out, Math.exp).reduce((a, b) => a + b, 0) - 1) < 1e-12);
  assert.ok(out[2] > out[1] && out[1] > out[0]);
});

test('temperature 1 draws from the model distribution; the log-probability reported is the model\'s', () => {
  const s = new Sampler();
  const f = freq(s);
  for (let i = 0; i < 6; i++) assert.ok(Math.abs(f[i] - probs[i]) < 0.01, `value ${i}: ${f[i]} vs ${probs[i]}`);
  const k = s.sample(LOGITS, 0, 6, new Rng(3));
  assert.ok(Math.abs(s.lastLogProb - Math.log(probs[k])) < 1e-9);
});

test('temperature sharpens or flattens; 0 is argmax', () => {
  const cold = freq(new Sampler({ temperature: 0.3 }));
  const hot = freq(new Sampler({ temperature: 3 }));
  assert.ok(cold[3] > probs[3] && hot[3] < probs[3]);
  const argmax = freq(new Sampler({ temperature: 0 }), 100);
  assert.is(argmax[3], 1);
});

test('top-k and top-p keep only the most likely values', () => {
  const k2 = freq(new Sampler({ topK: 2 }));
  assert.is(k2[0] + k2[4] + k2[5] + k2[1], 0);
  assert.ok(Math.abs(k2[3] - probs[3] / (probs[3] + probs[2])) < 0.01);
  const p = freq(new Sampler({ topP: 0.5 }));
  // the top value alone has probability ≈ 0.58 ≥ 0.5: only it remains
  assert.is(p[3], 1);
  const p2 = freq(new Sampler({ topP: 0.8 }));
  assert.is(p2[0] + p2[4] + p2[5] + p2[1], 0);
  assert.throws(() => new Sampler({ topP: 0 }), /topP/);
});

test('seeded: the same seed gives the same draws', () => {
  const s = new Sampler({ temperature: 0.8, topK: 4 });
  const a = new Rng(9);
  const b = new Rng(9);
  for (let i = 0; i < 200; i++) assert.is(s.sample(LOGITS, 0, 6, a), s.sample(LOGITS, 0, 6, b));
});

test.run();
