/**
 * A market as the realism analyses see it: one or more paths on a regular time grid (mid, spread,
 * volume traded so far) with the orders sent during each path. The same type holds a real day (one
 * long path), simulated futures (many short paths) and the real market after a simulation's start, so
 * the stylized facts and the overlap coefficients run the same code on all of them.
 *
 *     const real = mb.MarketSeries.fromDay(day);                 // 09:30–16:00 on a 1-second grid
 *     const sim = mb.MarketSeries.fromTrajectories(futures);    // one path per future
 *     const same = mb.MarketSeries.fromContinuation(futures);   // what really happened over the same window
 *
 * Mids are carried forward while a side of the book is empty (a path's leading points stay NaN until
 * the first two-sided book). Volume counts executed shares: visible and hidden executions of a real
 * day (not the opening and closing crosses, which a simulation never has), the trades of a simulation.
 */
import type { BookFrames } from '../data/book-frames';
import { EventType, type OrderFlow, type VenueSettings } from '../data/order-flow';
import { TYPE_CANCEL, type OrderEvents } from '../data/order-events';
import { extractOrders } from '../replay/lobster-orders';
import { clockSeconds, clockString } from '../util/clock';
import { lowerBound } from '../util/search';
import type { Trajectories } from '../sim/trajectories';

/** The orders sent during a path (MarS's orders: new sells, new buys, cancels). */
export interface PathOrders {
  /** Seconds after midnight. */
  time: Float64Array;
  /** 0 = S (new sell), 1 = B (new buy), 2 = C (cancel). */
  type: Uint8Array;
  /** Shares. */
  size: Float64Array;
  /** 1 when the order executed on arrival (some or all of it). */
  aggressive: Uint8Array;
}

/** One path on the series' grid: point i is at `start + i·step` seconds after midnight. */
export interface SeriesPath {
  /** Seconds after midnight of the first grid point. */
  start: number;
  /** Mid price (venue units) at each grid point: the book after the last event at or before it. */
  mid: Float64Array;
  /** Best ask − best bid (venue units), NaN while a side is empty. */
  spread: Float64Array;
  /** Shares traded from the path's first grid point up to each grid point (NaN when unknown). */
  volume: Float64Array;
  /** Orders sent during the path, when known. */
  orders: PathOrders | null;
}

export interface MarketSeriesInit {
  /** Seconds between grid points. */
  step: number;
  paths: SeriesPath[];
  venue: VenueSettings;
  /** A name for charts and tables ("GOOG 2012-06-21", "LMM", …). */
  label: string;
}

/** Fill NaNs (and non-positive prices) with the last finite mid before them, in place. */
function carryForward(mid: Float64Array): Float64Array {
  let last = NaN;
  for (let i = 0; i < mid.length; i++) {
    if (mid[i] > 0) last = mid[i];
    else mid[i] = last;
  }
  return mid;
}

export interface FromDayOptions {
  /** Seconds between grid points (default 1). */
  step?: number;
  /**
   * First and last grid time ("HH:MM[:SS]" or seconds after midnight; default the session's open and
   * close, within the data). Grid points before the first message have no mid (NaN).
   */
  from?: string | number;
  to?: string | number;
  /** Order events of this day already extracted (saves the extraction, ~2 s for a LOBSTER day). */
  events?: OrderEvents;
  /** Extract the orders for order-based quantities (default true; false leaves `orders` null). */
  orders?: boolean;
  label?: string;
}

export interface FromTrajectoriesOptions {
  label?: string;
  /** Owners whose orders count (default all: the background market and every agent). */
  owners?: number[];
}

export interface FromContinuationOptions {
  label?: string;
  /** Minutes after the start to cover (default the simulation's; at most what the continuation holds). */
  minutes?: number;
}

/** Paths on a regular grid (see the module comment). */
export class MarketSeries {
  readonly step: number;
  readonly paths: readonly SeriesPath[];
  readonly venue: VenueSettings;
  readonly label: string;

