/**
 * Charts of order flow and the book. Each takes a day (`{ flow, frames }` as `loadLobster` returns,
 * or arquero tables with the same columns) and options, and returns a `Chart`. A full day is
 * reduced before it reaches the spec, so every chart stays light:
 *
 * - time series are cut into at most `buckets` time buckets (default 600) keeping each bucket's
 *   extremes (so spikes survive), ≤ 2,400 rows;
 * - trades are thinned to at most `maxTrades` points (default 1,500), always keeping the largest;
 * - the depth heatmap samples `buckets` instants (default 120) × the file's levels per side, ≤ 2,400 rows;
 * - event counts are per minute and type (≤ 390 × 5 rows for a NASDAQ day).
 * So no spec carries more than about 5,000 data rows.
 */
import type { TopLevelSpec } from 'vega-lite';
import { Chart } from './chart';
import { COLORS } from './theme';
import { columnOf, isTableLike, type TableLike } from './data-access';
import { OrderFlow as OrderFlowClass, EVENT_TYPE_NAMES, NASDAQ, type OrderFlow } from '../data/order-flow';
import type { BookFrames } from '../data/book-frames';
import type { OrderBook } from '../book/order-book';

/**
 * A day of order flow: what `loadLobster` returns, or arquero tables of the flow and of the frames.
 * Charts of the book need the frames (the orderbook file, or `replayFrames(flow)` for a flow without
 * one); `eventCounts` takes a flow alone.
 */
export interface DaySource {
  flow: OrderFlow | TableLike;
  frames: BookFrames | TableLike | null;
}

function asDay(src: DaySource | OrderFlow): DaySource {
  return src instanceof OrderFlowClass ? { flow: src, frames: null } : src;
}

export interface TimeChartOptions {
  title?: string;
  /** Time buckets (default 600). */
  buckets?: number;
  /** Only rows in [from, to) seconds after midnight. */
  from?: number;
  to?: number;
  /** Price units per currency unit (default: the flow's venue, else 10,000). */
  priceScale?: number;
  /** Price units per tick (default: the flow's venue, else 100). */
  tickSize?: number;
}

interface DayArrays {
  time: ArrayLike<number>;
  type: ArrayLike<number>;
  size: ArrayLike<number>;
  price: ArrayLike<number>;
  direction: ArrayLike<number>;
  levels: number;
  /** Row i, level j, field f (0 ask price, 1 ask size, 2 bid price, 3 bid size); NaN when absent. */
  book: ((i: number, j: number, f: number) => number) | null;
  priceScale: number;
  tickSize: number;
  date: string;
  symbol: string;
}

function arraysOf(source: DaySource | OrderFlow, options: TimeChartOptions, needBook = true): DayArrays {
  const src = asDay(source);
  const f = src.flow;
  const isFlow = !isTableLike(f);
  const meta = isFlow ? (f as OrderFlow).meta : null;
  const col = (name: string) => columnOf(f, name) as ArrayLike<number>;
  let book: DayArrays['book'] = null;
  let levels = 0;
  const fr = src.frames;
  if (!fr && needBook) {
    // A chart draws results; it never runs the engine. The book comes with the data.
    throw new Error('this chart needs the book after each message: pass { flow, frames } (frames from the orderbook file, or mb.replayFrames(flow) to rebuild them by replay)');
  }
  if (fr) {
    if (isTableLike(fr)) {
      const names = fr.columnNames();
      levels = names.filter((n) => /^askPrice\d+$/.test(n)).length;
      const cols: Array<ArrayLike<number>> = [];
      for (let j = 1; j <= levels; j++) for (const k of ['askPrice', 'askSize', 'bidPrice', 'bidSize']) cols.push(fr.array(`${k}${j}`) as ArrayLike<number>);
      book = (i, j, k) => {
        const v = cols[4 * j + k][i];
        return v === null || v === undefined ? NaN : Number(v);
      };
    } else {
      const bf = fr as BookFrames;
      levels = bf.levels;
      book = (i, j, k) => bf.data[i * bf.stride + 4 * j + k];
    }
  }
  return {
    time: col('time'),
    type: col('type'),
    size: col('size'),
    price: col('price'),
    direction: col('direction'),
    levels,
    book,
    priceScale: options.priceScale ?? meta?.venue.priceScale ?? NASDAQ.priceScale,
    tickSize: options.tickSize ?? meta?.venue.tickSize ?? NASDAQ.tickSize,
    date: meta?.date || '2000-01-01',
    symbol: meta?.symbol ?? '',
  };
}

