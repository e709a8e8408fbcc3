/**
 * One simulated trajectory: an exchange, a clock in integer nanoseconds, agents woken at the times they
 * ask for, and (in an LMM world) the background model's next order waiting for its time.
 *
 * The event loop takes the earliest of: the next agent wake-up, and the model's pending order. Every
 * order any agent sends is applied at once and becomes one context row (the order and the book after
 * it), queued for the model. The model is fed one row per step, so a world tells its driver, step by
 * step, which row comes next (`advance` / `takeRow`) and receives the model's next order (`propose`).
 *
 * The rule for other agents' orders: a sampled model order that has not happened yet when another
 * agent's order arrives is discarded (counted as `preempted`); the other order enters the context and
 * the model samples again, its wait measured from that order. So the model always reacts to what
 * happened before its next order, and every order's wait is "seconds since the previous order", as in
 * the data it learnt from.
 *
 * The model's marketable orders (a new order priced at or past the opposite best) are immediate-or-
 * cancel: they take what rests up to their price and never rest. That is what such a token is in the
 * data: `extractOrders` makes an aggressive order of what it took from the visible book (a remainder
 * that rested is an order of its own, and executions against hidden orders are in no order's size), so
 * it never rests. Let such an order rest what the visible book lacks and it becomes a bid at the old
 * ask, the spread closes to a tick, and the next crossing orders feed on it: that cascade emptied a
 * side of the book in every future of the first touch-scheme model (trained when aggressive orders
 * still carried their hidden executions, 30% of GOOG's executed volume, in their size).
 *
 * The model's cancels delete one whole order at their price: the one whose size is nearest the token's
 * (the newest of equals; `Exchange.deleteNearest`), and the row the model sees carries the size removed.
 * That is what a cancel was in the data (a LOBSTER deletion: all but 19 of GOOG's 64,980 cancels and 450
 * of AMZN's 67,135 removed a whole order); cancelling the token's size from the back of the queue made
 * 40% of the model's cancels partial, and the crumbs they left at the touch kept the spread from
 * opening. A start state's volume from before the file began (seed orders of a whole level, rare by
 * the afternoon) is deleted whole in the same way.
 */
import { OrderBook } from '../book/order-book';
import type { TradeTape } from '../book/trade-tape';
import type { Side, VenueSettings } from '../data/order-flow';
import type { RowBuilder } from '../tokenize/context-row';
import { TYPE_BUY, TYPE_CANCEL, TYPE_SELL } from '../data/order-events';
import type { OrderTokenizer } from '../tokenize/order-tokenizer';
import { i32 } from '../util/growable';
import { growingColumns } from '../data/columns';
import { ORDER_LOG_SCHEMA, SNAPSHOT_SCHEMA, type OrderLog, type SnapshotLog } from './logs';
import type { Rng } from '../util/rng';
import type { Agent, Market } from './agent';
import { Exchange, OWNER } from './exchange';

/** Why a world stopped. */
export const STOP = { end: 0, stuck: 1 } as const;

export interface WorldOptions {
  book: OrderBook;
  /** First order id the exchange assigns. */
  firstId: number;
  venue: VenueSettings;
  /** Start and end, nanoseconds after midnight. */
  start: number;
  end: number;
  /** Time (ns) of the last order before the start: the first order's wait is measured from it. */
  lastOrderTime: number;
  /** The background market when it is not the model (a replay or a noise agent): owner 1. */
  background?: Agent;
  /** Other agents (owners 2, 3, …). */
  agents: Agent[];
  /** The world's random stream (decoding the model's tokens). */
  rng: Rng;
  /** The stream agents' own streams are split from (default: a fork of `rng`). Kept apart so that adding an agent changes nothing else's draws. */
  agentRng?: Rng;
  /** Present when the world builds context rows (an LMM world, or a warm-up that primes one). */
  context?: { tokenizer: OrderTokenizer; openPrice: number; lastMid: number; /** Seconds after midnight of the last trade before the start (touch scheme; NaN or absent: unknown). */ lastTrade?: number };
  /** The last finite mid before the start (a start state's `mid`): the start's reference when one side of the book is empty then. */
  startMid?: number;
  /** The last best bid and ask before the start (a start state's `bid`/`ask`): the touch scheme's references while a side is empty. */
  startTouch?: { bid?: number; ask?: number };
  /** Book levels recorded after each exchange message (0: none; needed to write LOBSTER files). */
  levels?: number;
  /** Seconds between book snapshots (default 1). */
  snapshotSeconds?: number;
}

