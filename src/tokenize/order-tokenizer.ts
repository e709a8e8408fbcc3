/**
 * MarS's order tokenizer, fitted on data: bin converters for the price level (whole ticks against the
 * mid), the size and the wait since the previous order, plus the context features MarS sums into each
 * token's embedding (mid change since the open, time since the open, the book's volume at the 10 ticks
 * around the mid, the volume-ratio and fill-ratio slots).
 *
 *     const events = extractOrders(day.flow, day.frames);
 *     const tok = OrderTokenizer.fit([events]);          // or OrderTokenizer.load('pooled')
 *     const tokens = tok.encode(events);                 // ids + context, as columns
 *     tok.decode(tokens.id[0], book, rng, day.flow.meta.venue.tickSize); // back to a concrete order
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BinConverter, type BinConverterJson } from './bin-converter';
import { MARS_LAYOUT, tokenId, tokenParts, vocabularySize, type TokenLayout, type TokenParts } from './token-layout';
import { LOB_SLOTS, ORDER_TYPE_NAMES, TYPE_BUY, TYPE_SELL, priceAtLevel, priceLevel, type OrderEvents, type OrderTypeName } from '../data/order-events';
import { OrderTokens, TOKEN_FEATURE_SCHEMA, TOKEN_ORDER_SCHEMA, type ClippedCounts } from './order-tokens';
import { allocateColumns, pickColumns, type ColumnsOf } from '../data/columns';
import { BatchTokenizer, type BatchTokenizerJson } from './batch-tokens';
import { CLIPPED, CONTEXT_ROW_WIDTH, FeatureBinner, LOB_CLIPPED_SHIFT } from './context-row';
import { packageRoot } from '../util/package-root';
import type { Rng } from '../util/rng';

export const TOKENIZER_SCHEMA = 'marsbook.order-tokenizer';
export const TOKENIZER_VERSION = 1;

export interface TokenizerConfig {
  layout: TokenLayout;
  /** Bins for book volumes in the LOB context slots (slot value = bin + 1; 0 = empty level). */
  lobVolumeBins: number;
  /** Time since the open is bucketed by this many seconds (MarS: 5). */
  timeBucketSeconds: number;
  /** Largest time bucket (a NASDAQ session, 23,400 s, is 4,680 buckets of 5 s). */
  maxTimeBucket: number;
  /** Mid change since the open is clipped to ± this many basis points (MarS: 2000). */
  maxChangeBp: number;
  /** Slots for the volume ratio and fill ratio: floor(r · 0.99 · slots) (MarS: 10). */
  ratioSlots: number;
}

export const DEFAULT_TOKENIZER_CONFIG: TokenizerConfig = Object.freeze({
  layout: MARS_LAYOUT,
  lobVolumeBins: 16,
  timeBucketSeconds: 5,
  maxTimeBucket: 4680,
  maxChangeBp: 2000,
  ratioSlots: 10,
});

export interface FittedOn {
  symbol: string;
  date: string;
  orders: number;
}

export interface TokenizerJson {
  schema: typeof TOKENIZER_SCHEMA;
  version: number;
  name: string;
  fittedOn: FittedOn[];
  config: TokenizerConfig;
  converters: { price: BinConverterJson; volume: BinConverterJson; interval: BinConverterJson; lobVolume: BinConverterJson };
  /** The order-batch codebook, when one was fitted. */
  batch?: BatchTokenizerJson;
}

/** What `decode` needs of a book: its mid and touch (an `OrderBook` is one). */
export interface BookView {
  mid(): number;
  bestBid(): number;
  bestAsk(): number;
}

export interface DecodedOrder {
  type: OrderTypeName;
  /** 0 = S, 1 = B, 2 = C. */
  typeCode: number;
  /** +1 buy / bid side, −1 sell / ask side (for C: the side whose order it cancels). */
  side: 1 | -1;
  /** Whole-tick price level against the mid, and the price it gives. */
  level: number;
  price: number;
  size: number;
  /** Seconds to wait before the order (the interval since the previous one). */
  wait: number;
}

export interface TokenizerFitOptions {
  name?: string;
  seed?: number;
  /** Values used per converter (default 1M, MarS's). */
  maxValues?: number;
  config?: Partial<TokenizerConfig>;
}