/** A price in currency units, rounded to the venue's sub-tick precision (keeps specs small). */
const px = (units: number, scale: number) => Math.round((units / scale) * 1e6) / 1e6;

/** Epoch milliseconds of `seconds` after midnight UTC on `date` (charts show clock time on a UTC scale). */
function clockMs(date: string, seconds: number): number {
  return Date.parse(`${date}T00:00:00Z`) + Math.round(seconds * 1000);
}

const TIME_AXIS = { title: null, format: '%H:%M' };

/** Rows in the requested time range, cut into `buckets` equal time buckets. */
interface Buckets {
  lo: number;
  hi: number;
  count: number;
  t0: number;
  width: number;
}

function timeBuckets(a: DayArrays, o: TimeChartOptions, defaultCount: number): Buckets {
  const [lo, hi] = rowRange(a, o);
  const count = Math.max(1, o.buckets ?? defaultCount);
  const t0 = a.time[lo] ?? 0;
  const t1 = a.time[Math.max(lo, hi - 1)] ?? t0 + 1;
  return { lo, hi, count, t0, width: Math.max(1e-9, (t1 - t0) / count) };
}

function rowRange(a: DayArrays, o: TimeChartOptions): [number, number] {
  const n = a.time.length;
  let lo = 0;
  let hi = n;
  if (o.from !== undefined) while (lo < n && a.time[lo] < o.from) lo++;
  if (o.to !== undefined) {
    hi = lo;
    while (hi < n && a.time[hi] < o.to) hi++;
  }
  return [lo, hi];
}

