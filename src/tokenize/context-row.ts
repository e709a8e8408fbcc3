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

/**
 * Bin one order and its context into `out` at `at` (CONTEXT_ROW_WIDTH ints). Returns the `CLIPPED`
 * flags of the token's fields and context that fell outside the fitted ranges (LOB volumes are not
 * flagged here: `lobClipped` counts them).
 */
export function featureRow(tok: OrderTokenizer, o: RawOrderContext, lob: ArrayLike<number>, lobAt: number, out: Int32Array, at: number): number {
  const cfg = tok.config;
  let clipped = 0;
  const pb = tok.price.index(o.level);
  const vb = tok.volume.index(o.size);
  const ib = tok.interval.index(o.interval);
  if (tok.price.isClipped(o.level)) clipped |= CLIPPED.price;
  if (tok.volume.isClipped(o.size)) clipped |= CLIPPED.volume;
  if (tok.interval.isClipped(o.interval)) clipped |= CLIPPED.interval;
  out[at] = o.type;
  out[at + 1] = pb;
  out[at + 2] = vb;
  out[at + 3] = ib;
  const maxBp = cfg.maxChangeBp;
  const bp = Math.trunc(o.changeBp);
  if (bp > maxBp || bp < -maxBp) clipped |= CLIPPED.change;
  out[at + 4] = bp > maxBp ? maxBp : bp < -maxBp ? -maxBp : bp;
  const tb = Math.floor(o.fromOpen / cfg.timeBucketSeconds);
  if (tb > cfg.maxTimeBucket) clipped |= CLIPPED.time;
  out[at + 5] = tb > cfg.maxTimeBucket ? cfg.maxTimeBucket : tb;
  const slots = cfg.ratioSlots;
  const vr = o.size / (o.size + o.volumeBefore);
  out[at + 6] = Math.floor(Math.min(1, vr) * 0.99 * slots);
  const fr = o.type === TYPE_CANCEL ? 1 : o.filled / o.size;
  out[at + 7] = Math.floor(Math.min(1, fr) * 0.99 * slots);
  for (let s = 0; s < LOB_SLOTS; s++) {
    const v = lob[lobAt + s];
    out[at + ROW.lob + s] = v > 0 ? tok.lobVolume.index(v) + 1 : 0;
  }
  return clipped;
}

/** How many of the LOB volumes at `lob[at .. at + LOB_SLOTS)` fall outside the fitted range. */
export function lobClipped(tok: OrderTokenizer, lob: ArrayLike<number>, at: number): number {
  let c = 0;
  for (let s = 0; s < LOB_SLOTS; s++) if (lob[at + s] > 0 && tok.lobVolume.isClipped(lob[at + s])) c++;
  return c;
}

/**
 * Context rows from a live book: the simulation's view of `featureRow`. It keeps what a row needs
 * beyond one order — the open price (mid changes are measured from it), the venue (time since the
 * open, the tick) and the last finite mid (an order placed while one side is empty is measured
 * against it, as `extractOrders` does) — and reuses its buffers, so a row costs no allocation.
 */
export class ContextRowBuilder {
  private readonly lob = new Float64Array(LOB_SLOTS);
  private readonly raw: RawOrderContext = { type: 0, level: 0, size: 0, interval: 0, volumeBefore: 0, filled: 0, changeBp: 0, fromOpen: 0 };
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

  /**
   * The row of an order just applied to `book`: its type, price, size, the mid before it, the wait
   * since the previous order (seconds), its time (seconds after midnight), the visible volume at its
   * price before it and what it executed. Returns the CLIPPED flags.
   */
  row(
    book: OrderBook,
    type: number,
    price: number,
    size: number,
    midBefore: number,
    interval: number,
    time: number,
    volumeBefore: number,
    filled: number,
    out: Int32Array,
    at: number,
  ): number {
    const tick = this.venue.tickSize;
    const r = this.raw;
    const m = this.mid(book);
    r.type = type;
    r.level = midBefore === midBefore ? priceLevel(price, midBefore, tick) : 0;
    r.size = size;
    r.interval = interval;
    r.volumeBefore = volumeBefore;
    r.filled = filled;
    r.changeBp = midChangeBp(m, this.openPrice);
    r.fromOpen = secondsFromOpen(time, this.venue);
    lobSlotVolumes(book, m, tick, this.lob, 0);
    return featureRow(this.tokenizer, r, this.lob, 0, out, at);
  }
}