export class OrderTokenizer {
  readonly name: string;
  readonly config: TokenizerConfig;
  readonly price: BinConverter;
  readonly volume: BinConverter;
  readonly interval: BinConverter;
  readonly lobVolume: BinConverter;
  readonly fittedOn: FittedOn[];
  /** The order-batch codebook (null until one is fitted: see `withBatch`). */
  readonly batch: BatchTokenizer | null;
  /** Bins an order and its context into a model input row (`encode` and the simulation use it). */
  readonly binner: FeatureBinner;
  private readonly scratch: TokenParts = { type: 0, price: 0, volume: 0, interval: 0 };

  private constructor(json: TokenizerJson) {
    if (json.schema !== TOKENIZER_SCHEMA) throw new Error(`not an order tokenizer (schema ${JSON.stringify(json.schema)})`);
    if (json.version > TOKENIZER_VERSION) throw new Error(`tokenizer version ${json.version} is newer than this marsbook understands (${TOKENIZER_VERSION})`);
    this.name = json.name;
    this.config = { ...DEFAULT_TOKENIZER_CONFIG, ...json.config };
    this.fittedOn = json.fittedOn;
    this.price = BinConverter.fromJSON(json.converters.price);
    this.volume = BinConverter.fromJSON(json.converters.volume);
    this.interval = BinConverter.fromJSON(json.converters.interval);
    this.lobVolume = BinConverter.fromJSON(json.converters.lobVolume);
    this.batch = json.batch ? BatchTokenizer.fromJSON(json.batch) : null;
    this.binner = new FeatureBinner(this);
    const l = this.config.layout;
    for (const [c, want] of [[this.price, l.priceBins], [this.volume, l.volumeBins], [this.interval, l.intervalBins]] as const) {
      if (c.numBins !== want) throw new Error(`tokenizer ${json.name}: converter ${c.name} has ${c.numBins} bins, the layout needs ${want}`);
    }
  }

  /** Fit the bin converters on one or more days of order events. */
  static fit(events: OrderEvents | OrderEvents[], options: TokenizerFitOptions = {}): OrderTokenizer {
    const list = Array.isArray(events) ? events : [events];
    if (list.length === 0) throw new Error('OrderTokenizer.fit: no order events');
    const config: TokenizerConfig = { ...DEFAULT_TOKENIZER_CONFIG, ...options.config };
    const total = list.reduce((a, e) => a + e.length, 0);
    const levels = new Float64Array(total);
    const sizes = new Float64Array(total);
    const intervals = new Float64Array(total);
    const lobVols: number[] = [];
    let k = 0;
    for (const e of list) {
      levels.set(e.level, k);
      sizes.set(e.size, k);
      intervals.set(e.interval, k);
      k += e.length;
      for (let i = 0; i < e.lob.length; i++) if (e.lob[i] > 0) lobVols.push(e.lob[i]);
    }
    const seed = options.seed ?? 0;
    const common = { maxValues: options.maxValues, seed };
    const fit = (v: ArrayLike<number>, bins: number, name: string) => {
      const c = BinConverter.fit(v, bins, { ...common, name });
      if (c.numBins !== bins) {
        throw new Error(`OrderTokenizer.fit: ${name} has only ${c.numBins} distinct values, fewer than the ${bins} bins the layout asks for`);
      }
      return c.toJSON();
    };
    const l = config.layout;
    return new OrderTokenizer({
      schema: TOKENIZER_SCHEMA,
      version: TOKENIZER_VERSION,
      name: options.name ?? list.map((e) => e.meta.symbol).join('+'),
      fittedOn: list.map((e) => ({ symbol: e.meta.symbol, date: e.meta.date, orders: e.length })),
      config,
      converters: {
        price: fit(levels, l.priceBins, 'price-level'),
        volume: fit(sizes, l.volumeBins, 'order-volume'),
        interval: fit(intervals, l.intervalBins, 'order-interval'),
        lobVolume: fit(lobVols.length ? lobVols : [0, 1], config.lobVolumeBins, 'lob-volume'),
      },
    });
  }

  static fromJSON(json: TokenizerJson): OrderTokenizer {
    return new OrderTokenizer(json);
  }

