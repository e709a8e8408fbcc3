/**
 * Bytes in: plain or gzip'd files, read whole (sync) or streamed in chunks (async, with decompression
 * on libuv's thread pool so it overlaps with parsing on the main thread).
 */
import { createReadStream, readFileSync, openSync, readSync, closeSync, statSync } from 'node:fs';
import { createGunzip, gunzipSync } from 'node:zlib';

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

/** The file's (decompressed) bytes in chunks of about `chunkBytes`. */
export async function* streamBytes(path: string, chunkBytes = 1 << 20): AsyncGenerator<Uint8Array> {
  const source = createReadStream(path, { highWaterMark: chunkBytes });
  const stream = isGzipFile(path) ? source.pipe(createGunzip({ chunkSize: chunkBytes })) : source;
  source.on('error', (e) => stream.destroy(e));
  for await (const chunk of stream) yield chunk as Buffer;
}

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
    return isize >= size ? isize : size * 5;
  } finally {
    closeSync(fd);
  }
}
