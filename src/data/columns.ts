/**
 * Column schemas: a columnar type (order events, order tokens) is described once, as a `const` object
 * naming each column's typed-array constructor, its values per row and what it means. Everything that
 * used to be written out column by column is derived from that object: the TypeScript type of the
 * columns (`ColumnsOf`), allocation, the length check, slicing, trimming, the table view `columns()`
 * and the columns written to a token file. Adding a column is one line in the schema.
 *
 * Only `data` types are used here, so `tokenize`, `replay` and `sim` can all describe their columns
 * with it.
 */
import type { Columns } from './tables';
import { GrowableColumn } from '../util/growable';

export type TypedArray = Float64Array | Float32Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array;

export type TypedArrayConstructor =
  | Float64ArrayConstructor
  | Float32ArrayConstructor
  | Int32ArrayConstructor
  | Uint32ArrayConstructor
  | Int16ArrayConstructor
  | Uint16ArrayConstructor
  | Int8ArrayConstructor
  | Uint8ArrayConstructor;

/**
 * The array type a constructor makes, in its plain form (any backing buffer), so a view into a file's
 * buffer fits a column as well as a freshly allocated array. Told apart by `Symbol.toStringTag`,
 * the one member in which the typed-array interfaces differ by type.
 */
interface ArrayByTag {
  Float64Array: Float64Array;
  Float32Array: Float32Array;
  Int32Array: Int32Array;
  Uint32Array: Uint32Array;
  Int16Array: Int16Array;
  Uint16Array: Uint16Array;
  Int8Array: Int8Array;
  Uint8Array: Uint8Array;
}
export type ArrayOf<C extends TypedArrayConstructor> = ArrayByTag[InstanceType<C>[typeof Symbol.toStringTag]];

export interface ColumnDef {
  /** The typed array the column is stored in. */
  readonly array: TypedArrayConstructor;
  /** Values per row (default 1); a wider column is row-major, `width` values per row. */
  readonly width?: number;
  /** Table names of a wide column's values, one per slot (default `name0`, `name1`, …). */
  readonly parts?: readonly string[];
  /** For a column of codes: the names the table view shows instead (`labels[code]`). */
  readonly labels?: readonly string[];
  /** What the column holds. */
  readonly doc: string;
}

export type ColumnSchema = { readonly [name: string]: ColumnDef };

/** The arrays of a schema, by name (the type of a frame's columns). */
export type ColumnsOf<S extends ColumnSchema> = { [K in keyof S]: ArrayOf<S[K]['array']> };

/** Declare a schema, keeping its literal names and constructors (for `ColumnsOf`). */
export function defineColumns<const S extends ColumnSchema>(schema: S): S {
  for (const [name, def] of Object.entries(schema)) {
    const w = def.width ?? 1;
    if (!(Number.isInteger(w) && w >= 1)) throw new RangeError(`column ${name}: width ${w}`);
    if (def.parts && def.parts.length !== w) throw new RangeError(`column ${name}: ${def.parts.length} part names for width ${w}`);
  }
  return Object.freeze(schema);
}

/** The column names of a schema, in its order. */
export function columnNames<S extends ColumnSchema>(schema: S): Array<keyof S & string> {
  return Object.keys(schema) as Array<keyof S & string>;
}

export function columnWidth(def: ColumnDef): number {
  return def.width ?? 1;
}

/**
 * A copy of `o` in V8's fast (hidden-class) mode. Objects filled by computed-key stores, as the helpers
 * here fill them, fall into dictionary mode past a dozen properties, and every `cols.name` read in a hot
 * loop then pays a hash lookup (measured: extractOrders 12% slower). A spread copy is a fast object.
 */
function fastObject<T extends object>(o: T): T {
  return { ...o };
}

/** Zeroed columns for `rows` rows. */
export function allocateColumns<S extends ColumnSchema>(schema: S, rows: number): ColumnsOf<S> {
  const out: Record<string, TypedArray> = {};
  for (const name of columnNames(schema)) out[name] = new schema[name].array(rows * columnWidth(schema[name]));
  return fastObject(out) as ColumnsOf<S>;
}

/**
 * Check that `cols` has every column of the schema, of the schema's array type and `rows` rows long
 * (throws a RangeError naming `owner` and the column); returns the row count.
 */
export function checkColumns<S extends ColumnSchema>(owner: string, schema: S, cols: ColumnsOf<S>, rows: number): number {
  for (const name of columnNames(schema)) {
    const def = schema[name];
    const col = (cols as Record<string, TypedArray | undefined>)[name];
    if (!col) throw new RangeError(`${owner}: column ${name} is missing`);
    if (!(col instanceof def.array)) throw new TypeError(`${owner}: column ${name} is a ${col.constructor.name}, expected a ${def.array.name}`);
    const want = rows * columnWidth(def);
    if (col.length !== want) throw new RangeError(`${owner}: column ${name} has ${col.length} values, expected ${want}`);
  }
  return rows;
}

/** Copy the schema's columns onto `target` as properties, in schema order (one hidden class per frame type). */
export function assignColumns<S extends ColumnSchema>(target: object, schema: S, cols: ColumnsOf<S>): void {
  const t = target as Record<string, TypedArray>;
  for (const name of columnNames(schema)) t[name] = (cols as Record<string, TypedArray>)[name];
}