  /**
   * Load a tokenizer from a JSON file, or a shipped one by name (`pooled`, `GOOG`, `AMZN`: fitted on
   * the 2012-06-21 LOBSTER samples; prices in ticks, so they apply to other symbols too).
   */
  static load(pathOrName = 'pooled'): OrderTokenizer {
    const shipped = join(packageRoot(), 'data', 'tokenizers', `${pathOrName}.json`);
    const path = existsSync(pathOrName) ? pathOrName : shipped;
    if (!existsSync(path)) throw new Error(`no tokenizer at ${pathOrName} (nor a shipped one at ${shipped})`);
    return new OrderTokenizer(JSON.parse(readFileSync(path, 'utf8')) as TokenizerJson);
  }

  /** Write the tokenizer as JSON (async, like every `save`; the file is complete when the promise resolves). */
  async save(path: string): Promise<void> {
    writeFileSync(path, JSON.stringify(this.toJSON()) + '\n');
  }

  toJSON(): TokenizerJson {
    return {
      schema: TOKENIZER_SCHEMA,
      version: TOKENIZER_VERSION,
      name: this.name,
      fittedOn: this.fittedOn,
      config: this.config,
      converters: { price: this.price.toJSON(), volume: this.volume.toJSON(), interval: this.interval.toJSON(), lobVolume: this.lobVolume.toJSON() },
      ...(this.batch ? { batch: this.batch.toJSON() } : {}),
    };
  }

  /** This tokenizer with an order-batch codebook attached (saved with it). */
  withBatch(batch: BatchTokenizer): OrderTokenizer {
    return new OrderTokenizer({ ...this.toJSON(), batch: batch.toJSON() });
  }

  get vocabularySize(): number {
    return vocabularySize(this.config.layout);
  }

  /** The token id of one order: `type` 0/1/2 (S/B/C), its price against `mid` in ticks of `tick` (the venue's: `flow.meta.venue.tickSize`), its size and wait. */
  encodeOrder(type: number, price: number, size: number, interval: number, mid: number, tick: number): number {
    return tokenId(this.config.layout, type, this.price.index(priceLevel(price, mid, tick)), this.volume.index(size), this.interval.index(interval));
  }

  /** Split an id into its type, price, volume and interval bins. */
  parts(id: number): TokenParts {
    return tokenParts(this.config.layout, id, { type: 0, price: 0, volume: 0, interval: 0 });
  }

  /**
   * A concrete order for token `id` against a book: the level, size and wait are drawn from the values
   * seen in each bin; the price is the grid price at that level from the book's mid. For a cancel, the
   * side is the one where an order at that price would rest. Encoding the result against the same book
   * gives `id` back. `book.mid()` may be any finite reference (a simulation passes the last finite mid
   * while one side is empty, the rule `extractOrders` encodes with). With `out`, that object is filled
   * and returned (no allocation).
   */
  decode(id: number, book: BookView, rng: Rng, tick: number, out?: DecodedOrder): DecodedOrder {
    const p = tokenParts(this.config.layout, id, this.scratch);
    const mid = book.mid();
    if (!Number.isFinite(mid)) throw new Error('decode: the book needs both a bid and an ask (its mid is not finite)');
    const level = Math.round(this.price.sample(p.price, rng));
    const price = priceAtLevel(level, mid, tick);
    const size = Math.max(1, Math.round(this.volume.sample(p.volume, rng)));
    const wait = Math.max(0, this.interval.sample(p.interval, rng));
    let side: 1 | -1;
    if (p.type === TYPE_BUY) side = 1;
    else if (p.type === TYPE_SELL) side = -1;
    else {
      const bid = book.bestBid();
      const ask = book.bestAsk();
      side = price <= bid ? 1 : price >= ask ? -1 : level <= 0 ? 1 : -1;
    }
    const o = out ?? { type: 'S', typeCode: 0, side: 1, level: 0, price: 0, size: 0, wait: 0 };
    o.type = ORDER_TYPE_NAMES[p.type];
    o.typeCode = p.type;
    o.side = side;
    o.level = level;
    o.price = price;
    o.size = size;
    o.wait = wait;
    return o;
  }

