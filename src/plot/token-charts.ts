/**
 * Charts of the order vocabulary: token frequencies (type × price bin), per-field histograms, fitted
 * bin edges, order images and codebook entries. All data is aggregated before it reaches the spec
 * (at most a few thousand rows whatever the day's size).
 */
import type { TopLevelSpec } from 'vega-lite';
import { Chart } from './chart';
import { DENSITY_SCHEME, TYPE_DOMAIN, TYPE_RANGE } from './theme';
import { columnOf, isTableLike, type TableLike } from './data-access';
import type { OrderTokens } from '../tokenize/order-tokens';
import type { OrderTokenizer } from '../tokenize/order-tokenizer';
import type { BinConverter } from '../tokenize/bin-converter';
import type { BatchTokenizer, OrderBatches } from '../tokenize/batch-tokens';
import { ORDER_TYPE_NAMES } from '../data/order-events';
import { MARS_LAYOUT, type TokenLayout } from '../tokenize/token-layout';

export type TokenSource = OrderTokens | TableLike;

type Field = 'price' | 'volume' | 'interval';
const BIN_COLUMN: Record<Field, string> = { price: 'priceBin', volume: 'volumeBin', interval: 'intervalBin' };
const FIELD_TITLE: Record<Field, string> = { price: 'price level (ticks from mid)', volume: 'order size (shares)', interval: 'wait since previous order (s)' };

function layoutOf(src: TokenSource): TokenLayout {
  return 'layout' in src && typeof src.layout === 'object' ? (src.layout as TokenLayout) : MARS_LAYOUT;
}

/** Token types as 0/1/2 whether the source stores codes or names. */
function typeCodes(src: TokenSource): ArrayLike<number> {
  if (!isTableLike(src)) return src.type;
  const t = columnOf(src, 'type');
  const out = new Uint8Array(t.length);
  for (let i = 0; i < t.length; i++) {
    const v = t[i];
    out[i] = typeof v === 'number' ? v : ORDER_TYPE_NAMES.indexOf(String(v) as 'S');
  }
  return out;
}

function binsOf(src: TokenSource, field: Field): ArrayLike<number> {
  return columnOf(src, BIN_COLUMN[field]) as ArrayLike<number>;
}

/** A readable label for bin k of a converter: "(−37, −31]". */
export function binLabel(conv: BinConverter, k: number, digits = 4): string {
  const f = (x: number) => (Number.isInteger(x) ? String(x) : Number(x.toPrecision(digits)).toString());
  if (conv.single[k]) return f(conv.edges[k + 1]);
  return `(${f(conv.edges[k])}, ${f(conv.edges[k + 1])}]`;
}

function converterFor(tok: OrderTokenizer | undefined, field: Field): BinConverter | undefined {
  return tok ? (field === 'price' ? tok.price : field === 'volume' ? tok.volume : tok.interval) : undefined;
}

/** How often each (type, price bin) occurs: the shape of the vocabulary actually used. */
export function tokenHeatmap(tokens: TokenSource, options: { tokenizer?: OrderTokenizer; title?: string } = {}): Chart {
  const L = layoutOf(tokens);
  const types = typeCodes(tokens);
  const bins = binsOf(tokens, 'price');
  const counts = new Float64Array(L.types * L.priceBins);
  for (let i = 0; i < types.length; i++) counts[types[i] * L.priceBins + bins[i]]++;
  const conv = options.tokenizer?.price;
  const values = [];
  for (let t = 0; t < L.types; t++) {
    for (let p = 0; p < L.priceBins; p++) {
      const c = counts[t * L.priceBins + p];
      values.push({ type: ORDER_TYPE_NAMES[t], bin: p, levels: conv ? binLabel(conv, p) : String(p), count: c, share: c / types.length });
    }
  }
  const spec: TopLevelSpec = {
    title: { text: options.title ?? 'Order tokens by type and price bin', subtitle: `${types.length.toLocaleString('en-US')} tokens` },
    data: { values },
    mark: 'rect',
    width: 560,
    height: 90,
    encoding: {
      x: { field: 'bin', type: 'ordinal', title: 'price bin (low → high against the mid)', axis: { labelAngle: 0, labelExpr: 'datum.value % 4 === 0 ? datum.label : ""' } },
      y: { field: 'type', type: 'nominal', sort: TYPE_DOMAIN, title: null },
      color: { field: 'count', type: 'quantitative', scale: { type: 'symlog', scheme: DENSITY_SCHEME }, title: 'tokens' },
      tooltip: [
        { field: 'type', type: 'nominal' },
        { field: 'levels', type: 'nominal', title: 'levels (ticks)' },
        { field: 'count', type: 'quantitative', format: ',' },
        { field: 'share', type: 'quantitative', format: '.2%' },
      ],
    },
  };
  return new Chart(spec);
}

