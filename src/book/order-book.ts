/**
 * An order-level limit order book with price-time priority, built for speed: orders and price levels
 * live in struct-of-arrays slots (typed arrays, recycled through free lists), each level holds a FIFO
 * doubly-linked queue, and each side keeps its levels in a sorted array with the best level at the end
 * (so the busy end of the book moves without shifting the deep end). No allocation per event.
 *
 * Sides are numbers: +1 buy / bid, −1 sell / ask (they come straight from typed-array columns in
 * replay, so the engine takes `number`; the agents' API, `sim/Exchange` and `Market`, takes `Side`).
 * Prices are exact numbers in the venue's integer price units (LOBSTER: dollars × 10,000); quantities
 * are whole lots (shares). Owners are numbers too: 0 is "no agent" (the real market, a starting book),
 * −1 on the trade tape marks anonymous volume; a simulation gives its agents 1, 2, … (`sim/OWNER`).
 *
 * This is the core of replay and simulation. Agents do not call it directly: `sim/Exchange` wraps it
 * with order entry, fills delivered to their owners and a message log.
 *
 * Besides identified orders, a level may hold *anonymous* volume: volume known to rest there without
 * knowing its orders (a book seeded from a snapshot, or a level that entered a replay's top-N window).
 * It sits at the front of the queue: it was there before any order the book has seen.
 */
import { TradeTape, TradeKind, ANONYMOUS } from './trade-tape';
import { resized } from '../util/growable';

const NONE = -1;

/** The fields of one row of `OrderBook.toOrderList`. */
export const ORDER_LIST_FIELDS = ['side', 'price', 'qty', 'id', 'owner', 'time'] as const;

export interface RestingOrder {
  id: number;
  side: 1 | -1;
  price: number;
  qty: number;
  time: number;
  owner: number;
  /** Quantity ahead of this order in its level's queue (anonymous volume included). */
  queueAhead: number;
}

export interface BookSnapshot {
  /** [price, qty] from the best level outwards. */
  bids: Array<[number, number]>;
  asks: Array<[number, number]>;
}

export class OrderBook {
  // ---- orders (slots)
  private oId: Float64Array;
  private oSide: Int8Array;
  private oPrice: Float64Array;
  private oQty: Float64Array;
  private oLevel: Int32Array;
  private oPrev: Int32Array;
  private oNext: Int32Array;
  private oTime: Float64Array;
  private oOwner: Int32Array;
  private oFree: Int32Array;
  private oFreeN = 0;
  private oUsed = 0;
  private ids = new Map<number, number>();

  // ---- price levels (slots)
  private lPrice: Float64Array;
  private lQty: Float64Array;
  private lAnon: Float64Array;
  private lCount: Int32Array;
  private lHead: Int32Array;
  private lTail: Int32Array;
  private lFree: Int32Array;
  private lFreeN = 0;
  private lUsed = 0;

  // ---- sides: level slots sorted so the best level is last
  private bids: Int32Array;
  private nBids = 0;
  private asks: Int32Array;
  private nAsks = 0;

  /** Every trade this book produced. */
  readonly tape: TradeTape;
  /** When false, trades are not written to the tape (faster for throwaway what-if books). */
  recordTrades = true;

  /** Quantity executed by the last `limit` / `market` call. */
  lastFilled = 0;
  /** Quantity the last `limit` call left resting (0 when it filled completely). */
  lastRested = 0;
  /** Number of maker orders (and anonymous blocks) the last aggressive call traded with. */
  lastFills = 0;

  constructor(capacity: { orders?: number; levels?: number } = {}, tape = new TradeTape()) {
    const oc = Math.max(64, capacity.orders ?? 4096);
    const lc = Math.max(64, capacity.levels ?? 1024);
    this.oId = new Float64Array(oc);
    this.oSide = new Int8Array(oc);
    this.oPrice = new Float64Array(oc);
    this.oQty = new Float64Array(oc);
    this.oLevel = new Int32Array(oc);
    this.oPrev = new Int32Array(oc);
    this.oNext = new Int32Array(oc);
    this.oTime = new Float64Array(oc);
    this.oOwner = new Int32Array(oc);
    this.oFree = new Int32Array(oc);
    this.lPrice = new Float64Array(lc);
    this.lQty = new Float64Array(lc);
    this.lAnon = new Float64Array(lc);
    this.lCount = new Int32Array(lc);
    this.lHead = new Int32Array(lc);
    this.lTail = new Int32Array(lc);
    this.lFree = new Int32Array(lc);
    this.bids = new Int32Array(lc);
    this.asks = new Int32Array(lc);
    this.tape = tape;
  }

