/**
 * The result of `simulate`: K trajectories from one start state, as columns (orders, trades, book
 * snapshots on a time grid, and optionally every exchange message), per-trajectory summaries, and
 * LOBSTER files per trajectory.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ColumnarFrame, type Columns } from '../data/tables';
import { OrderFlow, type VenueSettings } from '../data/order-flow';
import { BookFrames } from '../data/book-frames';
import { marketPath, type MarketPath } from '../data/market-path';
import { writeLobsterFiles } from '../data/lobster-write';
import { lowerBound } from '../util/search';
import type { GroupProfile, RunSpec, TrajectoryData } from './run-group';
import { STOP } from './world';
import type { StartState } from './start-state';
import type { QueueRunStats } from './queue-run';

/** A table of columns (arquero, Arrow, danfo through `ColumnarFrame`). */
export class SimTable extends ColumnarFrame {
  constructor(private readonly cols: Columns) {
    super();
  }
  get length(): number {
    const first = Object.values(this.cols)[0];
    return first ? first.length : 0;
  }
  columns(): Columns {
    return this.cols;
  }
}

export interface TrajectorySummary {
  trajectory: number;
  finalMid: number;
  /** Mid return over the run, basis points. */
  returnBp: number;
  tradedVolume: number;
  trades: number;
  /** Orders from the background market (model, noise or replay) and from the other agents. */
  backgroundOrders: number;
  agentOrders: number;
  invalidActions: number;
  preempted: number;
  /** 'end' or 'stuck' (the model kept proposing orders the engine could not apply). */
  stopped: 'end' | 'stuck';
  /** Agents' reports (e.g. a TWAP's fill ratio and shortfall), in the spec's order. */
  agents: Array<Record<string, number> | null>;
}

export interface RunTiming {
  /** Wall-clock seconds of the whole run (start state included). */
  seconds: number;
  /** Of which building the start state and loading the model in this thread. */
  setupSeconds: number;
  /** Worker threads, or for a queued run the queue workers that ran its groups. */
  workers: number;
  /** Where the groups' time went (summed over worker threads, so it can exceed the wall clock). */
  profile: GroupProfile;
  /** A run on queue workers (`backend`): its queue, jobs, bytes moved and worker-side seconds. */
  queue?: QueueRunStats;
}

export class Trajectories {
  constructor(
    readonly state: Pick<StartState, 'symbol' | 'date' | 'venue' | 'time' | 'mid' | 'source' | 'continuation'>,
    readonly spec: RunSpec,
    readonly data: TrajectoryData[],
    readonly timing: RunTiming,
  ) {}

  get count(): number {
    return this.data.length;
  }
  get venue(): VenueSettings {
    return this.state.venue;
  }
  /** Start and end, nanoseconds after midnight. */
  get start(): number {
    return this.state.time;
  }
  get end(): number {
    return this.state.time + Math.round(this.spec.minutes * 60e9);
  }

  summaries(): TrajectorySummary[] {
    return this.data.map((t) => {
      const s = t.snapshots;
      const n = s.time.length;
      const mid = n > 0 ? lastMid(s, n - 1) : NaN;
      let vol = 0;
      for (let i = 0; i < t.trades.qty.length; i++) vol += t.trades.qty[i];
      return {
        trajectory: t.index,
        finalMid: mid,
        returnBp: (mid / this.state.mid - 1) * 10_000,
        tradedVolume: vol,
        trades: t.trades.qty.length,
        backgroundOrders: t.stats.backgroundOrders,
        agentOrders: t.stats.agentOrders,
        invalidActions: t.stats.invalidActions,
        preempted: t.stats.preempted,
        stopped: t.stats.stopReason === STOP.stuck ? 'stuck' : 'end',
        agents: t.agents,
      };
    });
  }

  /** The summaries as a table (one row per trajectory; agents' figures as `agent0_<name>` columns). */
  summaryTable(): SimTable {
    const s = this.summaries();
    const col = (f: (x: TrajectorySummary) => number) => Float64Array.from(s, f);
    const cols: Columns = {
      trajectory: Int32Array.from(s, (x) => x.trajectory),
      finalMid: col((x) => x.finalMid),
      returnBp: col((x) => x.returnBp),
      tradedVolume: col((x) => x.tradedVolume),
      trades: col((x) => x.trades),
      backgroundOrders: col((x) => x.backgroundOrders),
      agentOrders: col((x) => x.agentOrders),
      invalidActions: col((x) => x.invalidActions),
      preempted: col((x) => x.preempted),
      stuck: Uint8Array.from(s, (x) => (x.stopped === 'stuck' ? 1 : 0)),
    };
    s[0]?.agents.forEach((rep, k) => {
      for (const name of Object.keys(rep ?? {})) cols[`agent${k}_${name}`] = col((x) => x.agents[k]?.[name] ?? NaN);
    });
    return new SimTable(cols);
  }

