import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fitImpactDecay, fitImpactDecays, fitImpactLaw, fitImpactLaws, type ImpactPoint } from '../src/analysis/impact-laws';
import { fitPowerLaw, ols } from '../src/analysis/fitting';
import { Rng } from '../src/util/rng';

const close = (a: number, b: number, eps: number, what = '') => assert.ok(Math.abs(a - b) <= eps, `${what} ${a} vs ${b} (±${eps})`);

const SIZES = [0.02, 0.05, 0.1, 0.2, 0.3, 0.5];

/** Impacts in bp from I = Y·σ·q^δ plus seeded Gaussian noise, `per` trajectories per size. */
function sqrtPoints(Y: number, delta: number, sigma: number, noise: number, per: number, seed: number): ImpactPoint[] {
  const rng = new Rng(seed);
  const out: ImpactPoint[] = [];
  for (const q of SIZES) for (let k = 0; k < per; k++) out.push({ q, impact: Y * sigma * q ** delta + noise * rng.normal(), sigma });
  return out;
}

test('OLS by hand: slope, intercept, R², standard errors; weights as repeated points', () => {
  // y = 1 + 2x exactly, then one point off: x 0,1,2,3; y 1,3,5,8.
  const f = ols([0, 1, 2, 3], [1, 3, 5, 8]);
  // x̄ = 1.5, ȳ = 4.25, Sxx = 5, Sxy = (−1.5)(−3.25)+(−0.5)(−1.25)+(0.5)(0.75)+(1.5)(3.75) = 11.5
  close(f.slope, 2.3, 1e-12);
  close(f.intercept, 4.25 - 2.3 * 1.5, 1e-12);
  // residuals: 1−0.8=0.2, 3−3.1=−0.1, 5−5.4=−0.4, 8−7.7=0.3: SSR 0.3, SST 26.75
  close(f.r2, 1 - 0.3 / 26.75, 1e-12);
  close(f.slopeSE, Math.sqrt(0.3 / 2 / 5), 1e-12);
  close(f.interceptSE, Math.sqrt((0.3 / 2) * (1 / 4 + 1.5 ** 2 / 5)), 1e-12);
  // A weight of 2 is the point counted twice (the estimates; the standard errors count points, not weight).
  const w = ols([0, 1, 2], [1, 2, 5], { weights: [1, 2, 1] });
  const d = ols([0, 1, 1, 2], [1, 2, 2, 5]);
  close(w.slope, d.slope, 1e-12);
  close(w.intercept, d.intercept, 1e-12);
  // Through the origin: slope Σxy/Σx².
  close(ols([1, 2], [1, 3], { intercept: false }).slope, 7 / 5, 1e-12);
});

test('power law on log-log axes: an exact ℓ^−0.6 gives γ = 0.6; non-positive values are counted, not logged', () => {
  const lag = Array.from({ length: 500 }, (_, i) => i + 1);
  const c = lag.map((l) => 0.4 * l ** -0.6);
  const f = fitPowerLaw(lag, c, { from: 1, to: 300, binning: 'first' });
  close(f.exponent, 0.6, 1e-12);
  close(f.prefactor, 0.4, 1e-12);
  close(f.r2, 1, 1e-12);
  // about 20 log bins per decade over 2.5 decades, not 300 lags
  assert.ok(f.x.length > 35 && f.x.length < 60, `${f.x.length} bins used`);
  // Bin means (the default) at the bins' geometric centres: a hair off an exact power law.
  close(fitPowerLaw(lag, c, { from: 1, to: 300 }).exponent, 0.6, 2e-3);
  // Noise around zero at long lags: a bin mean that is ≤ 0 is dropped and counted.
  c[99] = -0.01; // lag 100 is a bin's first lag
  assert.is(fitPowerLaw(lag, c, { from: 1, to: 300, binning: 'first' }).dropped, 1);
  const noisy = lag.map((l) => (l >= 200 ? -0.001 : c[l - 1]));
  assert.ok(fitPowerLaw(lag, noisy, { from: 1, to: 300 }).dropped >= 3);
  assert.throws(() => fitPowerLaw(lag, c, { from: 0, to: 10 }), /0 < from < to/);
});