  constructor(init: MarketSeriesInit) {
    if (!(init.step > 0 && Number.isFinite(init.step))) throw new RangeError(`MarketSeries: step must be a positive number of seconds, got ${init.step}`);
    init.paths.forEach((p, k) => {
      const n = p.mid.length;
      if (p.spread.length !== n || p.volume.length !== n) {
        throw new RangeError(`MarketSeries: path ${k} has ${n} mids, ${p.spread.length} spreads and ${p.volume.length} volumes (one of each per grid point)`);
      }
      if (p.orders) {
        const m = p.orders.time.length;
        if (p.orders.type.length !== m || p.orders.size.length !== m || p.orders.aggressive.length !== m) throw new RangeError(`MarketSeries: path ${k}'s order columns differ in length`);
      }
    });
    this.step = init.step;
    this.paths = init.paths;
    this.venue = init.venue;
    this.label = init.label;
  }

  /** Grid points over all paths. */
  get points(): number {
    let n = 0;
    for (const p of this.paths) n += p.mid.length;
    return n;
  }

  /** Seconds covered by the paths (grid points − 1 per path, × step). */
  get seconds(): number {
    let n = 0;
    for (const p of this.paths) n += Math.max(0, p.mid.length - 1);
    return n * this.step;
  }

  /** Whether every path has its orders. */
  get hasOrders(): boolean {
    return this.paths.length > 0 && this.paths.every((p) => p.orders !== null);
  }

  /** Grid points per `seconds` (an error naming `what` when it is not a whole multiple of the step). */
  stepsPer(seconds: number, what: string): number {
    const k = seconds / this.step;
    if (!(seconds > 0) || Math.abs(k - Math.round(k)) > 1e-9) throw new RangeError(`${what} ${seconds} s is not a positive multiple of the ${this.label} series' step ${this.step} s`);
    return Math.round(k);
  }

  /**
   * A real LOBSTER day as one path: the book after the last message at or before each grid time,
   * executed shares (types 4 and 5) cumulated from the first grid time, and MarS's orders
   * (`extractOrders`) between the first and last grid time.
   */
  /** The paths of several series (the same grid step and venue) as one series: e.g. the futures of many start states. */
  static combine(series: MarketSeries[], label?: string): MarketSeries {
    if (series.length === 0) throw new RangeError('MarketSeries.combine: no series');
    const { step, venue } = series[0];
    for (const s of series) if (s.step !== step) throw new RangeError(`MarketSeries.combine: grid steps differ (${step} s and ${s.step} s)`);
    return new MarketSeries({ step, venue, paths: series.flatMap((s) => [...s.paths]), label: label ?? series[0].label });
  }

  static fromDay(day: { flow: OrderFlow; frames: BookFrames | null }, options: FromDayOptions = {}): MarketSeries {
    const { flow, frames } = day;
    const src = flow.meta.source;
    if (!frames) throw new Error(`MarketSeries.fromDay: ${src} has no orderbook frames (load the day with its orderbook file)`);
    if (flow.length === 0) throw new RangeError(`MarketSeries.fromDay: ${src} has no messages`);
    const step = options.step ?? 1;
    if (!(step > 0 && Number.isFinite(step))) throw new RangeError(`MarketSeries.fromDay: step must be a positive number of seconds, got ${options.step}`);
    const venue = flow.meta.venue;
    const first = flow.time[0];
    const last = flow.time[flow.length - 1];
    const from = options.from !== undefined ? clockSeconds(options.from) : Math.max(venue.open, Math.floor(first));
    const to = options.to !== undefined ? clockSeconds(options.to) : Math.min(venue.close, Math.ceil(last));
    if (!(to > from)) throw new RangeError(`MarketSeries.fromDay: from ${clockString(from)} must be before to ${clockString(to)}`);
    if (from > last || to < first) throw new RangeError(`MarketSeries.fromDay: ${clockString(from)}–${clockString(to)} is outside ${src} (${clockString(first)}–${clockString(last)})`);
    const n = Math.floor((to - from) / step + 1e-9) + 1;
    const mid = new Float64Array(n);
    const spread = new Float64Array(n);
    const volume = new Float64Array(n);
    // Executed shares up to and including each message.
    let k = lowerBound(flow.time, from + 1e-12) - 1; // the last message at or before `from`
    let traded = 0;
    for (let i = 0; i < n; i++) {
      const t = from + i * step;
      while (k + 1 < flow.length && flow.time[k + 1] <= t + 1e-9) {
        k++;
        const ty = flow.type[k];
        if (ty === EventType.Execute || ty === EventType.ExecuteHidden) traded += flow.size[k];
      }
      mid[i] = k >= 0 ? frames.mid(k) : NaN;
      spread[i] = k >= 0 ? frames.spread(k) : NaN;
      volume[i] = traded;
    }
    carryForward(mid);
    let orders: PathOrders | null = null;
    if (options.orders ?? true) {
      const ev = options.events ?? extractOrders(flow, frames);
      const a = ev.indexAtTime(from);
      const b = ev.indexAtTime(from + (n - 1) * step + 1e-9);
      orders = {
        time: ev.time.slice(a, b),
        type: ev.type.slice(a, b),
        size: ev.size.slice(a, b),
        aggressive: ev.aggressive.slice(a, b),
      };
    }
    const label = options.label ?? `${flow.meta.symbol} ${flow.meta.date}`.trim();
    return new MarketSeries({ step, paths: [{ start: from, mid, spread, volume, orders }], venue, label });
  }