/** Best bid, best ask and mid over time from the book frames; trades as points sized by volume. */
export function quotesChart(day: DaySource | OrderFlow, options: TimeChartOptions & { maxTrades?: number } = {}): Chart {
  const a = arraysOf(day, options);
  if (!a.book) throw new Error('charts.quotes needs the book: the frames, or an OrderFlow to replay (an arquero table of messages alone cannot be replayed)');
  const { lo, hi, count: B, t0, width } = timeBuckets(a, options, 600);
  const bidMin = new Float64Array(B).fill(Infinity);
  const bidMax = new Float64Array(B).fill(-Infinity);
  const askMin = new Float64Array(B).fill(Infinity);
  const askMax = new Float64Array(B).fill(-Infinity);
  const midLast = new Float64Array(B).fill(NaN);
  for (let i = lo; i < hi; i++) {
    const b = Math.min(B - 1, Math.floor((a.time[i] - t0) / width));
    const ask = a.book(i, 0, 0);
    const bid = a.book(i, 0, 2);
    if (bid === bid) {
      if (bid < bidMin[b]) bidMin[b] = bid;
      if (bid > bidMax[b]) bidMax[b] = bid;
    }
    if (ask === ask) {
      if (ask < askMin[b]) askMin[b] = ask;
      if (ask > askMax[b]) askMax[b] = ask;
    }
    if (bid === bid && ask === ask) midLast[b] = (bid + ask) / 2;
  }
  const s = a.priceScale;
  const quotes: Array<Record<string, number | string>> = [];
  for (let b = 0; b < B; b++) {
    if (!Number.isFinite(bidMin[b]) || !Number.isFinite(askMin[b])) continue;
    const t = clockMs(a.date, t0 + (b + 0.5) * width);
    quotes.push({ t, bidLow: px(bidMin[b], s), bidHigh: px(bidMax[b], s), askLow: px(askMin[b], s), askHigh: px(askMax[b], s), mid: px(midLast[b], s) });
  }
  // Trades: executions (visible and hidden). Keep the largest when thinning.
  const trades: number[] = [];
  for (let i = lo; i < hi; i++) if (a.type[i] === 4 || a.type[i] === 5) trades.push(i);
  const maxTrades = options.maxTrades ?? 1500;
  let kept = trades;
  if (trades.length > maxTrades) {
    const bySize = trades.slice().sort((x, y) => a.size[y] - a.size[x]);
    const big = new Set(bySize.slice(0, maxTrades >> 1));
    const step = trades.length / (maxTrades - big.size);
    const even = new Set<number>();
    for (let k = 0; even.size < maxTrades - big.size && k * step < trades.length; k++) even.add(trades[Math.floor(k * step)]);
    kept = trades.filter((i) => big.has(i) || even.has(i));
  }
  const tradeRows = kept.map((i) => ({
    t: clockMs(a.date, a.time[i]),
    price: px(a.price[i], s),
    size: a.size[i],
    side: a.direction[i] > 0 ? 'seller-initiated' : 'buyer-initiated',
    hidden: a.type[i] === 5 ? 'hidden' : 'visible',
  }));
  const spec: TopLevelSpec = {
    title: { text: options.title ?? `${a.symbol} quotes and trades`.trim(), subtitle: `best bid and ask (bucket range), mid, and ${kept.length.toLocaleString('en-US')} of ${trades.length.toLocaleString('en-US')} trades` },
    width: 640,
    height: 300,
    // Each table once, referenced by name from the layers (a layer's inline values would copy it).
    datasets: { quotes, trades: tradeRows },
    layer: [
      {
        data: { name: 'quotes' },
        mark: { type: 'area', opacity: 0.35, color: COLORS.buy, interpolate: 'step-after' },
        encoding: { x: { field: 't', type: 'temporal', scale: { type: 'utc' }, axis: TIME_AXIS }, y: { field: 'bidLow', type: 'quantitative', scale: { zero: false }, title: 'price' }, y2: { field: 'bidHigh' } },
      },
      {
        data: { name: 'quotes' },
        mark: { type: 'area', opacity: 0.35, color: COLORS.sell, interpolate: 'step-after' },
        encoding: { x: { field: 't', type: 'temporal', scale: { type: 'utc' } }, y: { field: 'askLow', type: 'quantitative' }, y2: { field: 'askHigh' } },
      },
      {
        data: { name: 'quotes' },
        mark: { type: 'line', color: COLORS.buy, strokeWidth: 1, interpolate: 'step-after' },
        encoding: { x: { field: 't', type: 'temporal', scale: { type: 'utc' } }, y: { field: 'bidHigh', type: 'quantitative' } },
      },
      {
        data: { name: 'quotes' },
        mark: { type: 'line', color: COLORS.sell, strokeWidth: 1, interpolate: 'step-after' },
        encoding: { x: { field: 't', type: 'temporal', scale: { type: 'utc' } }, y: { field: 'askLow', type: 'quantitative' } },
      },
      {
        data: { name: 'quotes' },
        mark: { type: 'line', color: COLORS.mid, strokeWidth: 0.8, strokeDash: [3, 2] },
        encoding: { x: { field: 't', type: 'temporal', scale: { type: 'utc' } }, y: { field: 'mid', type: 'quantitative' } },
      },
      {
        data: { name: 'trades' },
        mark: { type: 'point', filled: true, opacity: 0.6 },
        encoding: {
          x: { field: 't', type: 'temporal', scale: { type: 'utc' } },
          y: { field: 'price', type: 'quantitative' },
          size: { field: 'size', type: 'quantitative', scale: { type: 'sqrt', range: [4, 120] }, title: 'trade size' },
          color: { field: 'side', type: 'nominal', scale: { domain: ['buyer-initiated', 'seller-initiated'], range: [COLORS.buy, COLORS.sell] }, title: 'trade' },
          shape: { field: 'hidden', type: 'nominal', scale: { domain: ['visible', 'hidden'], range: ['circle', 'triangle-up'] }, title: null },
          tooltip: [{ field: 't', type: 'temporal', timeUnit: 'utchoursminutesseconds', title: 'time' }, { field: 'price', type: 'quantitative' }, { field: 'size', type: 'quantitative' }, { field: 'side', type: 'nominal' }, { field: 'hidden', type: 'nominal' }],
        },
      },
    ],
  } as TopLevelSpec;
  return new Chart(spec);
}

