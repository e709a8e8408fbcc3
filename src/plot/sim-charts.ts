/**
 * Charts of simulated futures. Each takes `simulate`'s result (or several, by name, to compare worlds)
 * and returns a `Chart`; none runs the engine. Data stay light: the fan chart carries one row per
 * grid point and band (≤ a few thousand rows), sample paths are capped.
 */
import type { TopLevelSpec } from 'vega-lite';
import { Chart } from './chart';
import { COLORS } from './theme';
import { fanBands } from '../analysis/futures';
import type { Trajectories } from '../sim/trajectories';

/** One set of futures, or several by name (e.g. `{ LMM: a, noise: b }`). */
export type FuturesInput = Trajectories | Record<string, Trajectories>;

function named(input: FuturesInput): Array<[string, Trajectories]> {
  return 'data' in input && Array.isArray((input as Trajectories).data) ? [['simulated', input as Trajectories]] : Object.entries(input as Record<string, Trajectories>);
}

const WORLD_COLORS = [COLORS.buy, COLORS.sell, COLORS.accent, COLORS.trade];

export interface FanChartOptions {
  title?: string;
  /** Sample paths drawn thin per world (default 6). */
  samples?: number;
  /** Draw what really happened, when the start came from a real day (default true). */
  real?: boolean;
  /** Grid points kept (default 300; the grid is thinned evenly). */
  points?: number;
}

/**
 * Fan chart of the mid-price across futures: the 5–95% and 25–75% bands and the median of each
 * world, a few sample paths, and the real path overlaid when known. X: minutes after the start.
 */
export function fanChart(futures: FuturesInput, options: FanChartOptions = {}): Chart {
  const worlds = named(futures);
  if (worlds.length === 0) throw new Error('fanChart: no futures');
  const first = worlds[0][1];
  const scale = first.venue.priceScale;
  const bandRows: Array<Record<string, number | string>> = [];
  const lineRows: Array<Record<string, number | string>> = [];
  const keep = options.points ?? 300;
  for (const [name, f] of worlds) {
    const { time, mid } = f.midPaths();
    const stride = Math.max(1, Math.ceil(time.length / keep));
    const t = Array.from({ length: Math.ceil(time.length / stride) }, (_, i) => (time[i * stride] - f.start) / 60e9);
    const thin = (p: Float64Array) => Array.from({ length: t.length }, (_, i) => p[i * stride]);
    const fan = fanBands(mid.map(thin), t);
    for (let i = 0; i < t.length; i++) {
      if (fan.count[i] === 0) continue;
      bandRows.push({ world: name, minute: t[i], band: '5–95%', lo: fan.bands[0][i] / scale, hi: fan.bands[4][i] / scale });
      bandRows.push({ world: name, minute: t[i], band: '25–75%', lo: fan.bands[1][i] / scale, hi: fan.bands[3][i] / scale });
      lineRows.push({ world: name, minute: t[i], series: `${name} median`, price: fan.bands[2][i] / scale });
    }
    const samples = Math.min(options.samples ?? 6, mid.length);
    for (let k = 0; k < samples; k++) {
      const p = thin(mid[k]);
      for (let i = 0; i < t.length; i++) if (p[i] === p[i]) lineRows.push({ world: name, minute: t[i], series: `${name} path ${f.data[k].index}`, price: p[i] / scale, sample: 1 });
    }
  }
  const realRows: Array<Record<string, number | string>> = [];
  if (options.real ?? true) {
    const real = first.realMidPath();
    if (real) {
      const time = first.midPaths().time;
      const stride = Math.max(1, Math.ceil(time.length / keep));
      for (let i = 0; i < time.length; i += stride) if (real[i] === real[i]) realRows.push({ minute: (time[i] - first.start) / 60e9, price: real[i] / scale, series: 'real' });
    }
  }
  const names = worlds.map(([n]) => n);
  const color = { field: 'world', type: 'nominal', title: 'world', scale: { domain: names, range: WORLD_COLORS.slice(0, names.length) } } as const;
  const x = { field: 'minute', type: 'quantitative', title: 'minutes after the start' } as const;
  const layers: unknown[] = [
    ...(['5–95%', '25–75%'] as const).map((band, i) => ({
      data: { values: bandRows.filter((r) => r.band === band) },
      mark: { type: 'area', opacity: i === 0 ? 0.14 : 0.3 },
      encoding: { x, y: { field: 'lo', type: 'quantitative', title: 'mid-price ($)', scale: { zero: false } }, y2: { field: 'hi' }, color },
    })),
    {
      data: { values: lineRows.filter((r) => r.sample === 1) },
      mark: { type: 'line', strokeWidth: 0.6, opacity: 0.45 },
      encoding: { x, y: { field: 'price', type: 'quantitative' }, color, detail: { field: 'series' } },
    },
    {
      data: { values: lineRows.filter((r) => r.sample !== 1) },
      mark: { type: 'line', strokeWidth: 2 },
      encoding: { x, y: { field: 'price', type: 'quantitative' }, color, detail: { field: 'series' } },
    },
  ];
  if (realRows.length) {
    layers.push({
      data: { values: realRows },
      mark: { type: 'line', color: COLORS.mid, strokeWidth: 1.6, strokeDash: [5, 3] },
      encoding: { x, y: { field: 'price', type: 'quantitative' } },
    });
  }
  const sub = worlds.map(([n, f]) => `${n}: ${f.count} futures`).join(' · ') + ' · bands: 5–95% and 25–75%, thick: median' + (realRows.length ? ' · dashed: what really happened' : '');
  return new Chart({
    title: { text: options.title ?? `${first.state.symbol} mid-price, ${first.spec.minutes} minutes of simulated futures`, subtitle: sub },
    width: 560,
    height: 280,
    layer: layers,
  } as TopLevelSpec);
}