  // =====================================================================================
  // Order entry
  // =====================================================================================

  /**
   * A limit order: the marketable part trades at once against the opposite side (at the resting
   * orders' prices, best first, FIFO within a level); the rest rests at `price`.
   * Returns the quantity filled; `lastRested` tells what rests.
   */
  limit(id: number, side: number, price: number, qty: number, time = 0, owner = 0): number {
    if (this.ids.has(id)) throw new Error(`OrderBook: order id ${id} is already resting`);
    if (!(qty > 0)) throw new RangeError(`OrderBook: order ${id} has quantity ${qty}; it must be positive`);
    const filled = this.match(side, price, qty, id, owner, time, TradeKind.Match);
    const rest = qty - filled;
    if (rest > 0) this.insertOrder(id, side, price, rest, time, owner);
    this.lastFilled = filled;
    this.lastRested = rest;
    return filled;
  }

  /** A market order: trades against the opposite side until filled or the side is empty. Returns the quantity filled. */
  market(id: number, side: number, qty: number, time = 0, owner = 0): number {
    if (!(qty > 0)) throw new RangeError(`OrderBook: order ${id} has quantity ${qty}; it must be positive`);
    const filled = this.match(side, side > 0 ? Infinity : -Infinity, qty, id, owner, time, TradeKind.Match);
    this.lastFilled = filled;
    this.lastRested = 0;
    return filled;
  }

  /**
   * Put an order in the book without matching (replaying an exchange's feed, where matching already
   * happened). If it would cross, the opposite levels it crosses are stale: they are removed (no trades)
   * and the count is returned, so the caller can report the inconsistency.
   */
  rest(id: number, side: number, price: number, qty: number, time = 0, owner = 0): number {
    if (this.ids.has(id)) throw new Error(`OrderBook: order id ${id} is already resting`);
    let removed = 0;
    const opp = side > 0 ? this.asks : this.bids;
    while (true) {
      const n = side > 0 ? this.nAsks : this.nBids;
      if (n === 0) break;
      const top = this.lPrice[opp[n - 1]];
      if (side > 0 ? top > price : top < price) break;
      this.removeLevelAt(-side, n - 1);
      removed++;
    }
    this.insertOrder(id, side, price, qty, time, owner);
    return removed;
  }

  /** Reduce a resting order by `qty` (a partial cancel; the whole order when qty ≥ what rests). Returns the quantity removed. */
  cancel(id: number, qty: number): number {
    const o = this.ids.get(id);
    if (o === undefined) return 0;
    const q = this.oQty[o];
    if (qty >= q) {
      this.removeOrder(o);
      return q;
    }
    this.oQty[o] = q - qty;
    this.lQty[this.oLevel[o]] -= qty;
    return qty;
  }

  /** Remove a resting order entirely. Returns the quantity removed (0 for an unknown id). */
  delete(id: number): number {
    const o = this.ids.get(id);
    if (o === undefined) return 0;
    const q = this.oQty[o];
    this.removeOrder(o);
    return q;
  }

  /**
   * Execute `qty` of resting order `id` (replay of an exchange's execution message), writing the trade
   * with the aggressor on the opposite side. Returns the quantity executed (0 for an unknown id).
   */
  executeById(id: number, qty: number, time = 0, taker: number = ANONYMOUS, takerOwner = -1): number {
    const o = this.ids.get(id);
    if (o === undefined) return 0;
    const q = Math.min(qty, this.oQty[o]);
    if (this.recordTrades) {
      this.tape.push(time, this.oPrice[o], q, -this.oSide[o], TradeKind.Execution, id, taker, this.oOwner[o], takerOwner);
    }
    if (q >= this.oQty[o]) this.removeOrder(o);
    else {
      this.oQty[o] -= q;
      this.lQty[this.oLevel[o]] -= q;
    }
    return q;
  }