/** Tokens per bin of one field, stacked by type. */
export function tokenHistogram(tokens: TokenSource, field: Field, options: { tokenizer?: OrderTokenizer; title?: string } = {}): Chart {
  const L = layoutOf(tokens);
  const nb = field === 'price' ? L.priceBins : field === 'volume' ? L.volumeBins : L.intervalBins;
  const types = typeCodes(tokens);
  const bins = binsOf(tokens, field);
  const counts = new Float64Array(L.types * nb);
  for (let i = 0; i < types.length; i++) counts[types[i] * nb + bins[i]]++;
  const conv = converterFor(options.tokenizer, field);
  const values = [];
  for (let t = 0; t < L.types; t++) {
    for (let b = 0; b < nb; b++) values.push({ type: ORDER_TYPE_NAMES[t], bin: b, range: conv ? binLabel(conv, b) : String(b), count: counts[t * nb + b] });
  }
  const spec: TopLevelSpec = {
    title: { text: options.title ?? `Tokens by ${field} bin`, subtitle: FIELD_TITLE[field] },
    data: { values },
    mark: 'bar',
    width: 560,
    height: 200,
    encoding: {
      x: { field: 'bin', type: 'ordinal', title: `${field} bin`, axis: { labelAngle: 0 } },
      y: { field: 'count', type: 'quantitative', stack: 'zero', title: 'tokens' },
      color: { field: 'type', type: 'nominal', scale: { domain: TYPE_DOMAIN, range: TYPE_RANGE }, title: 'type' },
      order: { field: 'type', sort: 'ascending' },
      tooltip: [
        { field: 'type', type: 'nominal' },
        { field: 'range', type: 'nominal', title: 'values' },
        { field: 'count', type: 'quantitative', format: ',' },
      ],
    },
  };
  return new Chart(spec);
}

/**
 * A converter's bins on the value axis: each bin a bar from its lower to its upper edge, its height
 * the share of fitted values per unit of width (so equal-count bins read as a density). Frequent values
 * with a bin of their own are marked.
 */
export function binEdgesChart(conv: BinConverter, options: { title?: string; scale?: 'linear' | 'symlog' } = {}): Chart {
  const counts = conv.binCounts();
  const total = counts.reduce((a, b) => a + b, 0);
  // symlog is linear within ±constant: take the finest edge scale so small bins stay visible.
  let constant = Infinity;
  for (const e of conv.edges) if (e !== 0 && Math.abs(e) < constant) constant = Math.abs(e);
  if (!Number.isFinite(constant)) constant = 1;
  // symlog's own ticks bunch up; label 0 and the powers of ten across the range instead.
  const lo0 = Math.min(values0(conv), conv.edges[1]);
  const hi0 = conv.edges[conv.numBins];
  const ticks: number[] = [];
  for (let p = Math.floor(Math.log10(constant)); 10 ** p <= Math.max(Math.abs(lo0), Math.abs(hi0)); p++) {
    if (10 ** p <= hi0) ticks.push(10 ** p);
    if (-(10 ** p) >= lo0) ticks.push(-(10 ** p));
  }
  if (lo0 <= 0 && hi0 >= 0) ticks.push(0);
  ticks.sort((a, b) => a - b);
  const values = [];
  for (let k = 0; k < conv.numBins; k++) {
    // Bin 0 starts at MarS's sentinel edge (min − 1); draw it from the smallest value seen instead.
    const lo = k === 0 ? Math.min(conv.keptRange(0)[0], conv.edges[1]) : conv.edges[k];
    const hi = conv.edges[k + 1];
    const width = Math.max(hi - lo, 1e-9);
    values.push({ bin: k, lo, hi, range: binLabel(conv, k), share: counts[k] / total, density: counts[k] / total / width, single: conv.single[k] ? 'own bin' : 'range' });
  }
  const spec: TopLevelSpec = {
    title: { text: options.title ?? `Bins of ${conv.name}`, subtitle: `${conv.numBins} bins fitted on ${conv.fittedOn.toLocaleString('en-US')} values` },
    data: { values },
    width: 560,
    height: 200,
    layer: [
      {
        mark: { type: 'rect', stroke: '#ffffff', strokeWidth: 0.5 },
        encoding: {
          x: {
            field: 'lo',
            type: 'quantitative',
            scale: options.scale === 'linear' ? { type: 'linear' } : { type: 'symlog', constant },
            axis: options.scale === 'linear' ? {} : { values: ticks, format: '~g' },
            title: conv.name,
          },
          x2: { field: 'hi' },
          y: { field: 'share', type: 'quantitative', title: 'share of values' },
          y2: { datum: 0 },
          color: { field: 'single', type: 'nominal', scale: { domain: ['range', 'own bin'], range: ['#7fa7d6', '#d4572a'] }, title: null },
          tooltip: [
            { field: 'bin', type: 'ordinal' },
            { field: 'range', type: 'nominal' },
            { field: 'share', type: 'quantitative', format: '.2%' },
          ],
        },
      },
    ],
  } as TopLevelSpec;
  return new Chart(spec);
}

