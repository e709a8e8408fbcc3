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
import { LOB_SLOTS, ORDER_TYPE_NAMES, TOUCH_LEVELS, TYPE_BUY, TYPE_CANCEL, TYPE_SELL, priceAtLevel, priceLevel, type OrderEvents, type OrderTypeName } from '../data/order-events';
import { OrderTokens, TOKEN_FEATURE_SCHEMA, TOKEN_ORDER_SCHEMA, type ClippedCounts } from './order-tokens';
import { allocateColumns, pickColumns, type ColumnsOf } from '../data/columns';
import { BatchTokenizer, type BatchTokenizerJson } from './batch-tokens';
import { CLIPPED, CONTEXT_ROW_FEATURES, CONTEXT_ROW_WIDTH, ContextRowBuilder, FeatureBinner, LOB_CLIPPED_SHIFT, type RowBuilder } from './context-row';
import { TOUCH_ROW, TOUCH_ROW_FEATURES, TOUCH_ROW_WIDTH, TouchFeatureBinner, TouchRowBuilder } from './touch-context-row';
import { CANCEL_RANGES, CROSS, PLACEMENT_RANGES, cancelPlacementOf, placementOf, rangeEdges } from './touch-bins';
import type { VenueSettings } from '../data/order-flow';
import { packageRoot } from '../util/package-root';
import type { Rng } from '../util/rng';

export const TOKENIZER_SCHEMA = 'marsbook.order-tokenizer';
export const TOKENIZER_VERSION = 2;

/**
 * How orders and their context become model input. `'mars'`: MarS's scheme (price level against the
 * mid, the book's volume at the 10 ticks around the mid), kept for reproducing the paper. `'touch'`:
 * the price placed against the best prices (join, improve, cross, rest n ticks behind; cancels by
 * side and distance behind the touch) and a context of the spread, the best 5 levels of each side
 * wherever they are and the time since the last trade (see touch-bins, touch-context-row).
 */
export type ContextScheme = 'mars' | 'touch';

export interface TokenizerConfig {
  /** The context scheme (default 'mars'). */
  scheme: ContextScheme;
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
  scheme: 'mars' as ContextScheme,
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
  /** `price`: the price level against the mid ('mars') or the placement of new orders ('touch'); `cancelPrice`: the placement of cancels ('touch' only). */
  converters: { price: BinConverterJson; volume: BinConverterJson; interval: BinConverterJson; lobVolume: BinConverterJson; cancelPrice?: BinConverterJson };
  /** The order-batch codebook, when one was fitted. */
  batch?: BatchTokenizerJson;
}

/**
 * What `decode` needs of a book: its mid and touch, and (touch scheme, cancels) its occupied levels
 * (an `OrderBook` is one). A simulation may report the last known mid and best prices while a side
 * is empty.
 */
export interface BookView {
  mid(): number;
  bestBid(): number;
  bestAsk(): number;
  levelCount(side: number): number;
  levelPrice(side: number, k: number): number;
}