/** Spread (ticks) and depth of the best `depthLevels` levels per side, over time. */
export function spreadDepthChart(day: DaySource | OrderFlow, options: TimeChartOptions & { depthLevels?: number } = {}): Chart {
  const a = arraysOf(day, options);
  if (!a.book) throw new Error('charts.spreadDepth needs the book frames');
  const { lo, hi, count: B, t0, width } = timeBuckets(a, options, 600);
  const L = Math.min(options.depthLevels ?? 5, a.levels);
  // Time-weighted means per bucket: each row holds until the next row's time.
  const spreadSum = new Float64Array(B);
  const spreadMax = new Float64Array(B).fill(-Infinity);
  const bidSum = new Float64Array(B);
  const askSum = new Float64Array(B);
  const wsum = new Float64Array(B);
  for (let i = lo; i < hi; i++) {
    const b = Math.min(B - 1, Math.floor((a.time[i] - t0) / width));
    const dt = i + 1 < hi ? Math.max(0, a.time[i + 1] - a.time[i]) : 0;
    const sp = (a.book(i, 0, 0) - a.book(i, 0, 2)) / a.tickSize;
    let bd = 0;
    let ad = 0;
    for (let j = 0; j < L; j++) {
      bd += a.book(i, j, 3) || 0;
      ad += a.book(i, j, 1) || 0;
    }
    if (sp === sp) {
      spreadSum[b] += sp * dt;
      if (sp > spreadMax[b]) spreadMax[b] = sp;
    }
    bidSum[b] += bd * dt;
    askSum[b] += ad * dt;
    wsum[b] += dt;
  }
  const spreadRows: Array<Record<string, number>> = [];
  const depthRows: Array<Record<string, number | string>> = [];
  for (let b = 0; b < B; b++) {
    if (wsum[b] <= 0) continue;
    const t = clockMs(a.date, t0 + (b + 0.5) * width);
    spreadRows.push({ t, mean: Math.round((spreadSum[b] / wsum[b]) * 100) / 100, max: spreadMax[b] });
    depthRows.push({ t, side: 'bid', depth: Math.round(bidSum[b] / wsum[b]) }, { t, side: 'ask', depth: Math.round(askSum[b] / wsum[b]) });
  }
  const spec: TopLevelSpec = {
    title: { text: options.title ?? `${a.symbol} spread and depth`.trim(), subtitle: `time-weighted, ${spreadRows.length} buckets; depth = shares in the best ${L} levels` },
    vconcat: [
      {
        data: { values: spreadRows },
        width: 640,
        height: 140,
        layer: [
          { mark: { type: 'area', color: COLORS.accent, opacity: 0.25 }, encoding: { x: { field: 't', type: 'temporal', scale: { type: 'utc' }, axis: TIME_AXIS }, y: { field: 'max', type: 'quantitative', title: 'spread (ticks)' } } },
          { mark: { type: 'line', color: COLORS.accent }, encoding: { x: { field: 't', type: 'temporal', scale: { type: 'utc' } }, y: { field: 'mean', type: 'quantitative' } } },
        ],
      },
      {
        data: { values: depthRows },
        width: 640,
        height: 140,
        mark: { type: 'line', strokeWidth: 1 },
        encoding: {
          x: { field: 't', type: 'temporal', scale: { type: 'utc' }, axis: TIME_AXIS },
          y: { field: 'depth', type: 'quantitative', title: `depth, best ${L} levels (shares)` },
          color: { field: 'side', type: 'nominal', scale: { domain: ['bid', 'ask'], range: [COLORS.buy, COLORS.sell] }, title: null },
        },
      },
    ],
  } as TopLevelSpec;
  return new Chart(spec);
}

