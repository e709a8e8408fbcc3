/**
 * Writing LOBSTER files: a message file and its orderbook file, in LOBSTER's layout and naming, so
 * any LOBSTER tool (marsbook's loader included) reads them. The caller gives the messages as columns
 * and the top levels after each message; empty levels get LOBSTER's fillers.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { LOBSTER_FILLER, lobsterFileName } from './lobster-names';

export interface LobsterMessageColumns {
  /** Seconds after midnight, or integer nanoseconds when `nanoseconds` is set. */
  time: ArrayLike<number>;
  type: ArrayLike<number>;
  id: ArrayLike<number>;
  size: ArrayLike<number>;
  price: ArrayLike<number>;
  direction: ArrayLike<number>;
}

export interface LobsterWriteOptions {
  symbol: string;
  date: string;
  /** Orderbook levels written. */
  levels: number;
  /** Levels held per row of `top` (≥ levels; default levels). */
  rowLevels?: number;
  /** Window of the file name, milliseconds after midnight (default 34,200,000–57,600,000). */
  startMs?: number;
  endMs?: number;
  gzip?: boolean;
  /** Times are integer nanoseconds (written exactly with 9 decimals). */
  nanoseconds?: boolean;
  /** Rows to write (default all), e.g. those inside a level-N window. */
  rows?: ArrayLike<number>;
}

function timeText(t: number, ns: boolean): string {
  if (!ns) return t.toFixed(9);
  const s = Math.floor(t / 1e9);
  return `${s}.${String(t - s * 1e9).padStart(9, '0')}`;
}

/** The two files' text. `top` holds `rowLevels` levels per message (ask price, ask size, bid price, bid size; NaN = empty). */
export function lobsterCsv(msg: LobsterMessageColumns, top: Float64Array, options: LobsterWriteOptions): { messages: string; orderbook: string } {
  const L = options.levels;
  const RL = options.rowLevels ?? L;
  if (RL < L) throw new RangeError(`lobsterCsv: rows hold ${RL} levels, ${L} asked`);
  const rows = options.rows ?? Array.from({ length: msg.time.length }, (_, i) => i);
  const m: string[] = new Array(rows.length);
  const b: string[] = new Array(rows.length);
  const cells: string[] = new Array(4 * L);
  const ns = options.nanoseconds ?? false;
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r];
    m[r] = `${timeText(msg.time[i], ns)},${msg.type[i]},${msg.id[i]},${msg.size[i]},${msg.price[i]},${msg.direction[i]}`;
    for (let j = 0; j < L; j++) {
      const at = i * 4 * RL + 4 * j;
      const ap = top[at];
      const bp = top[at + 2];
      cells[4 * j] = ap === ap ? String(ap) : String(LOBSTER_FILLER);
      cells[4 * j + 1] = ap === ap ? String(top[at + 1]) : '0';
      cells[4 * j + 2] = bp === bp ? String(bp) : String(-LOBSTER_FILLER);
      cells[4 * j + 3] = bp === bp ? String(top[at + 3]) : '0';
    }
    b[r] = cells.join(',');
  }
  return { messages: m.join('\n') + (m.length ? '\n' : ''), orderbook: b.join('\n') + (b.length ? '\n' : '') };
}

/** Write the pair into `dir`, named as LOBSTER names them. Returns the two paths. */
export function writeLobsterFiles(dir: string, msg: LobsterMessageColumns, top: Float64Array, options: LobsterWriteOptions): { messages: string; orderbook: string } {
  const { messages, orderbook } = lobsterCsv(msg, top, options);
  const name = { symbol: options.symbol, date: options.date, startMs: options.startMs ?? 34_200_000, endMs: options.endMs ?? 57_600_000, levels: options.levels };
  const mp = join(dir, lobsterFileName({ ...name, kind: 'message' }, options.gzip));
  const op = join(dir, lobsterFileName({ ...name, kind: 'orderbook' }, options.gzip));
  writeFileSync(mp, options.gzip ? gzipSync(messages) : messages);
  writeFileSync(op, options.gzip ? gzipSync(orderbook) : orderbook);
  return { messages: mp, orderbook: op };
}
