/**
 * Charts of the real-data impact formulas: the OFI (or signed-volume) regression as a scatter with
 * its line, β per window against 1/depth, the response / sign-correlation / propagator curves on log
 * axes, and LOB-Bench's six price-response curves, real against generated. They draw results of
 * `analysis/order-flow-impact`, `analysis/propagator` and `analysis/price-response`.
 */
import type { TopLevelSpec } from 'vega-lite';
import { Chart } from './chart';
import { COLORS } from './theme';
import type { KyleLambda, OfiRegression } from '../analysis/order-flow-impact';
import type { PropagatorAnalysis } from '../analysis/propagator';
import { RESPONSE_CLASS_NAMES, type PriceResponseComparison, type PriceResponseCurves } from '../analysis/price-response';

type Row = Record<string, number | string>;

function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(2) : v.toPrecision(3);
}

export interface FlowChartOptions {
  title?: string;
  /** Intervals drawn at most (default 4,000; evenly thinned, the fit uses them all). */
  points?: number;
}

/**
 * The mid change per interval against its order-flow imbalance (`ofiRegression`'s result) or against
 * its signed traded volume (`kyleLambda`'s), with the fitted line.
 */
export function flowRegressionChart(result: OfiRegression | KyleLambda, options: FlowChartOptions = {}): Chart {
  const iv = result.intervals;
  const isOfi = 'windows' in result;
  const xs = isOfi ? iv.ofi : iv.signedVolume;
  const keep = options.points ?? 4000;
  const stride = Math.max(1, Math.ceil(iv.length / keep));
  const rows: Row[] = [];
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < iv.length; i++) {
    if (!Number.isFinite(iv.dMid[i])) continue;
    lo = Math.min(lo, xs[i]);
    hi = Math.max(hi, xs[i]);
    if (i % stride === 0) rows.push({ x: xs[i], y: iv.dMid[i] });
  }
  const f = result.fit;
  const line: Row[] = Number.isFinite(lo) ? [lo, hi].map((x) => ({ x, y: f.intercept + f.slope * x })) : [];
  const what = isOfi ? 'order-flow imbalance (shares)' : 'signed traded volume (shares)';
  const name = isOfi ? 'β' : 'λ';
  return new Chart({
    title: {
      text: options.title ?? (isOfi ? `Mid change against order-flow imbalance, ${iv.interval} s intervals` : `Kyle's λ: mid change against signed volume, ${iv.interval} s intervals`),
      subtitle: `${name} = ${fmt(f.slope)} ticks/share (t ${f.slopeT.toFixed(1)}), intercept ${fmt(f.intercept)}, R² ${f.r2.toFixed(3)}, ${f.n} intervals${stride > 1 ? ` (every ${stride}th drawn)` : ''}`,
    },
    width: 480,
    height: 300,
    layer: [
      { data: { values: rows }, mark: { type: 'point', size: 12, opacity: 0.35, color: COLORS.buy }, encoding: { x: { field: 'x', type: 'quantitative', title: what }, y: { field: 'y', type: 'quantitative', title: 'mid change (ticks)' } } },
      { data: { values: line }, mark: { type: 'line', color: COLORS.sell, strokeWidth: 2 }, encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } } },
    ],
  } as TopLevelSpec);
}

