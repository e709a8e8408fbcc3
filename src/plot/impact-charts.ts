/**
 * Charts of fitted impact laws: the measured impacts (with their intervals) and the fitted curves,
 * on linear or log-log axes, and the decay of an impact path with its fitted decay laws. They draw
 * fits made by `analysis/impact-laws`; none measures anything.
 */
import type { TopLevelSpec } from 'vega-lite';
import { Chart } from './chart';
import { COLORS } from './theme';
import { quantileSorted } from 'simple-statistics';
import type { CurveFit } from '../analysis/fitting';
import type { ImpactDecayFits, ImpactLawFits, NormalizedImpacts } from '../analysis/impact-laws';
import type { ImpactReport } from '../analysis/impact';

const CURVE_COLORS = [COLORS.sell, COLORS.buy, COLORS.accent, COLORS.trade, '#e9c46a', COLORS.cancel];

type Row = Record<string, number | string>;

function fitList(input: ImpactLawFits | ImpactDecayFits | CurveFit | CurveFit[]): CurveFit[] {
  if (Array.isArray(input)) return input;
  if ('fits' in input) return Object.values(input.fits).filter((f): f is CurveFit => f !== undefined);
  return [input];
}

function grid(lo: number, hi: number, log: boolean, count = 120): number[] {
  if (!(hi > lo)) return [lo];
  return Array.from({ length: count }, (_, k) => (log ? lo * (hi / lo) ** (k / (count - 1)) : lo + ((hi - lo) * k) / (count - 1)));
}

function describe(f: CurveFit): string {
  const p = f.parameters.map((q) => `${q.name} ${fmt(q.value)}${Number.isFinite(q.ci[0]) ? ` [${fmt(q.ci[0])}, ${fmt(q.ci[1])}]` : ''}`).join(', ');
  return `${f.model}: ${p}; R² ${f.r2.toFixed(3)}`;
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(2) : v.toPrecision(3);
}

/** Pointwise percentile band of a fit's curve over its bootstrap draws. */
function band(f: CurveFit, xs: number[], level: number): Array<[number, number]> {
  const names = f.parameters.map((p) => p.name);
  const m = f.bootstrap.draws[names[0]]?.length ?? 0;
  if (m < 10) return [];
  const params = Array.from({ length: m }, (_, r) => names.map((n) => f.bootstrap.draws[n][r]));
  const a = (1 - level) / 2;
  return xs.map((x) => {
    const v = params.map((p) => f.evaluate(p, x)).filter(Number.isFinite).sort((p, q) => p - q);
    return v.length ? [quantileSorted(v, a), quantileSorted(v, 1 - a)] : [NaN, NaN];
  });
}

/**
 * Measured points: each point as given, or, when participations repeat (one point per trajectory),
 * their mean per participation with a 95% interval (mean ± 1.96·sd/√n), the raw points faint behind.
 */
function pointRows(x: Float64Array, y: Float64Array, lo: Float64Array | null, hi: Float64Array | null): { raw: Row[]; summary: Row[] } {
  const distinct = new Map<number, number[]>();
  for (let i = 0; i < x.length; i++) {
    if (!distinct.has(x[i])) distinct.set(x[i], []);
    distinct.get(x[i])!.push(i);
  }
  const raw: Row[] = [];
  const summary: Row[] = [];
  if (distinct.size * 2 > x.length) {
    for (let i = 0; i < x.length; i++) summary.push({ x: x[i], y: y[i], lo: lo && lo[i] === lo[i] ? lo[i] : y[i], hi: hi && hi[i] === hi[i] ? hi[i] : y[i] });
    return { raw, summary };
  }
  for (let i = 0; i < x.length; i++) raw.push({ x: x[i], y: y[i] });
  for (const [q, rows] of [...distinct.entries()].sort((a, b) => a[0] - b[0])) {
    const v = rows.map((i) => y[i]);
    const mean = v.reduce((s, t) => s + t, 0) / v.length;
    const sd = v.length > 1 ? Math.sqrt(v.reduce((s, t) => s + (t - mean) ** 2, 0) / (v.length - 1)) : 0;
    const h = (1.96 * sd) / Math.sqrt(v.length);
    summary.push({ x: q, y: mean, lo: mean - h, hi: mean + h, n: v.length });
  }
  return { raw, summary };
}