  /**
   * Change a resting order. A smaller quantity at the same price keeps its queue position; a new price
   * or a larger quantity loses it (cancel and re-enter, which may trade). Returns the quantity filled on
   * re-entry: 0 when it kept its place, and 0 for an unknown id (the engine's one convention: a method
   * returns the quantity it traded or removed, 0 when nothing happened; ask `has(id)` to tell apart).
   */
  modify(id: number, price: number, qty: number, time = 0): number {
    const o = this.ids.get(id);
    if (o === undefined) return 0;
    if (!(qty > 0)) {
      this.removeOrder(o);
      return 0;
    }
    if (price === this.oPrice[o] && qty <= this.oQty[o]) {
      this.lQty[this.oLevel[o]] -= this.oQty[o] - qty;
      this.oQty[o] = qty;
      return 0;
    }
    const side = this.oSide[o];
    const owner = this.oOwner[o];
    this.removeOrder(o);
    return this.limit(id, side, price, qty, time, owner);
  }

  // =====================================================================================
  // Anonymous volume (seeding from snapshots, replay windows)
  // =====================================================================================

  /** Add volume of unknown orders at a level (front of its queue). */
  addAnonymous(side: number, price: number, qty: number): void {
    if (!(qty > 0)) return;
    const l = this.levelFor(side, price);
    this.lAnon[l] += qty;
    this.lQty[l] += qty;
  }

  /** Take up to `qty` of anonymous volume at a level (an unknown order cancelled or executed). Returns what was taken. */
  drawAnonymous(side: number, price: number, qty: number): number {
    const idx = this.findLevel(side, price);
    if (idx < 0) return 0;
    const l = (side > 0 ? this.bids : this.asks)[idx];
    const take = Math.min(qty, this.lAnon[l]);
    if (take <= 0) return 0;
    this.lAnon[l] -= take;
    this.lQty[l] -= take;
    if (this.lQty[l] <= 0 && this.lCount[l] === 0) this.removeLevelAt(side, idx);
    return take;
  }

  /**
   * Make a level hold exactly `qty` (re-synchronising with an authoritative snapshot): anonymous volume
   * absorbs the difference; if known orders alone exceed `qty`, the newest are trimmed.
   */
  setLevelQty(side: number, price: number, qty: number): void {
    if (qty <= 0) {
      this.removeLevel(side, price);
      return;
    }
    const l = this.levelFor(side, price);
    let known = this.lQty[l] - this.lAnon[l];
    while (known > qty) {
      const o = this.lTail[l];
      const excess = known - qty;
      if (this.oQty[o] <= excess) {
        known -= this.oQty[o];
        this.removeOrder(o);
      } else {
        this.oQty[o] -= excess;
        this.lQty[l] -= excess;
        known = qty;
      }
    }
    this.lQty[l] += qty - known - this.lAnon[l];
    this.lAnon[l] = qty - known;
  }

  /** Remove a whole level and every order in it. Returns the quantity removed. */
  removeLevel(side: number, price: number): number {
    const idx = this.findLevel(side, price);
    if (idx < 0) return 0;
    const q = this.lQty[(side > 0 ? this.bids : this.asks)[idx]];
    this.removeLevelAt(side, idx);
    return q;
  }

  /** Empty the book (the tape is kept). */
  clear(): void {
    this.ids.clear();
    this.oUsed = 0;
    this.oFreeN = 0;
    this.lUsed = 0;
    this.lFreeN = 0;
    this.nBids = 0;
    this.nAsks = 0;
  }

  // =====================================================================================
  // Queries
  // =====================================================================================

