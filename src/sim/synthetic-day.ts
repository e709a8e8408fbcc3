/**
 * A synthetic LOBSTER day: a noise trader drives the matching engine through a `LobsterRecorder`.
 * A warm-up before the session opens builds a book whose orders the files never name, as in a real
 * LOBSTER file (orders resting before 09:30). Used for fixtures where the real samples are absent,
 * and as a quick, known-correct input for tests and benchmarks.
 */
import { OrderBook } from '../book/order-book';
import { LobsterRecorder } from './lobster-recorder';
import { NoiseTrader, type NoiseOptions } from './noise';

export interface SyntheticDayOptions {
  seed: number;
  /** Events written during the session. */
  events: number;
  /** Events before the open (not written). */
  warmupEvents?: number;
  /** LOBSTER level of the files. */
  levels?: number;
  /** Session open, seconds after midnight. */
  open?: number;
  noise?: Partial<NoiseOptions>;
}

/**
 * The noise trader's settings for a synthetic day: orders spread wide and cancelled often, which makes
 * a sparse "small-tick" book like GOOG's in the samples (≈11-tick spread, ten levels across ≈33 ticks)
 * rather than one where every tick near the touch is filled.
 */
export const SYNTHETIC_DAY_NOISE: Partial<NoiseOptions> = Object.freeze({ meanDepthTicks: 15, cancelShare: 0.48 });

export function syntheticLobsterDay(options: SyntheticDayOptions): LobsterRecorder {
  const levels = options.levels ?? 10;
  const open = options.open ?? 34_200;
  const book = new OrderBook();
  const rec = new LobsterRecorder(book, levels);
  const trader = new NoiseTrader(options.seed, { ...SYNTHETIC_DAY_NOISE, ...options.noise });
  const warmup = options.warmupEvents ?? 2_000;
  rec.recording = false;
  let t = open - 1;
  for (let i = 0; i < warmup + options.events; i++) {
    if (i === warmup) {
      rec.recording = true;
      t = open;
    }
    const a = trader.next(book);
    t += warmup > 0 && i < warmup ? 1 / warmup : a.gap;
    if (a.kind === 'cancel') rec.cancel(a.id, a.qty, t);
    else {
      rec.submit(a.id, a.side, a.price, a.qty, t);
      if (book.has(a.id)) trader.rested(a.id);
    }
  }
  return rec;
}
