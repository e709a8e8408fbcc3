/**
 * Charts of realism: the stylized facts of several sources side by side (the real market, an LMM
 * world, a noise world: any labelled `stylizedFacts` results), and MarS's Table 7 overlap
 * coefficients with their intervals. They draw results; they compute nothing of their own.
 */
import type { TopLevelSpec } from 'vega-lite';
import { Chart } from './chart';
import { COLORS } from './theme';
import type { StylizedFacts } from '../analysis/stylized-facts';
import type { OverlapReport } from '../analysis/overlap';
import type { RealismReport } from '../analysis/realism';

const SOURCE_COLORS = [COLORS.mid, COLORS.buy, COLORS.sell, COLORS.accent, COLORS.trade, COLORS.cancel];

type Named<T> = T | T[] | Record<string, T>;

function named<T extends object>(input: Named<T>, label: (x: T) => string, isOne: (x: object) => boolean): Array<[string, T]> {
  if (Array.isArray(input)) return input.map((x) => [label(x), x]);
  if (isOne(input)) return [[label(input as T), input as T]];
  return Object.entries(input as Record<string, T>);
}

const isFacts = (x: object): boolean => Array.isArray((x as StylizedFacts).facts) && 'curves' in x;
const isOverlap = (x: object): boolean => Array.isArray((x as OverlapReport).rows) && 'samples' in x;

export interface StylizedFactsChartOptions {
  title?: string;
  /** Aggregation scales drawn need this many aggregated returns (default 30). */
  minPoints?: number;
}

/**
 * Six panels, one colour per source: the standardized return density against a normal (log scale),
 * the autocorrelation of returns (with each source's iid 95% band) and of absolute returns, kurtosis
 * across aggregation scales, the leverage curve corr(r_t, |r_t+τ|), and Zumbach's time-scale asymmetry.
 */
