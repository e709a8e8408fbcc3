/**
 * Where the real LOBSTER samples live: `../shared/data/lobster` beside the repository (never copied into
 * it), or a folder named by the environment variable MARSBOOK_LOBSTER_DIR.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The marsbook package root (the folder with its package.json). */
export function packageRoot(): string {
  let dir = __dirname;
  for (;;) {
    const pj = join(dir, 'package.json');
    if (existsSync(pj)) {
      try {
        if ((JSON.parse(readFileSync(pj, 'utf8')) as { name?: string }).name === 'marsbook') return dir;
      } catch {
        // not ours; keep climbing
      }
    }
    const up = dirname(dir);
    if (up === dir) throw new Error('marsbook: cannot find the package root above ' + __dirname);
    dir = up;
  }
}

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
