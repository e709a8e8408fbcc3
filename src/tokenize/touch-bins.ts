/**
 * The touch-relative scheme's fixed bins: where an order sits against the best prices, and the book
 * context (spread, the best levels' distances, time since the last trade) in bins chosen by
 * measurement on the LOBSTER samples, not fitted quantiles, so "join the bid", "improve by one tick"
 * and "cross" are single bins whatever the spread.
 *
 * Why touch-relative: on GOOG 2012-06-21 only 6.4% of new orders lie within ±5 ticks of the mid
 * (AMZN 20.4%), the window MarS's mid-relative price bins and LOB slots resolve, while 15% join the
 * same-side touch, 5% improve it by one tick, 14% go further inside, 7% cross and 59% rest behind it
 * (46% more than 5 ticks behind). Measured against the touch, each of those is a bin of its own, and
 * the far bins are log-spaced.
 *
 * Placement values (integers) the bins cut:
 * - new orders: d = ticks from the same-side best towards the other side (buy: (price − bid)/tick,
 *   sell: (ask − price)/tick), so d < 0 rests behind the touch, 0 joins it, 0 < d < spread improves it;
 *   an order that reaches the other side is `CROSS + c`, c = ticks past the opposite best.
 * - cancels: b = ticks behind the same-side best (0 = at the touch), `CROSS + b` on the ask side.
 */

/** Offset of crossing placements (new orders) and of ask-side cancels. */
export const CROSS = 1_000_000;

/** Inclusive [lo, hi] placement ranges of the 32 new-order bins, in order. */
export const PLACEMENT_RANGES: ReadonlyArray<readonly [number, number]> = Object.freeze([
  [-Infinity, -701], [-700, -401], [-400, -251], [-250, -161], [-160, -101], [-100, -65], [-64, -43], [-42, -29],
  [-28, -20], [-19, -14], [-13, -10], [-9, -7], [-6, -5], [-4, -4], [-3, -3], [-2, -2], [-1, -1],
  [0, 0],
  [1, 1], [2, 2], [3, 3], [4, 5], [6, 8], [9, 13], [14, 20], [21, CROSS - 1],
  [CROSS, CROSS], [CROSS + 1, CROSS + 1], [CROSS + 2, CROSS + 2], [CROSS + 3, CROSS + 5], [CROSS + 6, CROSS + 10], [CROSS + 11, Infinity],
] as const);

const CANCEL_SIDE: ReadonlyArray<readonly [number, number]> = [
  [0, 0], [1, 1], [2, 2], [3, 3], [4, 4], [5, 6], [7, 9], [10, 13], [14, 19], [20, 28], [29, 42], [43, 64], [65, 100], [101, 160], [161, 300], [301, CROSS - 1],
];
/** Inclusive [lo, hi] ranges of the 32 cancel bins: 16 on the bid side, then the same on the ask side (+ CROSS). */
export const CANCEL_RANGES: ReadonlyArray<readonly [number, number]> = Object.freeze([...CANCEL_SIDE, ...CANCEL_SIDE.map(([a, b]) => [a + CROSS, b === CROSS - 1 ? Infinity : b + CROSS] as const)]);

/** Bin edges (right-inclusive: bin k is (edges[k], edges[k+1]]) from inclusive integer ranges. */
export function rangeEdges(ranges: ReadonlyArray<readonly [number, number]>, lo = -1e9, hi = 4 * CROSS): number[] {
  const edges = [Number.isFinite(ranges[0][0]) ? ranges[0][0] - 1 : lo];
  for (const [, b] of ranges) edges.push(Number.isFinite(b) ? b : hi);
  return edges;
}

/** The placement of a new order: see the module comment. `bid`/`ask` are the touch before it (NaN: unknown). */
export function placementOf(side: number, price: number, bid: number, ask: number, tick: number): number {
  const own = side > 0 ? bid : ask;
  const opp = side > 0 ? ask : bid;
  if (opp === opp) {
    const past = Math.round((side * (price - opp)) / tick);
    if (past >= 0) return CROSS + past;
  }
  if (own === own) return Math.round((side * (price - own)) / tick);
  return opp === opp ? Math.round((side * (price - opp)) / tick) : 0;
}

/** The placement of a cancel on `side`: ticks behind that side's best (`CROSS +` on the ask side); never negative. */
export function cancelPlacementOf(side: number, price: number, bid: number, ask: number, tick: number): number {
  const own = side > 0 ? bid : ask;
  const b = own === own ? Math.max(0, Math.round((side * (own - price)) / tick)) : 0;
  return side > 0 ? b : CROSS + b;
}

/** Spread bins (ticks): 0 = a side empty; then 1, 2, 3, 4, 5–6, 7–9, 10–13, 14–19, 20–28, 29–42, 43–64, 65+. */
const SPREAD_UPPER = [1, 2, 3, 4, 6, 9, 13, 19, 28, 42, 64];
export const SPREAD_VALUES = SPREAD_UPPER.length + 2;
export function spreadBin(spread: number): number {
  // Whole ticks (a spread computed from fractional prices may be 6.0000000001 ticks).
  const spreadTicks = Math.round(spread);
  if (!(spreadTicks > 0)) return 0;
  for (let k = 0; k < SPREAD_UPPER.length; k++) if (spreadTicks <= SPREAD_UPPER[k]) return k + 1;
  return SPREAD_UPPER.length + 1;
}

/** Gap bins (ticks from the side's best to a deeper level): 0 = no such level; 1, 2, 3, 4–5, 6–8, 9–13, 14–20, 21–35, 36+. */
const GAP_UPPER = [1, 2, 3, 5, 8, 13, 20, 35];
export const GAP_VALUES = GAP_UPPER.length + 2;
export function gapBin(gapTicks: number): number {
  if (!(gapTicks > 0)) return 0;
  for (let k = 0; k < GAP_UPPER.length; k++) if (gapTicks <= GAP_UPPER[k]) return k + 1;
  return GAP_UPPER.length + 1;
}

/** Seconds since the last trade: < 1 ms, < 10 ms, < 0.1 s, < 0.5 s, < 1 s, < 2 s, < 5 s, < 10 s, < 30 s, < 60 s, < 180 s, later or never. */
const AGE_UPPER = [0.001, 0.01, 0.1, 0.5, 1, 2, 5, 10, 30, 60, 180];
export const TRADE_AGE_VALUES = AGE_UPPER.length + 1;
export function tradeAgeBin(seconds: number): number {
  if (!(seconds >= 0)) return AGE_UPPER.length;
  for (let k = 0; k < AGE_UPPER.length; k++) if (seconds < AGE_UPPER[k]) return k;
  return AGE_UPPER.length;
}