  /** Totals over all trajectories, and speed. */
  totals(): { ordersGenerated: number; agentOrders: number; tradesGenerated: number; invalidActions: number; preempted: number; stuck: number; seconds: number; ordersPerSecond: number } {
    let orders = 0;
    let agent = 0;
    let trades = 0;
    let invalid = 0;
    let pre = 0;
    let stuck = 0;
    for (const t of this.data) {
      orders += t.stats.backgroundOrders;
      agent += t.stats.agentOrders;
      trades += t.trades.qty.length;
      invalid += t.stats.invalidActions;
      pre += t.stats.preempted;
      if (t.stats.stopReason === STOP.stuck) stuck++;
    }
    const sec = this.timing.seconds;
    return { ordersGenerated: orders, agentOrders: agent, tradesGenerated: trades, invalidActions: invalid, preempted: pre, stuck, seconds: sec, ordersPerSecond: sec > 0 ? (orders + agent) / sec : 0 };
  }

  private concat(part: 'orders' | 'trades' | 'snapshots'): Columns {
    const out: Columns = {};
    const first = this.data[0]?.[part] as Record<string, ArrayLike<number>> | undefined;
    if (!first) return out;
    let total = 0;
    for (const t of this.data) total += (t[part] as Record<string, ArrayLike<number>>).time.length;
    const traj = new Int32Array(total);
    let at = 0;
    for (const t of this.data) {
      const n = (t[part] as Record<string, ArrayLike<number>>).time.length;
      traj.fill(t.index, at, at + n);
      at += n;
    }
    out.trajectory = traj;
    for (const [name, col] of Object.entries(first)) {
      const Ctor = (col as unknown as { constructor: new (n: number) => Float64Array }).constructor;
      const c = new Ctor(total);
      let k = 0;
      for (const t of this.data) {
        const src = (t[part] as Record<string, Float64Array>)[name];
        c.set(src, k);
        k += src.length;
      }
      out[name] = c;
    }
    return out;
  }

  /** Every order (one row per order any participant sent: what the model sees as tokens). `owner` 1 is the background market. */
  orders(): SimTable {
    return new SimTable(this.concat('orders'));
  }
  /** Every trade (`side` is the aggressor's). */
  trades(): SimTable {
    return new SimTable(this.concat('trades'));
  }
  /** Book state every `snapshotSeconds` (best bid/ask and their sizes, volume traded so far). */
  snapshots(): SimTable {
    return new SimTable(this.concat('snapshots'));
  }

  /** The snapshot grid's times (ns) and each trajectory's mid on it: [trajectory][step]. */
  midPaths(): { time: Float64Array; mid: Float64Array[] } {
    const grid = this.data[0]?.snapshots.time ?? new Float64Array(0);
    const mid = this.data.map((t) => {
      const s = t.snapshots;
      const m = new Float64Array(grid.length);
      for (let i = 0; i < grid.length; i++) m[i] = i < s.time.length ? lastMid(s, i) : NaN;
      return m;
    });
    return { time: grid, mid };
  }

  /** What really happened on the same grid (the mid after the last real order at or before each time), when the start came from a real day. */
  realMidPath(): Float64Array | null {
    const c = this.state.continuation;
    if (!c || c.time.length === 0) return null;
    const grid = this.data[0]?.snapshots.time ?? new Float64Array(0);
    const out = new Float64Array(grid.length);
    for (let i = 0; i < grid.length; i++) {
      const k = lowerBound(c.time, grid[i] / 1e9 + 1e-12) - 1;
      out[i] = k >= 0 ? c.midAfter[k] : this.state.mid;
      if (grid[i] / 1e9 > c.time[c.time.length - 1] + 60) out[i] = NaN;
    }
    return out;
  }

  /**
   * Each trajectory as a `MarketPath` (seconds after midnight; the mid and spread after every order
   * any participant sent, and the trades), in the order of `data`: what forecasting indicators read.
   */
  paths(): MarketPath[] {
    const start = this.start / 1e9;
    const end = this.end / 1e9;
    const spread0 = this.startSpread();
    return this.data.map((t) =>
      marketPath({
        start,
        end,
        mid0: this.state.mid,
        spread0,
        tick: this.venue.tickSize,
        orders: { time: t.orders.time, mid: t.orders.midAfter, spread: t.orders.spreadAfter },
        trades: t.trades,
        timeScale: 1e-9,
      }),
    );
  }