export interface WorldStats {
  /** Orders the background market placed (the model's, the noise agent's or the replayed ones). */
  backgroundOrders: number;
  /** Orders from all other agents. */
  agentOrders: number;
  /** Model tokens that could not be applied and were resampled. */
  invalidActions: number;
  /** Model orders discarded because another agent's order came first. */
  preempted: number;
  /** Why the world stopped: STOP.end (its end time) or STOP.stuck (the model kept proposing orders the engine could not apply). */
  stopReason: number;
}

const NO_TIME = Infinity;

export class World {
  readonly exchange: Exchange;
  readonly book: OrderBook;
  /** Every order sent, by anyone (`ORDER_LOG_SCHEMA`), and the book on the snapshot grid (`SNAPSHOT_SCHEMA`). */
  readonly orders: OrderLog = growingColumns(ORDER_LOG_SCHEMA, 1024);
  readonly snapshots: SnapshotLog = growingColumns(SNAPSHOT_SCHEMA, 512);
  readonly stats: WorldStats = { backgroundOrders: 0, agentOrders: 0, invalidActions: 0, preempted: 0, stopReason: STOP.end };
  readonly builder: RowBuilder | null;
  /** Ints per context row (0 without a builder). */
  readonly rowWidth: number;
  readonly start: number;
  readonly end: number;
  readonly venue: VenueSettings;
  readonly rng: Rng;
  /** Simulated time (ns after midnight). */
  now: number;
  done = false;
  /** True when the last `advance` stopped before the wake-up of an agent that is `waiting` for a decision. */
  paused = false;
  /** Mid at the start (the arrival price for executions). */
  readonly startMid: number;

  private readonly agents: Agent[];
  private readonly firstOwner: number;
  private readonly ports: AgentPort[];
  private readonly wakes: Float64Array;
  private lastOrderTime: number;
  private readonly rowQueue = i32(64 * 32);
  private rowHead = 0;
  private keepRows = false;
  private readonly step: number;
  private nextSnapshot: number;
  private tradedVolume = 0;
  lastTradePrice = NaN;
  lastTradeTime = -1;

  // The model's pending order (an LMM world).
  private pendingTime = NO_TIME;
  private pendingType = 0;
  private pendingSide: Side = 1;
  private pendingPrice = 0;
  private pendingSize = 0;

  constructor(options: WorldOptions) {
    this.book = options.book;
    this.exchange = new Exchange(options.book, options.firstId, options.levels ?? 0);
    this.start = options.start;
    this.end = options.end;
    this.now = options.start;
    this.venue = options.venue;
    this.rng = options.rng;
    this.lastOrderTime = options.lastOrderTime;
    const c = options.context;
    this.builder = c ? c.tokenizer.rowBuilder(options.venue, c.openPrice, c.lastMid, c.lastTrade ?? NaN) : null;
    this.rowWidth = this.builder ? this.builder.width : 0;
    this.lastBid = options.startTouch?.bid ?? NaN;
    this.lastAsk = options.startTouch?.ask ?? NaN;
    const bookMid = this.book.mid();
    this.startMid = this.builder ? this.builder.mid(this.book) : bookMid === bookMid ? bookMid : (options.startMid ?? NaN);
    this.step = Math.round((options.snapshotSeconds ?? 1) * 1e9);
    this.nextSnapshot = this.start;
    // Agent k has owner OWNER.firstAgent + k; a background agent sits before them with owner 1.
    const bg = options.background ? 1 : 0;
    this.agents = options.background ? [options.background, ...options.agents] : options.agents;
    this.firstOwner = OWNER.firstAgent - bg;
    this.wakes = new Float64Array(this.agents.length).fill(NO_TIME);
    const agentRng = options.agentRng ?? options.rng.fork();
    this.ports = this.agents.map((_, k) => new AgentPort(this, this.firstOwner + k, agentRng.fork()));
    this.exchange.onFill = (owner, id, side, price, qty, time) => {
      const k = owner - this.firstOwner;
      if (k >= 0 && k < this.agents.length) {
        const port = this.ports[k];
        port.position += side * qty;
        port.cash -= side * qty * price;
        this.agents[k].onFill?.(id, side as Side, price, qty, time);
      }
    };
  }

