/**
 * MarS's "what if I trade?" experiment: the same futures with and without a metaorder. A control run
 * (no agent) fixes the window's traded volume V; then, for each size fraction f, a run with a
 * metaorder of Q = f·V shares and the same seed. Trajectory k of every run draws from the same random
 * streams (common random numbers: the model's samples, the decoding, the agents'), so with and
 * without the agent a future is identical until the metaorder's first child order, and the
 * difference of the two mids is the impact, not noise. `impactMeasures` (analysis) measures it.
 *
 *     const exp = await mb.runImpactExperiment({ day, start: '15:00', sizes: [0.05, 0.1, 0.2], trajectories: 16, seed: 1 });
 *     const impact = mb.impactMeasures(exp);
 */
import { median } from 'simple-statistics';
import { LargeMarketModel } from '../model/lmm';
import type { TwapSpec } from './agent';
import { simulateRun, startStateFor, type SimulateOptions } from './simulate';
import type { StartState } from './start-state';
import type { Trajectories } from './trajectories';

/** MarS's TWAP (passive at the near touch, then aggressive up to a level), or every slice sent at once as a marketable order (by default free to sweep the whole book). */
export type ImpactSchedule = 'twap' | 'aggressive';

export interface ImpactExperimentOptions extends Omit<SimulateOptions, 'agents' | 'minutes'> {
  /** Metaorder sizes as fractions of the volume V the control futures traded during the execution window (e.g. 0.02 … 0.5). */
  sizes: number[];
  side?: 'buy' | 'sell';
  schedule?: ImpactSchedule;
  /** Execution window, seconds (default 300: MarS's 5 minutes). */
  duration?: number;
  /** Slices (default 10 of 30 s). */
  slices?: number;
  /** TWAP's passive-volume ratio (default 0.1; MarS's grid: 0.1, 0.9). */
  pvr?: number;
  /** Deepest far-side level an aggressive child may trade at (default 1 for TWAP, as MarS's grid's L1; the aggressive schedule sweeps the book unless given one: on a thin book a level cap leaves large sizes unfilled). */
  aggressiveLevel?: number;
  /** Minutes simulated after the execution window, to watch the impact decay (default 5). */
  after?: number;
}

export interface ImpactRun {
  /** The size as a fraction of V, and in shares. */
  fraction: number;
  quantity: number;
  trajectories: Trajectories;
}

export interface ImpactExperiment {
  side: 'buy' | 'sell';
  schedule: ImpactSchedule;
  /** Execution window and the whole horizon, seconds. */
  duration: number;
  horizon: number;
  /** Median over the control futures of the shares traded during the execution window. */
  windowVolume: number;
  /** The futures without the metaorder. */
  control: Trajectories;
  runs: ImpactRun[];
  /** The metaorder's settings, as run. */
  agent: Omit<TwapSpec, 'quantity'>;
}

/** A level deeper than any book holds: the aggressive schedule's child orders may trade through the whole far side. */
const SWEEP = 1_000_000;

/** Run the control futures and one set of paired futures per size (see the module comment). */
export async function runImpactExperiment(options: ImpactExperimentOptions): Promise<ImpactExperiment> {
  const sizes = options.sizes;
  if (!Array.isArray(sizes) || sizes.length === 0 || sizes.some((f) => !(f > 0))) throw new RangeError(`runImpactExperiment: sizes must be positive fractions of the window's volume, got ${JSON.stringify(sizes)}`);
  const side = options.side ?? 'buy';
  if (side !== 'buy' && side !== 'sell') throw new RangeError(`runImpactExperiment: side must be buy or sell, got ${JSON.stringify(side)}`);
  const schedule = options.schedule ?? 'twap';
  if (schedule !== 'twap' && schedule !== 'aggressive') throw new RangeError(`runImpactExperiment: schedule must be twap or aggressive, got ${JSON.stringify(schedule)}`);
  const duration = options.duration ?? 300;
  const after = options.after ?? 5;
  if (!(duration > 0) || !(after >= 0)) throw new RangeError('runImpactExperiment: duration must be positive and after ≥ 0');
  const horizon = duration + after * 60;
  const agent: Omit<TwapSpec, 'quantity'> = {
    kind: 'twap',
    side,
    duration,
    slices: options.slices ?? 10,
    pvr: schedule === 'twap' ? (options.pvr ?? 0.1) : 0,
    aggressiveLevel: options.aggressiveLevel ?? (schedule === 'twap' ? 1 : SWEEP),
    ...(schedule === 'aggressive' ? { passiveSeconds: 0 } : {}),
  };
  // The model and the start state are made once and shared by every run.
  const lmm = (options.world ?? 'lmm') === 'lmm';
  const model = lmm && !(options.model instanceof LargeMarketModel) ? await LargeMarketModel.load(options.model, { threads: options.threads ?? 2 }) : options.model;
  let state: StartState | undefined = options.state;
  const run = async (agents: TwapSpec[]): Promise<Trajectories> => {
    const [r] = await simulateRun({ ...options, model, minutes: horizon / 60, agents }, (tokenizer) => [(state ??= startStateFor(options, tokenizer))]);
    return r;
  };
  const control = await run([]);
  const windowVolume = windowTradedVolume(control, duration);
  if (!(windowVolume > 0)) throw new Error(`runImpactExperiment: the control futures traded nothing in the first ${duration} s, so sizes as fractions of V mean nothing`);
  const runs: ImpactRun[] = [];
  for (const fraction of sizes) {
    const quantity = Math.max(1, Math.round(fraction * windowVolume));
    runs.push({ fraction, quantity, trajectories: await run([{ ...agent, quantity }]) });
  }
  return { side, schedule, duration, horizon, windowVolume, control, runs, agent };
}

/** Median over trajectories of the shares traded in the first `duration` seconds. */
export function windowTradedVolume(t: Trajectories, duration: number): number {
  const end = t.start + Math.round(duration * 1e9);
  const v = t.data.map((d) => {
    let s = 0;
    for (let i = 0; i < d.trades.time.length && d.trades.time[i] <= end; i++) s += d.trades.qty[i];
    return s;
  });
  return v.length === 0 ? NaN : median(v);
}