/** β per window against 1/depth (Cont et al.: β = c/D), with the fitted line. */
export function ofiDepthChart(result: OfiRegression, options: { title?: string } = {}): Chart {
  const w = result.windows;
  const rows: Row[] = [];
  let lo = Infinity;
  let hi = -Infinity;
  for (let k = 0; k < w.beta.length; k++) {
    const x = 1 / w.depth[k];
    if (!Number.isFinite(x)) continue;
    lo = Math.min(lo, x);
    hi = Math.max(hi, x);
    rows.push({ x, beta: w.beta[k], r2: w.r2[k], minute: Math.round(w.start[k] / 60) });
  }
  const d = result.depthFit;
  const line: Row[] = Number.isFinite(lo) ? [lo, hi].map((x) => ({ x, beta: d.intercept + d.c * x })) : [];
  return new Chart({
    title: {
      text: options.title ?? `Price impact β per ${result.window / 60}-minute window against 1/depth`,
      subtitle: `β = ${fmt(d.intercept)} + ${fmt(d.c)}/D (R² ${d.r2.toFixed(2)}, ${d.n} windows); log-log: β ∝ D^−λ, λ = ${fmt(d.lambda)} ± ${fmt(d.lambdaSE)}`,
    },
    width: 420,
    height: 280,
    layer: [
      { data: { values: rows }, mark: { type: 'point', filled: true, size: 50, color: COLORS.buy }, encoding: { x: { field: 'x', type: 'quantitative', title: '1 / touch depth (1/shares)' }, y: { field: 'beta', type: 'quantitative', title: 'β (ticks per share)' }, tooltip: [{ field: 'minute', title: 'window start (minute of day)' }, { field: 'r2', title: 'R²', format: '.2f' }] } },
      { data: { values: line }, mark: { type: 'line', color: COLORS.sell, strokeWidth: 2 }, encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'beta', type: 'quantitative' } } },
    ],
  } as TopLevelSpec);
}

/** Log-spaced integer lags up to `max` (about `perDecade` per decade), to keep curves light. */
function logLags(max: number, perDecade = 25): number[] {
  const out = new Set<number>();
  for (let k = 0; 10 ** (k / perDecade) <= max; k++) out.add(Math.round(10 ** (k / perDecade)));
  return [...out];
}

export interface PropagatorChartOptions {
  title?: string;
}

/**
 * Three panels on log-log axes: the sign autocorrelation C(ℓ) with its power-law fit (γ), the response
 * R(ℓ), and the propagator G(ℓ) with its fit (β) and the β = (1 − γ)/2 that diffusive prices need.
 */
export function propagatorChart(a: PropagatorAnalysis, options: PropagatorChartOptions = {}): Chart {
  const maxLag = a.lags.length - 1;
  const cRows: Row[] = [];
  const rRows: Row[] = [];
  let cDropped = 0;
  let rDropped = 0;
  for (const l of logLags(maxLag)) {
    if (a.signCorrelation[l] > 0) cRows.push({ lag: l, value: a.signCorrelation[l], series: 'C(ℓ)' });
    else cDropped++;
    if (a.response[l] > 0) rRows.push({ lag: l, value: a.response[l], series: 'R(ℓ)' });
    else rDropped++;
  }
  const gRows: Row[] = [];
  let gDropped = 0;
  for (const l of logLags(a.propagator.lags.length)) {
    const g = a.propagator.G[l - 1];
    if (g > 0) gRows.push({ lag: l, value: g, series: 'G(ℓ)' });
    else gDropped++;
  }
  const fitLine = (fit: PropagatorAnalysis['gamma'], label: string): Row[] => [fit.range[0], fit.range[1]].map((l) => ({ lag: l, value: fit.prefactor * l ** -fit.exponent, series: label }));
  const predicted: Row[] = [a.beta.range[0], a.beta.range[1]].map((l) => ({ lag: l, value: a.beta.prefactor * l ** -a.betaPredicted, series: 'slope (1−γ)/2' }));
  const panel = (title: string, rows: Row[], fits: Row[], y: string, dropped: number) => ({
    title: dropped ? { text: title, subtitle: `${dropped} lag${dropped > 1 ? 's' : ''} ≤ 0 not drawn` } : title,
    width: 220,
    height: 220,
    layer: [
      { data: { values: rows }, mark: { type: 'point', size: 14, filled: true, color: COLORS.buy }, encoding: { x: { field: 'lag', type: 'quantitative', scale: { type: 'log' }, title: 'lag ℓ (trades)' }, y: { field: 'value', type: 'quantitative', scale: { type: 'log' }, title: y } } },
      ...(fits.length ? [{ data: { values: fits }, mark: { type: 'line', strokeWidth: 1.6 }, encoding: { x: { field: 'lag', type: 'quantitative' }, y: { field: 'value', type: 'quantitative' }, color: { field: 'series', type: 'nominal', title: 'fit', scale: { range: [COLORS.sell, COLORS.accent] } }, strokeDash: { field: 'series', type: 'nominal', legend: null } } }] : []),
    ],
  });
  return new Chart({
    title: {
      text: options.title ?? 'Trade signs and the propagator',
      subtitle: `${a.trades} trades · γ = ${fmt(a.gamma.exponent)} ± ${fmt(a.gamma.exponentSE)} (lags ${a.gamma.range[0]}–${a.gamma.range[1]}) · β = ${fmt(a.beta.exponent)} ± ${fmt(a.beta.exponentSE)} against (1 − γ)/2 = ${fmt(a.betaPredicted)} · ${a.propagator.form} equation`,
    },
    hconcat: [
      panel('sign autocorrelation C(ℓ)', cRows, fitLine(a.gamma, `ℓ^−γ, γ ${fmt(a.gamma.exponent)}`), 'C(ℓ)', cDropped),
      panel('response R(ℓ)', rRows, [], 'R(ℓ) (ticks)', rDropped),
      panel('propagator G(ℓ)', gRows, [...fitLine(a.beta, `ℓ^−β, β ${fmt(a.beta.exponent)}`), ...(a.betaPredicted > 0 ? predicted : [])], 'G(ℓ) (ticks)', gDropped),
    ],
    resolve: { scale: { color: 'independent' } },
  } as TopLevelSpec);
}

