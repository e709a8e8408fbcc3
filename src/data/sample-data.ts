/**
 * Where the real LOBSTER samples live: `../shared/data/lobster` beside the repository (never copied into
 * it), or a folder named by the environment variable MARSBOOK_LOBSTER_DIR.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { packageRoot } from '../util/package-root';

/** @deprecated import it from the package entry (it lives in util/ now). */
export { packageRoot };

/** The folder holding the LOBSTER samples, or null when there is none. */
export function lobsterSampleDir(): string | null {
  const candidates = [
    process.env.MARSBOOK_LOBSTER_DIR,
    resolve(packageRoot(), '..', 'shared', 'data', 'lobster'),
    resolve(process.cwd(), '..', 'shared', 'data', 'lobster'),
  ];
  for (const c of candidates) if (c && existsSync(c)) return c;
  return null;
}

export interface LobsterPair {
  symbol: string;
  levels: number;
  messages: string;
  orderbook: string;
}

/** The sample pair for a symbol and level (GOOG 10, AMZN 5, both at 1), or null when the files are absent. */
export function lobsterSample(symbol: 'GOOG' | 'AMZN' = 'GOOG', levels = symbol === 'GOOG' ? 10 : 5): LobsterPair | null {
  const dir = lobsterSampleDir();
  if (!dir) return null;
  const stem = `${symbol}_2012-06-21_34200000_57600000`;
  const messages = join(dir, `${stem}_message_${levels}.csv.gz`);
  const orderbook = join(dir, `${stem}_orderbook_${levels}.csv.gz`);
  return existsSync(messages) && existsSync(orderbook) ? { symbol, levels, messages, orderbook } : null;
}