/** The schema's columns of `src` (a frame or a plain object), picked by name. */
export function pickColumns<S extends ColumnSchema>(schema: S, src: ColumnsOf<S>): ColumnsOf<S> {
  const out: Record<string, TypedArray> = {};
  for (const name of columnNames(schema)) out[name] = (src as Record<string, TypedArray>)[name];
  return fastObject(out) as ColumnsOf<S>;
}

/** Rows [from, to) as views of the same buffers. */
export function sliceColumns<S extends ColumnSchema>(schema: S, cols: ColumnsOf<S>, from: number, to: number): ColumnsOf<S> {
  const out: Record<string, TypedArray> = {};
  for (const name of columnNames(schema)) {
    const w = columnWidth(schema[name]);
    out[name] = (cols as Record<string, TypedArray>)[name].subarray(from * w, to * w);
  }
  return fastObject(out) as ColumnsOf<S>;
}

/**
 * The first `rows` rows of columns allocated for more: views when `copy` is false (no copy, the
 * rest of the buffer stays allocated), else trimmed copies.
 */
export function trimColumns<S extends ColumnSchema>(schema: S, cols: ColumnsOf<S>, rows: number, copy: boolean): ColumnsOf<S> {
  const out: Record<string, TypedArray> = {};
  for (const name of columnNames(schema)) {
    const n = rows * columnWidth(schema[name]);
    const a = (cols as Record<string, TypedArray>)[name];
    out[name] = copy ? a.slice(0, n) : a.subarray(0, n);
  }
  return fastObject(out) as ColumnsOf<S>;
}

/**
 * The table view of columns (for Arrow, arquero, danfo, CSV): one table column per schema column, in
 * schema order, except that a wide column becomes one column per slot (named by `parts`) and a column
 * with `labels` shows names instead of codes.
 */
export function tableColumns<S extends ColumnSchema>(schema: S, cols: ColumnsOf<S>, rows: number): Columns {
  const out: Columns = {};
  for (const name of columnNames(schema)) {
    const def = schema[name];
    const col = (cols as Record<string, TypedArray>)[name];
    const w = columnWidth(def);
    if (w > 1) {
      for (let s = 0; s < w; s++) {
        const part = new def.array(rows);
        for (let i = 0; i < rows; i++) part[i] = col[i * w + s];
        out[def.parts ? def.parts[s] : `${name}${s}`] = part;
      }
    } else if (def.labels) {
      const labels = def.labels;
      out[name] = Array.from(col, (code) => labels[code]);
    } else out[name] = col;
  }
  return out;
}

/** The columns as a token file holds them (`shape` [rows] or [rows, width]), in schema order. */
export function fileColumns<S extends ColumnSchema>(schema: S, cols: ColumnsOf<S>, rows: number): Record<string, { data: TypedArray; shape: number[] }> {
  const out: Record<string, { data: TypedArray; shape: number[] }> = {};
  for (const name of columnNames(schema)) {
    const w = columnWidth(schema[name]);
    out[name] = { data: (cols as Record<string, TypedArray>)[name], shape: w > 1 ? [rows, w] : [rows] };
  }
  return out;
}

/**
 * The schema's columns out of a decoded file's columns (each must be there, with the schema's array
 * type: a file written by this schema always is).
 */
export function columnsFromFile<S extends ColumnSchema>(
  source: string,
  schema: S,
  file: Readonly<Record<string, { data: TypedArray } | undefined>>,
  rows: number,
): ColumnsOf<S> {
  const out: Record<string, TypedArray> = {};
  for (const name of columnNames(schema)) {
    const c = file[name];
    if (!c) throw new Error(`${source}: column ${name} missing`);
    out[name] = c.data;
  }
  checkColumns(source, schema, out as ColumnsOf<S>, rows);
  return fastObject(out) as ColumnsOf<S>;
}

/** Growing columns of a schema (a log that is appended to, row by row): one `GrowableColumn` per column. */
export type GrowingColumnsOf<S extends ColumnSchema> = { [K in keyof S]: GrowableColumn<ArrayOf<S[K]['array']>> };

/** Empty growing columns for a schema (width-1 columns; push one value per row each). */
export function growingColumns<S extends ColumnSchema>(schema: S, capacity = 1024): GrowingColumnsOf<S> {
  const out: Record<string, GrowableColumn<TypedArray>> = {};
  for (const name of columnNames(schema)) out[name] = new GrowableColumn(schema[name].array as unknown as new (n: number) => TypedArray, capacity);
  return fastObject(out) as unknown as GrowingColumnsOf<S>;
}

/** Exact-length copies of growing columns (what a finished log hands over). */
export function finishColumns<S extends ColumnSchema>(schema: S, cols: GrowingColumnsOf<S>): ColumnsOf<S> {
  const out: Record<string, TypedArray> = {};
  for (const name of columnNames(schema)) out[name] = (cols[name] as unknown as GrowableColumn<TypedArray>).toArray();
  return fastObject(out) as ColumnsOf<S>;
}
