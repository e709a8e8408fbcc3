/**
 * A noise trader in the spirit of MarS's noise agent: random buys, sells and cancels around a price.
 * The trader's reference ("fair") price random-walks; passive orders rest a geometric number of ticks
 * behind it (capped so they do not cross), marketable orders cross the opposite touch by a few ticks,
 * cancels pick a random live order. Sizes are mostly round lots with some odd lots, as on NASDAQ.
 * Seeded: the same seed gives the same orders for the same book.
 */
import { OrderBook } from '../book/order-book';
import { Rng } from '../util/rng';

export interface NoiseOptions {
  /** Price units per tick (LOBSTER: 100). */
  tick: number;
  /** Reference price (units) used while the book is empty. */
  initialPrice: number;
  /** Share of events that cancel a live order of this trader. */
  cancelShare: number;
  /** Share of events that are marketable limit orders. */
  marketableShare: number;
  /** Mean distance, in ticks, of passive orders behind the reference price (geometric). */
  meanDepthTicks: number;
  /** Standard deviation, in ticks, of the reference price's step per event. */
  driftTicks: number;
  /** Share of passive orders placed deep in the book, and their mean depth in ticks (real books have both). */
  deepShare: number;
  deepMeanTicks: number;
  /** Passive orders go no further than this many ticks from the reference. */
  maxDepthTicks: number;
  /** Mean seconds between events (exponential gaps). */
  meanGapSeconds: number;
  /** Round-lot size (shares). */
  lot: number;
  /** Share of orders that are odd lots (1..lot−1 shares). */
  oddLotShare: number;
  /** Owner (agent) id written on this trader's orders. */
  owner: number;
}

export const DEFAULT_NOISE: NoiseOptions = {
  tick: 100,
  initialPrice: 5_800_000,
  cancelShare: 0.4,
  marketableShare: 0.08,
  meanDepthTicks: 2.5,
  driftTicks: 0.25,
  deepShare: 0.1,
  deepMeanTicks: 25,
  maxDepthTicks: 150,
  meanGapSeconds: 0.15,
  lot: 100,
  oddLotShare: 0.15,
  owner: 0,
};

/** What the trader wants to do next (one reused object: no allocation per event). */
export interface NoiseAction {
  kind: 'limit' | 'cancel';
  id: number;
  side: 1 | -1;
  price: number;
  qty: number;
  /** Seconds since the previous action. */
  gap: number;
}

export class NoiseTrader {
  readonly options: NoiseOptions;
  private readonly rng: Rng;
  private live: Float64Array = new Float64Array(1024);
  private nLive = 0;
  private nextId: number;
  private readonly action: NoiseAction = { kind: 'limit', id: 0, side: 1, price: 0, qty: 0, gap: 0 };
  private fair: number;

  constructor(seed: number, options: Partial<NoiseOptions> = {}, firstId = 1) {
    this.options = { ...DEFAULT_NOISE, ...options };
    this.rng = new Rng(seed);
    this.nextId = firstId;
    this.fair = this.options.initialPrice;
  }

  /** Decide the next action against the current book. The returned object is reused. */
  next(book: OrderBook): NoiseAction {
    const o = this.options;
    const rng = this.rng;
    const a = this.action;
    a.gap = rng.exponential(o.meanGapSeconds);
    const u = rng.float();
    if (u < o.cancelShare && this.nLive > 0) {
      // A random live order; drop ids that have since been filled.
      while (this.nLive > 0) {
        const k = rng.int(this.nLive);
        const id = this.live[k];
        this.live[k] = this.live[--this.nLive];
        if (book.has(id)) {
          a.kind = 'cancel';
          a.id = id;
          a.qty = book.orderQty(id);
          a.side = 1;
          a.price = 0;
          return a;
        }
      }
    }
    const side: 1 | -1 = rng.float() < 0.5 ? 1 : -1;
    const bid = book.bestBid();
    const ask = book.bestAsk();
    const tick = o.tick;
    this.fair += rng.normal() * o.driftTicks * tick;
    // Keep the reference within reach of the book so the trader does not wander off on its own.
    if (bid === bid && ask === ask) this.fair = Math.min(Math.max(this.fair, bid - 5 * tick), ask + 5 * tick);
    let price: number;
    if (u < o.cancelShare + o.marketableShare) {
      // Marketable: cross the opposite touch by 0–2 ticks.
      const opp = side > 0 ? ask : bid;
      const base = opp === opp ? opp : Math.round(this.fair / tick) * tick;
      price = base + side * rng.int(3) * tick;
    } else {
      // Passive: a geometric number of ticks behind the reference, never crossing the opposite touch.
      const mean = rng.float() < o.deepShare ? o.deepMeanTicks : o.meanDepthTicks;
      const depth = Math.min(o.maxDepthTicks, Math.floor(rng.exponential(mean)));
      const anchor = side > 0 ? Math.floor(this.fair / tick) : Math.ceil(this.fair / tick);
      price = (anchor - side * depth) * tick;
      const opp = side > 0 ? ask : bid;
      if (opp === opp && (side > 0 ? price >= opp : price <= opp)) price = opp - side * tick;
    }
    if (price <= 0) price = tick;
    a.kind = 'limit';
    a.id = this.nextId++;
    a.side = side;
    a.price = price;
    a.qty = rng.float() < o.oddLotShare ? 1 + rng.int(o.lot - 1) : o.lot * (1 + Math.min(9, Math.floor(rng.exponential(1.2))));
    return a;
  }

  /** Tell the trader that a limit order of its own now rests (so it may cancel it later). */
  rested(id: number): void {
    if (this.nLive === this.live.length) {
      const next = new Float64Array(this.live.length * 2);
      next.set(this.live);
      this.live = next;
    }
    this.live[this.nLive++] = id;
  }

  /** Carry out `next()` on the book directly; returns the action taken. */
  step(book: OrderBook, time: number): NoiseAction {
    const a = this.next(book);
    if (a.kind === 'cancel') book.delete(a.id);
    else {
      book.limit(a.id, a.side, a.price, a.qty, time, this.options.owner);
      if (book.lastRested > 0) this.rested(a.id);
    }
    return a;
  }
}

/** A pre-generated order stream in typed arrays (for benchmarks: no decisions inside the timed loop). */
export interface OrderStream {
  length: number;
  /** 0 = limit (passive or marketable), 1 = delete. */
  kind: Uint8Array;
  id: Float64Array;
  side: Int8Array;
  price: Float64Array;
  qty: Float64Array;
  time: Float64Array;
}

/**
 * Generate `count` noise events by running a trader against a book, recording what it did. Replaying
 * the stream on an empty book reproduces the same book exactly.
 */
export function generateNoiseStream(count: number, seed: number, options: Partial<NoiseOptions> = {}, book?: OrderBook): OrderStream {
  const b = book ?? new OrderBook();
  b.recordTrades = false;
  const trader = new NoiseTrader(seed, options);
  const s: OrderStream = {
    length: count,
    kind: new Uint8Array(count),
    id: new Float64Array(count),
    side: new Int8Array(count),
    price: new Float64Array(count),
    qty: new Float64Array(count),
    time: new Float64Array(count),
  };
  let t = 0;
  for (let i = 0; i < count; i++) {
    const a = trader.step(b, t);
    t += a.gap;
    s.kind[i] = a.kind === 'limit' ? 0 : 1;
    s.id[i] = a.id;
    s.side[i] = a.side;
    s.price[i] = a.price;
    s.qty[i] = a.qty;
    s.time[i] = t;
  }
  return s;
}
