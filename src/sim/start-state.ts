/**
 * Where a simulation starts: a book and the model's context, as plain typed arrays (so a state travels
 * to worker threads and job queues as it is).
 *
 * - From a real day (`startFromDay`): the book replayed (and validated against the orderbook file) up
 *   to the last order before the start time, and the last `context` real order tokens before it as the
 *   model's context. The real book's anonymous volume (orders resting before the file began, levels
 *   that entered the window from beyond it) becomes one *seed order* per level, at the front of that
 *   level's queue, with an id of its own: in the simulation every share belongs to an order that can
 *   be executed or cancelled, and in LOBSTER files written from a trajectory it shows up as a real file
 *   shows such volume — executions and cancels of an order id the file never submitted.
 * - MarS's demo mode (`startFromNoise`): a noise agent trades from an empty book for a warm-up (30
 *   minutes by default); its orders, tokenized, are the model's context. This is what runs where the
 *   LOBSTER samples are absent.
 */
import { OrderBook } from '../book/order-book';
import type { BookFrames } from '../data/book-frames';
import { NASDAQ, type OrderFlow, type VenueSettings } from '../data/order-flow';
import { LobsterReplayer } from '../replay/lobster-replay';
import { extractOrders } from '../replay/lobster-orders';
import { TYPE_CANCEL, type OrderEvents } from '../data/order-events';
import type { OrderTokenizer } from '../tokenize/order-tokenizer';
import { tokenFeatures } from '../model/lmm';
import { clockSeconds, clockString } from '../util/clock';
import { Rng } from '../util/rng';
import { OWNER } from './exchange';
import { World } from './world';
import { NoiseAgent } from './agents/noise';
import type { NoiseOptions } from './noise';

export interface StartState {
  symbol: string;
  date: string;
  venue: VenueSettings;
  /** Start, nanoseconds after midnight. */
  time: number;
  /** Resting orders, `OrderBook.toOrderList` rows (every one identified). */
  book: Float64Array;
  /** First id free for new orders. */
  firstId: number;
  /** The day's opening trade price (mid changes in the context are measured from it). */
  openPrice: number;
  /** Mid at the start (the last finite one if a side is empty). */
  mid: number;
  /** Best bid and ask at the start (the last ones seen if a side is empty; absent in states made before they were kept). The touch scheme prices against them. */
  bid?: number;
  ask?: number;
  /** Time (ns) of the last order before the start. */
  lastOrderTime: number;
  /** Seconds after midnight of the last trade before the start (NaN: none; absent in states made before it was kept). The touch scheme's context reads the time since it. */
  lastTrade?: number;
  /** Context rows of the orders before the start ([n, the tokenizer's row width], oldest first; may be empty). */
  context: Int32Array;
  /** Name of the tokenizer the context rows were made with. */
  tokenizer: string;
  /** 'lobster' (a real day) or 'noise-warmup' (MarS's demo mode). */
  source: 'lobster' | 'noise-warmup';
  /** Real orders after the start (for the replay world and for comparisons), when the start came from a day. */
  continuation?: ReplayOrders;
}

/** The real orders a replay agent sends: MarS's orders (as `extractOrders` makes them) after a time. */
export interface ReplayOrders {
  /** Seconds after midnight. */
  time: Float64Array;
  type: Uint8Array;
  side: Int8Array;
  price: Float64Array;
  size: Float64Array;
  aggressive: Uint8Array;
  filled: Float64Array;
  midAfter: Float64Array;
  spreadAfter: Float64Array;
  /** Quantity × price of what each order executed (its VWAP is notional / filled); absent in states made before it was kept. */
  notional?: Float64Array;
  /** Seconds after midnight up to which these are all the real orders (the start plus the seconds kept, or the day's last order). */
  until?: number;
}

/** Seconds after midnight of the last trade among the events before index `k` (NaN: none). */
function lastTradeBefore(events: OrderEvents, k: number): number {
  for (let j = k - 1; j >= 0; j--) if (events.type[j] !== TYPE_CANCEL && events.filled[j] > 0) return events.time[j];
  return NaN;
}

/** The book of a state, ready to trade in (a new book each call). */
export function stateBook(state: StartState): OrderBook {
  return OrderBook.fromOrderList(state.book, { orders: 1 << 14, levels: 1 << 10 });
}

export interface StartFromDayOptions {
  /** Context rows to keep (default 1,024: more than any shipped model reads). */
  context?: number;
  /** Real orders after the start to keep for replay and comparison, in seconds (default 3,600). */
  continuationSeconds?: number;
  /** Order events already extracted from this day (saves the extraction). */
  events?: OrderEvents;
}

