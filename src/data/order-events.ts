/**
 * MarS's orders as columns: each order event is a new sell (S), a new buy (B) or a cancel (C), with raw
 * (unbinned) values of the order, the book before it and the book after it. This is the vocabulary
 * shared by everything that makes orders (`extractOrders` from a LOBSTER day, in `replay/`; the
 * simulation) and everything that reads them (the tokenizer, the model's context rows, analysis).
 *
 * The columns are described once, in `ORDER_EVENT_SCHEMA`; the `OrderEvents` fields, allocation,
 * slicing and the table view derive from it (see `data/columns`).
 *
 * The raw context values an order's row needs — its price level against the mid, the time since the
 * open, the mid change since the open, the book volumes around the mid after it — are computed here
 * from a book view (`BookAfterView`, which `OrderBook` is), so nothing here depends on the replay.
 */
import { ColumnarFrame, type Columns } from './tables';
import type { VenueSettings } from './order-flow';
import type { BadLine } from './errors';
import { allocateColumns, assignColumns, checkColumns, defineColumns, sliceColumns, tableColumns, type ColumnsOf } from './columns';
import { lowerBound } from '../util/search';

/** MarS's order types, in MarS's order: the type part of a token id. */
export const ORDER_TYPE_NAMES = ['S', 'B', 'C'] as const;
export type OrderTypeName = (typeof ORDER_TYPE_NAMES)[number];
export const TYPE_SELL = 0;
export const TYPE_BUY = 1;
export const TYPE_CANCEL = 2;

/** Number of LOB-volume context slots: the book at the 10 ticks around the mid. */
export const LOB_SLOTS = 10;
/** The tick level of the first LOB slot against the mid (slots cover −5..4). */
export const LOB_FIRST_LEVEL = -5;
/** Book levels per side the touch-relative context reads (`depthAfter`, `gapAfter`). */
export const TOUCH_LEVELS = 5;
/** Table names of one touch-level column's parts, `prefix` + bid1…bid5 then ask1…ask5 (levels `from` on). */
export function touchLevelNames(prefix: string, from = 1): readonly string[] {
  const side = (s: string) => Array.from({ length: TOUCH_LEVELS - from + 1 }, (_, k) => `${prefix}${s}${k + from}`);
  return Object.freeze([...side('Bid'), ...side('Ask')]);
}
/** Table names of the LOB slots, by level: lob-5 … lob4. */
export const LOB_SLOT_NAMES: readonly string[] = Object.freeze(Array.from({ length: LOB_SLOTS }, (_, s) => `lob${s + LOB_FIRST_LEVEL}`));

/** The columns of `OrderEvents`, in order; all have one value per order except `lob` (LOB_SLOTS). */
export const ORDER_EVENT_SCHEMA = defineColumns({
  time: { array: Float64Array, doc: 'Seconds after midnight.' },
  type: { array: Uint8Array, labels: ORDER_TYPE_NAMES, doc: '0 = S (new sell), 1 = B (new buy), 2 = C (cancel).' },
  side: { array: Int8Array, doc: '+1 buy / bid side, −1 sell / ask side (for C: the side of the cancelled order).' },
  price: { array: Float64Array, doc: 'Price in venue units.' },
  size: { array: Float64Array, doc: 'Order size (for a merged cancel: the sum).' },
  interval: { array: Float64Array, doc: 'Seconds since the previous order (0 for ties and for the first).' },
  level: { array: Int32Array, doc: 'Whole-tick price level against the mid before the order (`priceLevel`).' },
  midBefore: { array: Float64Array, doc: 'Mid before the order (the last finite one while a side was empty).' },
  bidBefore: { array: Float64Array, doc: 'Best bid before the order (the last one seen while the bid side was empty; NaN before any).' },
  askBefore: { array: Float64Array, doc: 'Best ask before the order (the last one seen while the ask side was empty; NaN before any).' },
  aggressive: { array: Uint8Array, doc: '1 for orders reconstructed from executions.' },
  filled: { array: Float64Array, doc: 'Quantity the order executed on arrival (for C: its size).' },
  volumeBefore: { array: Float64Array, doc: "Visible volume at the order's price before it (either side)." },
  notional: { array: Float64Array, doc: 'Quantity × price of what the order executed (its VWAP is notional / filled).' },
  midAfter: { array: Float64Array, doc: 'Mid after the order (the last finite one while a side is empty).' },
  spreadAfter: { array: Float64Array, doc: 'Spread after the order, venue units.' },
  imbalanceAfter: { array: Float64Array, doc: 'Best-level imbalance (bid − ask) / (bid + ask) after the order.' },
  changeBp: { array: Float64Array, doc: 'Change of the mid after the order since the open price, basis points (unclipped).' },
  fromOpen: { array: Float64Array, doc: 'Seconds since the session opened (breaks left out).' },
  lob: { array: Float64Array, width: LOB_SLOTS, parts: LOB_SLOT_NAMES, doc: 'Book volume after the order at levels −5..4 around the mid (0 = empty).' },
  depthAfter: { array: Float64Array, width: 2 * TOUCH_LEVELS, parts: touchLevelNames('depth'), doc: 'Volume of the best 5 occupied bid levels, then the best 5 ask levels, after the order (0 = no such level).' },
  gapAfter: { array: Int32Array, width: 2 * TOUCH_LEVELS, parts: touchLevelNames('gap'), doc: "Ticks from the side's best price to each of those levels (0 for the best; −1 = no such level)." },
  firstRow: { array: Int32Array, doc: 'First message row (0-based) the order came from.' },
  lastRow: { array: Int32Array, doc: 'Last message row (0-based) the order came from.' },
});

