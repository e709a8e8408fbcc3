/**
 * Charts of forecasts by simulation: an indicator's forecast distribution per horizon with the realized
 * value, its histogram at one horizon, and the comparison of class forecasts (accuracy and macro-F1 with
 * their intervals per method; a reliability diagram). They draw results of `analysis/forecast` and
 * never run anything.
 */
import type { TopLevelSpec } from 'vega-lite';
import { Chart } from './chart';
import { COLORS } from './theme';
import type { IndicatorForecast } from '../analysis/forecast/indicator-forecast';
import type { ForecastComparison, MethodScores } from '../analysis/forecast/evaluation';

type Row = Record<string, number | string>;

export interface ForecastChartOptions {
  title?: string;
  /** X axis in 'seconds' or 'minutes' (default: minutes when the longest horizon is 2 minutes or more). */
  xUnit?: 'seconds' | 'minutes';
}

function axisTitle(f: IndicatorForecast): string {
  return f.indicator.unit ? `${f.indicator.name} (${f.indicator.unit})` : f.indicator.name;
}

/**
 * An indicator's forecast per horizon: the 5–95% and 25–75% bands across trajectories, the median
 * (line) and mean (diamonds), and the realized value (black) when known.
 */
export function forecastChart(f: IndicatorForecast, options: ForecastChartOptions = {}): Chart {
  const c = f.columns();
  const H = f.horizons.length;
  if (H === 0) throw new Error('forecastChart: the forecast has no horizons');
  const maxH = Math.max(...f.horizons);
  const unit = options.xUnit ?? (maxH >= 120 ? 'minutes' : 'seconds');
  if (unit !== 'seconds' && unit !== 'minutes') throw new RangeError(`forecastChart: xUnit must be 'seconds' or 'minutes', got ${String(unit)}`);
  const scale = unit === 'minutes' ? 1 / 60 : 1;
  const num = (name: string, i: number) => (c[name] as Float64Array)[i];
  const rows: Row[] = [];
  const realRows: Row[] = [];
  for (let i = 0; i < H; i++) {
    if ((c.n as Int32Array)[i] === 0) continue;
    rows.push({ horizon: f.horizons[i] * scale, q05: num('q05', i), q25: num('q25', i), median: num('median', i), q75: num('q75', i), q95: num('q95', i), mean: num('mean', i) });
    const r = num('realized', i);
    if (Number.isFinite(r)) realRows.push({ horizon: f.horizons[i] * scale, realized: r });
  }
  const x = { field: 'horizon', type: 'quantitative', title: `horizon (${unit} after the start)`, scale: { zero: false } } as const;
  const yTitle = axisTitle(f);
  const layers: unknown[] = [
    { mark: { type: 'area', opacity: 0.14, color: COLORS.buy }, encoding: { x, y: { field: 'q05', type: 'quantitative', title: yTitle, scale: { zero: false } }, y2: { field: 'q95' } } },
    { mark: { type: 'area', opacity: 0.3, color: COLORS.buy }, encoding: { x, y: { field: 'q25', type: 'quantitative' }, y2: { field: 'q75' } } },
    { mark: { type: 'line', color: COLORS.buy, strokeWidth: 2, point: { color: COLORS.buy, size: 30 } }, encoding: { x, y: { field: 'median', type: 'quantitative' } } },
    { mark: { type: 'point', shape: 'diamond', filled: true, color: COLORS.accent, size: 60 }, encoding: { x, y: { field: 'mean', type: 'quantitative' } } },
  ];
  if (realRows.length) {
    layers.push({
      data: { values: realRows },
      mark: { type: 'line', color: COLORS.mid, strokeDash: [5, 3], strokeWidth: 1.6, point: { color: COLORS.mid, size: 40, filled: true } },
      encoding: { x, y: { field: 'realized', type: 'quantitative' } },
    });
  }
  const k = Math.max(...Array.from(c.n as Int32Array));
  return new Chart({
    title: {
      text: options.title ?? `${f.indicator.name}: forecast from ${k} simulated futures`,
      subtitle: 'bands: 5–95% and 25–75% across trajectories · blue: median · green diamonds: mean' + (realRows.length ? ' · black: what really happened' : ''),
    },
    width: 560,
    height: 260,
    data: { values: rows },
    layer: layers,
  } as TopLevelSpec);
}