export interface DecodedOrder {
  type: OrderTypeName;
  /** 0 = S, 1 = B, 2 = C. */
  typeCode: number;
  /** +1 buy / bid side, −1 sell / ask side (for C: the side whose order it cancels). */
  side: 1 | -1;
  /** Whole-tick price level against the mid, and the price it gives (touch scheme: NaN when the token cannot be placed in this book — an inside-the-spread bin wider than the spread, a cancel where no level is, a side with no price). */
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
  /** Touch scheme: the cancels' placement bins (null under MarS's scheme). */
  readonly cancelPrice: BinConverter | null;
  readonly fittedOn: FittedOn[];
  /** The order-batch codebook (null until one is fitted: see `withBatch`). */
  readonly batch: BatchTokenizer | null;
  /** Bins an order and its context into a model input row (`encode` and the simulation use it). */
  readonly binner: FeatureBinner;
  /** Bins touch-scheme rows (null under MarS's scheme). */
  readonly touchBinner: TouchFeatureBinner | null;
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
    if (this.config.scheme !== 'mars' && this.config.scheme !== 'touch') throw new Error(`tokenizer ${json.name}: unknown scheme ${JSON.stringify(this.config.scheme)} (mars or touch)`);
    if (this.config.scheme === 'touch') {
      if (!json.converters.cancelPrice) throw new Error(`tokenizer ${json.name}: the touch scheme needs a cancelPrice converter`);
      this.cancelPrice = BinConverter.fromJSON(json.converters.cancelPrice);
      this.touchBinner = new TouchFeatureBinner({ ...this, cancelPrice: this.cancelPrice });
      if (this.cancelPrice.numBins !== this.config.layout.priceBins) throw new Error(`tokenizer ${json.name}: converter ${this.cancelPrice.name} has ${this.cancelPrice.numBins} bins, the layout needs ${this.config.layout.priceBins}`);
    } else {
      this.cancelPrice = null;
      this.touchBinner = null;
    }
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
    const touch = config.scheme === 'touch';
    let placements: number[] = [];
    let cancels: number[] = [];
    if (touch) {
      const l = config.layout;
      if (l.priceBins !== PLACEMENT_RANGES.length) throw new Error(`OrderTokenizer.fit: the touch scheme has ${PLACEMENT_RANGES.length} price bins, the layout asks for ${l.priceBins}`);
      for (const e of list) {
        const tick = e.meta.venue.tickSize;
        for (let i = 0; i < e.length; i++) {
          if (e.type[i] === TYPE_CANCEL) cancels.push(cancelPlacementOf(e.side[i], e.price[i], e.bidBefore[i], e.askBefore[i], tick));
          else placements.push(placementOf(e.side[i], e.price[i], e.bidBefore[i], e.askBefore[i], tick));
        }
      }
    }
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
        price: touch ? BinConverter.withEdges(placements, rangeEdges(PLACEMENT_RANGES), { name: 'placement' }).toJSON() : fit(levels, l.priceBins, 'price-level'),
        ...(touch ? { cancelPrice: BinConverter.withEdges(cancels, rangeEdges(CANCEL_RANGES), { name: 'cancel-placement' }).toJSON() } : {}),
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
      converters: { price: this.price.toJSON(), volume: this.volume.toJSON(), interval: this.interval.toJSON(), lobVolume: this.lobVolume.toJSON(), ...(this.cancelPrice ? { cancelPrice: this.cancelPrice.toJSON() } : {}) },
      ...(this.batch ? { batch: this.batch.toJSON() } : {}),
    };
  }

  /** This tokenizer with an order-batch codebook attached (saved with it). */
  withBatch(batch: BatchTokenizer): OrderTokenizer {
    return new OrderTokenizer({ ...this.toJSON(), batch: batch.toJSON() });
  }

  get scheme(): ContextScheme {
    return this.config.scheme;
  }

  /** The names of a context row's ints, in the order the model reads them. */
  get rowFeatures(): readonly string[] {
    return this.config.scheme === 'touch' ? TOUCH_ROW_FEATURES : CONTEXT_ROW_FEATURES;
  }

  /** Ints per context row. */
  get rowWidth(): number {
    return this.config.scheme === 'touch' ? TOUCH_ROW_WIDTH : CONTEXT_ROW_WIDTH;
  }

  /**
   * Context rows from a live book, in this tokenizer's scheme: mid changes from `openPrice`, the last
   * finite mid before (`lastMid`) and the time of the last trade (seconds after midnight; touch scheme).
   */
  rowBuilder(venue: VenueSettings, openPrice: number, lastMid = NaN, lastTrade = NaN): RowBuilder {
    return this.touchBinner ? new TouchRowBuilder(this.touchBinner, venue, openPrice, lastMid, lastTrade) : new ContextRowBuilder(this, venue, openPrice, lastMid);
  }

  get vocabularySize(): number {
    return vocabularySize(this.config.layout);
  }

  /** The token id of one order: `type` 0/1/2 (S/B/C), its price against `mid` in ticks of `tick` (the venue's: `flow.meta.venue.tickSize`), its size and wait. */
  encodeOrder(type: number, price: number, size: number, interval: number, mid: number, tick: number): number {
    if (this.touchBinner) throw new Error(`encodeOrder: tokenizer ${this.name} prices orders against the touch; use encodeTouchOrder`);
    return tokenId(this.config.layout, type, this.price.index(priceLevel(price, mid, tick)), this.volume.index(size), this.interval.index(interval));
  }

  /**
   * The token id of one order under the touch scheme: `type` 0/1/2, `side` (+1 bid, −1 ask; a cancel's
   * side), its price against the best bid and ask before it (NaN: that side is unknown), size and wait.
   */
  encodeTouchOrder(type: number, side: number, price: number, size: number, interval: number, bid: number, ask: number, tick: number): number {
    const b = this.touchBinner;
    if (!b) throw new Error(`encodeTouchOrder: tokenizer ${this.name} uses MarS's scheme; use encodeOrder`);
    const placement = type === TYPE_CANCEL ? cancelPlacementOf(side, price, bid, ask, tick) : placementOf(side, price, bid, ask, tick);
    return tokenId(this.config.layout, type, b.priceBin(type, placement), this.volume.index(size), this.interval.index(interval));
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
    if (this.touchBinner) return this.decodeTouch(p, book, rng, tick, out ?? { type: 'S', typeCode: 0, side: 1, level: 0, price: 0, size: 0, wait: 0 });
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

  /**
   * The touch scheme's decode. A new order's placement is drawn from the values seen in its bin and
   * priced from the same-side best (or past the opposite best for the crossing bins). An inside-the-
   * spread bin is drawn within the spread (uniformly over the bin's ticks that fit when the drawn one
   * does not); a cancel picks, uniformly, one of the occupied levels of its side whose distance behind
   * the best lies in its bin. When nothing fits — no tick of an inside bin fits the spread, no level
   * in a cancel bin, a non-crossing order that would cross, a side with no price — the price is NaN:
   * the token asked for something this book cannot do, and the caller counts it as invalid.
   */
  private decodeTouch(p: TokenParts, book: BookView, rng: Rng, tick: number, o: DecodedOrder): DecodedOrder {
    const size = Math.max(1, Math.round(this.volume.sample(p.volume, rng)));
    const wait = Math.max(0, this.interval.sample(p.interval, rng));
    let side: 1 | -1;
    let price = NaN;
    if (p.type === TYPE_CANCEL) {
      const [lo0, hi0] = CANCEL_RANGES[p.price];
      side = lo0 < CROSS ? 1 : -1;
      const lo = side > 0 ? lo0 : lo0 - CROSS;
      const hi = side > 0 ? hi0 : hi0 - CROSS;
      const n = book.levelCount(side);
      if (n > 0) {
        const best = book.levelPrice(side, 0);
        let count = 0;
        for (let k = 0; k < n; k++) {
          const d = Math.round((side * (best - book.levelPrice(side, k))) / tick);
          if (d > hi) break;
          if (d >= lo) count++;
        }
        if (count > 0) {
          let pick = rng.int(count);
          for (let k = 0; k < n; k++) {
            const px = book.levelPrice(side, k);
            const d = Math.round((side * (best - px)) / tick);
            if (d >= lo && pick-- === 0) {
              price = px;
              break;
            }
          }
        }
      }
    } else {
      side = p.type === TYPE_BUY ? 1 : -1;
      const own = side > 0 ? book.bestBid() : book.bestAsk();
      const opp = side > 0 ? book.bestAsk() : book.bestBid();
      let v = Math.round(this.price.sample(p.price, rng));
      if (v >= CROSS) {
        if (opp === opp) price = opp + side * (v - CROSS) * tick;
      } else if (own === own) {
        if (v > 0 && opp === opp) {
          const maxInside = Math.round((side * (opp - own)) / tick) - 1;
          if (v > maxInside) {
            const [lo, hi] = PLACEMENT_RANGES[p.price];
            const top = Math.min(hi, maxInside);
            v = lo <= top ? lo + rng.int(top - lo + 1) : NaN;
          }
        }
        price = own + side * v * tick;
        // A resting placement measured from a stale best (its side emptied) must not cross.
        if (opp === opp && side * (price - opp) >= 0) price = NaN;
      }
    }
    if (!(price > 0)) price = NaN;
    const mid = book.mid();
    o.type = ORDER_TYPE_NAMES[p.type];
    o.typeCode = p.type;
    o.side = side;
    o.level = price === price && mid === mid ? priceLevel(price, mid, tick) : 0;
    o.price = price;
    o.size = size;
    o.wait = wait;
    return o;
  }

  /**
   * Bins and context features for every order event. Touch scheme: `lastTrade` is the time (seconds
   * after midnight) of the last trade before these events, when they are a slice of a day (default:
   * none known, until their first trade) — the time since the last trade is a context feature.
   */
  encode(events: OrderEvents, options: { lastTrade?: number } = {}): OrderTokens {
    if (this.touchBinner) return this.encodeTouch(events, this.touchBinner, options.lastTrade ?? NaN);
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
    return tokensFrom(own, events, l, this.name, 'mars', clipped);
  }

  /** `encode` under the touch scheme: placements against the best prices before each order, the book after it. */
  private encodeTouch(events: OrderEvents, binner: TouchFeatureBinner, lastTradeBefore: number): OrderTokens {
    const n = events.length;
    const l = this.config.layout;
    const own = allocateColumns(TOKEN_FEATURE_SCHEMA, n);
    const W = TOUCH_ROW_WIDTH;
    const CHUNK = 4096;
    const rows = new Int32Array(CHUNK * W);
    const tick = events.meta.venue.tickSize;
    const { type: eType, side: eSide, price: ePrice, bidBefore, askBefore, size: eSize, interval: eInterval, volumeBefore: eVolBefore, filled: eFilled, changeBp: eChange, fromOpen: eFromOpen, spreadAfter, depthAfter, gapAfter, time: eTime } = events;
    let cVolume = 0;
    let cInterval = 0;
    let cTokens = 0;
    let cChange = 0;
    let cTime = 0;
    // Seconds since the last trade: from the one before these events, if known.
    let lastTrade = lastTradeBefore;
    for (let i0 = 0; i0 < n; i0 += CHUNK) {
      const i1 = Math.min(n, i0 + CHUNK);
      for (let i = i0; i < i1; i++) {
        const ty = eType[i];
        const placement = ty === TYPE_CANCEL ? cancelPlacementOf(eSide[i], ePrice[i], bidBefore[i], askBefore[i], tick) : placementOf(eSide[i], ePrice[i], bidBefore[i], askBefore[i], tick);
        if (ty !== TYPE_CANCEL && eFilled[i] > 0) lastTrade = eTime[i];
        const c = binner.row(ty, placement, eSize[i], eInterval[i], eVolBefore[i], eFilled[i], eChange[i], eFromOpen[i], spreadAfter[i] / tick, depthAfter, gapAfter, i * 2 * TOUCH_LEVELS, eTime[i] - lastTrade, rows, (i - i0) * W);
        if (c !== 0) {
          if (c & CLIPPED.volume) cVolume++;
          if (c & CLIPPED.interval) cInterval++;
          if (c & (CLIPPED.volume | CLIPPED.interval)) cTokens++;
          if (c & CLIPPED.change) cChange++;
          if (c & CLIPPED.time) cTime++;
        }
      }
      scatterTouchRows(rows, i0, i1, l, own);
    }
    const clipped: ClippedCounts = { price: 0, volume: cVolume, interval: cInterval, lobVolume: 0, change: cChange, time: cTime, tokens: cTokens };
    return tokensFrom(own, events, l, this.name, 'touch', clipped);
  }
}

