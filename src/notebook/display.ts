/**
 * `display(value)`: show a value in a notebook. Charts become a bundle of the Vega-Lite v5 spec (a JSON
 * object, as JupyterLab's and VS Code's renderers want), an SVG rendered by vega on the kernel (so
 * nbconvert's HTML, which draws no Vega-Lite, still shows the chart) and text. Tables (marsbook frames,
 * arquero tables, danfo DataFrames) become an HTML table of their first rows with the shape, and text.
 * Anything else is shown as text.
 */
import { inspect } from 'node:util';
import { Chart } from '../plot/chart';
import { ColumnarFrame } from '../data/tables';
import { isTableLike } from '../plot/data-access';
import { htmlTable, textTable, type AnyColumns } from './html-table';
import { queueDisplay, type MimeBundle } from './tslab-bridge';

/** Text to show as Markdown (`display(markdown('# Title'))`). */
export class Markdown {
  constructor(readonly text: string) {}
}

export function markdown(text: string): Markdown {
  return new Markdown(text);
}

export interface DisplayOptions {
  /** Rows shown for tables (default 10). */
  rows?: number;
  title?: string;
}

interface DanfoLike {
  columns: string[];
  shape: [number, number];
  values: unknown[][];
}

function isDanfo(x: unknown): x is DanfoLike {
  return typeof x === 'object' && x !== null && Array.isArray((x as DanfoLike).columns) && Array.isArray((x as DanfoLike).shape) && 'values' in (x as object) && typeof (x as { toJSON?: unknown }).toJSON === 'function';
}

/**
 * Whether a value has a display richer than text (a chart, Markdown, a table): a cell that ends with
 * one shows that display, as IPython shows an object with a rich repr.
 */
export function hasRichDisplay(value: unknown): boolean {
  return value instanceof Chart || value instanceof Markdown || value instanceof ColumnarFrame || isTableLike(value) || isDanfo(value);
}

/** The mime bundle a value is displayed as. */
export async function mimeBundle(value: unknown, options: DisplayOptions = {}): Promise<MimeBundle> {
  if (value instanceof Chart) return value.mimeBundle();
  if (value instanceof Markdown) return { 'text/markdown': value.text, 'text/plain': value.text };
  const limit = options.rows ?? 10;
  let columns: AnyColumns | null = null;
  let rows = 0;
  if (value instanceof ColumnarFrame) {
    columns = value.columns();
    const first = Object.values(columns)[0];
    rows = first ? first.length : 0;
  } else if (isTableLike(value)) {
    columns = {};
    for (const n of value.columnNames()) columns[n] = Array.from(value.array(n)).slice(0, limit);
    rows = value.numRows();
  } else if (isDanfo(value)) {
    columns = {};
    const vals = value.values.slice(0, limit);
    value.columns.forEach((n, c) => {
      columns![n] = vals.map((r) => r[c]);
    });
    rows = value.shape[0];
  }
  if (columns) {
    return { 'text/html': htmlTable(columns, rows, { title: options.title, limit }), 'text/plain': textTable(columns, rows, { title: options.title, limit }) };
  }
  if (typeof value === 'string') return { 'text/plain': value };
  if (isPlainRecord(value)) return recordBundle(value, options.title);
  return { 'text/plain': inspect(value, { depth: 3, colors: false }) };
}

/**
 * Show a value in the notebook, like IPython's `display`: it returns nothing and needs no `await`.
 * A chart renders its SVG first, so its one output carries the Vega-Lite spec and the SVG together
 * (what HTML exports draw); the marsbook kernel does not finish the cell before the display is out,
 * and displays appear in the order they were called. Outside a kernel it does nothing.
 * (`await display(x)` still works: awaiting nothing is a no-op.)
 */
export function display(value: unknown, options: DisplayOptions = {}): void {
  queueDisplay(() => mimeBundle(value, options));
}

function isPlainRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && Object.getPrototypeOf(x) === Object.prototype;
}

const escHtml = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);

function showValue(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? v.toLocaleString('en-US') : Number(v.toPrecision(6)).toString();
  if (v === null || v === undefined) return String(v);
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** A report object (figures by name) as a two-column table. */
function recordBundle(r: Record<string, unknown>, title?: string): MimeBundle {
  const rows = Object.entries(r).map(([k, v]) => `<tr><th style="text-align:left">${escHtml(k)}</th><td style="text-align:left">${escHtml(showValue(v))}</td></tr>`);
  const width = Math.max(...Object.keys(r).map((k) => k.length), 1);
  return {
    'text/html': `<div class="marsbook-record">${title ? `<strong>${escHtml(title)}</strong>` : ''}<table>${rows.join('')}</table></div>`,
    'text/plain': (title ? title + '\n' : '') + Object.entries(r).map(([k, v]) => `${k.padEnd(width)}  ${showValue(v)}`).join('\n'),
  };
}
