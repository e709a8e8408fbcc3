/**
 * Order tokens as columns: the id and its bins, MarS's context features, and the raw order they came
 * from. Out as a table (arquero / danfo / Arrow) or as the binary column file the trainer reads.
 */
import { ColumnarFrame, type Columns } from '../data/tables';
import { columnNames, columnsFromFile, checkColumns, assignColumns, defineColumns, fileColumns, pickColumns, sliceColumns, tableColumns, type ColumnsOf } from '../data/columns';
import { LOB_SLOTS, LOB_SLOT_NAMES, ORDER_EVENT_SCHEMA, TOUCH_LEVELS, touchLevelNames } from '../data/order-events';
import { encodeColumnFile, decodeColumnFile, readColumnFile } from './token-file';
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

/**
 * The columns of `OrderTokens`, in the order a token file stores them (`ORDER_TOKEN_SCHEMA`): first
 * those `encode` computes — the id, its bins and MarS's context features (what the model reads, see
 * `context-row`) — then the raw order fields the tokens were made from, shared with the events (they
 * travel in the file too, for analysis).
 */
export const TOKEN_FEATURE_SCHEMA = defineColumns({
  id: { array: Uint16Array, doc: 'Token id: type × price bin × volume bin × interval bin (see token-layout).' },
  priceBin: { array: Uint8Array, doc: 'Bin of the price level against the mid before the order.' },
  volumeBin: { array: Uint8Array, doc: 'Bin of the order size.' },
  intervalBin: { array: Uint8Array, doc: 'Bin of the wait since the previous order.' },
  changeBp: { array: Int16Array, doc: 'Mid change since the open, whole basis points, clipped to ± maxChangeBp.' },
  timeBucket: { array: Uint16Array, doc: 'Time since the open in buckets of timeBucketSeconds, clipped to maxTimeBucket.' },
  lob: { array: Uint8Array, width: LOB_SLOTS, parts: LOB_SLOT_NAMES, doc: 'Book volume after the order at levels −5..4 around the mid, binned + 1 (0 = empty).' },
  volumeRatio: { array: Uint8Array, doc: 'Slot of size / (size + volume before it at its price).' },
  fillRatio: { array: Uint8Array, doc: 'Slot of filled / size (cancels: the top slot).' },
  spreadBin: { array: Uint8Array, doc: "Touch scheme: bin of the spread after the order (0 under MarS's scheme, and when a side is empty)." },
  depth: { array: Uint8Array, width: 2 * TOUCH_LEVELS, parts: touchLevelNames('depthBin'), doc: "Touch scheme: volume of the best 5 bid, then ask, levels after the order, binned + 1 (0 = no level; 0 under MarS's scheme)." },
  gap: { array: Uint8Array, width: 2 * (TOUCH_LEVELS - 1), parts: touchLevelNames('gapBin', 2), doc: "Touch scheme: bin of the ticks from the side's best to its levels 2–5 (0 = no level; 0 under MarS's scheme)." },
  tradeAge: { array: Uint8Array, doc: "Touch scheme: bin of the seconds since the last trade (0 under MarS's scheme)." },
});

/** The raw order columns tokens carry: the events' own arrays, shared, not copied. */
export const TOKEN_ORDER_SCHEMA = defineColumns({
  time: ORDER_EVENT_SCHEMA.time,
  type: ORDER_EVENT_SCHEMA.type,
  side: ORDER_EVENT_SCHEMA.side,
  price: ORDER_EVENT_SCHEMA.price,
  size: ORDER_EVENT_SCHEMA.size,
  interval: ORDER_EVENT_SCHEMA.interval,
  level: ORDER_EVENT_SCHEMA.level,
  aggressive: ORDER_EVENT_SCHEMA.aggressive,
});

export const ORDER_TOKEN_SCHEMA = defineColumns({ ...TOKEN_FEATURE_SCHEMA, ...TOKEN_ORDER_SCHEMA });