/** Touch-scheme rows [from, to) into the token columns (layout: TOUCH_ROW); `rows` holds them from its start. */
function scatterTouchRows(rows: Int32Array, from: number, to: number, l: TokenLayout, own: ColumnsOf<typeof TOKEN_FEATURE_SCHEMA>): void {
  const W = TOUCH_ROW_WIDTH;
  const L = TOUCH_LEVELS;
  const { id, priceBin, volumeBin, intervalBin, changeBp, timeBucket, volumeRatio, fillRatio, spreadBin, depth, gap, tradeAge } = own;
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
    spreadBin[i] = rows[r + TOUCH_ROW.spread];
    for (let s = 0; s < 2 * L; s++) depth[i * 2 * L + s] = rows[r + TOUCH_ROW.depth + s];
    for (let s = 0; s < 2 * (L - 1); s++) gap[i * 2 * (L - 1) + s] = rows[r + TOUCH_ROW.gap + s];
    tradeAge[i] = rows[r + TOUCH_ROW.tradeAge];
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
function tokensFrom(own: ColumnsOf<typeof TOKEN_FEATURE_SCHEMA>, events: OrderEvents, layout: TokenLayout, tokenizer: string, scheme: ContextScheme, clipped: ClippedCounts): OrderTokens {
  return new OrderTokens(
    { ...own, ...pickColumns(TOKEN_ORDER_SCHEMA, events) },
    { layout, tokenizer, scheme, symbol: events.meta.symbol, date: events.meta.date, ordersBeforeMerge: events.stats.orders, clipped },
  );
}