export function stylizedFactsChart(results: Named<StylizedFacts>, options: StylizedFactsChartOptions = {}): Chart {
  const sources = named(results, (r) => r.label, isFacts);
  if (sources.length === 0) throw new Error('stylizedFactsChart: no results');
  const minPoints = options.minPoints ?? 30;
  const names = sources.map(([n]) => n);
  const color = { field: 'source', type: 'nominal', title: 'source', scale: { domain: names, range: SOURCE_COLORS.slice(0, names.length) } } as const;
  const density: Array<Record<string, number | string>> = [];
  const acf: Array<Record<string, number | string>> = [];
  const agg: Array<Record<string, number | string>> = [];
  const lev: Array<Record<string, number | string>> = [];
  const zum: Array<Record<string, number | string>> = [];
  for (const [source, r] of sources) {
    const c = r.curves;
    c.distribution.z.forEach((z, i) => density.push({ source, z, density: c.distribution.density[i] }));
    c.acf.lag.forEach((lag, i) => {
      acf.push({ source, lag, series: 'returns', rho: c.acf.returns[i], band: c.acf.band[i], lo: -c.acf.band[i] });
      acf.push({ source, lag, series: '|returns|', rho: c.acf.absolute[i], band: c.acf.band[i], lo: -c.acf.band[i] });
    });
    c.aggregation.seconds.forEach((s, i) => {
      if (c.aggregation.n[i] >= minPoints && Number.isFinite(c.aggregation.kurtosis[i])) agg.push({ source, minutes: s / 60, kurtosis: c.aggregation.kurtosis[i], n: c.aggregation.n[i] });
    });
    c.leverage.lag.forEach((lag, i) => lev.push({ source, lag, value: c.leverage.value[i] }));
    c.zumbach.lag.forEach((lag, i) => zum.push({ source, lag, value: c.zumbach.value[i] }));
  }
  const normal = Array.from({ length: 81 }, (_, i) => {
    const z = -5 + i * 0.125;
    return { z, density: Math.exp((-z * z) / 2) / Math.sqrt(2 * Math.PI) };
  });
  const W = 250;
  const H = 170;
  const zeroRule = { mark: { type: 'rule', color: '#999999', strokeDash: [2, 2] }, encoding: { y: { datum: 0 } } };
  const lagX = { field: 'lag', type: 'quantitative', title: 'lag (intervals)' } as const;
  const panel = (title: string, layer: unknown[]) => ({ title: { text: title, fontSize: 12 }, width: W, height: H, layer });
  const interval = sources[0][1].interval;
  const panels = [
    panel('returns / sd: density vs normal', [
      { data: { values: normal }, mark: { type: 'line', color: '#999999', strokeDash: [4, 3] }, encoding: { x: { field: 'z', type: 'quantitative' }, y: { field: 'density', type: 'quantitative' } } },
      {
        data: { values: density },
        mark: { type: 'line', point: { size: 10 }, strokeWidth: 1.2 },
        encoding: {
          x: { field: 'z', type: 'quantitative', title: 'standardized return', scale: { domain: [-8, 8], clamp: true } },
          y: { field: 'density', type: 'quantitative', title: 'density', scale: { type: 'log' } },
          color,
        },
      },
    ]),
    panel('autocorrelation of returns', [
      { data: { values: acf.filter((r) => r.series === 'returns') }, mark: { type: 'area', opacity: 0.08 }, encoding: { x: lagX, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'band' }, color } },
      { data: { values: acf.filter((r) => r.series === 'returns') }, mark: { type: 'line', point: { size: 12 } }, encoding: { x: lagX, y: { field: 'rho', type: 'quantitative', title: 'ρ(τ)' }, color } },
      zeroRule,
    ]),
    panel('autocorrelation of |returns| (volatility clustering)', [
      { data: { values: acf.filter((r) => r.series === '|returns|') }, mark: { type: 'line', point: { size: 12 } }, encoding: { x: lagX, y: { field: 'rho', type: 'quantitative', title: 'ρ|r|(τ)' }, color } },
      zeroRule,
    ]),
    panel('aggregational Gaussianity', [
      {
        data: { values: agg },
        mark: { type: 'line', point: true },
        encoding: { x: { field: 'minutes', type: 'quantitative', title: 'aggregation (minutes)', scale: { type: 'log' } }, y: { field: 'kurtosis', type: 'quantitative', title: 'excess kurtosis (symlog)', scale: { type: 'symlog' } }, color, tooltip: [{ field: 'n', title: 'returns' }] },
      },
      zeroRule,
    ]),
    panel('leverage: corr(r_t, |r_t+τ|)', [{ data: { values: lev }, mark: { type: 'line', point: { size: 12 } }, encoding: { x: lagX, y: { field: 'value', type: 'quantitative', title: 'correlation' }, color } }, zeroRule]),
    panel('time-scale asymmetry (coarse → fine minus fine → coarse)', [{ data: { values: zum }, mark: { type: 'line', point: { size: 12 } }, encoding: { x: lagX, y: { field: 'value', type: 'quantitative', title: 'Δ(τ)' }, color } }, zeroRule]),
  ];
  const tally = sources.map(([n, r]) => `${n} ${r.present}/${r.assessed}`).join(' · ');
  return new Chart({
    title: { text: options.title ?? `Stylized facts of ${interval < 60 ? `${interval}-second` : `${interval / 60}-minute`} returns`, subtitle: `facts present / assessed: ${tally} · dashed grey: normal density, zero` },
    concat: panels,
    columns: 3,
    resolve: { scale: { color: 'shared' } },
  } as TopLevelSpec);
}

export interface OverlapChartOptions {
  title?: string;
  /** Mark MarS's published values (default true). */
  mars?: boolean;
}

