import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadLobster, type LobsterData } from '../src/data/lobster-load';
import { runImpactExperiment, windowTradedVolume, type ImpactExperiment } from '../src/sim/impact-experiment';
import { impactDecayPath, impactMeasures } from '../src/analysis/impact';
import { Trajectories } from '../src/sim/trajectories';
import { impactPathChart } from '../src/plot/impact-charts';
import { dayFiles } from './helpers';

let cache: { day: LobsterData; start: string } | null = null;
async function day(): Promise<{ day: LobsterData; start: string }> {
  if (cache) return cache;
  const f = dayFiles('GOOG', 10);
  cache = { day: await loadLobster(f.messages, f.orderbook), start: f.real ? '15:00' : '09:45' };
  return cache;
}

/** A copy of `t` whose every future carries a metaorder report and whose book is moved by `shift` price units. */
function shifted(t: Trajectories, shift: number): Trajectories {
  const data = t.data.map((d) => ({
    ...d,
    snapshots: { ...d.snapshots, bid: d.snapshots.bid.map((x) => x + shift), ask: d.snapshots.ask.map((x) => x + shift) },
    agents: [{ filled: 100, shortfallBp: 2, fillRatio: 0.5 }],
  }));
  return new Trajectories(t.state, t.spec, data, t.timing);
}

test('impact experiment: sizes are fractions of the control window volume; the same seed gives the same report', async () => {
  const { day: d, start } = await day();
  const options = { day: d, world: 'noise' as const, start, sizes: [0.1, 0.3], trajectories: 4, seed: 3, duration: 60, slices: 4, after: 0.5, schedule: 'aggressive' as const, workers: 0 };
  const exp = await runImpactExperiment(options);
  assert.is(exp.windowVolume, windowTradedVolume(exp.control, 60));
  assert.ok(exp.windowVolume > 0);
  assert.equal(exp.runs.map((r) => r.quantity), [Math.round(0.1 * exp.windowVolume), Math.round(0.3 * exp.windowVolume)]);
  assert.is(exp.horizon, 90);
  const r = impactMeasures(exp);
  assert.is(r.points.length, 2);
  for (const [i, p] of r.points.entries()) {
    const filled = exp.runs[i].trajectories.data.map((t) => t.agents[0]!.filled);
    assert.ok(filled.every((f) => f <= exp.runs[i].quantity));
    assert.ok(Math.abs(p.participation - filled.reduce((a, b) => a + b, 0) / filled.length / exp.windowVolume) < 1e-12);
    assert.ok(p.endBp.lo <= p.endBp.value && p.endBp.value <= p.endBp.hi, 'the estimate lies inside its interval');
    assert.ok(p.peakBp.value >= p.endBp.value && p.peakBp.value >= p.postBp.value, 'the peak is the largest point of the mean path');
  }
  // The path table: one row per size and grid time, from 0 to the horizon.
  const T = r.path.seconds.length / 2;
  assert.is(r.path.seconds[0], 0);
  assert.is(r.path.seconds[T - 1], 90);
  const again = impactMeasures(await runImpactExperiment(options));
  assert.equal(again.points, r.points);
  // The path chart draws every finite point of the path, one line per size, and renders.
  const chart = impactPathChart(r);
  const rows = (chart.spec as unknown as { layer: Array<{ data: { values: unknown[] } }> }).layer[1].data.values;
  assert.is(rows.length, Array.from(r.path.meanBp).filter(Number.isFinite).length);
  assert.match(await chart.toSVG(), /^<svg/);
});

test('impact measures against hand-made cases: no difference gives zero; a book moved by one tick gives tick/mid in bp, signed by side', async () => {
  const { day: d, start } = await day();
  const exp = await runImpactExperiment({ day: d, world: 'noise', start, sizes: [0.1], trajectories: 3, seed: 1, duration: 30, slices: 2, after: 0.25, workers: 0 });
  const tick = exp.control.venue.tickSize;
  const mid0 = exp.control.state.mid;
  const same: ImpactExperiment = { ...exp, runs: [{ fraction: 0.1, quantity: 1, trajectories: shifted(exp.control, 0) }] };
  const zero = impactMeasures(same).points[0];
  for (const k of ['peakBp', 'endBp', 'postBp'] as const) assert.equal([zero[k].value, zero[k].lo, zero[k].hi], [0, 0, 0]);
  assert.is(zero.shortfallBp.value, 2);
  assert.is(zero.fillRatio.value, 0.5);
  const up: ImpactExperiment = { ...exp, runs: [{ fraction: 0.1, quantity: 1, trajectories: shifted(exp.control, tick) }] };
  const one = impactMeasures(up).points[0];
  const bp = (tick / mid0) * 1e4;
  assert.ok(Math.abs(one.endBp.value - bp) < 1e-9 && Math.abs(one.postBp.value - bp) < 1e-9);
  assert.ok(Math.abs(one.endSigma.value - bp / impactMeasures(up).sigmaBp) < 1e-9);
  // The decay input: each future's own path after the window (whole futures are what its bootstrap resamples).
  const decay = impactDecayPath(impactMeasures(up), 0.1);
  assert.is(decay.paths!.length, 3);
  assert.is(decay.t[0], 0);
  assert.ok(decay.paths!.every((p) => p.length === decay.t.length && Array.from(p).every((v) => Math.abs(v - bp) < 1e-9)));
  assert.throws(() => impactDecayPath(impactMeasures(up), 0.7), /no size 0.7/);
  const sell = impactMeasures({ ...up, side: 'sell' }).points[0];
  assert.ok(Math.abs(sell.endBp.value + bp) < 1e-9, 'a seller is hurt by a falling price: the same move counts negative');
});

test('impact experiment: bad sizes and sides are refused with the option named', async () => {
  const { day: d, start } = await day();
  const errs: string[] = [];
  for (const bad of [{ sizes: [] }, { sizes: [0.1, -1] }, { sizes: [0.1], side: 'hold' }]) {
    await runImpactExperiment({ day: d, world: 'noise', start, trajectories: 1, seed: 1, ...(bad as { sizes: number[] }) }).catch((e: Error) => errs.push(e.message));
  }
  assert.is(errs.length, 3);
  assert.match(errs[0], /sizes/);
  assert.match(errs[1], /sizes/);
  assert.match(errs[2], /side/);
});

test.run();