export interface PerMinuteChartOptions {
  title?: string;
  /** 'spread' (time-weighted, ticks) or 'volume' (shares traded). Default 'spread'. */
  metric?: 'spread' | 'volume';
  real?: boolean;
}

/** Spread or traded volume per minute: a box per minute and world across futures, the real value marked. */
export function perMinuteChart(futures: FuturesInput, options: PerMinuteChartOptions = {}): Chart {
  const worlds = named(futures);
  if (worlds.length === 0) throw new Error('perMinuteChart: no futures');
  const metric = options.metric ?? 'spread';
  const field = metric === 'spread' ? 'spreadTicks' : 'volume';
  const rows: Array<Record<string, number | string>> = [];
  for (const [name, f] of worlds) {
    const pm = f.perMinute().columns();
    const minute = pm.minute as Int32Array;
    const v = pm[field] as Float64Array;
    for (let i = 0; i < minute.length; i++) if (v[i] === v[i]) rows.push({ world: name, minute: minute[i] + 1, value: v[i] });
  }
  const realRows: Array<Record<string, number>> = [];
  const real = options.real ?? true ? worlds[0][1].realPerMinute() : null;
  if (real) {
    const c = real.columns();
    const minute = c.minute as Int32Array;
    const v = c[field] as Float64Array;
    for (let i = 0; i < minute.length; i++) if (v[i] === v[i]) realRows.push({ minute: minute[i] + 1, value: v[i] });
  }
  const names = worlds.map(([n]) => n);
  const title = metric === 'spread' ? 'spread (ticks, time-weighted)' : 'shares traded';
  const layers: unknown[] = [
    {
      data: { values: rows },
      mark: { type: 'boxplot', extent: 'min-max', size: 14 },
      encoding: {
        x: { field: 'minute', type: 'ordinal', title: 'minute after the start' },
        xOffset: { field: 'world' },
        y: { field: 'value', type: 'quantitative', title },
        color: { field: 'world', type: 'nominal', scale: { domain: names, range: WORLD_COLORS.slice(0, names.length) } },
      },
    },
  ];
  if (realRows.length) {
    layers.push({
      data: { values: realRows },
      mark: { type: 'tick', color: COLORS.mid, thickness: 2, size: 30 },
      encoding: { x: { field: 'minute', type: 'ordinal' }, y: { field: 'value', type: 'quantitative' } },
    });
  }
  return new Chart({
    title: { text: options.title ?? `${title} per minute across futures`, subtitle: realRows.length ? 'black ticks: the real market' : undefined },
    width: 560,
    height: 240,
    layer: layers,
  } as TopLevelSpec);
}