test('square-root law: δ and Y recovered from seeded noisy points (both fits), the truth inside the intervals', () => {
  const pts = sqrtPoints(0.8, 0.5, 20, 2, 40, 7);
  const nls = fitImpactLaw(pts, 'sqrt', { seed: 1 });
  close(nls.params.delta, 0.5, 0.05, 'δ');
  close(nls.params.Y, 0.8, 0.08, 'Y');
  const [dlo, dhi] = nls.parameters[1].ci;
  assert.ok(dlo < 0.5 && 0.5 < dhi, `δ interval ${dlo}..${dhi}`);
  assert.ok(nls.r2 > 0 && nls.r2 < 1);
  assert.is(nls.bootstrap.scheme, 'points');
  assert.is(nls.bootstrap.draws.delta.length + nls.bootstrap.failed, 200);
  // Raw points go below zero; their means per size do not, and the log-log fit applies to those.
  const means = SIZES.map((q) => {
    const at = pts.filter((p) => p.q === q);
    return { q, impact: at.reduce((s, p) => s + p.impact, 0) / at.length, sigma: 20, weight: at.length };
  });
  assert.ok(pts.some((p) => p.impact < 0));
  const ll = fitImpactLaw(means, 'sqrtLogLog', { seed: 1 });
  close(ll.params.delta, 0.5, 0.05, 'log-log δ');
  close(ll.params.Y, 0.8, 0.08, 'log-log Y');
  // Seeded: the same seed gives the same intervals, another seed others.
  assert.equal(fitImpactLaw(pts, 'sqrt', { seed: 1 }).parameters, nls.parameters);
  assert.not.equal(fitImpactLaw(pts, 'sqrt', { seed: 2 }).parameters[1].ci, nls.parameters[1].ci);
  // Residuals are y − fitted in σ units.
  close(nls.residuals[0], pts[0].impact / 20 - nls.predict(pts[0].q), 1e-12);
});

test('the nonlinear fit is the least-squares optimum (checked against a fine profile over δ)', () => {
  const pts = sqrtPoints(0.6, 0.4, 1, 0.15, 10, 3);
  const f = fitImpactLaw(pts, 'sqrt', { resamples: 0 });
  const ssr = (Y: number, d: number) => pts.reduce((s, p) => s + (p.impact - Y * p.q ** d) ** 2, 0);
  let best = Infinity;
  let bestD = NaN;
  for (let d = 0.2; d <= 0.7; d += 1e-4) {
    const g = pts.map((p) => p.q ** d);
    const Y = pts.reduce((s, p, i) => s + p.impact * g[i], 0) / g.reduce((s, v) => s + v * v, 0);
    const v = ssr(Y, d);
    if (v < best) [best, bestD] = [v, d];
  }
  assert.ok(ssr(f.params.Y, f.params.delta) <= best + 1e-12, 'no worse than the best grid point');
  close(f.params.delta, bestD, 2e-4);
  // Without noise: exact.
  const exact = SIZES.map((q) => ({ q, impact: 0.9 * q ** 0.55 }));
  const e = fitImpactLaw(exact, 'sqrt', { resamples: 0 });
  close(e.params.delta, 0.55, 1e-7);
  close(e.params.Y, 0.9, 1e-7);
  close(fitImpactLaw(exact, 'sqrtLogLog', { resamples: 0 }).params.delta, 0.55, 1e-12);
});