export interface ForecastHistogramOptions {
  /** The horizon to draw (seconds; default the longest). */
  horizon?: number;
  title?: string;
}

/** The indicator's distribution across trajectories at one horizon, with the mean and the realized value marked. */
export function forecastHistogramChart(f: IndicatorForecast, options: ForecastHistogramOptions = {}): Chart {
  if (f.horizons.length === 0) throw new Error('forecastHistogramChart: the forecast has no horizons');
  const horizon = options.horizon ?? Math.max(...f.horizons);
  const hist = f.histogramAt(horizon);
  const j = f.horizons.indexOf(horizon);
  const rows: Row[] = [];
  for (let b = 0; b < hist.counts.length; b++) rows.push({ lo: hist.edges[b], hi: hist.edges[b + 1], count: hist.counts[b] });
  const mean = (f.columns().mean as Float64Array)[j];
  const realized = f.realized[j];
  const marks: Row[] = [];
  if (Number.isFinite(mean)) marks.push({ value: mean, what: 'mean of the futures' });
  if (Number.isFinite(realized)) marks.push({ value: realized, what: 'realized' });
  const layers: unknown[] = [
    {
      data: { values: rows },
      mark: { type: 'rect', color: COLORS.buy, opacity: 0.8, stroke: '#ffffff', strokeWidth: 0.5 },
      encoding: {
        x: { field: 'lo', type: 'quantitative', title: axisTitle(f), scale: { zero: false } },
        x2: { field: 'hi' },
        y: { field: 'count', type: 'quantitative', title: 'trajectories' },
        y2: { datum: 0 },
      },
    },
  ];
  if (marks.length) {
    layers.push({
      data: { values: marks },
      mark: { type: 'rule', strokeWidth: 2 },
      encoding: {
        x: { field: 'value', type: 'quantitative' },
        color: { field: 'what', type: 'nominal', title: null, scale: { domain: ['mean of the futures', 'realized'], range: [COLORS.accent, COLORS.mid] } },
        strokeDash: { field: 'what', type: 'nominal', legend: null, scale: { domain: ['mean of the futures', 'realized'], range: [[1, 0], [5, 3]] } },
      },
    });
  }
  const label = horizon >= 120 ? `${+(horizon / 60).toFixed(2)} min` : `${horizon} s`;
  return new Chart({
    title: { text: options.title ?? `${f.indicator.name} ${label} after the start, across ${hist.counts.reduce((s, v) => s + v, 0)} futures` },
    width: 480,
    height: 220,
    layer: layers,
  } as TopLevelSpec);
}

const METRIC_TITLES: Record<string, string> = {
  accuracy: 'accuracy',
  macroF1: 'macro-F1',
  brier: 'Brier score (lower is better)',
  correlation: 'corr(predicted mean, realized label)',
  accuracyDiff: 'accuracy − reference',
  macroF1Diff: 'macro-F1 − reference',
};

export type ScoreMetric = 'accuracy' | 'macroF1' | 'brier' | 'correlation' | 'accuracyDiff' | 'macroF1Diff';

export interface ForecastScoresOptions {
  /** Scores side by side (default accuracy and macro-F1). */
  metrics?: ScoreMetric[];
  title?: string;
}

