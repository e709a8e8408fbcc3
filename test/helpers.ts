/**
 * Shared test fixtures. The real LOBSTER samples are read from ../shared/data/lobster; when that folder
 * exists (as in CI) the files must be there, so a test that needs them fails rather than skips. On a
 * clone without it, tests use synthetic LOBSTER files made by the engine, and say so once.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { lobsterSample, type LobsterPair } from '../src/data/sample-data';
import { syntheticLobsterDay } from '../src/sim/synthetic-day';

export const SHARED_DIR = resolve(__dirname, '..', '..', 'shared', 'data', 'lobster');

let warned = false;
/**
 * The real sample pair, or null on a clone without ../shared (a visible note is printed then).
 * Throws if ../shared exists but the file is missing: that must fail, not skip.
 */
export function realSample(symbol: 'GOOG' | 'AMZN', levels?: number): LobsterPair | null {
  const pair = lobsterSample(symbol, levels);
  if (pair) return pair;
  if (existsSync(SHARED_DIR) || process.env.MARSBOOK_LOBSTER_DIR) {
    throw new Error(`LOBSTER sample ${symbol} level ${levels ?? ''} is missing from ${SHARED_DIR}`);
  }
  if (!warned) {
    warned = true;
    console.log(`\n  note: ${SHARED_DIR} not found; tests on the real LOBSTER samples use synthetic LOBSTER files instead`);
  }
  return null;
}

export function tempDir(prefix = 'marsbook-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

const synthCache = new Map<string, { messages: string; orderbook: string }>();
/** A synthetic LOBSTER day written by the engine's recorder (cached per arguments). */
export function syntheticFiles(levels = 10, events = 20_000, gzip = false, seed = 11): { messages: string; orderbook: string } {
  const key = `${levels}/${events}/${gzip}/${seed}`;
  let files = synthCache.get(key);
  if (!files) {
    files = syntheticLobsterDay({ seed, events, levels }).writeFiles(tempDir(), 'SYNTH', '2020-01-02', { gzip });
    synthCache.set(key, files);
  }
  return files;
}

/** A real sample pair when present, else a synthetic one of the same level. */
export function dayFiles(symbol: 'GOOG' | 'AMZN', levels: number): { messages: string; orderbook: string; real: boolean } {
  const real = realSample(symbol, levels);
  return real ? { ...real, real: true } : { ...syntheticFiles(levels, 30_000, true), real: false };
}

/** A CLI output sink that keeps what a command printed (run commands in-process and read it back). */
export function capture(): { stdout: string; stderr: string; out(t: string): void; err(t: string): void } {
  const io = { stdout: '', stderr: '', out: (t: string) => void (io.stdout += t), err: (t: string) => void (io.stderr += t) };
  return io;
}