  bestBid(): number {
    return this.nBids > 0 ? this.lPrice[this.bids[this.nBids - 1]] : NaN;
  }
  bestAsk(): number {
    return this.nAsks > 0 ? this.lPrice[this.asks[this.nAsks - 1]] : NaN;
  }
  bestBidQty(): number {
    return this.nBids > 0 ? this.lQty[this.bids[this.nBids - 1]] : 0;
  }
  bestAskQty(): number {
    return this.nAsks > 0 ? this.lQty[this.asks[this.nAsks - 1]] : 0;
  }
  /** Best price on a side (NaN when empty). */
  best(side: number): number {
    return side > 0 ? this.bestBid() : this.bestAsk();
  }
  mid(): number {
    return (this.bestBid() + this.bestAsk()) / 2;
  }
  spread(): number {
    return this.bestAsk() - this.bestBid();
  }
  /** Size-weighted mid: leans towards the side with less volume at the touch. */
  microprice(): number {
    const b = this.bestBid();
    const a = this.bestAsk();
    const qb = this.bestBidQty();
    const qa = this.bestAskQty();
    return (b * qa + a * qb) / (qa + qb);
  }
  /** Number of occupied price levels on a side. */
  levelCount(side: number): number {
    return side > 0 ? this.nBids : this.nAsks;
  }
  /** Price of level k on a side (0 = best); NaN past the last level. */
  levelPrice(side: number, k: number): number {
    const n = side > 0 ? this.nBids : this.nAsks;
    return k < n ? this.lPrice[(side > 0 ? this.bids : this.asks)[n - 1 - k]] : NaN;
  }
  /** Quantity at level k on a side (0 past the last level). */
  levelQty(side: number, k: number): number {
    const n = side > 0 ? this.nBids : this.nAsks;
    return k < n ? this.lQty[(side > 0 ? this.bids : this.asks)[n - 1 - k]] : 0;
  }
  /** Anonymous part of level k's quantity. */
  levelAnonymous(side: number, k: number): number {
    const n = side > 0 ? this.nBids : this.nAsks;
    return k < n ? this.lAnon[(side > 0 ? this.bids : this.asks)[n - 1 - k]] : 0;
  }
  /** Number of identified orders at level k. */
  levelOrders(side: number, k: number): number {
    const n = side > 0 ? this.nBids : this.nAsks;
    return k < n ? this.lCount[(side > 0 ? this.bids : this.asks)[n - 1 - k]] : 0;
  }
  /** Rank of the level at `price` on a side (0 = best), or −1 when there is no level there. */
  rankOf(side: number, price: number): number {
    const idx = this.findLevel(side, price);
    return idx < 0 ? -1 : (side > 0 ? this.nBids : this.nAsks) - 1 - idx;
  }
  /** Id of the first identified order in level k's queue (NaN when the level is missing or holds only anonymous volume). */
  headOrderId(side: number, k = 0): number {
    const n = side > 0 ? this.nBids : this.nAsks;
    if (k >= n) return NaN;
    const o = this.lHead[(side > 0 ? this.bids : this.asks)[n - 1 - k]];
    return o === NONE ? NaN : this.oId[o];
  }
  /** Quantity resting at `price` on a side (0 if no level there). */
  volumeAt(side: number, price: number): number {
    const idx = this.findLevel(side, price);
    return idx < 0 ? 0 : this.lQty[(side > 0 ? this.bids : this.asks)[idx]];
  }
  /** Whether a level exists at `price` on a side. */
  hasLevel(side: number, price: number): boolean {
    return this.findLevel(side, price) >= 0;
  }
  /** Total quantity in the best `levels` levels of a side. */
  depth(side: number, levels = Infinity): number {
    const arr = side > 0 ? this.bids : this.asks;
    const n = side > 0 ? this.nBids : this.nAsks;
    let d = 0;
    for (let k = 0; k < n && k < levels; k++) d += this.lQty[arr[n - 1 - k]];
    return d;
  }
  /** (bid depth − ask depth) / (bid depth + ask depth) over the best `levels` levels; NaN for an empty book. */
  imbalance(levels = 1): number {
    const b = this.depth(1, levels);
    const a = this.depth(-1, levels);
    return (b - a) / (b + a);
  }
  /** Number of resting identified orders. */
  get orderCount(): number {
    return this.ids.size;
  }
  has(id: number): boolean {
    return this.ids.has(id);
  }
  /** Remaining quantity of a resting order (0 if not resting). */
  orderQty(id: number): number {
    const o = this.ids.get(id);
    return o === undefined ? 0 : this.oQty[o];
  }
  order(id: number): RestingOrder | null {
    const o = this.ids.get(id);
    if (o === undefined) return null;
    const l = this.oLevel[o];
    let ahead = this.lAnon[l];
    for (let p = this.lHead[l]; p !== o; p = this.oNext[p]) ahead += this.oQty[p];
    return {
      id,
      side: this.oSide[o] as 1 | -1,
      price: this.oPrice[o],
      qty: this.oQty[o],
      time: this.oTime[o],
      owner: this.oOwner[o],
      queueAhead: ahead,
    };
  }
  /** Ids of the resting orders of one owner (agent). */
  ordersOf(owner: number): number[] {
    const out: number[] = [];
    for (const [id, o] of this.ids) if (this.oOwner[o] === owner) out.push(id);
    return out;
  }

