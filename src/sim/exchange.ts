/**
 * The simulated exchange: the matching engine with an order-entry API for agents, a message log in
 * LOBSTER's vocabulary, and fills delivered to the owners of both sides.
 *
 * Every share in its book belongs to an identified order (a real state's anonymous volume is turned
 * into seed orders first: see `StartState`), so each event is one LOBSTER message: an incoming order
 * executes against the resting orders one at a time (a type-4 message of each resting order, with its
 * id and side, and the book after it), and its remainder rests as a type-1 submission; cancels are
 * type 2 (partial) or 3 (whole). The log keeps every message with the rank of its price level at that
 * moment, so LOBSTER files of any level N can be written later with LOBSTER's windowing (a message is
 * in a level-N file when it touches the top N levels of its side).
 *
 * Failure convention (one for every method): a method that creates an order returns its id (> 0) and
 * 0 when nothing was created; a method that removes or executes volume returns the quantity, 0 when
 * nothing happened. Nothing throws for an order that cannot be carried out.
 */
import { OrderBook } from '../book/order-book';
import { f64, type GrowableColumn } from '../util/growable';
import { growingColumns } from '../data/columns';
import { MESSAGE_SCHEMA, type MessageLog } from './logs';

/** Owners in a simulation: the starting book's volume, the background market, then agents. */
export const OWNER = { seed: 0, background: 1, firstAgent: 2 } as const;

/** LOBSTER message types the exchange writes. */
export const MESSAGE = { submit: 1, cancel: 2, delete: 3, execute: 4 } as const;

/** A fill as its owner sees it. */
export interface FillListener {
  (owner: number, orderId: number, side: number, price: number, qty: number, time: number): void;
}

export class Exchange {
  /** Every message, LOBSTER's fields plus owner and level rank (`MESSAGE_SCHEMA`). */
  readonly log: MessageLog = growingColumns(MESSAGE_SCHEMA, 4096);
  /** Top `levels` levels after each message, LOBSTER's layout (4 numbers a level), when `levels` > 0. */
  readonly top: GrowableColumn<Float64Array> | null;
  /** The time written on messages and trades (a simulation uses nanoseconds after midnight; the recorder, seconds). */
  time = 0;
  /** Quantity executed by the last `submit`. */
  lastFilled = 0;
  /** Notional (price × quantity) of what the last `submit` executed. */
  lastNotional = 0;
  /** Called for every fill, maker then taker. */
  onFill: FillListener | null = null;
  /** When false, events change the book but no message is logged (a warm-up before a recorded session). */
  logging = true;
  private nextId: number;
  private readonly row: Float64Array;
  private readonly queue = new Float64Array(256);

  constructor(
    readonly book: OrderBook,
    /** First id this exchange assigns (above every id in the starting book). */
    firstId: number,
    /** Levels of the book to record after each message (0: none). */
    readonly levels = 0,
  ) {
    this.nextId = Math.max(1, firstId);
    this.top = levels > 0 ? f64(4096 * 4 * levels) : null;
    this.row = new Float64Array(4 * Math.max(1, levels));
  }

  /** The id the next order will get. */
  get peekId(): number {
    return this.nextId;
  }

  private write(type: number, id: number, size: number, price: number, direction: number, owner: number, rank: number): void {
    if (!this.logging) return;
    const g = this.log;
    g.time.push(this.time);
    g.type.push(type);
    g.id.push(id);
    g.size.push(size);
    g.price.push(price);
    g.direction.push(direction);
    g.owner.push(owner);
    g.rank.push(rank);
    const top = this.top;
    if (top) {
      this.book.writeTopLevels(this.levels, this.row);
      const out = top.reserve(this.row.length);
      out.set(this.row, top.length);
      top.length += this.row.length;
    }
  }

  /**
   * A limit order (`price` = ±Infinity for a market order): it trades against the opposite side up to
   * `price`, best level first and FIFO within a level, and the rest rests (a market order's rest is
   * dropped). With `immediateOrCancel` nothing rests. Returns the order's id, or 0 when `qty` or `price`
   * is not valid. `lastFilled` / `lastNotional` tell what it executed.
   */
  submit(owner: number, side: 1 | -1, price: number, qty: number, immediateOrCancel = false): number {
    return this.submitAs(this.nextId, owner, side, price, qty, immediateOrCancel);
  }