  /**
   * What really happened after the start as a `MarketPath`, when the start came from a real day: the
   * real orders (the mid and spread after each) and their executions (one per aggressive order, at its
   * VWAP), known up to the end of the continuation kept with the state.
   */
  realPath(): MarketPath | null {
    const c = this.state.continuation;
    if (!c) return null;
    let trades = 0;
    for (let i = 0; i < c.time.length; i++) if (c.type[i] !== 2 && c.filled[i] > 0) trades++;
    const time = new Float64Array(trades);
    const price = new Float64Array(trades);
    const qty = new Float64Array(trades);
    for (let i = 0, j = 0; i < c.time.length; i++) {
      if (c.type[i] === 2 || !(c.filled[i] > 0)) continue;
      time[j] = c.time[i];
      // Without notional (an older state), an aggressive order's limit price stands in for its VWAP.
      price[j] = c.notional ? c.notional[i] / c.filled[i] : c.price[i];
      qty[j++] = c.filled[i];
    }
    const start = this.start / 1e9;
    return marketPath({
      start,
      end: c.until ?? (c.time.length ? c.time[c.time.length - 1] : start),
      mid0: this.state.mid,
      spread0: this.startSpread(),
      tick: this.venue.tickSize,
      orders: { time: c.time, mid: c.midAfter, spread: c.spreadAfter },
      trades: { time, price, qty },
    });
  }

  /** The spread of the start book (every trajectory's first snapshot is taken at the start), NaN when unknown. */
  private startSpread(): number {
    const s = this.data[0]?.snapshots;
    return s && s.time.length > 0 && s.time[0] === this.start ? s.ask[0] - s.bid[0] : NaN;
  }

  /**
   * What really happened per minute after the start, measured as `perMinute` measures a trajectory:
   * the spread in ticks on the same time grid (the spread after the last real order at or before each
   * grid time) and the shares the real orders executed (hidden executions included), when the start
   * came from a real day.
   */
  realPerMinute(): SimTable | null {
    const c = this.state.continuation;
    if (!c) return null;
    const tick = this.venue.tickSize;
    const minutes = Math.max(1, Math.ceil(this.spec.minutes));
    const spread = new Float64Array(minutes);
    const volume = new Float64Array(minutes);
    const n = new Float64Array(minutes);
    const t0 = this.start / 1e9;
    const step = this.spec.snapshotSeconds;
    for (let g = t0; g < t0 + minutes * 60; g += step) {
      const k = lowerBound(c.time, g + 1e-12) - 1;
      const m = Math.floor((g - t0) / 60);
      if (k >= 0 && c.spreadAfter[k] === c.spreadAfter[k]) {
        spread[m] += c.spreadAfter[k] / tick;
        n[m]++;
      }
    }
    for (let i = 0; i < c.time.length; i++) {
      const m = Math.floor((c.time[i] - t0) / 60);
      if (m >= 0 && m < minutes && c.type[i] !== 2) volume[m] += c.filled[i];
    }
    for (let m = 0; m < minutes; m++) spread[m] = n[m] > 0 ? spread[m] / n[m] : NaN;
    return new SimTable({ minute: Int32Array.from({ length: minutes }, (_, m) => m), spreadTicks: spread, volume });
  }

  /** Per-minute spread (time-weighted over the snapshot grid, ticks) and traded volume of each trajectory. */
  perMinute(): SimTable {
    const tick = this.venue.tickSize;
    const minutes = Math.max(1, Math.ceil(this.spec.minutes));
    const traj: number[] = [];
    const minute: number[] = [];
    const spread: number[] = [];
    const volume: number[] = [];
    for (const t of this.data) {
      const s = t.snapshots;
      for (let m = 0; m < minutes; m++) {
        const a = this.start + m * 60e9;
        const b = a + 60e9;
        // The grid is sorted: the minute's snapshots are [lowerBound(a), lowerBound(b)) for the spread, and the
        // one at b too for the volume (traded from the first snapshot in the minute to the last at or before b).
        const i0 = lowerBound(s.time, a);
        const iEnd = lowerBound(s.time, b);
        const i1 = lowerBound(s.time, b + 1);
        let sum = 0;
        let n = 0;
        for (let i = i0; i < iEnd; i++) {
          const sp = (s.ask[i] - s.bid[i]) / tick;
          if (sp === sp) {
            sum += sp;
            n++;
          }
        }
        const v0 = i1 > i0 ? s.volume[i0] : NaN;
        const v1 = i1 > i0 ? s.volume[i1 - 1] : NaN;
        traj.push(t.index);
        minute.push(m);
        spread.push(n > 0 ? sum / n : NaN);
        volume.push(v1 === v1 ? v1 - v0 : 0);
      }
    }
    return new SimTable({ trajectory: Int32Array.from(traj), minute: Int32Array.from(minute), spreadTicks: Float64Array.from(spread), volume: Float64Array.from(volume) });
  }

