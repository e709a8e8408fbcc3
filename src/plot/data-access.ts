/**
 * Charts accept marsbook frames (typed-array columns) or arquero tables. This reads a named column
 * from either without importing arquero (a table is recognised by its methods).
 */
import type { ColumnarFrame } from '../data/tables';

/** The part of arquero's ColumnTable a chart needs. */
export interface TableLike {
  columnNames(): string[];
  array(name: string): ArrayLike<unknown>;
  numRows(): number;
}

export function isTableLike(x: unknown): x is TableLike {
  return typeof x === 'object' && x !== null && typeof (x as TableLike).columnNames === 'function' && typeof (x as TableLike).array === 'function';
}

/** Column `name` of a frame or table (a typed array or an array). */
export function columnOf(src: TableLike | ColumnarFrame | object, name: string): ArrayLike<number | string> {
  if (isTableLike(src)) {
    if (!src.columnNames().includes(name)) throw new Error(`chart: the table has no column ${JSON.stringify(name)} (it has ${src.columnNames().join(', ')})`);
    return src.array(name) as ArrayLike<number | string>;
  }
  const direct = (src as Record<string, unknown>)[name];
  if (direct && typeof (direct as ArrayLike<unknown>).length === 'number' && typeof direct !== 'function') return direct as ArrayLike<number>;
  const inner = (src as { c?: Record<string, unknown> }).c?.[name];
  if (inner && typeof (inner as ArrayLike<unknown>).length === 'number') return inner as ArrayLike<number>;
  if (typeof (src as ColumnarFrame).columns === 'function') {
    const cols = (src as ColumnarFrame).columns();
    if (name in cols) return cols[name] as ArrayLike<number | string>;
    throw new Error(`chart: no column ${JSON.stringify(name)} (columns: ${Object.keys(cols).join(', ')})`);
  }
  throw new Error(`chart: cannot read column ${JSON.stringify(name)} from this value`);
}