  /** `submit` with an id of the caller's (for replaying or recording someone else's order stream); ids must not repeat. */
  submitAs(id: number, owner: number, side: 1 | -1, price: number, qty: number, immediateOrCancel = false): number {
    this.lastFilled = 0;
    this.lastNotional = 0;
    if (!(qty > 0) || !Number.isInteger(qty) || price !== price || (Number.isFinite(price) && !(price > 0)) || !(id > 0)) return 0;
    const book = this.book;
    if (book.has(id)) return 0;
    if (id >= this.nextId) this.nextId = id + 1;
    const t = this.time;
    let left = qty;
    while (left > 0) {
      const best = book.best(-side);
      if (best !== best || (side > 0 ? best > price : best < price)) break;
      const maker = book.headOrderId(-side, 0);
      // Every share must belong to an order (see the module comment): anonymous volume cannot be named in a message.
      if (maker !== maker) throw new Error('Exchange: the book holds anonymous volume at the touch; turn it into seed orders first (OrderBook.toOrderList)');
      const makerOwner = book.ownerOf(maker);
      const take = Math.min(left, book.orderQty(maker));
      book.executeById(maker, take, t, id, owner);
      left -= take;
      this.lastFilled += take;
      this.lastNotional += take * best;
      this.write(MESSAGE.execute, maker, take, best, -side, makerOwner, 0);
      if (this.onFill) {
        this.onFill(makerOwner, maker, -side, best, take, t);
        this.onFill(owner, id, side, best, take, t);
      }
    }
    if (left > 0 && Number.isFinite(price) && !immediateOrCancel) {
      book.rest(id, side, price, left, t, owner);
      this.write(MESSAGE.submit, id, left, price, side, owner, book.rankOf(side, price));
    }
    return id;
  }

  /** Cancel `qty` of a resting order (all of it by default). Returns the quantity removed (0: unknown id). */
  cancel(id: number, qty = Infinity): number {
    const book = this.book;
    const o = book.order(id);
    if (!o || !(qty > 0)) return 0;
    const rank = book.rankOf(o.side, o.price);
    const q = Math.min(qty, o.qty);
    book.cancel(id, q);
    this.write(q >= o.qty ? MESSAGE.delete : MESSAGE.cancel, id, q, o.price, o.side, o.owner, rank);
    return q;
  }

  /**
   * Cancel up to `qty` at `price` on a side, taking the newest orders first (the back of the queue)
   * and only orders of the owners `mayCancel` accepts. Returns the quantity removed (0 when the level
   * holds nothing that may be cancelled).
   */
  cancelAtLevel(side: 1 | -1, price: number, qty: number, mayCancel: (owner: number) => boolean): number {
    const book = this.book;
    let left = qty;
    while (left > 0) {
      const n = book.queueFromBack(side, price, this.queue);
      let done = false;
      for (let k = 0; k < n && left > 0; k++) {
        const id = this.queue[k];
        if (!mayCancel(book.ownerOf(id))) continue;
        left -= this.cancel(id, left);
        done = true;
      }
      // The buffer holds the 256 newest orders; go round again only if it was full and we made progress.
      if (!done || n < this.queue.length) break;
    }
    return qty - left;
  }

  /**
   * Delete one whole order at `price` on a side: of the orders the owners `mayCancel` accepts (the 256
   * newest), the one whose size is nearest `qty`, the newest of equals. Returns the quantity removed (0
   * when the level holds nothing that may be cancelled). This is what a cancel in LOBSTER data is: a
   * deletion of one order (see `World`).
   */
  deleteNearest(side: 1 | -1, price: number, qty: number, mayCancel: (owner: number) => boolean): number {
    const book = this.book;
    const n = book.queueFromBack(side, price, this.queue);
    let pick = NaN;
    let bestGap = Infinity;
    for (let k = 0; k < n; k++) {
      const id = this.queue[k];
      if (!mayCancel(book.ownerOf(id))) continue;
      const gap = Math.abs(book.orderQty(id) - qty);
      if (gap < bestGap) {
        bestGap = gap;
        pick = id;
      }
    }
    return pick === pick ? this.cancel(pick) : 0;
  }

  /** Volume at `price` on a side held by owners `mayCancel` accepts. */
  cancellableAt(side: 1 | -1, price: number, mayCancel: (owner: number) => boolean): number {
    const book = this.book;
    const n = book.queueFromBack(side, price, this.queue);
    let v = 0;
    for (let k = 0; k < n; k++) if (mayCancel(book.ownerOf(this.queue[k]))) v += book.orderQty(this.queue[k]);
    return v;
  }
}
