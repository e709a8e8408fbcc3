/**
 * The touch-relative scheme's context rows (model input, int32, `TOUCH_ROW_WIDTH` = 28 per order):
 *
 *   type, placement bin, volume bin, interval bin, mid change since the open (bp, clipped), time bucket,
 *   volume-ratio slot, fill-ratio slot,                         — as MarS's row, the price made touch-relative
 *   spread after the order (bin, see touch-bins),
 *   volume of the best 5 bid levels, then the best 5 ask levels (binned + 1, 0 = no level),
 *   ticks from the best bid to bid levels 2–5, then from the best ask to ask levels 2–5 (binned, 0 = no level),
 *   time since the last trade (bin).
 *
 * MarS's 10 LOB slots (volume at ticks −5..4 around the mid) are left out: with GOOG's 28-tick median
 * spread all ten are empty for 94% of its orders. The best levels are read wherever they are.
 */
import type { OrderBook } from '../book/order-book';
import type { VenueSettings } from '../data/order-flow';
import { TOUCH_LEVELS, TYPE_CANCEL, midChangeBp, secondsFromOpen, touchLevels } from '../data/order-events';
import type { BinConverter } from './bin-converter';
import { CLIPPED, type RowBuilder } from './context-row';
import { cancelPlacementOf, gapBin, placementOf, spreadBin, tradeAgeBin } from './touch-bins';

export const TOUCH_ROW_FEATURES: readonly string[] = Object.freeze([
  'type',
  'price',
  'volume',
  'interval',
  'changeBp',
  'timeBucket',
  'volumeRatio',
  'fillRatio',
  'spread',
  ...Array.from({ length: TOUCH_LEVELS }, (_, k) => `bidDepth${k + 1}`),
  ...Array.from({ length: TOUCH_LEVELS }, (_, k) => `askDepth${k + 1}`),
  ...Array.from({ length: TOUCH_LEVELS - 1 }, (_, k) => `bidGap${k + 2}`),
  ...Array.from({ length: TOUCH_LEVELS - 1 }, (_, k) => `askGap${k + 2}`),
  'tradeAge',
]);
export const TOUCH_ROW_WIDTH = TOUCH_ROW_FEATURES.length;
/** Offsets in a touch row. */
export const TOUCH_ROW = { spread: 8, depth: 9, gap: 9 + 2 * TOUCH_LEVELS, tradeAge: 9 + 2 * TOUCH_LEVELS + 2 * (TOUCH_LEVELS - 1) } as const;

/** What the touch binner needs of a tokenizer. */
export interface TouchBinnerSource {
  price: BinConverter;
  cancelPrice: BinConverter;
  volume: BinConverter;
  interval: BinConverter;
  lobVolume: BinConverter;
  config: { maxChangeBp: number; timeBucketSeconds: number; maxTimeBucket: number; ratioSlots: number };
}

/** Bins one order and the book after it into a touch row. Scalars in, ints out, nothing allocated. */
export class TouchFeatureBinner {
  private readonly placement: BinConverter;
  private readonly cancel: BinConverter;
  private readonly volume: BinConverter;
  private readonly interval: BinConverter;
  private readonly depthVolume: BinConverter;
  private readonly maxBp: number;
  private readonly bucket: number;
  private readonly maxBucket: number;
  private readonly slots: number;

  constructor(tok: TouchBinnerSource) {
    this.placement = tok.price;
    this.cancel = tok.cancelPrice;
    this.volume = tok.volume;
    this.interval = tok.interval;
    this.depthVolume = tok.lobVolume;
    this.maxBp = tok.config.maxChangeBp;
    this.bucket = tok.config.timeBucketSeconds;
    this.maxBucket = tok.config.maxTimeBucket;
    this.slots = tok.config.ratioSlots;
  }

  /** The price bin of an order's placement value (see touch-bins). */
  priceBin(type: number, placement: number): number {
    return type === TYPE_CANCEL ? this.cancel.index(placement) : this.placement.index(placement);
  }

  /**
   * One row into `out` at `at`: the order (type, placement value, size, wait, visible volume before it
   * at its price, what it filled), the mid change since the open, its time from the open, and the
   * book after it (spread in ticks, NaN when a side is empty; best-level volumes and gaps from
   * `depth`/`gap` at `levelsAt`, as `touchLevels` writes them); seconds since the last trade (NaN: none).
   * Returns the CLIPPED flags.
   */
  row(
    type: number,
    placement: number,
    size: number,
    interval: number,
    volumeBefore: number,
    filled: number,
    changeBp: number,
    fromOpen: number,
    spreadTicks: number,
    depth: Float64Array,
    gap: Int32Array,
    levelsAt: number,
    sinceTrade: number,
    out: Int32Array,
    at: number,
  ): number {
    let clipped = 0;
    out[at] = type;
    out[at + 1] = this.priceBin(type, placement);
    out[at + 2] = this.volume.index(size);
    out[at + 3] = this.interval.index(interval);
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
    out[at + 8] = spreadBin(spreadTicks);
    const L = TOUCH_LEVELS;
    const dv = this.depthVolume;
    for (let s = 0; s < 2; s++) {
      for (let k = 0; k < L; k++) {
        const v = depth[levelsAt + s * L + k];
        out[at + 9 + s * L + k] = v > 0 ? dv.index(v) + 1 : 0;
      }
      for (let k = 1; k < L; k++) out[at + 9 + 2 * L + s * (L - 1) + k - 1] = gapBin(gap[levelsAt + s * L + k]);
    }
    out[at + TOUCH_ROW.tradeAge] = tradeAgeBin(sinceTrade);
    return clipped;
  }
}

/**
 * Touch rows from a live book (the simulation's view of `TouchFeatureBinner.row`): keeps the open
 * price, the venue, the last finite mid and the time of the last trade, and reuses its buffers.
 */
export class TouchRowBuilder implements RowBuilder {
  readonly width = TOUCH_ROW_WIDTH;
  private readonly depth = new Float64Array(2 * TOUCH_LEVELS);
  private readonly gap = new Int32Array(2 * TOUCH_LEVELS);
  lastMid: number;
  /** Seconds after midnight of the last trade (NaN: none known). */
  lastTrade: number;

  constructor(
    private readonly binner: TouchFeatureBinner,
    readonly venue: VenueSettings,
    readonly openPrice: number,
    lastMid = NaN,
    lastTrade = NaN,
  ) {
    this.lastMid = lastMid;
    this.lastTrade = lastTrade;
  }

  mid(book: OrderBook): number {
    const m = book.mid();
    if (m === m) this.lastMid = m;
    return this.lastMid;
  }

  row(
    book: OrderBook,
    type: number,
    side: number,
    price: number,
    size: number,
    _midBefore: number,
    bidBefore: number,
    askBefore: number,
    interval: number,
    time: number,
    volumeBefore: number,
    filled: number,
    out: Int32Array,
    at: number,
  ): number {
    const tick = this.venue.tickSize;
    const m = this.mid(book);
    const placement = type === TYPE_CANCEL ? cancelPlacementOf(side, price, bidBefore, askBefore, tick) : placementOf(side, price, bidBefore, askBefore, tick);
    if (type !== TYPE_CANCEL && filled > 0) this.lastTrade = time;
    touchLevels(book, tick, this.depth, this.gap, 0);
    const spread = book.spread() / tick;
    return this.binner.row(type, placement, size, interval, volumeBefore, filled, midChangeBp(m, this.openPrice), secondsFromOpen(time, this.venue), spread, this.depth, this.gap, 0, time - this.lastTrade, out, at);
  }
}
