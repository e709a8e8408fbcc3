/**
 * Append-only typed-array columns that double their capacity: the way every loader and tape in
 * marsbook collects rows without knowing their count in advance and without per-row allocation.
 */

export type NumericArray =
  | Float64Array
  | Float32Array
  | Int32Array
  | Uint32Array
  | Int16Array
  | Uint16Array
  | Int8Array
  | Uint8Array;

interface TypedArrayCtor<T extends NumericArray> {
  new (length: number): T;
}

export class GrowableColumn<T extends NumericArray> {
  private buf: T;
  length = 0;

  constructor(
    private readonly ctor: TypedArrayCtor<T>,
    initialCapacity = 1024,
  ) {
    this.buf = new ctor(Math.max(16, initialCapacity));
  }

  push(value: number): void {
    if (this.length === this.buf.length) this.grow(this.length + 1);
    this.buf[this.length++] = value;
  }

  get(i: number): number {
    return this.buf[i];
  }

  set(i: number, value: number): void {
    this.buf[i] = value;
  }

  /** Make room for `n` more values; returns the backing array (valid until the next growth). */
  reserve(n: number): T {
    if (this.length + n > this.buf.length) this.grow(this.length + n);
    return this.buf;
  }

  /** The backing array, valid until the next push that grows it. */
  raw(): T {
    return this.buf;
  }

  private grow(minCapacity: number): void {
    let cap = this.buf.length * 2;
    while (cap < minCapacity) cap *= 2;
    const next = new this.ctor(cap);
    next.set(this.buf.subarray(0, this.length) as never);
    this.buf = next;
  }

  /** An exact-length copy of the values pushed so far. */
  toArray(): T {
    return this.buf.slice(0, this.length) as T;
  }

  clear(): void {
    this.length = 0;
  }
}

export const f64 = (cap?: number) => new GrowableColumn(Float64Array, cap);
export const i32 = (cap?: number) => new GrowableColumn(Int32Array, cap);
export const i8 = (cap?: number) => new GrowableColumn(Int8Array, cap);
export const u8 = (cap?: number) => new GrowableColumn(Uint8Array, cap);

/** A copy of `a` with capacity `n` (for struct-of-arrays stores that grow together). */
export function resized<T extends NumericArray>(a: T, n: number): T {
  const Ctor = a.constructor as TypedArrayCtor<T>;
  const out = new Ctor(n);
  out.set(a.subarray(0, Math.min(a.length, n)) as never);
  return out;
}