  /** Owner of a resting order (−1 when it is not resting). */
  ownerOf(id: number): number {
    const o = this.ids.get(id);
    return o === undefined ? -1 : this.oOwner[o];
  }

  /**
   * Ids of the identified orders at `price` on a side, newest first (from the back of the queue),
   * written into `out`; returns how many (at most `out.length`). No allocation.
   */
  queueFromBack(side: number, price: number, out: Float64Array): number {
    const idx = this.findLevel(side, price);
    if (idx < 0) return 0;
    const l = (side > 0 ? this.bids : this.asks)[idx];
    let n = 0;
    for (let o = this.lTail[l]; o !== NONE && n < out.length; o = this.oPrev[o]) out[n++] = this.oId[o];
    return n;
  }

  /**
   * Every resting order as rows of `ORDER_LIST_FIELDS` (side, price, qty, id, owner, time), levels from
   * the best outwards on each side (bids first), each level's queue front to back. Anonymous volume at
   * a level becomes one order at the front of its queue with an id from `anonymousId()` and owner
   * `anonymousOwner` — the form a simulation needs, where every share must belong to an order that can
   * be cancelled or executed by id. `OrderBook.fromOrderList` rebuilds the same book.
   */
  toOrderList(anonymousId: () => number = () => NaN, anonymousOwner = -1): Float64Array {
    const rows: number[] = [];
    for (const side of [1, -1]) {
      const arr = side > 0 ? this.bids : this.asks;
      const n = side > 0 ? this.nBids : this.nAsks;
      for (let k = n - 1; k >= 0; k--) {
        const l = arr[k];
        if (this.lAnon[l] > 0) rows.push(side, this.lPrice[l], this.lAnon[l], anonymousId(), anonymousOwner, 0);
        for (let o = this.lHead[l]; o !== NONE; o = this.oNext[o]) rows.push(side, this.lPrice[l], this.oQty[o], this.oId[o], this.oOwner[o], this.oTime[o]);
      }
    }
    return Float64Array.from(rows);
  }

  /** A book holding the orders of `toOrderList` (a NaN id becomes anonymous volume again). */
  static fromOrderList(list: Float64Array, capacity: { orders?: number; levels?: number } = {}): OrderBook {
    const w = ORDER_LIST_FIELDS.length;
    const b = new OrderBook({ orders: Math.max(capacity.orders ?? 0, (list.length / w) * 2), levels: capacity.levels });
    for (let i = 0; i < list.length; i += w) {
      const id = list[i + 3];
      if (id !== id) b.addAnonymous(list[i], list[i + 1], list[i + 2]);
      else b.insertOrder(id, list[i], list[i + 1], list[i + 2], list[i + 5], list[i + 4]);
    }
    return b;
  }

  /** Top `levels` levels per side. */
  snapshot(levels = 10): BookSnapshot {
    const s: BookSnapshot = { bids: [], asks: [] };
    for (let k = 0; k < levels; k++) {
      if (k < this.nBids) s.bids.push([this.levelPrice(1, k), this.levelQty(1, k)]);
      if (k < this.nAsks) s.asks.push([this.levelPrice(-1, k), this.levelQty(-1, k)]);
    }
    return s;
  }

  /**
   * Write the top `levels` levels in LOBSTER's orderbook layout (ask price, ask size, bid price, bid
   * size per level; NaN and 0 for missing levels) into `out` at `offset`.
   */
  writeTopLevels(levels: number, out: Float64Array, offset = 0): void {
    for (let k = 0; k < levels; k++) {
      const at = offset + 4 * k;
      if (k < this.nAsks) {
        const l = this.asks[this.nAsks - 1 - k];
        out[at] = this.lPrice[l];
        out[at + 1] = this.lQty[l];
      } else {
        out[at] = NaN;
        out[at + 1] = 0;
      }
      if (k < this.nBids) {
        const l = this.bids[this.nBids - 1 - k];
        out[at + 2] = this.lPrice[l];
        out[at + 3] = this.lQty[l];
      } else {
        out[at + 2] = NaN;
        out[at + 3] = 0;
      }
    }
  }