function values0(conv: BinConverter): number {
  return conv.keptRange(0)[0];
}

/** An order image (3 × price bins × volume bins): one panel per type, pixel = orders in the window. */
export function orderImageChart(
  image: ArrayLike<number>,
  options: { layout?: TokenLayout; title?: string; subtitle?: string } = {},
): Chart {
  const L = options.layout ?? MARS_LAYOUT;
  const values = [];
  for (let t = 0; t < L.types; t++) {
    for (let p = 0; p < L.priceBins; p++) {
      for (let v = 0; v < L.volumeBins; v++) {
        const c = image[(t * L.priceBins + p) * L.volumeBins + v];
        if (c > 0) values.push({ type: ORDER_TYPE_NAMES[t], price: p, volume: v, count: Math.round(c * 100) / 100 });
      }
    }
  }
  const spec: TopLevelSpec = {
    title: { text: options.title ?? 'Order image', subtitle: options.subtitle ?? 'orders per (price bin, volume bin), by type' },
    data: { values },
    facet: { column: { field: 'type', type: 'nominal', sort: TYPE_DOMAIN, title: null } },
    spec: {
      width: 180,
      height: 180,
      mark: 'rect',
      encoding: {
        x: { field: 'price', type: 'quantitative', bin: { step: 1 }, scale: { domain: [0, L.priceBins] }, title: 'price bin' },
        y: { field: 'volume', type: 'quantitative', bin: { step: 1 }, scale: { domain: [0, L.volumeBins] }, title: 'volume bin' },
        color: { field: 'count', type: 'quantitative', scale: { type: 'symlog', scheme: DENSITY_SCHEME }, title: 'orders' },
        tooltip: [
          { field: 'type', type: 'nominal' },
          { field: 'price', type: 'quantitative', title: 'price bin' },
          { field: 'volume', type: 'quantitative', title: 'volume bin' },
          { field: 'count', type: 'quantitative' },
        ],
      },
    },
  } as TopLevelSpec;
  return new Chart(spec);
}

/** The order image of window `w` of a day's batches. */
export function batchImageChart(batches: OrderBatches, w: number, options: { title?: string } = {}): Chart {
  const h = Math.floor(batches.start[w] / 3600);
  const m = Math.floor((batches.start[w] % 3600) / 60);
  const when = `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
  return orderImageChart(batches.image(w), {
    layout: { types: batches.shape[0], priceBins: batches.shape[1], volumeBins: batches.shape[2], intervalBins: 0 },
    title: options.title ?? `${batches.symbol} orders, ${when} + ${batches.windowSeconds} s`,
    subtitle: `${batches.orders[w]} orders: ${batches.buys[w]} buys, ${batches.sells[w]} sells, ${batches.cancels[w]} cancels`,
  });
}

/** What a batch code stands for: the codebook entry as an order image (expected orders per pixel). */
export function codebookEntryChart(batch: BatchTokenizer, code: number, options: { title?: string } = {}): Chart {
  return orderImageChart(batch.reconstruct(code), {
    layout: { types: batch.shape[0], priceBins: batch.shape[1], volumeBins: batch.shape[2], intervalBins: 0 },
    title: options.title ?? `Batch code ${code}`,
    subtitle: `codebook entry (of ${batch.codebookSize}), in orders per pixel`,
  });
}