/** The arrays of an `OrderTokens`, by name (see `ORDER_TOKEN_SCHEMA`). */
export type OrderTokenColumns = ColumnsOf<typeof ORDER_TOKEN_SCHEMA>;

/** What a set of tokens is, beyond its columns. */
export interface OrderTokensMeta {
  layout: TokenLayout;
  /** Name of the tokenizer that made them. */
  tokenizer: string;
  /** Its context scheme: MarS's mid-relative one, or the touch-relative one (see `TokenizerConfig.scheme`). */
  scheme: 'mars' | 'touch';
  symbol: string;
  date: string;
  /** Orders before cancels were merged (the events' `stats.orders`). */
  ordersBeforeMerge: number;
  /** Values clipped into edge bins when the tokens were made (of the whole set, also in a slice). */
  clipped: ClippedCounts;
}

// The columns are fields of the frame (`tokens.id`, `tokens.lob`, …), declared from the schema by
// merging this interface with the class.
export interface OrderTokens extends Readonly<OrderTokenColumns> {}

export class OrderTokens extends ColumnarFrame {
  readonly length: number;
  private legacy: (OrderTokenColumns & OrderTokensMeta) | null = null;

  constructor(
    columns: OrderTokenColumns,
    readonly meta: OrderTokensMeta,
  ) {
    super();
    this.length = checkColumns('OrderTokens', ORDER_TOKEN_SCHEMA, columns, columns.id.length);
    assignColumns(this, ORDER_TOKEN_SCHEMA, columns);
  }

  get layout(): TokenLayout {
    return this.meta.layout;
  }
  get clipped(): ClippedCounts {
    return this.meta.clipped;
  }

  /**
   * The columns and meta as one object, the shape of earlier releases (`tokens.c.type`).
   * @deprecated Read the columns from the tokens themselves (`tokens.type`, `tokens.priceBin`) and the
   * rest from `tokens.meta`; `c` goes in the next release.
   */
  get c(): OrderTokenColumns & OrderTokensMeta {
    this.legacy ??= { ...pickColumns(ORDER_TOKEN_SCHEMA, this), ...this.meta };
    return this.legacy;
  }

  /** Tokens per id (length = vocabulary size). */
  counts(): Float64Array {
    const out = new Float64Array(vocabularySize(this.meta.layout));
    const id = this.id;
    for (let i = 0; i < this.length; i++) out[id[i]]++;
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

  /** Tokens [from, to) as a new set sharing buffers (the meta, `clipped` included, stays the whole set's). */
  slice(from: number, to = this.length): OrderTokens {
    return new OrderTokens(sliceColumns(ORDER_TOKEN_SCHEMA, this, from, to), this.meta);
  }

  columns(): Columns {
    return tableColumns(ORDER_TOKEN_SCHEMA, this, this.length);
  }

  /** The binary column file (see token-file.ts) the trainer reads: every schema column, in schema order. */
  toBinary(): Buffer {
    const m = this.meta;
    return encodeColumnFile({
      rows: this.length,
      columns: fileColumns(ORDER_TOKEN_SCHEMA, this, this.length),
      meta: {
        kind: 'order-tokens',
        layout: m.layout,
        tokenizer: m.tokenizer,
        scheme: m.scheme,
        symbol: m.symbol,
        date: m.date,
        ordersBeforeMerge: m.ordersBeforeMerge,
        clipped: m.clipped,
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
  return new OrderTokens(columnsFromFile(source, ORDER_TOKEN_SCHEMA, f.columns, f.rows), {
    layout: f.meta.layout as TokenLayout,
    tokenizer: String(f.meta.tokenizer),
    scheme: f.meta.scheme === 'touch' ? 'touch' : 'mars',
    symbol: String(f.meta.symbol),
    date: String(f.meta.date),
    ordersBeforeMerge: Number(f.meta.ordersBeforeMerge),
    clipped: f.meta.clipped as ClippedCounts,
  });
}

/** The names of the token columns, in file order. */
export const ORDER_TOKEN_COLUMNS: readonly string[] = Object.freeze(columnNames(ORDER_TOKEN_SCHEMA));