  /**
   * Compare a side with a LOBSTER-layout row: `data[base + 4j]` is the price of level j and
   * `data[base + 4j + 1]` its size, for j < `levels`, a NaN price ending the list. Returns −1 when the
   * side holds exactly those levels and no others, else the first level index that differs.
   */
  firstDifference(side: number, data: Float64Array, base: number, levels: number): number {
    const arr = side > 0 ? this.bids : this.asks;
    const n = side > 0 ? this.nBids : this.nAsks;
    for (let j = 0; j < levels; j++) {
      const fp = data[base + 4 * j];
      if (fp !== fp) return n === j ? -1 : j;
      if (j >= n) return j;
      const l = arr[n - 1 - j];
      if (this.lPrice[l] !== fp || this.lQty[l] !== data[base + 4 * j + 1]) return j;
    }
    return n === levels ? -1 : levels;
  }

  /**
   * Add each level's quantity into `out[at + level − lo]` for the levels whose tick offset from `mid`,
   * `floor((price − mid) / tick + 1/2)`, lies in [lo, hi] (a depth profile around the mid, both sides).
   */
  addDepthAround(mid: number, tick: number, lo: number, hi: number, out: Float64Array, at: number): void {
    const lp = this.lPrice;
    const lq = this.lQty;
    for (let k = this.nAsks - 1; k >= 0; k--) {
      const l = this.asks[k];
      const off = Math.floor((lp[l] - mid) / tick + 0.5);
      if (off > hi) break;
      if (off >= lo) out[at + off - lo] += lq[l];
    }
    for (let k = this.nBids - 1; k >= 0; k--) {
      const l = this.bids[k];
      const off = Math.floor((lp[l] - mid) / tick + 0.5);
      if (off < lo) break;
      if (off <= hi) out[at + off - lo] += lq[l];
    }
  }

  /** Total resting quantity on a side, or both sides when `side` is 0. */
  totalQty(side = 0): number {
    let v = 0;
    if (side >= 0) for (let k = 0; k < this.nBids; k++) v += this.lQty[this.bids[k]];
    if (side <= 0) for (let k = 0; k < this.nAsks; k++) v += this.lQty[this.asks[k]];
    return v;
  }

  /** An independent copy of the book (resting orders, levels, anonymous volume), with an empty tape. */
  clone(): OrderBook {
    const b = new OrderBook({ orders: 64, levels: 64 });
    b.oId = this.oId.slice();
    b.oSide = this.oSide.slice();
    b.oPrice = this.oPrice.slice();
    b.oQty = this.oQty.slice();
    b.oLevel = this.oLevel.slice();
    b.oPrev = this.oPrev.slice();
    b.oNext = this.oNext.slice();
    b.oTime = this.oTime.slice();
    b.oOwner = this.oOwner.slice();
    b.oFree = this.oFree.slice();
    b.oFreeN = this.oFreeN;
    b.oUsed = this.oUsed;
    b.ids = new Map(this.ids);
    b.lPrice = this.lPrice.slice();
    b.lQty = this.lQty.slice();
    b.lAnon = this.lAnon.slice();
    b.lCount = this.lCount.slice();
    b.lHead = this.lHead.slice();
    b.lTail = this.lTail.slice();
    b.lFree = this.lFree.slice();
    b.lFreeN = this.lFreeN;
    b.lUsed = this.lUsed;
    b.bids = this.bids.slice();
    b.nBids = this.nBids;
    b.asks = this.asks.slice();
    b.nAsks = this.nAsks;
    return b;
  }

