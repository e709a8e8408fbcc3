/**
 * Forecasting by simulation, for any indicator: K simulated futures give, per horizon, a distribution
 * of the indicator (one value per trajectory), its point forecasts (mean, median), quantiles and a
 * histogram; the real continuation, when known, gives the realized value and where it fell in that
 * distribution (its rank, the probability integral transform: uniform over many starts when the
 * forecast distribution is calibrated).
 *
 *     const f = mb.forecastIndicator(futures, 'midReturnBp', { horizons: [10, 30, 60, 300] });
 *     f.toArquero();                       // one row per horizon
 *     mb.charts.forecast(f);               // quantile bands per horizon, the realized value marked
 */
import { quantileSorted } from 'simple-statistics';
import { ColumnarFrame, type Columns } from '../../data/tables';
import type { MarketPath } from '../../data/market-path';
import type { Trajectories } from '../../sim/trajectories';
import { resolveIndicator, type Indicator, type IndicatorFn, type IndicatorName } from './indicators';

/** The quantile levels every forecast reports. */
export const FORECAST_QUANTILES = [0.05, 0.25, 0.5, 0.75, 0.95] as const;

export interface ForecastHistogram {
  horizon: number;
  /** Bin edges (bins + 1), equal widths over the trajectories' range. */
  edges: Float64Array;
  counts: Int32Array;
}

export interface ForecastIndicatorOptions {
  /** Horizons in seconds after the start (each > 0). */
  horizons: number[];
  /** The real continuation (default: `futures.realPath()` when futures are `Trajectories`; null: none). */
  real?: MarketPath | null;
  /** Histogram bins per horizon (default 20). */
  bins?: number;
}

/** Per-horizon forecast of one indicator across trajectories (see the module comment). */
export class IndicatorForecast extends ColumnarFrame {
  readonly length: number;
  constructor(
    readonly indicator: { name: string; unit: string },
    readonly horizons: Float64Array,
    /** The indicator of each trajectory, per horizon: values[h][k]. */
    readonly values: Float64Array[],
    /** The realized value per horizon (NaN when unknown). */
    readonly realized: Float64Array,
    readonly histograms: ForecastHistogram[],
    private readonly cols: Columns,
  ) {
    super();
    this.length = horizons.length;
  }

  /**
   * One row per horizon: `horizon` (s), `n` (trajectories with a value), `mean`, `sd`, `median`,
   * `q05` `q25` `q50` `q75` `q95`, `realized`, and `rank` (the share of trajectories below the realized
   * value, ties counted half; NaN without one).
   */
  columns(): Columns {
    return this.cols;
  }

  /** The histogram at one horizon as a table (`lo`, `hi`, `count`). */
  histogramTable(horizon: number): Columns {
    const h = this.histogramAt(horizon);
    const bins = h.counts.length;
    return { lo: h.edges.slice(0, bins), hi: h.edges.slice(1), count: h.counts };
  }

  /** The histogram at `horizon` (one of the forecast's horizons). */
  histogramAt(horizon: number): ForecastHistogram {
    const h = this.histograms.find((x) => x.horizon === horizon);
    if (!h) throw new RangeError(`forecast: no horizon ${horizon} (horizons: ${Array.from(this.horizons).join(', ')})`);
    return h;
  }
}

function isTrajectories(x: unknown): x is Trajectories {
  return !!x && typeof (x as Trajectories).paths === 'function' && typeof (x as Trajectories).realPath === 'function';
}

/** Equal-width histogram over the finite values (one bin of width 1 around a single value). */
export function histogram(values: ArrayLike<number>, bins: number): { edges: Float64Array; counts: Int32Array } {
  if (!(Number.isInteger(bins) && bins > 0)) throw new RangeError(`histogram: bins must be a positive whole number, got ${bins}`);
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo > hi) return { edges: new Float64Array(0), counts: new Int32Array(0) };
  if (lo === hi) return { edges: Float64Array.of(lo - 0.5, hi + 0.5), counts: Int32Array.of(countFinite(values)) };
  const edges = new Float64Array(bins + 1);
  for (let b = 0; b <= bins; b++) edges[b] = lo + ((hi - lo) * b) / bins;
  const counts = new Int32Array(bins);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    counts[Math.min(bins - 1, Math.floor(((v - lo) / (hi - lo)) * bins))]++;
  }
  return { edges, counts };
}

function countFinite(values: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) n++;
  return n;
}

/**
 * Forecast `indicator` at each horizon from simulated futures (`Trajectories`, or paths you built), with
 * the realized value from the real continuation when known.
 */
export function forecastIndicator(futures: Trajectories | MarketPath[], indicator: IndicatorName | IndicatorFn | Indicator, options: ForecastIndicatorOptions): IndicatorForecast {
  const ind = resolveIndicator(indicator);
  const horizons = options?.horizons;
  if (!Array.isArray(horizons) || horizons.length === 0) throw new RangeError('forecastIndicator: horizons must be a non-empty list of seconds');
  for (const h of horizons) if (!(h > 0) || !Number.isFinite(h)) throw new RangeError(`forecastIndicator: horizons must be positive seconds, got ${h}`);
  const bins = options.bins ?? 20;
  if (!(Number.isInteger(bins) && bins > 0)) throw new RangeError(`forecastIndicator: bins must be a positive whole number, got ${bins}`);
  const paths = isTrajectories(futures) ? futures.paths() : futures;
  if (!Array.isArray(paths) || paths.length === 0) throw new RangeError('forecastIndicator: no trajectories');
  const real = options.real !== undefined ? options.real : isTrajectories(futures) ? futures.realPath() : null;
  const H = horizons.length;
  const Q = FORECAST_QUANTILES.length;
  const values: Float64Array[] = [];
  const realized = new Float64Array(H).fill(NaN);
  const n = new Int32Array(H);
  const mean = new Float64Array(H).fill(NaN);
  const sd = new Float64Array(H).fill(NaN);
  const q = FORECAST_QUANTILES.map(() => new Float64Array(H).fill(NaN));
  const rank = new Float64Array(H).fill(NaN);
  const histograms: ForecastHistogram[] = [];
  for (let j = 0; j < H; j++) {
    const h = horizons[j];
    const v = Float64Array.from(paths, (p) => ind.compute(p, h));
    values.push(v);
    const finite = Array.from(v).filter(Number.isFinite).sort((a, b) => a - b);
    n[j] = finite.length;
    if (finite.length > 0) {
      let s = 0;
      for (const x of finite) s += x;
      mean[j] = s / finite.length;
      let ss = 0;
      for (const x of finite) ss += (x - mean[j]) ** 2;
      sd[j] = finite.length > 1 ? Math.sqrt(ss / (finite.length - 1)) : NaN;
      for (let k = 0; k < Q; k++) q[k][j] = quantileSorted(finite, FORECAST_QUANTILES[k]);
    }
    if (real) realized[j] = ind.compute(real, h);
    if (Number.isFinite(realized[j]) && finite.length > 0) {
      let below = 0;
      for (const x of finite) below += x < realized[j] ? 1 : x === realized[j] ? 0.5 : 0;
      rank[j] = below / finite.length;
    }
    histograms.push({ horizon: h, ...histogram(v, bins) });
  }
  const cols: Columns = {
    horizon: Float64Array.from(horizons),
    n,
    mean,
    sd,
    median: q[2].slice(),
    q05: q[0],
    q25: q[1],
    q50: q[2],
    q75: q[3],
    q95: q[4],
    realized,
    rank,
  };
  return new IndicatorForecast({ name: ind.name, unit: ind.unit }, Float64Array.from(horizons), values, realized, histograms, cols);
}
