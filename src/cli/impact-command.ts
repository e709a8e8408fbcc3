/**
 * `marsbook impact [--model DIR] [--messages F --orderbook F] --start HH:MM --sizes LIST --trajectories K
 *  --seed S [--side buy|sell] [--schedule twap|aggressive] [--world lmm|noise|lmm,noise] [--measure end|peak|post|shortfall]
 *  [--duration S] [--after M] [--redis URL [--queue NAME]] [--json]`: MarS's "what if I trade?" experiment. For each size (a fraction
 * of the volume V the control futures traded in the execution window), K futures with the metaorder
 * against the same K futures without it; the impact with bootstrap intervals; the square-root law
 * `I = Y·σ·(Q/V)^δ` fitted (with the linear, logarithmic and Almgren 3/5 laws beside it), and the decay
 * after the execution. Several worlds (`--world lmm,noise`) run the same experiment in each: the noise
 * world, where nobody reacts, is the mechanical baseline.
 */
import { existsSync } from 'node:fs';
import { loadLobster } from '../data/lobster-load';
import { findOrderbookBeside } from '../data/lobster-names';
import { extractOrders } from '../replay/lobster-orders';
import type { WorldKind } from '../sim/run-group';
import { runImpactExperiment, type ImpactSchedule } from '../sim/impact-experiment';
import { impactDecayPath, impactFitPoints, impactMeasures, type ImpactMeasure, type ImpactReport } from '../analysis/impact';
import { fitImpactDecays, fitImpactLaws } from '../analysis/impact-laws';
import type { CurveFit } from '../analysis/fitting';
import { clockString } from '../util/clock';
import { clockFlag, resolveDayFiles } from './day-files';
import { CliError, type CliIO } from './io';

export interface ImpactCommandOptions {
  model?: string;
  messages?: string;
  orderbook?: string;
  start?: string;
  sizes?: string;
  trajectories?: number;
  seed?: number;
  side?: string;
  schedule?: string;
  world?: string;
  measure?: string;
  duration?: number;
  after?: number;
  pvr?: number;
  level?: number;
  workers?: number;
  redis?: string;
  queue?: string;
  resamples?: number;
  json?: boolean;
}

interface LawSummary {
  Y: number;
  delta: number;
  ci: { Y: [number, number]; delta: [number, number] };
  r2: number;
  n: number;
}

interface WorldImpact {
  world: WorldKind;
  windowVolume: number;
  sigmaBp: number;
  points: Array<Record<string, number | number[]>>;
  sqrtLaw: LawSummary | null;
  /** Every law fitted (parameters with intervals, R²). */
  laws: Record<string, { formula: string; params: Record<string, { value: number; ci: [number, number] }>; r2: number }>;
  skipped: Record<string, string>;
  /** Decay of the largest size's impact after the execution. */
  decay: Record<string, { formula: string; params: Record<string, { value: number; ci: [number, number] }>; r2: number }>;
  seconds: number;
}

const WORLDS: readonly WorldKind[] = ['lmm', 'noise'];
const MEASURES: readonly ImpactMeasure[] = ['end', 'peak', 'post', 'shortfall'];

function lawJson(f: CurveFit): { formula: string; params: Record<string, { value: number; ci: [number, number] }>; r2: number } {
  return { formula: f.formula, params: Object.fromEntries(f.parameters.map((p) => [p.name, { value: p.value, ci: p.ci }])), r2: f.r2 };
}

