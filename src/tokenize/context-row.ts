/**
 * One order and the book after it → one row of the model's input: the single place where MarS's
 * context features are computed from raw values. `OrderTokenizer.encode` builds its columns with it,
 * the model runtime reads rows in this layout, and the simulation builds a row after every order the
 * engine applies (so the model sees the market it made).
 *
 * Row layout (int32, `CONTEXT_ROW_WIDTH` = 18 per order):
 *   type, price bin, volume bin, interval bin, mid change since the open (bp, clipped), time bucket,
 *   volume-ratio slot, fill-ratio slot, then the LOB slots: the book's volume after the order at the
 *   ticks −5..4 around the mid (binned + 1, 0 = empty).
 */
import type { OrderBook } from '../book/order-book';
import type { VenueSettings } from '../data/order-flow';
import { LOB_SLOTS, TYPE_CANCEL, lobSlotVolumes, midChangeBp, priceLevel, secondsFromOpen } from '../data/order-events';
import type { OrderTokenizer } from './order-tokenizer';
import type { BinConverter } from './bin-converter';

/** The features of one row, in the order the exported model reads them. */
export const CONTEXT_ROW_FEATURES: readonly string[] = Object.freeze([
  'type',
  'price',
  'volume',
  'interval',
  'changeBp',
  'timeBucket',
  'volumeRatio',
  'fillRatio',
  ...Array.from({ length: LOB_SLOTS }, (_, i) => `lob${i}`),
]);
export const CONTEXT_ROW_WIDTH = CONTEXT_ROW_FEATURES.length;

/** Offsets of the fields in a row. */
export const ROW = { type: 0, price: 1, volume: 2, interval: 3, changeBp: 4, timeBucket: 5, volumeRatio: 6, fillRatio: 7, lob: 8 } as const;

/** Bit flags `featureRow` returns for values clipped into an edge bin. */
export const CLIPPED = { price: 1, volume: 2, interval: 4, change: 8, time: 16 } as const;

/**
 * The raw values of one order and its context, unbinned. The LOB volumes are read from `lob` at
 * `lobAt` (LOB_SLOTS values; 0 = empty level).
 */
export interface RawOrderContext {
  /** 0 = S, 1 = B, 2 = C. */
  type: number;
  /** Whole-tick price level against the mid before the order. */
  level: number;
  size: number;
  /** Seconds since the previous order. */
  interval: number;
  /** Visible volume at the order's price before it. */
  volumeBefore: number;
  /** Quantity executed on arrival (cancels: ignored, their fill ratio is 1). */
  filled: number;
  /** Mid change since the open in basis points (unclipped). */
  changeBp: number;
  /** Seconds since the session opened (breaks left out). */
  fromOpen: number;
}

const SLOTS = LOB_SLOTS;

/** Where `FeatureBinner.row`'s result keeps the count of clipped LOB volumes (above the CLIPPED flags). */
export const LOB_CLIPPED_SHIFT = 8;

/**
 * The binning of a row, with the tokenizer's converters and settings held as fields: the one place a
 * context row is computed. Scalars in, ints out, nothing allocated — it runs once per order in
 * `encode` and once per simulated order.
 */
export class FeatureBinner {
  private readonly price: BinConverter;
  private readonly volume: BinConverter;
  private readonly interval: BinConverter;
  private readonly lobVolume: BinConverter;
  private readonly maxBp: number;
  private readonly bucket: number;
  private readonly maxBucket: number;
  private readonly slots: number;

  constructor(tok: Pick<OrderTokenizer, 'price' | 'volume' | 'interval' | 'lobVolume' | 'config'>) {
    this.price = tok.price;
    this.volume = tok.volume;
    this.interval = tok.interval;
    this.lobVolume = tok.lobVolume;
    this.maxBp = tok.config.maxChangeBp;
    this.bucket = tok.config.timeBucketSeconds;
    this.maxBucket = tok.config.maxTimeBucket;
    this.slots = tok.config.ratioSlots;
  }

