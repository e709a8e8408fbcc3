/**
 * One look for every marsbook chart: a Vega-Lite `config` merged into each spec.
 * Colours: buys blue, sells orange-red, cancels grey; a sequential scheme for densities.
 */
import type { Config } from 'vega-lite';

export const COLORS = {
  buy: '#2f6db5',
  sell: '#d4572a',
  cancel: '#8a8f98',
  mid: '#222222',
  trade: '#7a3fb0',
  accent: '#2a9d8f',
} as const;

/** S, B, C in token-type order, with their colours. */
export const TYPE_DOMAIN = ['S', 'B', 'C'];
export const TYPE_RANGE = [COLORS.sell, COLORS.buy, COLORS.cancel];

export const DENSITY_SCHEME = 'blues';

export const THEME: Config = {
  font: 'Helvetica Neue, Helvetica, Arial, sans-serif',
  background: '#ffffff',
  padding: 8,
  view: { stroke: 'transparent', continuousWidth: 560, continuousHeight: 260 },
  axis: {
    labelFontSize: 11,
    titleFontSize: 12,
    titleFontWeight: 'normal',
    titleColor: '#333333',
    labelColor: '#444444',
    gridColor: '#e8e8e8',
    domainColor: '#888888',
    tickColor: '#888888',
  },
  legend: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal' },
  title: { fontSize: 14, fontWeight: 'normal', anchor: 'start', color: '#222222', subtitleColor: '#666666', subtitleFontSize: 11 },
  header: { labelFontSize: 12, titleFontSize: 12 },
  range: { category: [COLORS.buy, COLORS.sell, COLORS.accent, COLORS.trade, COLORS.cancel, '#e9c46a', '#264653'] },
  bar: { color: COLORS.buy },
  line: { color: COLORS.mid, strokeWidth: 1.2 },
  point: { color: COLORS.trade, size: 12 },
  rect: { color: COLORS.buy },
};