  /** Let every agent pick its first wake-up. */
  begin(): void {
    this.exchange.time = this.now;
    for (let k = 0; k < this.agents.length; k++) this.wakes[k] = this.schedule(this.agents[k].start(this.ports[k]));
  }

  private schedule(t: number | null): number {
    if (t === null || !(t === t)) return NO_TIME;
    return Math.max(Math.round(t), this.now + 1);
  }

  // ---------------------------------------------------------------------------------------------
  // Orders (every order from anyone goes through here: the book, the logs, the context row)
  // ---------------------------------------------------------------------------------------------

  private midNow(): number {
    this.noteTouch();
    return this.builder ? this.builder.mid(this.book) : this.book.mid();
  }

  private lastBid = NaN;
  private lastAsk = NaN;
  private noteTouch(): void {
    const b = this.book.bestBid();
    const a = this.book.bestAsk();
    if (b === b) this.lastBid = b;
    if (a === a) this.lastAsk = a;
  }

  /** The best bid, or the last one seen while the bid side is empty (NaN before any). */
  get referenceBid(): number {
    this.noteTouch();
    return this.lastBid;
  }
  /** The best ask, or the last one seen while the ask side is empty (NaN before any). */
  get referenceAsk(): number {
    this.noteTouch();
    return this.lastAsk;
  }

  /** Apply a new order (limit; ±Infinity price for market). Returns the id (0 when rejected). */
  placeOrder(owner: number, side: Side, price: number, qty: number, ioc: boolean): number {
    const book = this.book;
    const mid0 = this.midNow();
    const bid0 = this.lastBid;
    const ask0 = this.lastAsk;
    const restingBefore = Number.isFinite(price) ? book.volumeAt(side, price) : 0;
    const trades0 = book.tape.length;
    const ex = this.exchange;
    const id = ex.submit(owner, side, price, qty, ioc);
    if (id === 0) return 0;
    const filled = ex.lastFilled;
    const rested = book.has(id);
    if (!rested && filled === 0) return id; // nothing happened (an empty side): no order for the log
    // An aggressive order's price is its limit when some of it rests, else the deepest price it traded at.
    const tape = book.tape;
    const lastPx = filled > 0 ? tape.price(tape.length - 1) : NaN;
    const px = rested || !(filled > 0) ? price : lastPx;
    // The visible volume at its price before it, as \`extractOrders\` measures it: a resting order's own
    // side; an aggressive one's, the other side at its price (what is left there plus what it took
    // there), or 0 when its remainder rests away from the last price it traded at.
    let volBefore = restingBefore;
    if (filled > 0) {
      if (rested && px !== lastPx) volBefore = 0;
      else {
        let took = 0;
        for (let i = trades0; i < tape.length; i++) if (tape.price(i) === px) took += tape.qty(i);
        volBefore = book.volumeAt(-side, px) + took;
      }
    }
    this.noteTrades(trades0);
    this.record(owner, side > 0 ? TYPE_BUY : TYPE_SELL, side, px, rested ? qty : filled, mid0, bid0, ask0, volBefore, filled);
    return id;
  }

