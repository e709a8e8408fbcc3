/**
 * Agents: anything that trades in a simulated world. MarS's shape (an agent is woken at times it asks
 * for, looks at the market and acts; agents know nothing of each other) with hftbacktest's manners
 * (one small interface, orders sent through the port it is given, no per-event objects).
 *
 *     class Pinger implements mb.Agent {
 *       readonly name = 'pinger';
 *       start(m: mb.Market) { return m.time + mb.seconds(10); }       // first wake-up
 *       wake(m: mb.Market) {
 *         m.limit(mb.BUY, m.book.bestBid(), 100);                     // join the bid
 *         return m.time + mb.seconds(30);                             // next wake-up (null: done)
 *       }
 *     }
 *
 * Times are integer nanoseconds after midnight (use `seconds()` to convert). Prices are venue units
 * (LOBSTER: dollars × 10,000).
 */
import type { OrderBook } from '../book/order-book';
import type { TradeTape } from '../book/trade-tape';
import type { OrderLog } from './logs';
import type { Side } from '../data/order-flow';
import type { Rng } from '../util/rng';

/** Nanoseconds in `s` seconds (rounded to a whole nanosecond). */
export function seconds(s: number): number {
  return Math.round(s * 1e9);
}

/** What an agent sees and does: the world through its own port. */
export interface Market {
  /** Simulated time, nanoseconds after midnight. */
  readonly time: number;
  /** The order book (read it; trade through the methods below). */
  readonly book: OrderBook;
  /** Price units per tick of the venue. */
  readonly tick: number;
  /** This agent's owner id (its orders carry it). */
  readonly owner: number;
  /** A random stream of this agent's own, seeded from the trajectory. */
  readonly rng: Rng;
  /** A limit order; returns its id (0 when it could not be placed). What it executed at once: `lastFilled`. */
  limit(side: Side, price: number, qty: number): number;
  /** A marketable order that never rests: trades up to `limitPrice` (default: any price), the rest is dropped. */
  market(side: Side, qty: number, limitPrice?: number): number;
  /** Cancel (part of) one of this agent's orders; returns the quantity removed (0: not resting or not yours). */
  cancel(id: number, qty?: number): number;
  /**
   * Cancel up to `qty` at `price` on a side from this agent's orders, newest first (the background
   * market may also take the starting book's volume). Returns the quantity removed.
   */
  cancelAt(side: Side, price: number, qty: number): number;
  /**
   * Delete one whole order of this agent's at `price` on a side (the background market: or of the
   * starting book's): the one whose size is nearest `qty`, the newest of equals — what a cancel is in
   * LOBSTER data. Returns the quantity removed.
   */
  deleteAt(side: Side, price: number, qty: number): number;
  /** Change one of this agent's orders (smaller at the same price keeps priority); returns the id that stands for it, 0 on failure. */
  modify(id: number, price: number, qty: number): number;
  /** Quantity executed by this agent's last `limit` / `market`. */
  readonly lastFilled: number;
  /** Shares bought minus sold so far, and cash received minus paid (venue price units × shares). */
  readonly position: number;
  readonly cash: number;
  /** Ids of this agent's resting orders. */
  openOrders(): number[];
  /** Every trade in this world so far (read it from the end for the recent ones; `side` is the aggressor's). */
  readonly trades: TradeTape;
  /** Every order sent in this world so far, by anyone (`ORDER_LOG_SCHEMA`: `orders.price.get(i)`, `orders.time.length` rows). */
  readonly orders: OrderLog;
  /** Price and time (ns) of the last trade in the world (NaN / −1 before any). */
  readonly lastTradePrice: number;
  readonly lastTradeTime: number;
  /** The mid-price when the world started (the arrival price of an execution). */
  readonly startMid: number;
}

export interface Agent {
  readonly name: string;
  /** Called once when the world starts; returns the first wake-up time (ns), or null to never wake. */
  start(m: Market): number | null;
  /** Called at each wake-up; acts through `m`; returns the next wake-up time (ns, later than now) or null when done. */
  wake(m: Market): number | null;
  /** A fill of one of this agent's orders. */
  onFill?(orderId: number, side: Side, price: number, qty: number, time: number): void;
  /** Figures for the results (per trajectory), e.g. an execution's fill ratio and shortfall. */
  report?(): Record<string, number>;
  /**
   * True while the agent waits for a decision from outside the world (an environment's action, see
   * `ExecutionEnv`): the world pauses just before this agent's next wake-up (`World.paused`), nothing
   * else happens meanwhile, and the driver resumes it once the agent has what it needs.
   */
  waiting?(): boolean;
}

/** Serializable descriptions of the built-in agents (what travels to worker threads and job queues). */
export type AgentSpec = TwapSpec | ScriptedSpec | NoiseSpec;

export interface TwapSpec {
  kind: 'twap';
  side: 'buy' | 'sell';
  /** Shares to execute. */
  quantity: number;
  /** Start, seconds after the world's start (default 0). */
  startAfter?: number;
  /** Execution window in seconds (default 300) and number of slices (default 10). */
  duration?: number;
  slices?: number;
  /** Seconds of each slice spent passive at the near touch before going aggressive (default 25 of 30). */
  passiveSeconds?: number;
  /** Passive-volume ratio: the passive order is at most this share of the near-touch volume (default 0.1). */
  pvr?: number;
  /** Aggressive orders may trade up to this level of the far side (1 = the touch; default 1). */
  aggressiveLevel?: number;
}

export interface ScriptedOrder {
  /** Seconds after the world's start. */
  at: number;
  side: 'buy' | 'sell';
  qty: number;
  /** 'market' (default), or 'limit' at `price` or at `ticks` from the near touch (positive: more aggressive). */
  type?: 'market' | 'limit';
  price?: number;
  ticks?: number;
}

export interface ScriptedSpec {
  kind: 'scripted';
  orders: ScriptedOrder[];
}

export interface NoiseSpec {
  kind: 'noise';
  /** Options of `NoiseTrader` (tick and owner are set by the world). */
  options?: Record<string, number>;
}