/** Resting volume by time and price (the book as an image), from the frames, with the mid on top. */
export function depthHeatmapChart(day: DaySource | OrderFlow, options: TimeChartOptions = {}): Chart {
  const a = arraysOf(day, options);
  if (!a.book) throw new Error('charts.depthHeatmap needs the book frames');
  const { lo, hi, count: B, t0, width } = timeBuckets(a, options, 120);
  const s = a.priceScale;
  const tick = a.tickSize;
  const cells: Array<Record<string, number | string>> = [];
  const mids: Array<Record<string, number>> = [];
  let i = lo;
  for (let b = 0; b < B; b++) {
    const tb = t0 + (b + 1) * width;
    while (i + 1 < hi && a.time[i + 1] <= tb) i++;
    const ta = clockMs(a.date, t0 + b * width);
    const tz = clockMs(a.date, t0 + (b + 1) * width);
    for (let j = 0; j < a.levels; j++) {
      for (const [side, pf, sf] of [['ask', 0, 1], ['bid', 2, 3]] as const) {
        const p = a.book(i, j, pf);
        const q = a.book(i, j, sf);
        if (p === p && q > 0) cells.push({ t: ta, t2: tz, p: px(p - tick / 2, s), p2: px(p + tick / 2, s), volume: q, side });
      }
    }
    const m = (a.book(i, 0, 0) + a.book(i, 0, 2)) / 2;
    if (m === m) mids.push({ t: Math.round((ta + tz) / 2), mid: px(m, s) });
  }
  const spec: TopLevelSpec = {
    title: { text: options.title ?? `${a.symbol} depth heatmap`.trim(), subtitle: `resting volume at each price, ${B} instants × ${a.levels} levels per side` },
    width: 640,
    height: 320,
    layer: [
      {
        data: { values: cells },
        mark: 'rect',
        encoding: {
          x: { field: 't', type: 'temporal', scale: { type: 'utc' }, axis: TIME_AXIS },
          x2: { field: 't2' },
          y: { field: 'p', type: 'quantitative', scale: { zero: false }, title: 'price' },
          y2: { field: 'p2' },
          color: { field: 'volume', type: 'quantitative', scale: { type: 'log', scheme: 'viridis' }, title: 'shares' },
          tooltip: [{ field: 'side', type: 'nominal' }, { field: 'p', type: 'quantitative', title: 'price' }, { field: 'volume', type: 'quantitative' }],
        },
      },
      {
        data: { values: mids },
        mark: { type: 'line', color: '#ffffff', strokeWidth: 1 },
        encoding: { x: { field: 't', type: 'temporal', scale: { type: 'utc' } }, y: { field: 'mid', type: 'quantitative' } },
      },
    ],
  } as TopLevelSpec;
  return new Chart(spec);
}

/**
 * The book at one instant: volume at each price level, bids and asks, with the cumulative depth.
 * Give a day and a time (the frame row at or before it), or a live `OrderBook`.
 */