  /** Cancel up to `qty` at a level from the back of its queue, orders of owners `may` accepts (one logged order). */
  cancelAtLevel(owner: number, side: Side, price: number, qty: number, may: (owner: number) => boolean): number {
    return this.levelCancel(owner, side, price, qty, may, false, false);
  }

  /** Delete one whole order at a level, the one nearest `qty` in size, of owners `may` accepts (one logged order). */
  deleteAtLevel(owner: number, side: Side, price: number, qty: number, may: (owner: number) => boolean): number {
    return this.levelCancel(owner, side, price, qty, may, true, false);
  }

  /** A cancel at a level (`whole`: one whole order, else volume from the back), logged when it removed something or `always`. */
  private levelCancel(owner: number, side: Side, price: number, qty: number, may: (owner: number) => boolean, whole: boolean, always: boolean): number {
    const mid0 = this.midNow();
    const bid0 = this.lastBid;
    const ask0 = this.lastAsk;
    const volBefore = this.book.volumeAt(side, price);
    const q = whole ? this.exchange.deleteNearest(side, price, qty, may) : this.exchange.cancelAtLevel(side, price, qty, may);
    if (q > 0 || always) this.record(owner, TYPE_CANCEL, side, price, q, mid0, bid0, ask0, volBefore, q);
    return q;
  }

  /** Cancel `qty` of order `id` (the caller checked ownership). */
  cancelOrder(owner: number, id: number, qty: number): number {
    const o = this.book.order(id);
    if (!o) return 0;
    const mid0 = this.midNow();
    const bid0 = this.lastBid;
    const ask0 = this.lastAsk;
    const volBefore = this.book.volumeAt(o.side, o.price);
    const q = this.exchange.cancel(id, qty);
    if (q > 0) this.record(owner, TYPE_CANCEL, o.side, o.price, q, mid0, bid0, ask0, volBefore, q);
    return q;
  }

  private noteTrades(from: number): void {
    const tape = this.book.tape;
    for (let i = from; i < tape.length; i++) this.tradedVolume += tape.qty(i);
    if (tape.length > from) {
      this.lastTradePrice = tape.price(tape.length - 1);
      this.lastTradeTime = this.now;
    }
  }

  private record(owner: number, type: number, side: number, price: number, size: number, mid0: number, bid0: number, ask0: number, volBefore: number, filled: number): void {
    const t = this.now;
    const g = this.orders;
    g.time.push(t);
    g.owner.push(owner);
    g.type.push(type);
    g.side.push(side);
    g.price.push(price);
    g.size.push(size);
    g.filled.push(filled);
    g.midBefore.push(mid0);
    const m = this.midNow();
    g.midAfter.push(m);
    g.spreadAfter.push(this.book.spread());
    if (owner === OWNER.background) this.stats.backgroundOrders++;
    else this.stats.agentOrders++;
    if (this.builder) {
      const W = this.rowWidth;
      const out = this.rowQueue.reserve(W);
      this.builder.row(this.book, type, side, price, size, mid0, bid0, ask0, (t - this.lastOrderTime) / 1e9, t / 1e9, volBefore, filled, out, this.rowQueue.length);
      this.rowQueue.length += W;
    }
    this.lastOrderTime = t;
  }

  // ---------------------------------------------------------------------------------------------
  // The event loop
  // ---------------------------------------------------------------------------------------------

  private snapshotUpTo(t: number): void {
    const s = this.snapshots;
    const book = this.book;
    const last = Math.min(t, this.end);
    while (this.nextSnapshot <= last) {
      s.time.push(this.nextSnapshot);
      s.bid.push(book.bestBid());
      s.ask.push(book.bestAsk());
      s.bidQty.push(book.bestBidQty());
      s.askQty.push(book.bestAskQty());
      s.volume.push(this.tradedVolume);
      this.nextSnapshot += this.step;
    }
  }

