/** Binary search over sorted numbers. */

/** The first index in [lo, hi) whose value is ≥ x (hi when there is none). */
export function lowerBound(sorted: ArrayLike<number>, x: number, lo = 0, hi = sorted.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