  /**
   * Write each trajectory as a LOBSTER message + orderbook pair at `levels` (≤ the levels recorded:
   * run with `levels`), one folder per trajectory (`DIR/trajectory-000/…`), named the LOBSTER way.
   * A message is written when it touches the top `levels` levels of its side, as in a LOBSTER file,
   * so replaying a message file reproduces its orderbook file exactly. Returns the folders.
   */
  writeLobster(dir: string, options: { levels?: number; gzip?: boolean } = {}): string[] {
    const recorded = this.spec.levels;
    if (!(recorded > 0)) throw new Error('writeLobster: run simulate with `levels` (the book levels to record after each message)');
    const L = options.levels ?? recorded;
    if (L > recorded) throw new RangeError(`writeLobster: ${L} levels asked, ${recorded} recorded`);
    const out: string[] = [];
    const startMs = Math.floor(this.start / 1e6);
    const endMs = Math.ceil(this.end / 1e6);
    for (const t of this.data) {
      const m = t.messages!;
      const rows: number[] = [];
      for (let i = 0; i < m.time.length; i++) if (m.rank[i] < L) rows.push(i);
      const folder = join(dir, `trajectory-${String(t.index).padStart(3, '0')}`);
      mkdirSync(folder, { recursive: true });
      writeLobsterFiles(folder, m, m.top, { symbol: this.state.symbol, date: this.state.date, levels: L, rowLevels: recorded, startMs, endMs, gzip: options.gzip, nanoseconds: true, rows });
      out.push(folder);
    }
    return out;
  }

  /**
   * Trajectory `k` as LOBSTER data in memory (`{ flow, frames }`, at `levels` ≤ the levels recorded),
   * exactly what loading its files would give: every book chart and analysis that takes a real day
   * takes a simulated one too.
   */
  toLobster(k: number, levels = this.spec.levels): { flow: OrderFlow; frames: BookFrames } {
    const t = this.data.find((d) => d.index === k);
    if (!t) throw new RangeError(`no trajectory ${k} (there are ${this.count})`);
    const recorded = this.spec.levels;
    if (!(recorded > 0) || !t.messages) throw new Error('toLobster: run simulate with `levels` (the book levels to record after each message)');
    if (levels > recorded) throw new RangeError(`toLobster: ${levels} levels asked, ${recorded} recorded`);
    const m = t.messages;
    const rows: number[] = [];
    for (let i = 0; i < m.time.length; i++) if (m.rank[i] < levels) rows.push(i);
    const n = rows.length;
    const pick = <T extends Float64Array | Uint8Array | Int8Array>(a: T, Ctor: new (n: number) => T): T => {
      const out = new Ctor(n);
      for (let r = 0; r < n; r++) out[r] = a[rows[r]];
      return out;
    };
    const time = new Float64Array(n);
    for (let r = 0; r < n; r++) time[r] = m.time[rows[r]] / 1e9;
    const top = new Float64Array(n * 4 * levels);
    for (let r = 0; r < n; r++) for (let j = 0; j < 4 * levels; j++) top[r * 4 * levels + j] = m.top[rows[r] * 4 * recorded + j];
    const line = Int32Array.from({ length: n }, (_, r) => r + 1);
    const source = `${this.state.symbol} trajectory ${k}`;
    const flow = new OrderFlow(
      { time, type: pick(m.type, Uint8Array), id: pick(m.id, Float64Array), size: pick(m.size, Float64Array), price: pick(m.price, Float64Array), direction: pick(m.direction, Int8Array), line },
      { symbol: this.state.symbol, date: this.state.date, levels, venue: this.state.venue, source },
    );
    return { flow, frames: new BookFrames(levels, top, line.slice()) };
  }
}

function lastMid(s: TrajectoryData['snapshots'], i: number): number {
  for (let j = i; j >= 0; j--) {
    const m = (s.bid[j] + s.ask[j]) / 2;
    if (m === m) return m;
  }
  return NaN;
}