  private nextWake(): number {
    let best = -1;
    let t = NO_TIME;
    for (let k = 0; k < this.wakes.length; k++) {
      if (this.wakes[k] < t) {
        t = this.wakes[k];
        best = k;
      }
    }
    return best;
  }

  private runAgent(k: number): void {
    const t = this.wakes[k];
    this.snapshotUpTo(t - 1);
    this.now = t;
    this.exchange.time = t;
    this.wakes[k] = NO_TIME;
    this.wakes[k] = this.schedule(this.agents[k].wake(this.ports[k]));
  }

  private finish(reason: number): void {
    if (this.done) return;
    this.done = true;
    this.stats.stopReason = reason;
    this.snapshotUpTo(this.end);
    this.pendingTime = NO_TIME;
  }

  /** Stop early (the driver gave up on this world's model: see STOP). */
  stop(reason: number): void {
    this.finish(reason);
  }

  /**
   * Run until the next context row is ready (true: read it with `takeRow`), the world has ended
   * (false), or the next event is the wake-up of an agent `waiting` for a decision (false, `paused`
   * set; the model's pending order stays pending). In an LMM world the model's pending order counts as
   * an event; other agents' orders that arrive first discard it.
   */
  advance(): boolean {
    this.paused = false;
    while (true) {
      if (!this.keepRows && this.rowHead < this.rowQueue.length) {
        if (this.pendingTime !== NO_TIME) {
          this.pendingTime = NO_TIME;
          this.stats.preempted++;
        }
        return true;
      }
      if (this.done) return false;
      const k = this.nextWake();
      const tA = k >= 0 ? this.wakes[k] : NO_TIME;
      const tL = this.pendingTime;
      const next = Math.min(tA, tL);
      if (next >= this.end) {
        this.finish(STOP.end);
        return false;
      }
      if (tL <= tA) this.applyPending();
      else if (this.agents[k].waiting?.()) {
        this.paused = true;
        return false;
      } else this.runAgent(k);
    }
  }

  /** Run a world without a model to its end, or until it pauses (noise, replay and scripted worlds); its context rows, if it builds them, are kept. */
  runToEnd(): void {
    this.keepRows = true;
    while (this.advance());
  }

  /** The last `n` context rows a `runToEnd` world built (a warm-up's context for a model). */
  contextRows(n: number): Int32Array {
    const q = this.rowQueue.raw();
    const len = this.rowQueue.length;
    return q.slice(Math.max(0, len - n * this.rowWidth), len);
  }

  /** Copy the next context row into `out` at `at`. */
  takeRow(out: Int32Array, at: number): void {
    const q = this.rowQueue.raw();
    out.set(q.subarray(this.rowHead, this.rowHead + this.rowWidth), at);
    this.rowHead += this.rowWidth;
    if (this.rowHead === this.rowQueue.length) {
      this.rowQueue.clear();
      this.rowHead = 0;
    }
  }

  /** The mid the model's price levels are measured against (the last finite one when a side is empty). */
  get referenceMid(): number {
    return this.midNow();
  }

  /**
   * The model's next order, decoded against the current book: wait (seconds since the previous
   * order), type (0 S, 1 B, 2 C), side, price and size. Returns false (nothing pending) when it
   * cannot be applied: a price that is not positive, or a cancel where no background or seed
   * volume rests at that price. A cancel deletes one whole order there (see the module comment), only
   * an order of the background model or of the starting book — never another agent's.
   */
  propose(wait: number, type: number, side: Side, price: number, size: number): boolean {
    if (!(price > 0) || !(size > 0)) return false;
    if (type === TYPE_CANCEL && this.exchange.cancellableAt(side, price, mayBackgroundCancel) <= 0) return false;
    this.pendingTime = this.lastOrderTime + Math.max(0, Math.round(wait * 1e9));
    this.pendingType = type;
    this.pendingSide = side;
    this.pendingPrice = price;
    this.pendingSize = size;
    return true;
  }