  /** Simulated futures, one path per trajectory on its snapshot grid (`snapshotSeconds`). */
  static fromTrajectories(futures: Trajectories, options: FromTrajectoriesOptions = {}): MarketSeries {
    if (futures.count === 0) throw new RangeError('MarketSeries.fromTrajectories: no trajectories');
    const owners = options.owners ? new Set(options.owners) : null;
    const paths = futures.data.map((t): SeriesPath => {
      const s = t.snapshots;
      const n = s.time.length;
      const mid = new Float64Array(n);
      const spread = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        mid[i] = (s.bid[i] + s.ask[i]) / 2;
        spread[i] = s.ask[i] - s.bid[i];
      }
      carryForward(mid);
      const o = t.orders;
      const rows: number[] = [];
      for (let i = 0; i < o.time.length; i++) if (!owners || owners.has(o.owner[i])) rows.push(i);
      const orders: PathOrders = {
        time: Float64Array.from(rows, (i) => o.time[i] / 1e9),
        type: Uint8Array.from(rows, (i) => o.type[i]),
        size: Float64Array.from(rows, (i) => o.size[i]),
        aggressive: Uint8Array.from(rows, (i) => (o.type[i] !== TYPE_CANCEL && o.filled[i] > 0 ? 1 : 0)),
      };
      return { start: n > 0 ? s.time[0] / 1e9 : futures.start / 1e9, mid, spread, volume: Float64Array.from(s.volume), orders };
    });
    return new MarketSeries({ step: futures.spec.snapshotSeconds, paths, venue: futures.venue, label: options.label ?? `${futures.spec.world} world` });
  }

  /**
   * What really happened after a simulation's start (its start state's continuation: the real orders
   * after the start, with the mid and spread after each), as one path on the simulation's grid.
   * Volume is the shares the real orders executed on arrival.
   */
  static fromContinuation(futures: Trajectories, options: FromContinuationOptions = {}): MarketSeries {
    const c = futures.state.continuation;
    if (!c) throw new Error('MarketSeries.fromContinuation: the simulation did not start from a real day (no continuation)');
    const step = futures.spec.snapshotSeconds;
    const t0 = futures.start / 1e9;
    const minutes = options.minutes ?? futures.spec.minutes;
    if (!(minutes > 0)) throw new RangeError(`MarketSeries.fromContinuation: minutes must be positive, got ${options.minutes}`);
    const lastOrder = c.time.length ? c.time[c.time.length - 1] : t0;
    const end = Math.min(t0 + minutes * 60, Math.max(t0, lastOrder));
    const n = Math.floor((end - t0) / step + 1e-9) + 1;
    const mid = new Float64Array(n);
    const spread = new Float64Array(n);
    const volume = new Float64Array(n);
    let k = -1;
    let traded = 0;
    for (let i = 0; i < n; i++) {
      const t = t0 + i * step;
      while (k + 1 < c.time.length && c.time[k + 1] <= t + 1e-9) {
        k++;
        if (c.type[k] !== TYPE_CANCEL) traded += c.filled[k];
      }
      mid[i] = k >= 0 ? c.midAfter[k] : futures.state.mid;
      spread[i] = k >= 0 ? c.spreadAfter[k] : NaN;
      volume[i] = traded;
    }
    carryForward(mid);
    const b = lowerBound(c.time, t0 + (n - 1) * step + 1e-9);
    const orders: PathOrders = { time: c.time.slice(0, b), type: c.type.slice(0, b), size: c.size.slice(0, b), aggressive: c.aggressive.slice(0, b) };
    return new MarketSeries({ step, paths: [{ start: t0, mid, spread, volume, orders }], venue: futures.venue, label: options.label ?? 'real' });
  }
}
