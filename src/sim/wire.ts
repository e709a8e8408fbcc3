/**
 * A compact binary form for what a simulation sends between machines: a tree of plain values (objects,
 * arrays, strings, numbers, booleans, null) whose typed arrays travel as raw bytes, not as JSON arrays
 * of numbers. A run's inputs (its spec and start states) and a group's results (trajectories as typed
 * columns) go through a job queue this way.
 *
 * Layout: `MBW1` · u32 header length · the header (UTF-8 JSON: the tree with each typed array replaced
 * by `{"$a": type, "o": offset, "n": length}` and each number JSON cannot hold — NaN, ±Infinity, −0 —
 * by `{"$n": "NaN"}`) · zero padding to 8 bytes · the arrays' bytes, each starting on an 8-byte
 * boundary. Little-endian (every platform Node ships for); `unpack` gives arrays of the same types,
 * values bit for bit.
 */
import { endianness } from 'node:os';
import type { TypedArray } from '../data/columns';

const MAGIC = 0x3157424d; // "MBW1" read as a little-endian u32

const ARRAYS = {
  Float64Array,
  Float32Array,
  Int32Array,
  Uint32Array,
  Int16Array,
  Uint16Array,
  Int8Array,
  Uint8Array,
} as const;
type ArrayName = keyof typeof ARRAYS;

/** What `pack` takes: plain data with typed arrays anywhere inside. */
export type WireValue = null | undefined | boolean | number | string | TypedArray | WireValue[] | { [key: string]: WireValue };

interface ArrayRef {
  $a: ArrayName;
  o: number;
  n: number;
}

function specialNumber(x: number): string | null {
  if (x !== x) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (x === 0 && 1 / x < 0) return '-0';
  return null;
}

/** `value` (a `WireValue`: checked as it is walked, so typed interfaces need no cast) as bytes (see the module comment). */
export function pack(value: unknown): Buffer {
  if (endianness() !== 'LE') throw new Error('marsbook wire format: this machine is big-endian; only little-endian machines exchange simulation data');
  const arrays: TypedArray[] = [];
  let offset = 0;
  const walk = (v: unknown, path: string): unknown => {
    if (v === null || v === undefined || typeof v === 'boolean' || typeof v === 'string') return v;
    if (typeof v === 'number') {
      const s = specialNumber(v);
      return s === null ? v : { $n: s };
    }
    if (ArrayBuffer.isView(v)) {
      const name = (v as TypedArray)[Symbol.toStringTag] as ArrayName;
      if (!(name in ARRAYS)) throw new TypeError(`pack: ${path} is a ${name}, not one of ${Object.keys(ARRAYS).join(', ')}`);
      const ref: ArrayRef = { $a: name, o: offset, n: (v as TypedArray).length };
      arrays.push(v as TypedArray);
      offset += align8(v.byteLength);
      return ref;
    }
    if (Array.isArray(v)) return v.map((x, i) => walk(x, `${path}[${i}]`));
    if (typeof v === 'object') {
      const proto = Object.getPrototypeOf(v) as unknown;
      if (proto !== Object.prototype && proto !== null) throw new TypeError(`pack: ${path} is a ${(v as object).constructor?.name ?? 'class instance'}, not plain data`);
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v as object)) if (x !== undefined) out[k] = walk(x, `${path}.${k}`);
      return out;
    }
    throw new TypeError(`pack: ${path} is a ${typeof v}, not plain data`);
  };
  const header = Buffer.from(JSON.stringify(walk(value, 'value')), 'utf8');
  const start = align8(8 + header.length);
  const out = Buffer.alloc(start + offset);
  out.writeUInt32LE(MAGIC, 0);
  out.writeUInt32LE(header.length, 4);
  header.copy(out, 8);
  let at = start;
  for (const a of arrays) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
    at += align8(a.byteLength);
  }
  return out;
}

/** The value `pack` made these bytes from; `what` names the bytes in errors (e.g. "the input of run …"). */
export function unpack<T = unknown>(bytes: Uint8Array, what = 'data'): T {
  if (bytes.length < 8) throw new Error(`${what}: ${bytes.length} bytes, too short for marsbook wire data`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC) throw new Error(`${what}: not marsbook wire data (bad magic)`);
  const hlen = view.getUint32(4, true);
  if (8 + hlen > bytes.length) throw new Error(`${what}: header of ${hlen} bytes runs past the end (${bytes.length} bytes)`);
  let tree: unknown;
  try {
    tree = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + 8, hlen).toString('utf8'));
  } catch (e) {
    throw new Error(`${what}: unreadable header (${(e as Error).message})`);
  }
  const start = align8(8 + hlen);
  const body = bytes.length - start;
  // One aligned copy of the body: every array is a view into it (a Buffer from a pool may sit at any offset).
  const buf = new ArrayBuffer(body);
  new Uint8Array(buf).set(bytes.subarray(start));
  const walk = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.map(walk);
    const o = v as Record<string, unknown>;
    if (typeof o.$n === 'string') return Number(o.$n === '-0' ? '-0' : o.$n);
    if (typeof o.$a === 'string') {
      const Ctor = ARRAYS[o.$a as ArrayName];
      const off = o.o as number;
      const n = o.n as number;
      if (!Ctor || !Number.isInteger(off) || !Number.isInteger(n) || off < 0 || n < 0 || off % 8 !== 0 || off + n * Ctor.BYTES_PER_ELEMENT > body) {
        throw new Error(`${what}: array reference ${JSON.stringify(o)} is not inside the ${body} bytes of data`);
      }
      return new Ctor(buf, off, n);
    }
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o)) out[k] = walk(x);
    return out;
  };
  return walk(tree) as T;
}

function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}