  private applyPending(): void {
    const t = this.pendingTime;
    this.pendingTime = NO_TIME;
    this.snapshotUpTo(t - 1);
    this.now = t;
    this.exchange.time = t;
    const side = this.pendingSide;
    const price = this.pendingPrice;
    if (this.pendingType === TYPE_CANCEL) {
      // Recorded even if nothing was removed, so the model always gets a row (`propose` checked there is volume).
      this.levelCancel(OWNER.background, side, price, this.pendingSize, mayBackgroundCancel, true, true);
    } else {
      // A marketable order never rests (see the module comment): it takes what rests up to its price.
      const opp = this.book.best(-side);
      const marketable = opp === opp && side * (price - opp) >= 0;
      this.placeOrder(OWNER.background, side, price, this.pendingSize, marketable);
    }
  }

  /** Figures of this world's agents (those that report). */
  agentReports(): Array<Record<string, number> | null> {
    return this.agents.slice(this.firstOwner === OWNER.firstAgent ? 0 : 1).map((a) => a.report?.() ?? null);
  }

  /** Owner check for agent ports. */
  ownerOf(id: number): number {
    return this.book.ownerOf(id);
  }
}

function mayBackgroundCancel(owner: number): boolean {
  return owner === OWNER.background || owner === OWNER.seed;
}

/** One agent's view of a world (see `Market`). */
class AgentPort implements Market {
  position = 0;
  cash = 0;
  lastFilled = 0;

  constructor(
    private readonly world: World,
    readonly owner: number,
    readonly rng: Rng,
  ) {}

  get time(): number {
    return this.world.now;
  }
  get book(): OrderBook {
    return this.world.book;
  }
  get tick(): number {
    return this.world.venue.tickSize;
  }
  get trades(): TradeTape {
    return this.world.book.tape;
  }
  get orders(): OrderLog {
    return this.world.orders;
  }
  get lastTradePrice(): number {
    return this.world.lastTradePrice;
  }
  get lastTradeTime(): number {
    return this.world.lastTradeTime;
  }
  get startMid(): number {
    return this.world.startMid;
  }

  limit(side: Side, price: number, qty: number): number {
    const id = this.world.placeOrder(this.owner, side, price, qty, false);
    this.lastFilled = id ? this.world.exchange.lastFilled : 0;
    return id;
  }

  market(side: Side, qty: number, limitPrice = side > 0 ? Infinity : -Infinity): number {
    const id = this.world.placeOrder(this.owner, side, limitPrice, qty, true);
    this.lastFilled = id ? this.world.exchange.lastFilled : 0;
    return id;
  }

  cancel(id: number, qty = Infinity): number {
    if (this.world.ownerOf(id) !== this.owner) return 0;
    return this.world.cancelOrder(this.owner, id, qty);
  }

  cancelAt(side: Side, price: number, qty: number): number {
    const me = this.owner;
    return this.world.cancelAtLevel(me, side, price, qty, me === OWNER.background ? mayBackgroundCancel : (o) => o === me);
  }

  deleteAt(side: Side, price: number, qty: number): number {
    const me = this.owner;
    return this.world.deleteAtLevel(me, side, price, qty, me === OWNER.background ? mayBackgroundCancel : (o) => o === me);
  }

  modify(id: number, price: number, qty: number): number {
    const o = this.world.book.order(id);
    if (!o || o.owner !== this.owner) return 0;
    if (price === o.price && qty < o.qty && qty > 0) {
      this.world.cancelOrder(this.owner, id, o.qty - qty);
      return id;
    }
    this.world.cancelOrder(this.owner, id, Infinity);
    return qty > 0 ? this.limit(o.side, price, qty) : 0;
  }

  openOrders(): number[] {
    return this.world.book.ordersOf(this.owner);
  }
}