export async function impactCommand(o: ImpactCommandOptions, io: CliIO): Promise<number> {
  const files = resolveDayFiles(o);
  const ob = files.orderbook ?? findOrderbookBeside(files.messages);
  if (!ob || !existsSync(ob)) throw new CliError(`--messages ${files.messages}: the experiment starts from the real book, so it needs the orderbook file too (--orderbook)`);
  const sizes = (o.sizes ?? '0.02,0.05,0.1,0.2,0.3,0.5').split(',').map((x) => Number(x.trim()));
  if (sizes.length === 0 || sizes.some((f) => !(f > 0))) throw new CliError(`--sizes ${o.sizes}: expected positive fractions of the window's volume, e.g. 0.02,0.05,0.1,0.2,0.3,0.5`);
  const side = o.side ?? 'buy';
  if (side !== 'buy' && side !== 'sell') throw new CliError(`--side ${o.side}: expected buy or sell`);
  const schedule = (o.schedule ?? 'twap') as ImpactSchedule;
  if (schedule !== 'twap' && schedule !== 'aggressive') throw new CliError(`--schedule ${o.schedule}: expected twap or aggressive`);
  const measure = (o.measure ?? 'end') as ImpactMeasure;
  if (!MEASURES.includes(measure)) throw new CliError(`--measure ${o.measure}: expected one of ${MEASURES.join(', ')}`);
  const worlds = (o.world ?? 'lmm').split(',').map((w) => w.trim()) as WorldKind[];
  for (const w of worlds) if (!WORLDS.includes(w)) throw new CliError(`--world ${o.world}: expected lmm, noise, or both (lmm,noise)`);
  const start = o.start ?? '15:00';
  clockFlag(start, '--start');
  const K = o.trajectories ?? 8;
  const seed = o.seed ?? 1;
  if (o.redis && o.workers !== undefined) throw new CliError("--workers and --redis: the futures run either on this machine's threads or on queue workers; drop one");
  if (o.queue !== undefined && !o.redis) throw new CliError('--queue needs --redis');
  const day = await loadLobster(files.messages, ob);
  const events = extractOrders(day.flow, day.frames);
  const results: WorldImpact[] = [];
  for (const world of worlds) {
    const t0 = performance.now();
    let exp;
    try {
      exp = await runImpactExperiment({ model: o.model, day, events, world, start, sizes, trajectories: K, seed, side, schedule, duration: o.duration, after: o.after, pvr: o.pvr, aggressiveLevel: o.level, workers: o.workers, backend: o.redis ? { redis: o.redis, queue: o.queue } : undefined });
    } catch (e) {
      if (e instanceof RangeError || /control futures traded nothing/.test((e as Error).message)) throw new CliError((e as Error).message);
      throw e;
    }
    const report = impactMeasures(exp, { seed, resamples: o.resamples ?? 500 });
    const fits = fitImpactLaws(impactFitPoints(report, measure), { seed, resamples: o.resamples ?? 500 });
    const sq = fits.fits.sqrt;
    const largest = Math.max(...sizes);
    const decay = report.horizon > report.duration ? fitImpactDecays(impactDecayPath(report, largest), { seed, resamples: 200, duration: report.duration }) : null;
    results.push({
      world,
      windowVolume: report.windowVolume,
      sigmaBp: report.sigmaBp,
      points: pointsJson(report),
      sqrtLaw: sq ? { Y: sq.params.Y, delta: sq.params.delta, ci: { Y: ci(sq, 'Y'), delta: ci(sq, 'delta') }, r2: sq.r2, n: sq.n } : null,
      laws: Object.fromEntries(Object.entries(fits.fits).map(([k, f]) => [k, lawJson(f!)])),
      skipped: fits.skipped as Record<string, string>,
      decay: decay ? Object.fromEntries(Object.entries(decay.fits).map(([k, f]) => [k, lawJson(f!)])) : {},
      seconds: (performance.now() - t0) / 1000,
    });
  }
  const first = results[0];
  const common = { messages: files.messages, start: clockString(clockFlag(start, '--start')), side, schedule, measure, sizes, trajectories: K, seed };
  if (o.json) {
    const rest = Object.fromEntries(results.slice(1).map((r) => [r.world, r]));
    io.out(JSON.stringify({ ...common, ...first, ...rest }) + '\n');
    return 0;
  }
  const e = (x: number[]) => (Number.isFinite(x[0]) ? `${x[0].toFixed(2)} [${x[1].toFixed(2)}, ${x[2].toFixed(2)}]` : '–');
  const lines = [
    `${day.flow.meta.symbol} ${day.flow.meta.date} from ${common.start} · ${side} metaorders (${schedule}) over the window, ${K} paired futures per size (with and without, same seed) · impact in bp, 95% bootstrap intervals`,
  ];
  for (const r of results) {
    lines.push(
      `${r.world} world: window volume V ${Math.round(r.windowVolume).toLocaleString('en-US')} shares, σ ${r.sigmaBp.toFixed(1)} bp; ${r.seconds.toFixed(0)} s`,
      `  ${'Q/V asked'.padEnd(10)}${'shares'.padStart(8)}  ${'Q/V done'.padEnd(9)} ${'end'.padEnd(22)} ${'peak'.padEnd(22)} ${'post'.padEnd(22)} ${'shortfall'.padEnd(22)} fill`,
      ...r.points.map((p) => `  ${String(p.fraction).padEnd(10)}${String(p.quantity).padStart(8)}  ${(p.participation as number).toFixed(3).padEnd(9)} ${e(p.endBp as number[]).padEnd(22)} ${e(p.peakBp as number[]).padEnd(22)} ${e(p.postBp as number[]).padEnd(22)} ${e(p.shortfallBp as number[]).padEnd(22)} ${((p.fillRatio as number[])[0] * 100).toFixed(0)}%`),
      r.sqrtLaw
        ? `  sqrtLaw (${measure}): I/σ = Y·(Q/V)^δ with Y ${r.sqrtLaw.Y.toFixed(3)} [${r.sqrtLaw.ci.Y.map((x) => x.toFixed(3)).join(', ')}], δ ${r.sqrtLaw.delta.toFixed(3)} [${r.sqrtLaw.ci.delta.map((x) => x.toFixed(3)).join(', ')}], R² ${r.sqrtLaw.r2.toFixed(3)}`
        : '  sqrtLaw: not fitted',
      `  other laws: ${Object.entries(r.laws)
        .filter(([k]) => k !== 'sqrt')
        .map(([k, f]) => `${k} R² ${f.r2.toFixed(3)}`)
        .join(', ')}${Object.keys(r.skipped).length ? ` (skipped: ${Object.entries(r.skipped).map(([k, why]) => `${k}: ${why}`).join('; ')})` : ''}`,
    );
  }
  io.out(lines.join('\n') + '\n');
  return 0;
}

function ci(f: CurveFit, name: string): [number, number] {
  return f.parameters.find((p) => p.name === name)?.ci ?? [NaN, NaN];
}

function pointsJson(r: ImpactReport): Array<Record<string, number | number[]>> {
  const est = (x: { value: number; lo: number; hi: number }) => [x.value, x.lo, x.hi];
  return r.points.map((p) => ({
    fraction: p.fraction,
    quantity: p.quantity,
    participation: p.participation,
    endBp: est(p.endBp),
    peakBp: est(p.peakBp),
    postBp: est(p.postBp),
    endSigma: est(p.endSigma),
    shortfallBp: est(p.shortfallBp),
    fillRatio: est(p.fillRatio),
    futures: p.futures,
  }));
}