/** The arrays of an `OrderEvents`, by name (see `ORDER_EVENT_SCHEMA` for what each holds). */
export type OrderEventColumns = ColumnsOf<typeof ORDER_EVENT_SCHEMA>;

export interface OrderEventStats {
  messages: number;
  /** Orders before cancels were merged. */
  orders: number;
  aggressiveOrders: number;
  /** Aggressive orders whose remainder rested (the remainder is an order of its own). */
  aggressiveWithRemainder: number;
  /** Runs of executions made only of hidden ones: they left the visible book as it was, and are no order. */
  hiddenOnlyRuns: number;
  /** Shares executed against hidden orders (not in any order's size). */
  hiddenShares: number;
  mergedCancels: number;
  /** Cross trades and halts, which are not orders. */
  skippedMessages: number;
  /** Orders placed while one side of the book was empty (their level is measured against the last mid). */
  staleMid: number;
  badOrders: number;
}

export interface OrderEventsMeta {
  symbol: string;
  date: string;
  venue: VenueSettings;
  /** The day's first trade price (MarS's open_trans_price; NaN without trades): mid changes are measured from it. */
  openPrice: number;
}

// The columns are fields of the frame (`events.time`, `events.lob`, …): declared by merging this
// interface with the class, so the field list is the schema's and is never written out by hand.
export interface OrderEvents extends Readonly<OrderEventColumns> {}

/** Order events as columns, with the raw (unbinned) values a tokenizer needs. */
export class OrderEvents extends ColumnarFrame {
  readonly length: number;

  constructor(
    cols: OrderEventColumns,
    readonly meta: OrderEventsMeta,
    readonly stats: OrderEventStats,
    readonly badOrders: BadLine[],
  ) {
    super();
    this.length = checkColumns('OrderEvents', ORDER_EVENT_SCHEMA, cols, cols.time.length);
    assignColumns(this, ORDER_EVENT_SCHEMA, cols);
  }

  columns(): Columns {
    return tableColumns(ORDER_EVENT_SCHEMA, this, this.length);
  }

  /** Orders [from, to) sharing the same buffers (stats and bad orders stay those of the whole day). */
  slice(from: number, to = this.length): OrderEvents {
    return new OrderEvents(sliceColumns(ORDER_EVENT_SCHEMA, this, from, to), this.meta, this.stats, this.badOrders);
  }

  /** First order at or after time t (seconds after midnight). */
  indexAtTime(t: number): number {
    return lowerBound(this.time, t);
  }

  /** Fraction of each type (S, B, C). */
  typeShares(): Record<OrderTypeName, number> {
    const c = [0, 0, 0];
    for (let i = 0; i < this.length; i++) c[this.type[i]]++;
    return { S: c[0] / this.length, B: c[1] / this.length, C: c[2] / this.length };
  }
}

/** Zeroed event columns for `rows` orders (a producer fills them and trims with `trimColumns`). */
export function allocateOrderEventColumns(rows: number): OrderEventColumns {
  return allocateColumns(ORDER_EVENT_SCHEMA, rows);
}

/**
 * The whole-tick price level of `price` against `mid`: `floor((price − mid) / tick + 1/2)`, i.e. ticks
 * above the grid price at or just below the mid. Every grid price gets exactly one level whatever the
 * spread's parity (with an odd spread the best bid is level 0 and the best ask level 1; with an even
 * one the mid itself is level 0), so a level always maps back to one price: see `priceAtLevel`.
 */
