import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { charts } from '../src/index';
import { fitImpactDecays, fitImpactLaws } from '../src/analysis/impact-laws';
import { kyleLambda, ofiRegression } from '../src/analysis/order-flow-impact';
import { propagatorAnalysis } from '../src/analysis/propagator';
import { priceResponseCurves, priceResponseScore } from '../src/analysis/price-response';
import { loadLobsterSync } from '../src/data/lobster-load';
import type { Chart } from '../src/plot/chart';
import { Rng } from '../src/util/rng';
import { dayFiles } from './helpers';

type Layer = { data?: { values: Array<Record<string, number>> }; mark: { type: string } | string };

async function renders(c: Chart): Promise<void> {
  assert.match(String(c.spec.$schema), /vega-lite\/v5/);
  const svg = await c.toSVG();
  assert.match(svg, /^<svg/);
  assert.ok(svg.length > 2000);
}

test('impact-law and decay charts: points, curves and the bootstrap band, linear and log-log', async () => {
  const rng = new Rng(2);
  const pts = [0.02, 0.05, 0.1, 0.2, 0.3, 0.5].flatMap((q) => Array.from({ length: 20 }, () => ({ q, impact: 0.8 * q ** 0.5 + 0.05 * rng.normal() })));
  const fits = fitImpactLaws(pts, { resamples: 40 });
  const lin = charts.impactLaw(fits);
  await renders(lin);
  const layers = (lin.spec as { layer: Layer[] }).layer;
  // band, raw points, error bars, means, curves
  assert.equal(layers.map((l) => (typeof l.mark === 'string' ? l.mark : l.mark.type)), ['area', 'point', 'rule', 'point', 'line']);
  assert.is(layers[3].data!.values.length, 6); // one mean per size
  const curves = layers[4].data!.values;
  assert.is(new Set(curves.map((r) => r.fit)).size, Object.keys(fits.fits).length);
  const log = charts.impactLaw(fits, { logLog: true });
  await renders(log);
  assert.match(JSON.stringify(log.spec), /"type":"log"/);
  const t = Array.from({ length: 31 }, (_, i) => i * 10);
  const decay = fitImpactDecays({ t, impact: t.map((s) => 5 * (1 + s / 30) ** -0.6 + 0.05 * rng.normal()) }, { duration: 300, resamples: 20 });
  await renders(charts.impactDecay(decay));
  await renders(charts.impactDecay(decay, { logLog: true }));
  assert.throws(() => charts.impactLaw([]), /no fits/);
});

test('order-flow, propagator and price-response charts on a LOBSTER day', async () => {
  const f = dayFiles('GOOG', 10);
  const d = loadLobsterSync(f.messages, f.orderbook);
  const seq = { flow: d.flow, frames: d.frames! };
  const o = ofiRegression(seq, { interval: 10 });
  const ofi = charts.ofi(o, { points: 500 });
  await renders(ofi);
  assert.ok((ofi.spec as { layer: Layer[] }).layer[0].data!.values.length <= 500);
  await renders(charts.kyleLambda(kyleLambda(seq, { interval: 60 })));
  await renders(charts.ofiDepth(o));
  await renders(charts.propagator(propagatorAnalysis(seq, { maxLag: 300 })));
  const half = Math.floor(seq.flow.length / 2);
  const a = { flow: seq.flow.slice(0, half), frames: seq.frames.slice(0, half) };
  const b = { flow: seq.flow.slice(half), frames: seq.frames.slice(half) };
  const cmp = priceResponseScore([a], [b], { resamples: 20 });
  const pr = charts.priceResponse(cmp);
  await renders(pr);
  assert.match(JSON.stringify(pr.spec), /"columns":3/);
  await renders(charts.priceResponse(priceResponseCurves([a], { resamples: 0 })));
});

test.run();