export interface ImpactChartOptions {
  title?: string;
  /** Log-log axes (points and curves ≤ 0 are left out there). Default false. */
  logLog?: boolean;
  /** Draw the first fit's bootstrap band (default true). */
  band?: boolean;
}

function curveChart(fits: CurveFit[], points: { x: Float64Array; y: Float64Array; lo: Float64Array | null; hi: Float64Array | null }, axes: { x: string; y: string }, options: ImpactChartOptions, title: string): Chart {
  if (fits.length === 0) throw new Error('chart: no fits to draw');
  const log = options.logLog ?? false;
  const keep = (v: number) => Number.isFinite(v) && (!log || v > 0);
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of points.x) {
    if (!keep(v)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const xs = grid(lo, hi, log);
  const curves: Row[] = [];
  for (const f of fits) for (const x of xs) {
    const y = f.predict(x);
    if (keep(y)) curves.push({ x, y, fit: f.model });
  }
  const { raw, summary } = pointRows(points.x, points.y, points.lo, points.hi);
  const bandRows: Row[] = [];
  if (options.band ?? true) {
    const b = band(fits[0], xs, fits[0].bootstrap.level);
    b.forEach(([l, h], k) => {
      if (keep(l) && keep(h)) bandRows.push({ x: xs[k], lo: l, hi: h });
    });
  }
  const scale = log ? { type: 'log' } : { zero: false };
  const x = { field: 'x', type: 'quantitative', title: axes.x, scale } as const;
  const names = fits.map((f) => f.model);
  const color = { field: 'fit', type: 'nominal', title: 'fit', scale: { domain: names, range: CURVE_COLORS.slice(0, names.length) } } as const;
  const layers: unknown[] = [];
  if (bandRows.length) layers.push({ data: { values: bandRows }, mark: { type: 'area', opacity: 0.15, color: CURVE_COLORS[0] }, encoding: { x, y: { field: 'lo', type: 'quantitative', scale }, y2: { field: 'hi' } } });
  if (raw.length) layers.push({ data: { values: raw.filter((r) => keep(r.x as number) && keep(r.y as number)) }, mark: { type: 'point', size: 10, opacity: 0.25, color: COLORS.cancel }, encoding: { x, y: { field: 'y', type: 'quantitative', scale } } });
  const sRows = summary.filter((r) => keep(r.x as number) && keep(r.y as number));
  const errRows = sRows.filter((r) => r.lo !== r.hi && keep(r.lo as number) && keep(r.hi as number));
  if (errRows.length) layers.push({ data: { values: errRows }, mark: { type: 'rule', color: COLORS.mid }, encoding: { x, y: { field: 'lo', type: 'quantitative', scale }, y2: { field: 'hi' } } });
  layers.push({ data: { values: sRows }, mark: { type: 'point', filled: true, size: 40, color: COLORS.mid }, encoding: { x, y: { field: 'y', type: 'quantitative', title: axes.y, scale } } });
  layers.push({ data: { values: curves }, mark: { type: 'line', strokeWidth: 2 }, encoding: { x, y: { field: 'y', type: 'quantitative', scale }, color } });
  const dropped = log ? points.y.filter((v) => !(v > 0)).length : 0;
  const subtitle = [...fits.map(describe), ...(raw.length ? ['dots: means per size with 95% intervals; faint: each measurement'] : []), ...(bandRows.length ? [`band: ${Math.round(fits[0].bootstrap.level * 100)}% bootstrap band of ${fits[0].model}`] : []), ...(dropped ? [`${dropped} point${dropped > 1 ? 's' : ''} ≤ 0 not drawn on log axes`] : [])];
  return new Chart({ title: { text: options.title ?? title, subtitle }, width: 520, height: 300, layer: layers } as TopLevelSpec);
}

/**
 * Impact against participation with the fitted laws (from `fitImpactLaws`, or fits of
 * `fitImpactLaw`): impacts in σ units, the first fit's bootstrap band, log-log axes on request.
 */
export function impactLawChart(fits: ImpactLawFits | CurveFit | CurveFit[], options: ImpactChartOptions = {}): Chart {
  const list = fitList(fits);
  if (list.length === 0) throw new Error('impactLawChart: no fits to draw');
  const p: NormalizedImpacts | null = !Array.isArray(fits) && 'points' in fits ? fits.points : null;
  const pts = p ? { x: p.q, y: p.y, lo: p.lo, hi: p.hi } : { x: list[0].x, y: list[0].y, lo: null, hi: null };
  return curveChart(list, pts, { x: 'participation Q/V', y: 'impact / σ' }, options, 'Impact against participation, with the fitted laws');
}

/** An impact path after the execution with its fitted decay laws (from `fitImpactDecays` or `fitImpactDecay`). */
export function impactDecayChart(fits: ImpactDecayFits | CurveFit | CurveFit[], options: ImpactChartOptions = {}): Chart {
  const list = fitList(fits);
  if (list.length === 0) throw new Error('impactDecayChart: no fits to draw');
  // The longest fit's points (plainPower leaves out t = 0).
  const base = list.reduce((a, f) => (f.n > a.n ? f : a), list[0]);
  return curveChart(list, { x: base.x, y: base.y, lo: null, hi: null }, { x: 'seconds after the end of the execution', y: 'impact' }, options, 'Decay of the impact after the execution');
}

export interface ImpactPathChartOptions {
  title?: string;
  /** Draw each size's interval band (default true). */
  band?: boolean;
}

/**
 * The impact path of an impact experiment (`impactMeasures`): the mean over paired futures of the mid
 * with the metaorder minus the mid without it (bp, signed so that positive is against the trader), per
 * size, with its bootstrap band; the end of the execution window marked.
 */
export function impactPathChart(report: ImpactReport, options: ImpactPathChartOptions = {}): Chart {
  const p = report.path;
  if (p.seconds.length === 0) throw new Error('impactPathChart: the report has no path');
  const rows: Row[] = [];
  for (let i = 0; i < p.seconds.length; i++) {
    if (!Number.isFinite(p.meanBp[i])) continue;
    rows.push({ size: `Q/V ${p.fraction[i]}`, seconds: p.seconds[i], mean: p.meanBp[i], lo: p.lo[i], hi: p.hi[i] });
  }
  const sizes = [...new Set(rows.map((r) => r.size as string))];
  const color = { field: 'size', type: 'nominal', title: 'metaorder', sort: sizes, scale: { domain: sizes, range: CURVE_COLORS.slice(0, sizes.length).concat(Array(Math.max(0, sizes.length - CURVE_COLORS.length)).fill(COLORS.mid)) } } as const;
  const x = { field: 'seconds', type: 'quantitative', title: 'seconds after the start' } as const;
  const layers: unknown[] = [];
  if (options.band ?? true) layers.push({ data: { values: rows }, mark: { type: 'area', opacity: 0.12 }, encoding: { x, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, color } });
  layers.push(
    { data: { values: rows }, mark: { type: 'line', strokeWidth: 1.8 }, encoding: { x, y: { field: 'mean', type: 'quantitative', title: 'impact, bp (with − without, against the trader)' }, color } },
    { data: { values: [{ end: report.duration }] }, mark: { type: 'rule', strokeDash: [4, 3], color: COLORS.mid }, encoding: { x: { field: 'end', type: 'quantitative' } } },
    { data: { values: [{ zero: 0 }] }, mark: { type: 'rule', color: '#999', opacity: 0.6 }, encoding: { y: { field: 'zero', type: 'quantitative' } } },
  );
  return new Chart({
    title: { text: options.title ?? 'Impact path: paired futures with and without the metaorder', subtitle: `${report.side} metaorders; dashed: end of the execution window; bands: 95% bootstrap over futures · σ of the window ${report.sigmaBp.toFixed(1)} bp` },
    width: 460,
    height: 260,
    layer: layers,
  } as TopLevelSpec);
}