  /**
   * Bin one order and its context into `out` at `at` (CONTEXT_ROW_WIDTH ints), the LOB volumes read
   * from `lob` at `lobAt`. Returns the `CLIPPED` flags of the fields that fell outside the fitted
   * ranges, plus the number of clipped LOB volumes shifted left by `LOB_CLIPPED_SHIFT`.
   */
  row(type: number, level: number, size: number, interval: number, volumeBefore: number, filled: number, changeBp: number, fromOpen: number, lob: Float64Array, lobAt: number, out: Int32Array, at: number): number {
    let clipped = 0;
    out[at] = type;
    out[at + 1] = this.price.index(level);
    out[at + 2] = this.volume.index(size);
    out[at + 3] = this.interval.index(interval);
    if (this.price.isClipped(level)) clipped |= CLIPPED.price;
    if (this.volume.isClipped(size)) clipped |= CLIPPED.volume;
    if (this.interval.isClipped(interval)) clipped |= CLIPPED.interval;
    const maxBp = this.maxBp;
    const bp = Math.trunc(changeBp);
    if (bp > maxBp || bp < -maxBp) clipped |= CLIPPED.change;
    out[at + 4] = bp > maxBp ? maxBp : bp < -maxBp ? -maxBp : bp;
    const tb = Math.floor(fromOpen / this.bucket);
    if (tb > this.maxBucket) clipped |= CLIPPED.time;
    out[at + 5] = tb > this.maxBucket ? this.maxBucket : tb;
    const vr = size / (size + volumeBefore);
    out[at + 6] = Math.floor(Math.min(1, vr) * 0.99 * this.slots);
    const fr = type === TYPE_CANCEL ? 1 : filled / size;
    out[at + 7] = Math.floor(Math.min(1, fr) * 0.99 * this.slots);
    const lv = this.lobVolume;
    let lobClipped = 0;
    for (let s = 0; s < SLOTS; s++) {
      const v = lob[lobAt + s];
      if (v > 0) {
        out[at + 8 + s] = lv.index(v) + 1;
        if (lv.isClipped(v)) lobClipped++;
      } else out[at + 8 + s] = 0;
    }
    return clipped | (lobClipped << LOB_CLIPPED_SHIFT);
  }
}

/** `FeatureBinner.row` for one order given as an object (convenient outside hot loops). */
export function featureRow(tok: OrderTokenizer, o: RawOrderContext, lob: Float64Array, lobAt: number, out: Int32Array, at: number): number {
  return tok.binner.row(o.type, o.level, o.size, o.interval, o.volumeBefore, o.filled, o.changeBp, o.fromOpen, lob, lobAt, out, at);
}

/**
 * What the simulation needs to turn each order it applies into the model's next input row, whatever
 * the tokenizer's scheme (MarS's mid-relative rows: `ContextRowBuilder`; touch-relative rows:
 * `TouchRowBuilder`). `OrderTokenizer.rowBuilder` makes the right one.
 */
export interface RowBuilder {
  /** Ints per row. */
  readonly width: number;
  /** The last finite mid seen (NaN before any). */
  lastMid: number;
  /** The book's mid, or the last finite one when a side is empty. */
  mid(book: OrderBook): number;
  /**
   * The row of an order just applied to `book`: its type and side, price, size, the mid and the best
   * prices before it (the last known ones while a side was empty), the wait since the previous order
   * (seconds), its time (seconds after midnight), the visible volume at its price before it and what it
   * executed. Returns the CLIPPED flags.
   */
  row(book: OrderBook, type: number, side: number, price: number, size: number, midBefore: number, bidBefore: number, askBefore: number, interval: number, time: number, volumeBefore: number, filled: number, out: Int32Array, at: number): number;
}

/**
 * Context rows from a live book: the simulation's view of `featureRow`. It keeps what a row needs
 * beyond one order — the open price (mid changes are measured from it), the venue (time since the
 * open, the tick) and the last finite mid (an order placed while one side is empty is measured
 * against it, as `extractOrders` does) — and reuses its buffers, so a row costs no allocation.
 */
export class ContextRowBuilder implements RowBuilder {
  readonly width = CONTEXT_ROW_WIDTH;
  private readonly lob = new Float64Array(LOB_SLOTS);
  /** The last finite mid seen (NaN before any). */
  lastMid: number;

  constructor(
    readonly tokenizer: OrderTokenizer,
    readonly venue: VenueSettings,
    /** The day's opening trade price (MarS's open_trans_price): mid changes are measured from it. */
    readonly openPrice: number,
    lastMid = NaN,
  ) {
    this.lastMid = lastMid;
  }

  /** The book's mid, or the last finite one when a side is empty. */
  mid(book: OrderBook): number {
    const m = book.mid();
    if (m === m) this.lastMid = m;
    return this.lastMid;
  }

  /** See `RowBuilder.row` (MarS's row reads the mid before the order, not the best prices). */
  row(
    book: OrderBook,
    type: number,
    _side: number,
    price: number,
    size: number,
    midBefore: number,
    _bidBefore: number,
    _askBefore: number,
    interval: number,
    time: number,
    volumeBefore: number,
    filled: number,
    out: Int32Array,
    at: number,
  ): number {
    const tick = this.venue.tickSize;
    const m = this.mid(book);
    const level = midBefore === midBefore ? priceLevel(price, midBefore, tick) : 0;
    lobSlotVolumes(book, m, tick, this.lob, 0);
    return this.tokenizer.binner.row(type, level, size, interval, volumeBefore, filled, midChangeBp(m, this.openPrice), secondsFromOpen(time, this.venue), this.lob, 0, out, at);
  }
}