  /** Bins and context features for every order event. */
  encode(events: OrderEvents): OrderTokens {
    const n = events.length;
    const cfg = this.config;
    const l = cfg.layout;
    // The columns computed here; the raw order columns are the events' arrays, shared.
    const own = allocateColumns(TOKEN_FEATURE_SCHEMA, n);
    const clipped: ClippedCounts = { price: 0, volume: 0, interval: 0, lobVolume: 0, change: 0, time: 0, tokens: 0 };
    // One row at a time through the binner the simulation uses too (`FeatureBinner.row`).
    const W = CONTEXT_ROW_WIDTH;
    // Rows in chunks (a reused buffer: no per-encode allocation of n rows), then scattered into columns.
    const CHUNK = 4096;
    const rows = new Int32Array(CHUNK * W);
    const binner = this.binner;
    // Columns as locals: a frame's later columns live outside the object (V8 keeps ~18 in-object),
    // and a load per column per order is measurable here.
    const { type: eType, level: eLevel, size: eSize, interval: eInterval, volumeBefore: eVolBefore, filled: eFilled, changeBp: eChange, fromOpen: eFromOpen, lob: eLob } = events;
    let cPrice = 0;
    let cVolume = 0;
    let cInterval = 0;
    let cTokens = 0;
    let cChange = 0;
    let cTime = 0;
    let cLob = 0;
    for (let i0 = 0; i0 < n; i0 += CHUNK) {
      const i1 = Math.min(n, i0 + CHUNK);
      for (let i = i0; i < i1; i++) {
        const c = binner.row(eType[i], eLevel[i], eSize[i], eInterval[i], eVolBefore[i], eFilled[i], eChange[i], eFromOpen[i], eLob, i * LOB_SLOTS, rows, (i - i0) * W);
        if (c !== 0) {
          if (c & CLIPPED.price) cPrice++;
          if (c & CLIPPED.volume) cVolume++;
          if (c & CLIPPED.interval) cInterval++;
          if (c & (CLIPPED.price | CLIPPED.volume | CLIPPED.interval)) cTokens++;
          if (c & CLIPPED.change) cChange++;
          if (c & CLIPPED.time) cTime++;
          cLob += c >>> LOB_CLIPPED_SHIFT;
        }
      }
      scatterRows(rows, i0, i1, l, own);
    }
    Object.assign(clipped, { price: cPrice, volume: cVolume, interval: cInterval, tokens: cTokens, change: cChange, time: cTime, lobVolume: cLob });
    return tokensFrom(own, events, l, this.name, clipped);
  }
}

/** Rows [from, to)'s fields into the token columns (row layout: ROW in context-row.ts); `rows` holds them from its start. */
function scatterRows(rows: Int32Array, from: number, to: number, l: TokenLayout, own: ColumnsOf<typeof TOKEN_FEATURE_SCHEMA>): void {
  const W = CONTEXT_ROW_WIDTH;
  const { id, priceBin, volumeBin, intervalBin, changeBp, timeBucket, lob, volumeRatio, fillRatio } = own;
  const ib = l.intervalBins;
  const pv = l.volumeBins * ib;
  const tv = l.priceBins * pv;
  for (let i = from, r = 0; i < to; i++, r += W) {
    priceBin[i] = rows[r + 1];
    volumeBin[i] = rows[r + 2];
    intervalBin[i] = rows[r + 3];
    id[i] = rows[r] * tv + rows[r + 1] * pv + rows[r + 2] * ib + rows[r + 3];
    changeBp[i] = rows[r + 4];
    timeBucket[i] = rows[r + 5];
    volumeRatio[i] = rows[r + 6];
    fillRatio[i] = rows[r + 7];
    for (let s = 0, at = i * LOB_SLOTS; s < LOB_SLOTS; s++) lob[at + s] = rows[r + 8 + s];
  }
}

/**
 * The tokens `encode` made: its columns plus the events' raw order columns, and the meta. Kept out of
 * `encode` on purpose: V8 optimizes `encode` while its loop runs (on-stack replacement), before the code
 * after the loop has ever run, and that code then deoptimized it on every call (measured: the tokenize
 * bench 5-8% slower); a call here has its feedback from the first call on.
 */
function tokensFrom(own: ColumnsOf<typeof TOKEN_FEATURE_SCHEMA>, events: OrderEvents, layout: TokenLayout, tokenizer: string, clipped: ClippedCounts): OrderTokens {
  return new OrderTokens(
    { ...own, ...pickColumns(TOKEN_ORDER_SCHEMA, events) },
    { layout, tokenizer, symbol: events.meta.symbol, date: events.meta.date, ordersBeforeMerge: events.stats.orders, clipped },
  );
}
