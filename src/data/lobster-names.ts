/**
 * LOBSTER file names carry the symbol, date, time window and level:
 * `GOOG_2012-06-21_34200000_57600000_message_10.csv[.gz]`.
 */
import { existsSync, statSync } from 'node:fs';
import { basename } from 'node:path';

export interface LobsterFileName {
  symbol: string;
  date: string;
  /** Window start and end, milliseconds after midnight. */
  startMs: number;
  endMs: number;
  kind: 'message' | 'orderbook';
  levels: number;
}

const PATTERN = /^(.+?)_(\d{4}-\d{2}-\d{2})_(\d+)_(\d+)_(message|orderbook)_(\d+)\.csv(?:\.gz)?$/;

export function parseLobsterFileName(path: string): LobsterFileName | null {
  const m = PATTERN.exec(basename(path));
  if (!m) return null;
  return {
    symbol: m[1],
    date: m[2],
    startMs: Number(m[3]),
    endMs: Number(m[4]),
    kind: m[5] as 'message' | 'orderbook',
    levels: Number(m[6]),
  };
}

/** The orderbook file that pairs with a message file, by LOBSTER's naming, or null. */
export function pairedOrderbookPath(messagesPath: string): string | null {
  const base = basename(messagesPath);
  if (!PATTERN.test(base) || !base.includes('_message_')) return null;
  return messagesPath.slice(0, messagesPath.length - base.length) + base.replace('_message_', '_orderbook_');
}

/** LOBSTER's price for an empty level in orderbook files: +this for asks, −this for bids (size 0). */
export const LOBSTER_FILLER = 9_999_999_999;

/** `SYMBOL_DATE_start_end_kind_N.csv[.gz]`, named as LOBSTER names its files. */
export function lobsterFileName(f: LobsterFileName, gzip = false): string {
  return `${f.symbol}_${f.date}_${f.startMs}_${f.endMs}_${f.kind}_${f.levels}.csv${gzip ? '.gz' : ''}`;
}

/**
 * The orderbook file lying beside a message file under LOBSTER's name (`..._orderbook_N.csv` for
 * `..._message_N.csv`, gzip'd or not), or null when there is none.
 */
export function findOrderbookBeside(messagesPath: string): string | null {
  const p = pairedOrderbookPath(messagesPath);
  if (!p) return null;
  for (const c of [p, p.endsWith('.gz') ? p.slice(0, -3) : `${p}.gz`]) {
    if (existsSync(c) && statSync(c).isFile()) return c;
  }
  return null;
}