export function priceLevel(price: number, mid: number, tick: number): number {
  return Math.floor((price - mid) / tick + 0.5);
}

/**
 * The grid price at `level` (the inverse of `priceLevel`): the one whole tick j with
 * floor(j − mid/tick + 1/2) = level, i.e. j = level + ceil(mid/tick − 1/2). Exact for any mid.
 */
export function priceAtLevel(level: number, mid: number, tick: number): number {
  return (level + Math.ceil(mid / tick - 0.5)) * tick;
}

/** Seconds since the session opened, leaving out breaks (0 before the open). */
export function secondsFromOpen(time: number, venue: VenueSettings): number {
  let s = time - venue.open;
  const breaks = venue.breaks;
  for (let k = 0; k < breaks.length; k++) {
    const [a, b] = breaks[k];
    if (time >= b) s -= b - a;
    else if (time > a) s -= time - a;
  }
  return Math.max(0, s);
}

/** Change of `mid` since `openPrice` in basis points, unclipped (0 when either is unknown). */
export function midChangeBp(mid: number, openPrice: number): number {
  return openPrice === openPrice && mid === mid ? (mid / openPrice - 1) * 10_000 : 0;
}

/** What the after-order context needs of a book (an `OrderBook` is one; no dependency on `book/`). */
export interface BookAfterView {
  spread(): number;
  imbalance(levels: number): number;
  /** Occupied levels on a side, the price and quantity of level k (0 = best). */
  levelCount(side: number): number;
  levelPrice(side: number, k: number): number;
  levelQty(side: number, k: number): number;
  /** Add the volume at the ticks `lo..hi` around `mid` into `out[at + 0 ..]` (one slot per tick). */
  addDepthAround(mid: number, tick: number, lo: number, hi: number, out: Float64Array, at: number): void;
}

/** Volumes at levels −5..4 around `mid` (after an order), written to `out` at `at` (0 = empty). */
export function lobSlotVolumes(book: BookAfterView, mid: number, tick: number, out: Float64Array, at: number): void {
  for (let s = 0; s < LOB_SLOTS; s++) out[at + s] = 0;
  if (mid === mid) book.addDepthAround(mid, tick, LOB_FIRST_LEVEL, LOB_FIRST_LEVEL + LOB_SLOTS - 1, out, at);
}

/**
 * Write the after-order context of event `e` into its columns: mid (`mid`, the caller's live-or-last
 * mid), spread, imbalance, change since `openPrice` and the LOB slots. `zeroed`: the event's LOB slots
 * are known to be 0 already (a new row), so they need not be cleared first.
 */
export function writeAfterState(
  cols: OrderEventColumns,
  e: number,
  book: BookAfterView,
  mid: number,
  openPrice: number,
  tick: number,
  zeroed: boolean,
): void {
  cols.midAfter[e] = mid;
  cols.spreadAfter[e] = book.spread();
  cols.imbalanceAfter[e] = book.imbalance(1);
  cols.changeBp[e] = midChangeBp(mid, openPrice);
  touchLevels(book, tick, cols.depthAfter, cols.gapAfter, e * 2 * TOUCH_LEVELS);
  if (zeroed) {
    if (mid === mid) book.addDepthAround(mid, tick, LOB_FIRST_LEVEL, LOB_FIRST_LEVEL + LOB_SLOTS - 1, cols.lob, e * LOB_SLOTS);
  } else lobSlotVolumes(book, mid, tick, cols.lob, e * LOB_SLOTS);
}

/**
 * The best `TOUCH_LEVELS` occupied levels of each side: volumes into `depth` and tick distances from
 * the side's best price into `gap` (bid levels first, then ask levels, from `at`; absent levels: volume
 * 0, gap −1).
 */
export function touchLevels(book: BookAfterView, tick: number, depth: Float64Array, gap: Int32Array, at: number): void {
  for (let s = 0; s < 2; s++) {
    const side = s === 0 ? 1 : -1;
    const n = book.levelCount(side);
    const best = n > 0 ? book.levelPrice(side, 0) : NaN;
    for (let k = 0; k < TOUCH_LEVELS; k++) {
      const j = at + s * TOUCH_LEVELS + k;
      if (k < n) {
        depth[j] = book.levelQty(side, k);
        gap[j] = Math.round((side * (best - book.levelPrice(side, k))) / tick);
      } else {
        depth[j] = 0;
        gap[j] = -1;
      }
    }
  }
}
