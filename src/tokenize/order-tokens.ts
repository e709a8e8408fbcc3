/**
 * Order tokens as columns: the id and its bins, MarS's context features, and the raw order they came
 * from. Out as a table (arquero / danfo / Arrow) or as the binary column file the trainer reads.
 */
import { ColumnarFrame, type Columns } from '../data/tables';
import { encodeColumnFile, decodeColumnFile, readColumnFile, type ColumnArray } from './token-file';
import { LOB_SLOTS, ORDER_TYPE_NAMES, lobColumns, type OrderEventColumns } from './order-events';
import { vocabularySize, type TokenLayout } from './token-layout';
import { writeFileSync } from 'node:fs';

/** Values outside a converter's fitted range (clipped into its edge bins), per field. */
export interface ClippedCounts {
  price: number;
  volume: number;
  interval: number;
  lobVolume: number;
  change: number;
  time: number;
  /** Tokens with a clipped price, volume or interval. */
  tokens: number;
}

/** Token columns, and the raw order columns they were made from (as the events hold them). */
export interface OrderTokenColumns extends Pick<OrderEventColumns, 'time' | 'type' | 'side' | 'price' | 'size' | 'interval' | 'level' | 'aggressive'> {
  layout: TokenLayout;
  tokenizer: string;
  symbol: string;
  date: string;
  ordersBeforeMerge: number;
  id: Uint16Array;
  priceBin: Uint8Array;
  volumeBin: Uint8Array;
  intervalBin: Uint8Array;
  changeBp: Int16Array;
  timeBucket: Uint16Array;
  /** LOB_SLOTS per token, row-major. */
  lob: Uint8Array;
  volumeRatio: Uint8Array;
  fillRatio: Uint8Array;
  clipped: ClippedCounts;
}

/** The columns written to a token file, in order (the raw order fields travel too, for analysis). */
const FILE_COLUMNS = [
  'id', 'priceBin', 'volumeBin', 'intervalBin', 'changeBp', 'timeBucket', 'lob', 'volumeRatio', 'fillRatio',
  'time', 'type', 'side', 'price', 'size', 'interval', 'level', 'aggressive',
] as const;

export class OrderTokens extends ColumnarFrame {
  readonly length: number;
  readonly c: OrderTokenColumns;

  constructor(columns: OrderTokenColumns) {
    super();
    this.c = columns;
    this.length = columns.id.length;
  }

  get id(): Uint16Array {
    return this.c.id;
  }
  get layout(): TokenLayout {
    return this.c.layout;
  }
  get clipped(): ClippedCounts {
    return this.c.clipped;
  }

  /** Tokens per id (length = vocabulary size). */
  counts(): Float64Array {
    const out = new Float64Array(vocabularySize(this.c.layout));
    for (let i = 0; i < this.length; i++) out[this.c.id[i]]++;
    return out;
  }

  distinctTokens(): number {
    let d = 0;
    for (const c of this.counts()) if (c > 0) d++;
    return d;
  }

  /** Empirical entropy of the token distribution, in bits (the unigram baseline's cost per token). */
  entropyBits(): number {
    let h = 0;
    const n = this.length;
    for (const c of this.counts()) if (c > 0) h -= (c / n) * Math.log2(c / n);
    return h;
  }

  /** Tokens [from, to) as a new set sharing buffers. */
  slice(from: number, to = this.length): OrderTokens {
    const c = this.c;
    const s = <T extends ColumnArray>(a: T, per = 1) => a.subarray(from * per, to * per) as T;
    return new OrderTokens({
      ...c,
      id: s(c.id),
      priceBin: s(c.priceBin),
      volumeBin: s(c.volumeBin),
      intervalBin: s(c.intervalBin),
      changeBp: s(c.changeBp),
      timeBucket: s(c.timeBucket),
      lob: s(c.lob, LOB_SLOTS),
      volumeRatio: s(c.volumeRatio),
      fillRatio: s(c.fillRatio),
      time: s(c.time),
      type: s(c.type),
      side: s(c.side),
      price: s(c.price),
      size: s(c.size),
      interval: s(c.interval),
      level: s(c.level),
      aggressive: s(c.aggressive),
    });
  }