export interface PriceResponseChartOptions {
  title?: string;
  /** Draw the bootstrap intervals (default true). */
  intervals?: boolean;
}

/**
 * LOB-Bench's six price-response curves, one panel per event class: real against generated (a
 * `priceResponseScore` result), or the curves of one set (`priceResponseCurves`). Lags on a log axis.
 */
export function priceResponseChart(result: PriceResponseComparison | PriceResponseCurves, options: PriceResponseChartOptions = {}): Chart {
  const sets: Array<[string, PriceResponseCurves]> = 'real' in result ? [['real', result.real], ['generated', result.generated]] : [['curves', result]];
  const rows: Row[] = [];
  for (const [name, c] of sets) {
    for (const cls of c.classes) {
      // LOB-Bench's lags repeat 3; one point per lag is enough to draw.
      const seen = new Set<number>();
      c.lags.forEach((lag, k) => {
        if (seen.has(lag) || !Number.isFinite(c.mean[cls][k])) return;
        seen.add(lag);
        const row: Row = { panel: `${cls}: ${RESPONSE_CLASS_NAMES[cls]}`, lag, set: name, mean: c.mean[cls][k] };
        if (Number.isFinite(c.lo[cls][k]) && Number.isFinite(c.hi[cls][k])) {
          row.lo = c.lo[cls][k];
          row.hi = c.hi[cls][k];
        }
        rows.push(row);
      });
    }
  }
  const names = sets.map(([n]) => n);
  const color = { field: 'set', type: 'nominal', title: null, scale: { domain: names, range: [COLORS.mid, COLORS.sell].slice(0, names.length) } };
  const lags = sets[0][1].lags;
  const x = { field: 'lag', type: 'quantitative', scale: { type: 'log', domain: [Math.min(...lags), Math.max(...lags)], nice: false }, title: 'lag ℓ (touch events)' };
  const layers: unknown[] = [];
  if (options.intervals ?? true) layers.push({ transform: [{ filter: 'isValid(datum.lo)' }], mark: { type: 'area', opacity: 0.18 }, encoding: { x, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, color } });
  layers.push({ mark: { type: 'line', point: true, strokeWidth: 1.4 }, encoding: { x, y: { field: 'mean', type: 'quantitative', title: 'R(ℓ) (ticks)' }, color } });
  const subtitle = 'real' in result ? `score (mean over classes of Σ_ℓ |R_real − R_gen|): ${fmt(result.score)} over ${result.classesScored} classes; ${names.length} sets` : `${result.sequences} sequence${result.sequences > 1 ? 's' : ''}`;
  return new Chart({
    title: { text: options.title ?? 'Price response to touch events (LOB-Bench)', subtitle },
    data: { values: rows },
    facet: { field: 'panel', type: 'nominal', title: null, header: { labelFontSize: 10 } },
    columns: 3,
    spec: { width: 190, height: 140, layer: layers },
    resolve: { scale: { y: 'independent' } },
  } as TopLevelSpec);
}