  /**
   * Check every structural invariant; returns a description of the first violation, or null.
   * (For tests and debugging: it walks the whole book.)
   */
  checkInvariants(): string | null {
    const b = this.bestBid();
    const a = this.bestAsk();
    if (b >= a) return `book crossed: best bid ${b} ≥ best ask ${a}`;
    let orders = 0;
    for (const side of [1, -1]) {
      const arr = side > 0 ? this.bids : this.asks;
      const n = side > 0 ? this.nBids : this.nAsks;
      for (let k = 0; k < n; k++) {
        const l = arr[k];
        if (k > 0) {
          const prev = this.lPrice[arr[k - 1]];
          if (side > 0 ? prev >= this.lPrice[l] : prev <= this.lPrice[l]) return `side ${side}: levels out of order at ${k}`;
        }
        let q = this.lAnon[l];
        let c = 0;
        let last = NONE;
        for (let o = this.lHead[l]; o !== NONE; o = this.oNext[o]) {
          if (this.oPrev[o] !== last) return `level ${this.lPrice[l]}: broken queue links`;
          if (this.oLevel[o] !== l || this.oSide[o] !== side || this.oPrice[o] !== this.lPrice[l])
            return `order ${this.oId[o]} filed under the wrong level`;
          if (!(this.oQty[o] > 0)) return `order ${this.oId[o]} rests with quantity ${this.oQty[o]}`;
          if (this.ids.get(this.oId[o]) !== o) return `order ${this.oId[o]} missing from the id map`;
          q += this.oQty[o];
          c++;
          last = o;
        }
        if (this.lTail[l] !== last) return `level ${this.lPrice[l]}: tail does not end the queue`;
        if (c !== this.lCount[l]) return `level ${this.lPrice[l]}: count ${this.lCount[l]} but ${c} orders`;
        if (q !== this.lQty[l]) return `level ${this.lPrice[l]}: quantity ${this.lQty[l]} but orders + anonymous sum to ${q}`;
        if (!(q > 0)) return `level ${this.lPrice[l]} is empty but still listed`;
        if (this.lAnon[l] < 0) return `level ${this.lPrice[l]}: negative anonymous volume`;
        orders += c;
      }
    }
    if (orders !== this.ids.size) return `id map holds ${this.ids.size} orders, levels hold ${orders}`;
    return null;
  }

  // =====================================================================================
  // Internals
  // =====================================================================================

  /** Trade an incoming order against the opposite side up to `limit`. Returns the quantity filled. */
  private match(side: number, limit: number, qty: number, taker: number, takerOwner: number, time: number, kind: number): number {
    const opp = side > 0 ? this.asks : this.bids;
    let left = qty;
    let fills = 0;
    while (left > 0) {
      const n = side > 0 ? this.nAsks : this.nBids;
      if (n === 0) break;
      const l = opp[n - 1];
      const price = this.lPrice[l];
      if (side > 0 ? price > limit : price < limit) break;
      const anon = this.lAnon[l];
      if (anon > 0) {
        const take = anon < left ? anon : left;
        this.lAnon[l] = anon - take;
        this.lQty[l] -= take;
        left -= take;
        fills++;
        if (this.recordTrades) this.tape.push(time, price, take, side, kind, ANONYMOUS, taker, -1, takerOwner);
      }
      let o = this.lHead[l];
      while (left > 0 && o !== NONE) {
        const q = this.oQty[o];
        const take = q < left ? q : left;
        left -= take;
        fills++;
        if (this.recordTrades) this.tape.push(time, price, take, side, kind, this.oId[o], taker, this.oOwner[o], takerOwner);
        if (take === q) {
          const next = this.oNext[o];
          // Unlink from the head without the general removal path (the level goes when it empties).
          this.ids.delete(this.oId[o]);
          this.lHead[l] = next;
          if (next !== NONE) this.oPrev[next] = NONE;
          else this.lTail[l] = NONE;
          this.lCount[l]--;
          this.lQty[l] -= take;
          this.oFree[this.oFreeN++] = o;
          o = next;
        } else {
          this.oQty[o] = q - take;
          this.lQty[l] -= take;
        }
      }
      if (this.lQty[l] <= 0) {
        if (side > 0) this.nAsks--;
        else this.nBids--;
        this.lFree[this.lFreeN++] = l;
      }
    }
    this.lastFills = fills;
    return qty - left;
  }

  private insertOrder(id: number, side: number, price: number, qty: number, time: number, owner: number): void {
    const l = this.levelFor(side, price);
    let o: number;
    if (this.oFreeN > 0) o = this.oFree[--this.oFreeN];
    else {
      if (this.oUsed === this.oId.length) this.growOrders();
      o = this.oUsed++;
    }
    this.oId[o] = id;
    this.oSide[o] = side;
    this.oPrice[o] = price;
    this.oQty[o] = qty;
    this.oLevel[o] = l;
    this.oTime[o] = time;
    this.oOwner[o] = owner;
    this.oNext[o] = NONE;
    const tail = this.lTail[l];
    this.oPrev[o] = tail;
    if (tail === NONE) this.lHead[l] = o;
    else this.oNext[tail] = o;
    this.lTail[l] = o;
    this.lCount[l]++;
    this.lQty[l] += qty;
    this.ids.set(id, o);
  }

