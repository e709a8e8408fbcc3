/**
 * The facts a person wants first about a day of order flow: what happened, how much traded, where
 * the quotes were.
 */
import { EVENT_TYPE_NAMES, type OrderFlow } from '../data/order-flow';
import type { BookFrames } from '../data/book-frames';
import type { TradeTape } from '../book/trade-tape';

export interface DaySummary {
  symbol: string;
  date: string;
  levels: number;
  messages: number;
  firstTime: number;
  lastTime: number;
  byType: Record<string, number>;
  /** Executions, hidden executions and cross trades. */
  trades: number;
  tradedVolume: number;
  hiddenVolume: number;
  /** Cross trades (type 6: opening and closing auctions) and their volume, included in the above. */
  crosses: number;
  crossVolume: number;
  /** Trading-halt messages (type 7): halts (price −1), quoting resumed (0), trading resumed (1). */
  halts: { halt: number; quoting: number; trading: number };
  /** Volume-weighted average trade price, in currency units (NaN without trades). */
  vwap: number;
  /** First and last mid price (currency units), from the book frames. */
  openMid: number;
  closeMid: number;
  /** Time-weighted mean spread (currency units) and in ticks. */
  meanSpread: number;
  meanSpreadTicks: number;
}

export function summarizeDay(flow: OrderFlow, frames: BookFrames | null, tape: TradeTape | null): DaySummary {
  const { symbol, date, levels, venue } = flow.meta;
  const scale = venue.priceScale;
  const byType: Record<string, number> = {};
  const counts = new Float64Array(8);
  let hidden = 0;
  let crosses = 0;
  let crossVolume = 0;
  const halts = { halt: 0, quoting: 0, trading: 0 };
  let volume = 0;
  let pv = 0;
  let trades = 0;
  for (let i = 0; i < flow.length; i++) {
    const t = flow.type[i];
    counts[t]++;
    if (t === 4 || t === 5 || t === 6) {
      trades++;
      volume += flow.size[i];
      pv += flow.size[i] * flow.price[i];
      if (t === 5) hidden += flow.size[i];
      if (t === 6) {
        crosses++;
        crossVolume += flow.size[i];
      }
    } else if (t === 7) {
      const code = flow.price[i];
      if (code < 0) halts.halt++;
      else if (code === 0) halts.quoting++;
      else halts.trading++;
    }
  }
  for (let t = 1; t <= 7; t++) byType[EVENT_TYPE_NAMES[t]] = counts[t];
  if (tape && trades === 0) {
    trades = tape.length;
    volume = tape.volume();
    pv = tape.vwap() * volume;
  }
  let openMid = NaN;
  let closeMid = NaN;
  let spreadTime = 0;
  let spreadArea = 0;
  if (frames && frames.length > 0) {
    for (let i = 0; i < frames.length && !(openMid === openMid); i++) openMid = frames.mid(i);
    for (let i = frames.length - 1; i >= 0 && !(closeMid === closeMid); i--) closeMid = frames.mid(i);
    for (let i = 0; i + 1 < frames.length; i++) {
      const s = frames.spread(i);
      const dt = flow.time[i + 1] - flow.time[i];
      if (s === s && dt > 0) {
        spreadArea += s * dt;
        spreadTime += dt;
      }
    }
  }
  const meanSpread = spreadTime > 0 ? spreadArea / spreadTime : NaN;
  return {
    symbol,
    date,
    levels,
    messages: flow.length,
    firstTime: flow.length ? flow.time[0] : NaN,
    lastTime: flow.length ? flow.time[flow.length - 1] : NaN,
    byType,
    trades,
    tradedVolume: volume,
    hiddenVolume: hidden,
    crosses,
    crossVolume,
    halts,
    vwap: volume > 0 ? pv / volume / scale : NaN,
    openMid: openMid / scale,
    closeMid: closeMid / scale,
    meanSpread: meanSpread / scale,
    meanSpreadTicks: meanSpread / venue.tickSize,
  };
}

/** Seconds after midnight as hh:mm:ss.mmm. */
export function clockTime(seconds: number): string {
  if (!Number.isFinite(seconds)) return '—';
  const ms = Math.round(seconds * 1000);
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${s.toFixed(3).padStart(6, '0')}`;
}