/** Each method's scores with their bootstrap intervals, one panel per score (a dashed line at 1/3, a uniform guess, for accuracy and macro-F1). */
export function forecastScoresChart(cmp: ForecastComparison, options: ForecastScoresOptions = {}): Chart {
  const metrics = options.metrics ?? ['accuracy', 'macroF1'];
  if (metrics.length === 0) throw new RangeError('forecastScoresChart: metrics must name at least one score');
  for (const m of metrics) if (!(m in METRIC_TITLES)) throw new RangeError(`forecastScoresChart: unknown metric '${m}' (use ${Object.keys(METRIC_TITLES).join(', ')})`);
  const methods = cmp.scores.map((s) => s.method);
  const panels = metrics.map((metric) => {
    const rows: Row[] = [];
    for (const s of cmp.scores) {
      const e = s[metric as keyof MethodScores] as { value: number; lo: number; hi: number };
      if (Number.isFinite(e.value)) rows.push({ method: s.method, value: e.value, lo: Number.isFinite(e.lo) ? e.lo : e.value, hi: Number.isFinite(e.hi) ? e.hi : e.value });
    }
    const y = { field: 'method', type: 'nominal', title: null, sort: methods } as const;
    const layer: unknown[] = [
      { mark: { type: 'rule', strokeWidth: 2, color: COLORS.cancel }, encoding: { y, x: { field: 'lo', type: 'quantitative', title: METRIC_TITLES[metric], scale: { zero: false } }, x2: { field: 'hi' } } },
      { mark: { type: 'point', filled: true, size: 80, color: COLORS.buy }, encoding: { y, x: { field: 'value', type: 'quantitative' } } },
    ];
    const reference = metric === 'accuracy' || metric === 'macroF1' ? 1 / 3 : metric.endsWith('Diff') || metric === 'correlation' ? 0 : null;
    if (reference !== null) layer.push({ data: { values: [{ at: reference }] }, mark: { type: 'rule', strokeDash: [4, 3], color: COLORS.mid }, encoding: { x: { field: 'at', type: 'quantitative' } } });
    return { width: 240, height: Math.max(60, 28 * methods.length), data: { values: rows }, layer };
  });
  const pct = Math.round(cmp.level * 100);
  return new Chart({
    title: { text: options.title ?? `Forecast scores on ${cmp.n} starts`, subtitle: `points: score on all starts · bars: ${pct}% bootstrap interval (${cmp.resamples} resamples of the starts) · dashed: 1/3 (uniform guess) or 0` },
    hconcat: panels,
  } as TopLevelSpec);
}

export interface ReliabilityChartOptions {
  /** 'top' (the most probable class; default) or one class: 'down', 'flat', 'up'. */
  class?: 'top' | 'down' | 'flat' | 'up';
  title?: string;
}

/** Reliability diagram: predicted probability against observed frequency per bin and method (point size: forecasts in the bin), the diagonal for a calibrated forecast. */
export function reliabilityChart(cmp: ForecastComparison, options: ReliabilityChartOptions = {}): Chart {
  const cls = options.class ?? 'top';
  if (!['top', 'down', 'flat', 'up'].includes(cls)) throw new RangeError(`reliabilityChart: class must be 'top', 'down', 'flat' or 'up', got '${String(cls)}'`);
  const rows: Row[] = [];
  for (const [method, r] of Object.entries(cmp.reliability)) {
    for (let i = 0; i < r.bin.length; i++) if (r.class[i] === cls && r.count[i] > 0) rows.push({ method, predicted: r.predicted[i], observed: r.observed[i], count: r.count[i] });
  }
  if (rows.length === 0) throw new Error('reliabilityChart: no method with class probabilities');
  const methods = Object.keys(cmp.reliability);
  const color = { field: 'method', type: 'nominal', scale: { domain: methods, range: [COLORS.buy, COLORS.sell, COLORS.accent, COLORS.trade, COLORS.cancel].slice(0, methods.length) } } as const;
  const axis = (title: string) => ({ type: 'quantitative', title, scale: { domain: [0, 1] } }) as const;
  const what = cls === 'top' ? 'the most probable class' : `class ${cls}`;
  return new Chart({
    title: { text: options.title ?? `Reliability of ${what}`, subtitle: 'on the diagonal: the forecast probabilities are calibrated · point size: forecasts in the bin' },
    width: 320,
    height: 320,
    layer: [
      { data: { values: [{ p: 0 }, { p: 1 }] }, mark: { type: 'line', color: COLORS.cancel, strokeDash: [4, 3] }, encoding: { x: { field: 'p', ...axis('predicted probability') }, y: { field: 'p', ...axis('observed frequency') } } },
      { data: { values: rows }, mark: { type: 'line', strokeWidth: 1.5 }, encoding: { x: { field: 'predicted', type: 'quantitative' }, y: { field: 'observed', type: 'quantitative' }, color } },
      { data: { values: rows }, mark: { type: 'point', filled: true }, encoding: { x: { field: 'predicted', type: 'quantitative' }, y: { field: 'observed', type: 'quantitative' }, color, size: { field: 'count', type: 'quantitative', title: 'forecasts' } } },
    ],
  } as TopLevelSpec);
}