  private removeOrder(o: number): void {
    const l = this.oLevel[o];
    const prev = this.oPrev[o];
    const next = this.oNext[o];
    if (prev === NONE) this.lHead[l] = next;
    else this.oNext[prev] = next;
    if (next === NONE) this.lTail[l] = prev;
    else this.oPrev[next] = prev;
    this.lCount[l]--;
    this.lQty[l] -= this.oQty[o];
    this.ids.delete(this.oId[o]);
    this.oFree[this.oFreeN++] = o;
    if (this.lCount[l] === 0 && this.lAnon[l] <= 0) {
      const side = this.oSide[o];
      this.removeLevelAt(side, this.findLevel(side, this.oPrice[o]));
    }
  }

  /**
   * Index of the level at `price` in the side's array, or `~insertionPoint` (negative) when absent.
   * Probes the best few levels linearly (where nearly all activity is), then bisects.
   */
  private findLevel(side: number, price: number): number {
    const arr = side > 0 ? this.bids : this.asks;
    const n = side > 0 ? this.nBids : this.nAsks;
    const lp = this.lPrice;
    let i = n - 1;
    // Along the array, "better" grows: bids ascend in price, asks descend.
    for (let k = 0; k < 8 && i >= 0; k++, i--) {
      const p = lp[arr[i]];
      if (p === price) return i;
      if (side > 0 ? p < price : p > price) return ~(i + 1);
    }
    if (i < 0) return ~0;
    let lo = 0;
    let hi = i + 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const p = lp[arr[mid]];
      if (side > 0 ? p < price : p > price) lo = mid + 1;
      else hi = mid;
    }
    return lo <= i && lp[arr[lo]] === price ? lo : ~lo;
  }

  /** The level slot at `price`, created (empty) if needed. */
  private levelFor(side: number, price: number): number {
    const idx = this.findLevel(side, price);
    if (idx >= 0) return (side > 0 ? this.bids : this.asks)[idx];
    const at = ~idx;
    let l: number;
    if (this.lFreeN > 0) l = this.lFree[--this.lFreeN];
    else {
      if (this.lUsed === this.lPrice.length) this.growLevels();
      l = this.lUsed++;
    }
    this.lPrice[l] = price;
    this.lQty[l] = 0;
    this.lAnon[l] = 0;
    this.lCount[l] = 0;
    this.lHead[l] = NONE;
    this.lTail[l] = NONE;
    if (side > 0) {
      if (this.nBids === this.bids.length) this.bids = resized(this.bids, this.bids.length * 2);
      this.bids.copyWithin(at + 1, at, this.nBids);
      this.bids[at] = l;
      this.nBids++;
    } else {
      if (this.nAsks === this.asks.length) this.asks = resized(this.asks, this.asks.length * 2);
      this.asks.copyWithin(at + 1, at, this.nAsks);
      this.asks[at] = l;
      this.nAsks++;
    }
    return l;
  }

  /** Remove the level at array index `idx` on a side, with all its orders. */
  private removeLevelAt(side: number, idx: number): void {
    const arr = side > 0 ? this.bids : this.asks;
    const l = arr[idx];
    for (let o = this.lHead[l]; o !== NONE; o = this.oNext[o]) {
      this.ids.delete(this.oId[o]);
      this.oFree[this.oFreeN++] = o;
    }
    if (side > 0) {
      arr.copyWithin(idx, idx + 1, this.nBids);
      this.nBids--;
    } else {
      arr.copyWithin(idx, idx + 1, this.nAsks);
      this.nAsks--;
    }
    this.lFree[this.lFreeN++] = l;
  }

  private growOrders(): void {
    const n = this.oId.length * 2;
    this.oId = resized(this.oId, n);
    this.oSide = resized(this.oSide, n);
    this.oPrice = resized(this.oPrice, n);
    this.oQty = resized(this.oQty, n);
    this.oLevel = resized(this.oLevel, n);
    this.oPrev = resized(this.oPrev, n);
    this.oNext = resized(this.oNext, n);
    this.oTime = resized(this.oTime, n);
    this.oOwner = resized(this.oOwner, n);
    this.oFree = resized(this.oFree, n);
  }

  private growLevels(): void {
    const n = this.lPrice.length * 2;
    this.lPrice = resized(this.lPrice, n);
    this.lQty = resized(this.lQty, n);
    this.lAnon = resized(this.lAnon, n);
    this.lCount = resized(this.lCount, n);
    this.lHead = resized(this.lHead, n);
    this.lTail = resized(this.lTail, n);
    this.lFree = resized(this.lFree, n);
  }
}
