/**
 * MarS's forecasting task (after Ntakaris et al. 2018). At a start time t with mid m0, over a horizon of
 * k seconds:
 *
 *     l = mean(mid after each order in (t, t + k]) / m0 − 1
 *
 * (a fraction; 0 when no order came in the window: the mid did not move). Three classes, down / flat /
 * up (0 / 1 / 2): l < lo is down, l > hi is up, the rest flat, with lo and hi the 1/3 and 2/3 quantiles
 * of the labels of the training starts, so the training classes are balanced (as balanced as ties
 * allow: many labels are exactly 0 at short horizons, and then lo = hi = 0 and "flat" is "unchanged";
 * see `fitClassThresholds`).
 *
 * A prediction from K simulated futures of one start: the class of the mean label across trajectories,
 * and class probabilities = the share of trajectories whose label falls in each class.
 *
 * Labels on a real day at many start times come from its order events (`extractOrders`): the path
 * after each start is the one `startFromDay` would continue from (`pathFromEvents`).
 */
import type { OrderEvents } from '../../data/order-events';
import { pathFromEvents, type MarketPath } from '../../data/market-path';
import type { Trajectories } from '../../sim/trajectories';
import { clockSeconds } from '../../util/clock';
import { marsLabel } from './indicators';

export const CLASS_NAMES = ['down', 'flat', 'up'] as const;
export const DOWN = 0;
export const FLAT = 1;
export const UP = 2;
export const N_CLASSES = 3;

export interface ClassThresholds {
  /** Labels below `lo` are down. */
  lo: number;
  /** Labels above `hi` are up. */
  hi: number;
}

/** Start times from `from` to `to` (both "HH:MM[:SS]" or seconds after midnight, `to` included when on the grid) every `every` seconds. */
export function startTimes(from: string | number, to: string | number, every: number): Float64Array {
  const a = clockSeconds(from);
  const b = clockSeconds(to);
  if (!(every > 0) || !Number.isFinite(every)) throw new RangeError(`startTimes: every must be a positive number of seconds, got ${every}`);
  if (!(b >= a)) throw new RangeError(`startTimes: to (${to}) is before from (${from})`);
  const n = Math.floor((b - a) / every + 1e-9) + 1;
  return Float64Array.from({ length: n }, (_, i) => a + i * every);
}

function checkHorizon(name: string, h: number): void {
  if (!(h > 0) || !Number.isFinite(h)) throw new RangeError(`${name}: horizon must be a positive number of seconds, got ${h}`);
}

/**
 * MarS's label at each start time of a real day (seconds after midnight), over `horizon` seconds.
 * NaN where the day ends before start + horizon. Throws for a start before the day's first order.
 */
export function realLabels(events: OrderEvents, starts: ArrayLike<number>, horizon: number): Float64Array {
  checkHorizon('realLabels', horizon);
  return Float64Array.from({ length: starts.length }, (_, i) => marsLabel(pathFromEvents(events, starts[i], { seconds: horizon }), horizon));
}

/** MarS's label of each simulated trajectory (futures, or paths), over `horizon` seconds after the start. */
export function simulatedLabels(futures: Trajectories | MarketPath[], horizon: number): Float64Array {
  checkHorizon('simulatedLabels', horizon);
  const paths = Array.isArray(futures) ? futures : futures.paths();
  return Float64Array.from(paths, (p) => marsLabel(p, horizon));
}

/**
 * Thresholds that balance the three classes on the (training) labels: their 1/3 and 2/3 quantiles,
 * taken midway between the sorted labels around n/3 and 2n/3, so that "below lo" and "above hi" each
 * hold a third of them (n = 9 labels 1…9: lo = 3.5, hi = 6.5, classes 3/3/3). Ties can make that
 * impossible: with many labels at 0, lo = hi = 0 and the classes are "fell", "unchanged", "rose".
 */
export function fitClassThresholds(labels: ArrayLike<number>): ClassThresholds {
  const v = Array.from(labels).filter(Number.isFinite).sort((a, b) => a - b);
  const n = v.length;
  if (n < 3) throw new RangeError(`fitClassThresholds: need at least 3 finite labels, got ${n}`);
  const cut = (k: number) => (v[k - 1] + v[k]) / 2;
  return { lo: cut(Math.round(n / 3)), hi: cut(Math.round((2 * n) / 3)) };
}

/** The class of one label (0 down, 1 flat, 2 up; −1 for NaN). */
export function classOf(label: number, t: ClassThresholds): number {
  if (!(label === label)) return -1;
  return label < t.lo ? DOWN : label > t.hi ? UP : FLAT;
}

/** The class of each label (0 down, 1 flat, 2 up; −1 for NaN). */
export function classify(labels: ArrayLike<number>, t: ClassThresholds): Int8Array {
  return Int8Array.from({ length: labels.length }, (_, i) => classOf(labels[i], t));
}

/** Simulation forecasts for many starts: per start, the mean label, its class and the class probabilities. */
export interface FuturesPrediction {
  /** Mean label across the start's trajectories. */
  mean: Float64Array;
  /** Class of the mean label. */
  predicted: Int8Array;
  /** Share of trajectories in each class, row-major [start][class] (3 per start). */
  proba: Float64Array;
  /** Trajectories with a finite label, per start. */
  count: Int32Array;
}

/**
 * MarS's prediction from simulated labels: `labels[i]` holds the labels of start i's trajectories
 * (`simulatedLabels` of its futures). NaN labels are left out; a start with none is an error.
 *
 * Mind that a mean of K labels varies less than one label, while the thresholds cut single labels:
 * the class of the mean drifts towards "flat" as K grows (a noise world with K = 16 on GOOG predicted
 * flat at 113 of 118 starts). The most probable class by shares (`{ proba }` alone in
 * `compareForecasts`, which then predicts the argmax) does not have that drift.
 */
export function predictFromFutures(labels: ArrayLike<ArrayLike<number>>, t: ClassThresholds): FuturesPrediction {
  const n = labels.length;
  const mean = new Float64Array(n);
  const predicted = new Int8Array(n);
  const proba = new Float64Array(3 * n);
  const count = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const ls = labels[i];
    let s = 0;
    let m = 0;
    for (let k = 0; k < ls.length; k++) {
      const l = ls[k];
      if (!(l === l)) continue;
      s += l;
      m++;
      proba[3 * i + classOf(l, t)]++;
    }
    if (m === 0) throw new RangeError(`predictFromFutures: start ${i} has no trajectory with a label`);
    for (let c = 0; c < 3; c++) proba[3 * i + c] /= m;
    mean[i] = s / m;
    predicted[i] = classOf(mean[i], t);
    count[i] = m;
  }
  return { mean, predicted, proba, count };
}

/**
 * A simulation's two forecasts from K futures per start (one `Trajectories` or label list per start):
 * MarS's (the class of the mean label; `mean` for the correlation) and the vote (class probabilities as
 * shares of futures, the most frequent class predicted), ready for `compareForecasts`.
 */
export function futuresForecasts(futures: Array<Trajectories | MarketPath[]>, horizon: number, t: ClassThresholds): { mean: { predicted: Int8Array; mean: Float64Array }; vote: { proba: Float64Array; mean: Float64Array } } {
  const p = predictFromFutures(futures.map((f) => simulatedLabels(f, horizon)), t);
  return { mean: { predicted: p.predicted, mean: p.mean }, vote: { proba: p.proba, mean: p.mean } };
}
