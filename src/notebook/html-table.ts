/** The first rows of a table as HTML (with its shape), for notebooks. */
/** Named columns of any values (typed arrays, arrays). */
export type AnyColumns = Record<string, ArrayLike<unknown>>;

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);

function cell(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? v.toLocaleString('en-US') : Number(v.toPrecision(10)).toString();
  if (typeof v === 'bigint') return v.toString();
  if (v === null || v === undefined) return '';
  return esc(String(v));
}

export function htmlTable(columns: AnyColumns, rows: number, options: { title?: string; limit?: number } = {}): string {
  const names = Object.keys(columns);
  const limit = Math.min(rows, options.limit ?? 10);
  const head = names.map((n) => `<th style="text-align:right">${esc(n)}</th>`).join('');
  const body: string[] = [];
  for (let i = 0; i < limit; i++) body.push(`<tr>${names.map((n) => `<td style="text-align:right">${cell(columns[n][i])}</td>`).join('')}</tr>`);
  const shape = `${rows.toLocaleString('en-US')} rows × ${names.length} columns${rows > limit ? ` (first ${limit} shown)` : ''}`;
  return (
    `<div class="marsbook-table">${options.title ? `<strong>${esc(options.title)}</strong> · ` : ''}<span style="color:#666">${shape}</span>` +
    `<table><thead><tr>${head}</tr></thead><tbody>${body.join('')}</tbody></table></div>`
  );
}

export function textTable(columns: AnyColumns, rows: number, options: { title?: string; limit?: number } = {}): string {
  const names = Object.keys(columns);
  const limit = Math.min(rows, options.limit ?? 10);
  const grid = [names, ...Array.from({ length: limit }, (_, i) => names.map((n) => cell(columns[n][i]).replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>')))];
  const widths = names.map((_, c) => Math.max(...grid.map((r) => r[c].length)));
  const lines = grid.map((r) => r.map((v, c) => v.padStart(widths[c])).join('  '));
  return `${options.title ? options.title + ': ' : ''}${rows.toLocaleString('en-US')} rows × ${names.length} columns\n${lines.join('\n')}${rows > limit ? '\n…' : ''}`;
}