/** MarS's Table 7 as a dot chart: each quantity's overlap coefficient with its interval, per simulated source; MarS's values as black diamonds. */
export function overlapChart(reports: Named<OverlapReport>, options: OverlapChartOptions = {}): Chart {
  const sources = named(reports, (r) => r.simulated, isOverlap);
  if (sources.length === 0) throw new Error('overlapChart: no reports');
  const names = sources.map(([n]) => n);
  const rows: Array<Record<string, number | string>> = [];
  const order: string[] = [];
  const mars: Array<Record<string, number | string>> = [];
  for (const [source, r] of sources) {
    for (const row of r.rows) {
      if (!order.includes(row.quantity)) order.push(row.quantity);
      if (Number.isFinite(row.overlap)) rows.push({ source, quantity: row.quantity, overlap: row.overlap, lo: row.ci[0], hi: row.ci[1], n: `${row.n[0]} real, ${row.n[1]} simulated` });
      if ((options.mars ?? true) && row.mars !== null && !mars.some((m) => m.quantity === row.quantity)) mars.push({ quantity: row.quantity, overlap: row.mars, source: 'MarS (paper)' });
    }
  }
  const y = { field: 'quantity', type: 'nominal', sort: order, title: null } as const;
  const color = { field: 'source', type: 'nominal', title: 'simulated', scale: { domain: names, range: SOURCE_COLORS.slice(1, names.length + 1) } } as const;
  const x = { field: 'overlap', type: 'quantitative', title: 'overlap coefficient with the real distribution', scale: { domain: [0, 1] } } as const;
  const layers: unknown[] = [
    { data: { values: rows }, mark: { type: 'rule', strokeWidth: 2 }, encoding: { y, yOffset: { field: 'source' }, x: { ...x, field: 'lo' }, x2: { field: 'hi' }, color } },
    { data: { values: rows }, mark: { type: 'point', filled: true, size: 60 }, encoding: { y, yOffset: { field: 'source' }, x, color, tooltip: [{ field: 'source' }, { field: 'overlap', format: '.3f' }, { field: 'lo', format: '.3f' }, { field: 'hi', format: '.3f' }, { field: 'n' }] } },
  ];
  if (mars.length) layers.push({ data: { values: mars }, mark: { type: 'point', shape: 'diamond', color: COLORS.mid, size: 70, filled: false, strokeWidth: 1.5 }, encoding: { y, x } });
  const level = Math.round(sources[0][1].level * 100);
  return new Chart({
    title: { text: options.title ?? 'Overlap of simulated and real per-minute distributions (MarS Table 7)', subtitle: `${level}% bootstrap intervals against ${sources[0][1].real}${mars.length ? ' · black diamonds: MarS (paper)' : ''}` },
    width: 460,
    height: order.length * (12 * names.length + 12),
    layer: layers,
  } as TopLevelSpec);
}

export interface RealismScoresChartOptions {
  title?: string;
  /** Which distance to draw (default 'l1', LOB-Bench's headline). */
  distance?: 'l1' | 'w1';
}

const isRealism = (x: object): boolean => Array.isArray((x as RealismReport).scores) && 'summary' in x && 'sequences' in x;

/** LOB-Bench's scores of one or more generators against the same real data: each score's distance with its interval, one colour per generator, the summary mean as a rule. */
export function realismScoresChart(reports: Record<string, RealismReport> | RealismReport, options: RealismScoresChartOptions = {}): Chart {
  const sources = named(reports, () => 'generated', isRealism);
  if (sources.length === 0) throw new Error('realismScoresChart: no reports');
  const d = options.distance ?? 'l1';
  const names = sources.map(([n]) => n);
  const rows: Array<Record<string, number | string>> = [];
  const order: string[] = [];
  const means: Array<Record<string, number | string>> = [];
  for (const [source, r] of sources) {
    for (const s of r.scores) {
      if (!order.includes(s.score)) order.push(s.score);
      const v = s[d];
      if (Number.isFinite(v.value)) rows.push({ source, score: s.score, value: v.value, lo: v.ci[0], hi: v.ci[1] });
    }
    means.push({ source, mean: r.summary[d].mean });
  }
  const y = { field: 'score', type: 'nominal', sort: order, title: null } as const;
  const color = { field: 'source', type: 'nominal', title: 'generated by', scale: { domain: names, range: SOURCE_COLORS.slice(1, names.length + 1) } } as const;
  const x = { field: 'value', type: 'quantitative', title: d === 'l1' ? 'L1 distance to the real distribution (0: same, 1: disjoint)' : 'Wasserstein-1 (z-scored values)' } as const;
  return new Chart({
    title: { text: options.title ?? "LOB-Bench's scores against the real order flow", subtitle: `99% bootstrap intervals · dashed: each generator's mean over scores` },
    width: 440,
    height: order.length * (10 * names.length + 8),
    layer: [
      { data: { values: rows }, mark: { type: 'rule', strokeWidth: 2 }, encoding: { y, yOffset: { field: 'source' }, x: { ...x, field: 'lo' }, x2: { field: 'hi' }, color } },
      { data: { values: rows }, mark: { type: 'point', filled: true, size: 45 }, encoding: { y, yOffset: { field: 'source' }, x, color, tooltip: [{ field: 'source' }, { field: 'score' }, { field: 'value', format: '.3f' }, { field: 'lo', format: '.3f' }, { field: 'hi', format: '.3f' }] } },
      { data: { values: means }, mark: { type: 'rule', strokeDash: [4, 3] }, encoding: { x: { field: 'mean', type: 'quantitative' }, color } },
    ],
  } as TopLevelSpec);
}
