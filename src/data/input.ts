/**
 * Bytes in: plain or gzip'd files, read whole (sync) or streamed in chunks (async, with decompression
 * on libuv's thread pool so it overlaps with parsing on the main thread).
 */
import { createReadStream, readFileSync, openSync, readSync, closeSync, statSync } from 'node:fs';
import { createGunzip, gunzipSync, constants as zlibConstants } from 'node:zlib';

/** Gzip is recognised by its magic bytes, not only by the `.gz` suffix. */
export function isGzipFile(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(2);
    const n = readSync(fd, head, 0, 2, 0);
    return n === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

export function readAllBytes(path: string): Uint8Array {
  const raw = readFileSync(path);
  return raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw;
}

/**
 * `readAllBytes` that keeps what it could read: a gzip file cut short or damaged gives the bytes that
 * decompressed before the damage, with the error (`error` is null when the file was whole).
 */
export function readAllBytesPartial(path: string): { bytes: Uint8Array; error: Error | null } {
  const raw = readFileSync(path);
  if (!(raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b)) return { bytes: raw, error: null };
  try {
    return { bytes: gunzipSync(raw), error: null };
  } catch (e) {
    const error = e instanceof Error ? e : new Error(String(e));
    try {
      // A sync flush returns the output so far instead of failing on a missing end.
      return { bytes: gunzipSync(raw, { finishFlush: zlibConstants.Z_SYNC_FLUSH }), error };
    } catch {
      return { bytes: new Uint8Array(0), error };
    }
  }
}

/**
 * Why a file could not be read to its end, in words: gzip damage or truncation (zlib's codes), or the
 * file system's reason. `afterLine` is the last whole line read.
 */
export function describeReadError(e: unknown, gzip: boolean, afterLine: number): string {
  const err = e as { code?: string; message?: string };
  const what = err.message ?? String(e);
  const where = afterLine > 0 ? `after line ${afterLine}` : 'before the first line';
  if (gzip && typeof err.code === 'string' && err.code.startsWith('Z_')) {
    return err.code === 'Z_BUF_ERROR'
      ? `gzip data ends early ${where}: the file is truncated (zlib: ${what})`
      : `gzip data is damaged ${where}: the file is corrupt (zlib: ${what})`;
  }
  return `cannot read the file ${where} (${what})`;
}

/** The file's (decompressed) bytes in chunks of about `chunkBytes`. */
export async function* streamBytes(path: string, chunkBytes = 1 << 20): AsyncGenerator<Uint8Array> {
  const source = createReadStream(path, { highWaterMark: chunkBytes });
  const stream = isGzipFile(path) ? source.pipe(createGunzip({ chunkSize: chunkBytes })) : source;
  source.on('error', (e) => stream.destroy(e));
  for await (const chunk of stream) yield chunk as Buffer;
}

/** Gzip'd CSV shrinks 5 to 30 times; a size hint claiming more than this is not believed. */
const MAX_TRUSTED_RATIO = 128;

/**
 * The file's decompressed size, for pre-sizing buffers: gzip records it (mod 2^32) in its last four
 * bytes; for plain files it is the file size.
 */
export function decompressedSizeHint(path: string): number {
  const size = statSync(path).size;
  if (!isGzipFile(path) || size < 18) return size;
  const fd = openSync(path, 'r');
  try {
    const tail = Buffer.alloc(4);
    readSync(fd, tail, 0, 4, size - 4);
    const isize = tail.readUInt32LE(0);
    // In a file cut short or damaged these four bytes are any number (up to 4 GB): trust them only
    // within the ratios text compresses by, or buffers sized from the hint take gigabytes.
    return isize >= size && isize <= size * MAX_TRUSTED_RATIO ? isize : size * 8;
  } finally {
    closeSync(fd);
  }
}