test('linear, Almgren 3/5 and logarithmic laws: closed forms by hand, an exact log law recovered', () => {
  // a = Σqy/Σq² = (0.1·1 + 0.2·3)/(0.01 + 0.04) = 14; fitted 1.4, 2.8; SSR 0.2, SST 2: R² 0.9.
  const lin = fitImpactLaw([{ q: 0.1, impact: 1 }, { q: 0.2, impact: 3 }, { q: 0.2, impact: 3 }], 'linear', { resamples: 0 });
  close(lin.params.a, (0.1 + 1.2) / (0.01 + 0.08), 1e-12);
  const two = fitImpactLaw([{ q: 0.1, impact: 1 }, { q: 0.2, impact: 3 }], 'linear', { resamples: 0 });
  close(two.params.a, 14, 1e-12);
  close(two.r2, 0.9, 1e-12);
  assert.equal(Array.from(two.residuals).map((r) => +r.toFixed(12)), [-0.4, 0.2]);
  const am = fitImpactLaw([{ q: 0.1, impact: 1 }, { q: 0.2, impact: 3 }], 'almgren', { resamples: 0 });
  const g = [0.1 ** 0.6, 0.2 ** 0.6];
  close(am.params.eta, (g[0] + 3 * g[1]) / (g[0] ** 2 + g[1] ** 2), 1e-12);
  const exactLog = SIZES.map((q) => ({ q, impact: 2 * Math.log1p(10 * q) }));
  const lg = fitImpactLaw(exactLog, 'log', { resamples: 0 });
  close(lg.params.a, 2, 1e-6);
  close(lg.params.b, 10, 1e-5);
});

test('σ per point: impacts in bp with each its own σ give the same Y as impacts in σ units', () => {
  const rng = new Rng(5);
  const bp: ImpactPoint[] = [];
  const units: ImpactPoint[] = [];
  for (const q of SIZES) {
    const sigma = 10 + 20 * rng.float();
    const z = 0.7 * q ** 0.5 * (1 + 0.05 * rng.normal());
    bp.push({ q, impact: z * sigma, sigma });
    units.push({ q, impact: z });
  }
  const a = fitImpactLaw(bp, 'sqrt', { resamples: 0 });
  const b = fitImpactLaw(units, 'sqrt', { resamples: 0 });
  close(a.params.Y, b.params.Y, 1e-9);
  // a common σ option divides every impact
  close(fitImpactLaw(units.map((p) => ({ q: p.q, impact: p.impact * 4 })), 'sqrt', { resamples: 0, sigma: 4 }).params.Y, b.params.Y, 1e-9);
});

test('weights: a weight of 2 fits like the point given twice', () => {
  const pts = sqrtPoints(0.8, 0.5, 1, 0.1, 2, 9);
  const weighted = pts.map((p, i) => ({ ...p, weight: i === 3 ? 2 : 1 }));
  const doubled = [...pts, pts[3]];
  const a = fitImpactLaw(weighted, 'sqrt', { resamples: 0 });
  const b = fitImpactLaw(doubled, 'sqrt', { resamples: 0 });
  close(a.params.delta, b.params.delta, 1e-8);
  close(a.params.Y, b.params.Y, 1e-8);
});

test('all laws at once: raw points with negative impacts skip the log-log fit and say why; a table with a row per parameter', () => {
  const pts = sqrtPoints(0.8, 0.5, 1, 0.6, 10, 11);
  assert.ok(pts.some((p) => p.impact < 0));
  const all = fitImpactLaws(pts, { resamples: 20 });
  assert.equal(Object.keys(all.fits).sort(), ['almgren', 'linear', 'log', 'sqrt']);
  assert.match(all.skipped.sqrtLogLog!, /≤ 0/);
  const c = all.table.columns();
  assert.equal(c.model, ['sqrt', 'sqrt', 'linear', 'log', 'log', 'almgren']);
  assert.equal(c.parameter, ['Y', 'delta', 'a', 'a', 'b', 'eta']);
  assert.ok((c.lo as Float64Array)[1] <= (c.value as Float64Array)[1] && (c.value as Float64Array)[1] <= (c.hi as Float64Array)[1]);
  // the square-root law fits these points better than the linear one
  assert.ok(all.fits.sqrt!.r2 > all.fits.linear!.r2);
});