/** The state of a real LOBSTER day at `start` (seconds after midnight or "HH:MM[:SS]"). */
export function startFromDay(day: { flow: OrderFlow; frames: BookFrames | null }, start: number | string, tokenizer: OrderTokenizer, options: StartFromDayOptions = {}): StartState {
  const { flow, frames } = day;
  const t = clockSeconds(start);
  const src = flow.meta.source;
  if (flow.length < 2) throw new RangeError(`${src}: too few messages to start a simulation from`);
  const first = flow.time[0];
  const last = flow.time[flow.length - 1];
  if (!(t > first && t <= last)) {
    throw new RangeError(`start ${clockString(t)} is outside ${src} (${clockString(first)}–${clockString(last)})`);
  }
  const events = options.events ?? extractOrders(flow, frames);
  const k = events.indexAtTime(t);
  if (k === 0) throw new RangeError(`start ${clockString(t)}: no order in ${src} before it`);
  const k0 = Math.max(0, k - (options.context ?? 1024));
  const rows = tokenFeatures(tokenizer.encode(events.slice(k0, k), { lastTrade: lastTradeBefore(events, k0) }));
  const replay = new LobsterReplayer(flow, frames);
  replay.runTo(events.lastRow[k - 1] + 1);
  const book = replay.book;
  let maxId = 0;
  for (let i = 0; i < flow.length; i++) if (flow.id[i] > maxId) maxId = flow.id[i];
  let nextId = Math.floor(maxId) + 1;
  const list = book.toOrderList(() => nextId++, OWNER.seed);
  // Identified orders from the file keep their ids; they belong to the market (the seed) as well.
  for (let i = 4; i < list.length; i += 6) list[i] = OWNER.seed;
  const lastTrade = lastTradeBefore(events, k);
  let bid = book.bestBid();
  let ask = book.bestAsk();
  for (let j = k - 1; !(bid === bid && ask === ask) && j >= 0; j--) {
    if (!(bid === bid)) bid = events.bidBefore[j];
    if (!(ask === ask)) ask = events.askBefore[j];
  }
  let mid = book.mid();
  for (let j = k - 1; !(mid === mid) && j >= 0; j--) mid = events.midAfter[j];
  const until = t + (options.continuationSeconds ?? 3600);
  const k1 = events.indexAtTime(until);
  const cont = events.slice(k, k1);
  return {
    symbol: flow.meta.symbol,
    date: flow.meta.date,
    venue: flow.meta.venue,
    time: Math.round(t * 1e9),
    book: list,
    firstId: nextId,
    openPrice: events.meta.openPrice,
    mid,
    bid,
    ask,
    lastOrderTime: Math.round(events.time[k - 1] * 1e9),
    lastTrade,
    context: rows,
    tokenizer: tokenizer.name,
    source: 'lobster',
    continuation: {
      time: cont.time.slice(),
      type: cont.type.slice(),
      side: cont.side.slice(),
      price: cont.price.slice(),
      size: cont.size.slice(),
      aggressive: cont.aggressive.slice(),
      filled: cont.filled.slice(),
      midAfter: cont.midAfter.slice(),
      spreadAfter: cont.spreadAfter.slice(),
      notional: cont.notional.slice(),
      until: Math.min(until, events.time[events.length - 1]),
    },
  };
}

export interface StartFromNoiseOptions {
  seed: number;
  /** When the model takes over (seconds after midnight or "HH:MM"; default 12:00). */
  start?: number | string;
  /** Warm-up length in minutes (default 30, as MarS's demo). */
  warmupMinutes?: number;
  /** Reference price in venue units (default $580.00 on NASDAQ's ×10,000 prices). */
  price?: number;
  venue?: VenueSettings;
  noise?: Partial<NoiseOptions>;
  symbol?: string;
  date?: string;
  /** Context rows to keep (default 1,024). */
  context?: number;
}

/** MarS's demo mode: a noise agent builds the market from an empty book; its orders become the context. */
export function startFromNoise(tokenizer: OrderTokenizer, options: StartFromNoiseOptions): StartState {
  const venue = options.venue ?? NASDAQ;
  const t = clockSeconds(options.start ?? '12:00');
  const warm = (options.warmupMinutes ?? 30) * 60;
  const price = options.price ?? 5_800_000;
  const t0 = Math.round((t - warm) * 1e9);
  const world = new World({
    book: new OrderBook(),
    firstId: 1,
    venue,
    start: t0,
    end: Math.round(t * 1e9),
    lastOrderTime: t0,
    background: new NoiseAgent({ initialPrice: price, meanDepthTicks: 15, cancelShare: 0.48, ...options.noise }),
    agents: [],
    rng: new Rng(options.seed),
    context: { tokenizer, openPrice: price, lastMid: NaN },
  });
  world.begin();
  world.runToEnd();
  const rows = world.contextRows(options.context ?? 1024);
  const orders = world.orders;
  const list = world.book.toOrderList();
  for (let i = 4; i < list.length; i += 6) list[i] = OWNER.seed;
  const tape = world.book.tape;
  return {
    symbol: options.symbol ?? 'NOISE',
    date: options.date ?? '2012-06-21',
    venue,
    time: Math.round(t * 1e9),
    book: list,
    firstId: world.exchange.peekId,
    openPrice: tape.length > 0 ? tape.price(0) : price,
    mid: world.referenceMid,
    bid: world.referenceBid,
    ask: world.referenceAsk,
    lastOrderTime: orders.time.length > 0 ? orders.time.get(orders.time.length - 1) : t0,
    lastTrade: world.lastTradeTime >= 0 ? world.lastTradeTime / 1e9 : NaN,
    context: rows,
    tokenizer: tokenizer.name,
    source: 'noise-warmup',
  };
}
