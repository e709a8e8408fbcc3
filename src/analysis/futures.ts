/**
 * Summaries of many futures: quantile bands of a quantity across trajectories on a shared time grid
 * (the fan chart's data), and per-minute figures. Pure functions of series: the same code reads
 * simulated trajectories and real paths.
 */
import { quantileSorted } from 'simple-statistics';

export interface FanBands {
  /** Seconds since the start of each grid point. */
  t: Float64Array;
  /** The quantile levels, and for each a series over the grid (NaN where no path has a value). */
  levels: number[];
  bands: Float64Array[];
  /** Paths with a value at each grid point. */
  count: Int32Array;
}

/** Quantiles across `paths` (one series per trajectory, same grid) at each grid point. */
export function fanBands(paths: ArrayLike<number>[], t: ArrayLike<number>, levels: number[] = [0.05, 0.25, 0.5, 0.75, 0.95]): FanBands {
  const n = t.length;
  const bands = levels.map(() => new Float64Array(n).fill(NaN));
  const count = new Int32Array(n);
  const col = new Float64Array(paths.length);
  for (let i = 0; i < n; i++) {
    let m = 0;
    for (const p of paths) {
      const v = p[i];
      if (v === v) col[m++] = v;
    }
    count[i] = m;
    if (m === 0) continue;
    const sorted = Array.from(col.subarray(0, m)).sort((a, b) => a - b);
    for (let q = 0; q < levels.length; q++) bands[q][i] = quantileSorted(sorted, levels[q]);
  }
  return { t: Float64Array.from(t), levels, bands, count };
}