  columns(): Columns {
    const c = this.c;
    const lob = lobColumns(c.lob, this.length, Uint8Array);
    return {
      id: c.id,
      type: Array.from(c.type, (t) => ORDER_TYPE_NAMES[t]),
      priceBin: c.priceBin,
      volumeBin: c.volumeBin,
      intervalBin: c.intervalBin,
      changeBp: c.changeBp,
      timeBucket: c.timeBucket,
      ...lob,
      volumeRatio: c.volumeRatio,
      fillRatio: c.fillRatio,
      time: c.time,
      side: c.side,
      price: c.price,
      size: c.size,
      interval: c.interval,
      level: c.level,
      aggressive: c.aggressive,
    };
  }

  /** The binary column file (see token-file.ts) the trainer reads. */
  toBinary(): Buffer {
    const c = this.c;
    const columns: Record<string, { data: ColumnArray; shape: number[] }> = {};
    for (const name of FILE_COLUMNS) {
      const data = c[name] as ColumnArray;
      columns[name] = { data, shape: name === 'lob' ? [this.length, LOB_SLOTS] : [this.length] };
    }
    return encodeColumnFile({
      rows: this.length,
      columns,
      meta: {
        kind: 'order-tokens',
        layout: c.layout,
        tokenizer: c.tokenizer,
        symbol: c.symbol,
        date: c.date,
        ordersBeforeMerge: c.ordersBeforeMerge,
        clipped: c.clipped,
      },
    });
  }

  /** Write the tokens: `.arrow` (Arrow IPC), `.csv`, or the binary token file for anything else. */
  async save(path: string): Promise<void> {
    if (path.endsWith('.arrow')) {
      const { tableToIPC } = await import('apache-arrow');
      writeFileSync(path, tableToIPC(this.toArrow(), 'file'));
    } else if (path.endsWith('.csv')) {
      const cols = this.columns();
      const names = Object.keys(cols);
      const lines = [names.join(',')];
      for (let i = 0; i < this.length; i++) lines.push(names.map((k) => String((cols[k] as ArrayLike<unknown>)[i])).join(','));
      writeFileSync(path, lines.join('\n') + '\n');
    } else writeFileSync(path, this.toBinary());
  }

  static fromBinary(buf: Uint8Array, source = 'buffer'): OrderTokens {
    return fromColumnFile(decodeColumnFile(buf, source), source);
  }

  static read(path: string): OrderTokens {
    return fromColumnFile(readColumnFile(path), path);
  }
}

function fromColumnFile(f: ReturnType<typeof readColumnFile>, source: string): OrderTokens {
  if (f.meta.kind !== 'order-tokens') throw new Error(`${source}: not an order-token file (kind ${JSON.stringify(f.meta.kind)})`);
  const col = <T extends ColumnArray>(name: string): T => {
    const c = f.columns[name];
    if (!c) throw new Error(`${source}: column ${name} missing`);
    return c.data as T;
  };
  return new OrderTokens({
    layout: f.meta.layout as TokenLayout,
    tokenizer: String(f.meta.tokenizer),
    symbol: String(f.meta.symbol),
    date: String(f.meta.date),
    ordersBeforeMerge: Number(f.meta.ordersBeforeMerge),
    clipped: f.meta.clipped as ClippedCounts,
    id: col('id'),
    priceBin: col('priceBin'),
    volumeBin: col('volumeBin'),
    intervalBin: col('intervalBin'),
    changeBp: col('changeBp'),
    timeBucket: col('timeBucket'),
    lob: col('lob'),
    volumeRatio: col('volumeRatio'),
    fillRatio: col('fillRatio'),
    time: col('time'),
    type: col('type'),
    side: col('side'),
    price: col('price'),
    size: col('size'),
    interval: col('interval'),
    level: col('level') as unknown as Int32Array,
    aggressive: col('aggressive'),
  });
}
