/**
 * Named typed-array columns out to the dataframe libraries users reach for: Apache Arrow (the
 * columnar interchange format; zero-copy for numeric columns), arquero and danfo.
 * arquero is ESM-only, so it is loaded with a real dynamic import; danfo pulls in TensorFlow.js and
 * is loaded only when asked for.
 */
import { tableFromArrays, type Table as ArrowTable } from 'apache-arrow';
// @ts-ignore TS1541: a type-only import of the ES module arquero from CommonJS output. It has no runtime
// effect (the module itself is loaded by `import()` below), and consumers on any resolution mode see the types.
import type { ColumnTable } from 'arquero';
import type { DataFrame } from 'danfojs-node';
import type { NumericArray } from '../util/growable';

export type Column = NumericArray | readonly string[];
export type Columns = Record<string, Column>;

export function columnsToArrow(columns: Columns): ArrowTable {
  const input: Record<string, NumericArray | string[]> = {};
  for (const [name, col] of Object.entries(columns)) input[name] = isStringColumn(col) ? [...col] : col;
  return tableFromArrays(input as Parameters<typeof tableFromArrays>[0]) as unknown as ArrowTable;
}

const dynamicArquero = () => import('arquero');
let arqueroModule: ReturnType<typeof dynamicArquero> | null = null;

/** The arquero library, imported once with a real dynamic `import()` (it ships only as an ES module). */
export function importArquero(): ReturnType<typeof dynamicArquero> {
  arqueroModule ??= dynamicArquero();
  return arqueroModule;
}

/** @deprecated `load*` reads data; use `importArquero()`. Kept for one release. */
export const loadArquero = importArquero;

export async function columnsToArquero(columns: Columns): Promise<ColumnTable> {
  const aq = await importArquero();
  const data: Record<string, ArrayLike<unknown>> = {};
  for (const [name, col] of Object.entries(columns)) data[name] = col;
  return aq.table(data);
}

type DanfoModule = typeof import('danfojs-node');
let danfoModule: DanfoModule | null = null;

/** The danfo library, required on first use (it brings TensorFlow.js, a second or two to start). */
export function importDanfo(): DanfoModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  danfoModule ??= require('danfojs-node') as DanfoModule;
  return danfoModule;
}

/** @deprecated `load*` reads data; use `importDanfo()`. Kept for one release. */
export const loadDanfo = importDanfo;

export async function columnsToDanfo(columns: Columns): Promise<DataFrame> {
  const dfd = importDanfo();
  const data: Record<string, unknown[]> = {};
  for (const [name, col] of Object.entries(columns)) data[name] = Array.from(col as ArrayLike<unknown>);
  return new dfd.DataFrame(data);
}

function isStringColumn(col: Column): col is readonly string[] {
  return Array.isArray(col);
}

/** Objects that can hand over their data as named columns. */
export interface HasColumns {
  columns(): Columns;
}

/** The three conversions every marsbook frame offers. */
export abstract class ColumnarFrame implements HasColumns {
  abstract columns(): Columns;

  /** An Apache Arrow table (numeric columns are shared, not copied). */
  toArrow(): ArrowTable {
    return columnsToArrow(this.columns());
  }

  /** An arquero table over the same arrays. */
  toArquero(): Promise<ColumnTable> {
    return columnsToArquero(this.columns());
  }

  /** A danfo DataFrame (copies; danfo keeps plain arrays). */
  toDanfo(): Promise<DataFrame> {
    return columnsToDanfo(this.columns());
  }
}