export function depthProfileChart(
  source: DaySource | OrderFlow | OrderBook,
  options: { time?: number; row?: number; levels?: number; title?: string; priceScale?: number; tickSize?: number } = {},
): Chart {
  const rows: Array<Record<string, number | string>> = [];
  let scale = options.priceScale ?? NASDAQ.priceScale;
  let when = '';
  const push = (side: 'bid' | 'ask', levels: Array<[number, number]>) => {
    let cum = 0;
    for (const [p, q] of levels) {
      cum += q;
      rows.push({ side, price: p / scale, volume: q, cumulative: cum });
    }
  };
  if ('bestBid' in source && typeof source.bestBid === 'function') {
    const snap = (source as OrderBook).snapshot(options.levels ?? 20);
    push('bid', snap.bids);
    push('ask', snap.asks);
  } else {
    const a = arraysOf(source as DaySource | OrderFlow, options);
    scale = a.priceScale;
    if (!a.book) throw new Error('charts.depthProfile needs the book frames or an OrderBook');
    let i = options.row ?? a.time.length - 1;
    if (options.time !== undefined) {
      i = 0;
      while (i + 1 < a.time.length && a.time[i + 1] <= options.time) i++;
    }
    const t = a.time[i];
    when = ` at ${String(Math.floor(t / 3600)).padStart(2, '0')}:${String(Math.floor((t % 3600) / 60)).padStart(2, '0')}:${(t % 60).toFixed(3).padStart(6, '0')}`;
    const L = Math.min(options.levels ?? a.levels, a.levels);
    const bids: Array<[number, number]> = [];
    const asks: Array<[number, number]> = [];
    for (let j = 0; j < L; j++) {
      if (a.book(i, j, 2) === a.book(i, j, 2)) bids.push([a.book(i, j, 2), a.book(i, j, 3)]);
      if (a.book(i, j, 0) === a.book(i, j, 0)) asks.push([a.book(i, j, 0), a.book(i, j, 1)]);
    }
    push('bid', bids);
    push('ask', asks);
  }
  const spec: TopLevelSpec = {
    title: { text: options.title ?? `Depth profile${when}`, subtitle: 'bars: volume at each price; line: cumulative depth from the touch' },
    data: { values: rows },
    width: 560,
    height: 240,
    layer: [
      {
        mark: { type: 'bar', opacity: 0.8 },
        encoding: {
          x: { field: 'price', type: 'quantitative', scale: { zero: false }, title: 'price' },
          y: { field: 'volume', type: 'quantitative', title: 'shares' },
          color: { field: 'side', type: 'nominal', scale: { domain: ['bid', 'ask'], range: [COLORS.buy, COLORS.sell] }, title: null },
          tooltip: [{ field: 'side', type: 'nominal' }, { field: 'price', type: 'quantitative' }, { field: 'volume', type: 'quantitative' }, { field: 'cumulative', type: 'quantitative' }],
        },
      },
      {
        mark: { type: 'line', interpolate: 'step', strokeWidth: 1.2, opacity: 0.7 },
        encoding: {
          x: { field: 'price', type: 'quantitative' },
          y: { field: 'cumulative', type: 'quantitative' },
          color: { field: 'side', type: 'nominal', scale: { domain: ['bid', 'ask'], range: [COLORS.buy, COLORS.sell] } },
        },
      },
    ],
  } as TopLevelSpec;
  return new Chart(spec);
}

/** Messages per minute by LOBSTER event type. */
export function eventCountsChart(flow: OrderFlow | TableLike, options: TimeChartOptions = {}): Chart {
  const a = arraysOf({ flow, frames: null }, options, false);
  const [lo, hi] = rowRange(a, options);
  const counts = new Map<string, number>();
  for (let i = lo; i < hi; i++) {
    const minute = Math.floor(a.time[i] / 60);
    const key = `${minute}|${a.type[i]}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const rows = [...counts].map(([k, n]) => {
    const [m, t] = k.split('|').map(Number);
    return { t: clockMs(a.date, m * 60), type: EVENT_TYPE_NAMES[t] ?? String(t), count: n };
  });
  const domain = ['submit', 'cancel', 'delete', 'execute', 'execute_hidden', 'cross', 'halt'];
  const spec: TopLevelSpec = {
    title: { text: options.title ?? `${a.symbol} messages per minute by event type`.trim(), subtitle: `${(hi - lo).toLocaleString('en-US')} messages` },
    data: { values: rows },
    width: 640,
    height: 220,
    mark: { type: 'bar', width: { band: 1 } },
    encoding: {
      x: { field: 't', type: 'temporal', scale: { type: 'utc' }, axis: TIME_AXIS, timeUnit: 'utcyearmonthdatehoursminutes' },
      y: { field: 'count', type: 'quantitative', title: 'messages per minute', stack: 'zero' },
      color: { field: 'type', type: 'nominal', scale: { domain, range: [COLORS.buy, '#9ab7d9', COLORS.cancel, COLORS.sell, '#e9a07e', COLORS.accent, '#000000'] }, title: 'event' },
      tooltip: [{ field: 't', type: 'temporal', timeUnit: 'utchoursminutes', title: 'minute' }, { field: 'type', type: 'nominal' }, { field: 'count', type: 'quantitative' }],
    },
  } as TopLevelSpec;
  return new Chart(spec);
}