test('bad input: one-line errors naming the point, the field or the option', () => {
  assert.throws(() => fitImpactLaw([{ q: 0.1, impact: 1 }, { q: 0, impact: 2 }, { q: 0.3, impact: 3 }], 'sqrt'), /point 1 has q = 0/);
  assert.throws(() => fitImpactLaw([{ q: 0.1, impact: NaN }, { q: 0.2, impact: 2 }, { q: 0.3, impact: 3 }], 'sqrt'), /point 0 has impact = NaN/);
  assert.throws(() => fitImpactLaw([{ q: 0.1, impact: 1 }, { q: 0.2, impact: 2 }], 'sqrt'), /needs at least 3 points/);
  assert.throws(() => fitImpactLaw([{ q: 0.1, impact: 1 }, { q: 0.1, impact: 2 }, { q: 0.1, impact: 3 }], 'sqrt'), /2 distinct q values/);
  assert.throws(() => fitImpactLaw([{ q: 0.1, impact: 1 }, { q: 0.2, impact: -2 }, { q: 0.3, impact: 3 }], 'sqrtLogLog'), /point 1 has impact -2 ≤ 0/);
  assert.throws(() => fitImpactLaw(SIZES.map((q) => ({ q, impact: q, sigma: -1 })), 'sqrt'), /point 0 has sigma = -1/);
  assert.throws(() => fitImpactLaw(SIZES.map((q) => ({ q, impact: q })), 'cubic' as never), /unknown law "cubic"/);
  assert.throws(() => fitImpactLaw(SIZES.map((q) => ({ q, impact: q })), 'sqrt', { level: 95 }), /option level must be in \(0, 1\) \(got 95\)/);
  assert.throws(() => fitImpactLaw(SIZES.map((q) => ({ q, impact: q })), 'sqrt', { sigma: 0 }), /option sigma must be a positive number/);
});

test('decay: the power law, the plain power law and Gatheral’s form recovered from exact paths', () => {
  const t = Array.from({ length: 61 }, (_, i) => i * 5);
  const power = fitImpactDecay({ t, impact: t.map((s) => 12 * (1 + s / 40) ** -0.6) }, 'power', { resamples: 0 });
  close(power.params.Iend, 12, 1e-6);
  close(power.params.tau, 40, 1e-4);
  close(power.params.beta, 0.6, 1e-6);
  const t1 = t.slice(1);
  const plain = fitImpactDecay({ t: t1, impact: t1.map((s) => 30 * s ** -0.4) }, 'plainPower', { resamples: 0 });
  close(plain.params.beta, 0.4, 1e-7);
  const T = 300;
  const gath = fitImpactDecay({ t, impact: t.map((s) => 0.5 * (Math.sqrt(s + T) - Math.sqrt(s))) }, 'gatheral', { resamples: 0, duration: T });
  close(gath.params.c, 0.5, 1e-12);
  close(gath.r2, 1, 1e-12);
  assert.throws(() => fitImpactDecay({ t, impact: t }, 'gatheral'), /option duration/);
  assert.throws(() => fitImpactDecay({ t, impact: t }, 'plainPower'), /t\[0\] = 0/);
  assert.throws(() => fitImpactDecay({ t: [-1, 0, 1, 2], impact: [1, 1, 1, 1] }, 'power'), /t\[0\] = -1/);
  assert.throws(() => fitImpactDecay({ t: [0, 1, 2], impact: [3, 2, 1] }, 'power'), /at least 4 points/);
});

test('decay from many noisy paths: fitted on the mean path, intervals from resampled paths, holding the truth', () => {
  const rng = new Rng(21);
  const t = Array.from({ length: 61 }, (_, i) => i * 5);
  const paths = Array.from({ length: 60 }, () => t.map((s) => 10 * (1 + s / 30) ** -0.7 + 1.5 * rng.normal()));
  const all = fitImpactDecays({ t, paths }, { duration: 300, seed: 4, resamples: 100 });
  const p = all.fits.power!;
  assert.is(p.bootstrap.scheme, 'paths');
  const [lo, hi] = p.parameters[2].ci;
  assert.ok(lo < 0.7 && 0.7 < hi, `β interval ${lo}..${hi}`);
  close(p.params.beta, 0.7, 0.1, 'β');
  assert.ok(all.fits.gatheral && all.fits.plainPower);
  assert.is(all.fits.plainPower!.n, 60); // t = 0 left out
  // without a duration the Gatheral fit is skipped with the reason
  assert.match(fitImpactDecays({ t, paths }, { resamples: 0 }).skipped.gatheral!, /duration/);
  assert.throws(() => fitImpactDecay({ t, paths: [t.slice(1)] }, 'power'), /path 0 has 60 values, t has 61/);
});

test.run();
