/**
 * The binary column file shared by the TypeScript tokenizer and the Python trainer (`train/`).
 * Little-endian:
 *
 *   bytes 0–3   magic "MBTK"
 *   bytes 4–7   uint32 format version (1)
 *   bytes 8–11  uint32 header length H
 *   bytes 12…   H bytes of UTF-8 JSON: { rows, columns: [{ name, dtype, shape, offset, bytes }], meta }
 *   then each column's raw little-endian values at its `offset` (8-byte aligned), row-major for 2-D
 *   columns (shape [rows, k]).
 *
 * dtypes: uint8 int8 uint16 int16 uint32 int32 float32 float64 (numpy's names, so Python reads a
 * column with `np.frombuffer(buf, dtype, count, offset)`).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

export const TOKEN_FILE_MAGIC = 'MBTK';
export const TOKEN_FILE_VERSION = 1;

export type ColumnArray = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array | Float64Array;

const DTYPES: Record<string, new (buf: ArrayBuffer, offset: number, length: number) => ColumnArray> = {
  uint8: Uint8Array,
  int8: Int8Array,
  uint16: Uint16Array,
  int16: Int16Array,
  uint32: Uint32Array,
  int32: Int32Array,
  float32: Float32Array,
  float64: Float64Array,
};

function dtypeOf(a: ColumnArray): string {
  if (a instanceof Uint8Array) return 'uint8';
  if (a instanceof Int8Array) return 'int8';
  if (a instanceof Uint16Array) return 'uint16';
  if (a instanceof Int16Array) return 'int16';
  if (a instanceof Uint32Array) return 'uint32';
  if (a instanceof Int32Array) return 'int32';
  if (a instanceof Float32Array) return 'float32';
  return 'float64';
}

export interface ColumnSpec {
  name: string;
  dtype: string;
  shape: number[];
  offset: number;
  bytes: number;
}

export interface ColumnFile {
  rows: number;
  columns: Record<string, { data: ColumnArray; shape: number[] }>;
  meta: Record<string, unknown>;
}

const pad8 = (n: number) => (n + 7) & ~7;

/** Serialise columns (each `rows` long, or rows × k for `shape` [rows, k]). */
export function encodeColumnFile(file: ColumnFile): Buffer {
  const specs: ColumnSpec[] = [];
  for (const [name, { data, shape }] of Object.entries(file.columns)) {
    const count = shape.reduce((a, b) => a * b, 1);
    if (count !== data.length) throw new Error(`column ${name}: shape ${shape.join('×')} but ${data.length} values`);
    if (shape[0] !== file.rows) throw new Error(`column ${name}: ${shape[0]} rows, the file has ${file.rows}`);
    specs.push({ name, dtype: dtypeOf(data), shape, offset: 0, bytes: data.byteLength });
  }
  // Offsets depend on the header length, which depends on the offsets' digits: iterate to a fixed point.
  let headerBytes = 0;
  let header = '';
  for (let round = 0; round < 4; round++) {
    let at = pad8(12 + headerBytes);
    for (const s of specs) {
      s.offset = at;
      at = pad8(at + s.bytes);
    }
    header = JSON.stringify({ rows: file.rows, columns: specs, meta: file.meta });
    const len = Buffer.byteLength(header);
    if (len === headerBytes) break;
    headerBytes = len;
  }
  const last = specs[specs.length - 1];
  const total = last ? pad8(last.offset + last.bytes) : pad8(12 + headerBytes);
  const out = Buffer.alloc(total);
  out.write(TOKEN_FILE_MAGIC, 0, 'latin1');
  out.writeUInt32LE(TOKEN_FILE_VERSION, 4);
  out.writeUInt32LE(headerBytes, 8);
  out.write(header, 12, 'utf8');
  for (const s of specs) {
    const data = file.columns[s.name].data;
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), s.offset);
  }
  return out;
}

export function writeColumnFile(path: string, file: ColumnFile): void {
  writeFileSync(path, encodeColumnFile(file));
}

export function decodeColumnFile(buf: Uint8Array, source = 'buffer'): ColumnFile {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length < 12 || b.toString('latin1', 0, 4) !== TOKEN_FILE_MAGIC) throw new Error(`${source}: not a marsbook token file (no MBTK magic)`);
  const version = b.readUInt32LE(4);
  if (version > TOKEN_FILE_VERSION) throw new Error(`${source}: token file version ${version} is newer than this marsbook reads (${TOKEN_FILE_VERSION})`);
  const hlen = b.readUInt32LE(8);
  const header = JSON.parse(b.toString('utf8', 12, 12 + hlen)) as { rows: number; columns: ColumnSpec[]; meta: Record<string, unknown> };
  // Copy into an aligned buffer so typed views are valid whatever the input's alignment.
  const aligned = new Uint8Array(b.length);
  aligned.set(b);
  const columns: ColumnFile['columns'] = {};
  for (const s of header.columns) {
    const Ctor = DTYPES[s.dtype];
    if (!Ctor) throw new Error(`${source}: column ${s.name} has unknown dtype ${s.dtype}`);
    if (s.offset + s.bytes > b.length) throw new Error(`${source}: column ${s.name} runs past the end of the file (truncated?)`);
    const count = s.shape.reduce((x, y) => x * y, 1);
    columns[s.name] = { data: new Ctor(aligned.buffer, s.offset, count), shape: s.shape };
  }
  return { rows: header.rows, columns, meta: header.meta };
}

/** Read a column file (plain, or gzip'd: recognised by its magic bytes). */
export function readColumnFile(path: string): ColumnFile {
  const raw = readFileSync(path);
  return decodeColumnFile(raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw, path);
}
