/**
 * MarS's forecasting task on a real day, set up in one call: labels at every start, a split in time
 * (training starts whose label window ends by `split`; held-out starts from `split` on — the shipped
 * model never trained on orders from 15:00), class thresholds fitted on the training labels, and the
 * baselines (majority class, logistic regression, ridge regression of the label) fitted on the
 * training starts, with their held-out forecasts ready for `compareForecasts`.
 *
 *     const task = mb.fitForecastBaselines(events, { starts: mb.startTimes('09:45', '15:59', 30), horizon: 60 });
 *     const cmp = mb.compareForecasts(task.heldLabels, task.thresholds, { ...task.heldOut, simulation });
 *
 * A simulation's forecast for the same held-out starts (`predictFromFutures` of each start's futures,
 * in the order of `heldStarts`) joins the comparison as one more method.
 */
import type { OrderEvents } from '../../data/order-events';
import { clockSeconds } from '../../util/clock';
import { flowFeatures, selectRows, type FeatureMatrix, type FlowFeatureOptions } from './features';
import { classify, fitClassThresholds, realLabels, type ClassThresholds } from './labels';
import { fitLinear, fitLogistic, majorityBaseline, type LinearModel, type LogisticModel, type LogisticOptions, type MajorityBaseline } from './baselines';
import type { MethodForecast } from './evaluation';

export interface ForecastTaskOptions {
  /** Start times, seconds after midnight (`startTimes`). */
  starts: ArrayLike<number>;
  /** Label horizon k, seconds. */
  horizon: number;
  /** Where held-out time begins ("HH:MM[:SS]" or seconds; default 15:00). */
  split?: string | number;
  features?: FlowFeatureOptions;
  /** Options of the logistic fit; its `lambda` is the linear baseline's penalty too. */
  logistic?: LogisticOptions;
}

export interface ForecastBaselines {
  horizon: number;
  split: number;
  starts: Float64Array;
  /** MarS's label at every start (NaN where the day ends inside the window). */
  labels: Float64Array;
  thresholds: ClassThresholds;
  /** Indices of the training starts (label window ends by the split) and of the held-out starts (from the split on, with a label). */
  train: Int32Array;
  held: Int32Array;
  heldStarts: Float64Array;
  heldLabels: Float64Array;
  /** Features at every start. */
  features: FeatureMatrix;
  majority: MajorityBaseline;
  logistic: LogisticModel;
  /** Ridge regression of the label on the same features (a predicted mean label, and its class). */
  linear: LinearModel;
  /** The baselines' forecasts for the held-out starts. */
  heldOut: { majority: MethodForecast; logistic: MethodForecast; linear: MethodForecast };
}

/** Set up the task and fit its baselines (see the module comment). */
export function fitForecastBaselines(events: OrderEvents, options: ForecastTaskOptions): ForecastBaselines {
  const k = options.horizon;
  if (!(k > 0) || !Number.isFinite(k)) throw new RangeError(`fitForecastBaselines: horizon must be a positive number of seconds, got ${k}`);
  const split = clockSeconds(options.split ?? '15:00');
  const starts = Float64Array.from(options.starts);
  const labels = realLabels(events, starts, k);
  const train: number[] = [];
  const held: number[] = [];
  for (let i = 0; i < starts.length; i++) {
    if (!Number.isFinite(labels[i])) continue;
    if (starts[i] + k <= split) train.push(i);
    else if (starts[i] >= split) held.push(i);
  }
  if (train.length < 3) throw new RangeError(`fitForecastBaselines: ${train.length} training starts end before the split ${options.split ?? '15:00'} (need at least 3)`);
  if (held.length === 0) throw new RangeError(`fitForecastBaselines: no start at or after the split ${options.split ?? '15:00'} has a label`);
  const thresholds = fitClassThresholds(train.map((i) => labels[i]));
  const classes = classify(labels, thresholds);
  const ytr = train.map((i) => classes[i]);
  const features = flowFeatures(events, starts, options.features);
  const majority = majorityBaseline(ytr);
  const xtr = selectRows(features, train);
  const logistic = fitLogistic(xtr, ytr, options.logistic);
  const linear = fitLinear(xtr, train.map((i) => labels[i]), { lambda: options.logistic?.lambda });
  const xh = selectRows(features, held);
  const linearMean = linear.predictMean(xh);
  return {
    horizon: k,
    split,
    starts,
    labels,
    thresholds,
    train: Int32Array.from(train),
    held: Int32Array.from(held),
    heldStarts: Float64Array.from(held, (i) => starts[i]),
    heldLabels: Float64Array.from(held, (i) => labels[i]),
    features,
    majority,
    logistic,
    linear,
    heldOut: {
      majority: { predicted: majority.predict(xh), proba: majority.predictProba(xh) },
      logistic: { proba: logistic.predictProba(xh) },
      linear: { mean: linearMean, predicted: classify(linearMean, thresholds) },
    },
  };
}

/**
 * The baselines' held-out forecasts and the realized labels at some of the held-out starts (a
 * simulation is usually run at fewer starts than the baselines' grid), in the order of `starts`.
 * Every start must be one of `task.heldStarts`.
 */
export function heldOutAt(task: ForecastBaselines, starts: ArrayLike<number>): { realized: Float64Array; methods: Record<'majority' | 'logistic' | 'ridge', MethodForecast> } {
  const rows = Array.from(starts, (t) => {
    const i = task.heldStarts.indexOf(t);
    if (i < 0) throw new RangeError(`heldOutAt: start ${t} s is not a held-out start of the task (a start from the split on, on the task's grid, whose label window fits in the day)`);
    return i;
  });
  const pick = (f: MethodForecast): MethodForecast => ({
    predicted: f.predicted ? rows.map((i) => f.predicted![i]) : undefined,
    proba: f.proba ? rows.flatMap((i) => [f.proba![3 * i], f.proba![3 * i + 1], f.proba![3 * i + 2]]) : undefined,
    mean: f.mean ? rows.map((i) => f.mean![i]) : undefined,
  });
  return {
    realized: Float64Array.from(rows, (i) => task.heldLabels[i]),
    methods: { majority: pick(task.heldOut.majority), logistic: pick(task.heldOut.logistic), ridge: pick(task.heldOut.linear) },
  };
}
