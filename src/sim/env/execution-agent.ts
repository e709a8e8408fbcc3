/**
 * The execution task of MarS's RL application, as an agent whose every slice waits for a decision from
 * outside (an `ExecutionEnv` step): buy (or sell) Q shares over `duration` seconds in `slices` equal
 * slices. A slice's decision is MarS's pair, (passive-volume ratio, aggressive level):
 *
 * - at the slice's start, one limit order at the near touch (the best bid for a buyer) of at most
 *   `pvr` × the volume resting there, and at most what the straight-line schedule still asks for
 *   (Q·(i+1)/N minus everything filled so far: shortfalls carry into the next slice, as in TWAP);
 * - after `passiveSeconds` (25 of 30 s by default) the rest of the passive order is cancelled and what
 *   the schedule still asks for goes out as an immediate-or-cancel order that may trade up to the
 *   `level`-th price level of the far side (level 0: no aggressive order, the rest carries over);
 * - end rule, **forced completion**: the last slice's aggressive order is a market order for
 *   everything still left, whatever its level. Only if the far side runs dry is something left; that
 *   part is charged `unfilledPenaltyBp` above the arrival mid.
 *
 * Reward, in basis points of the arrival mid (the mid when the first decision is taken), per decision:
 * minus the cost of the fills since the previous decision, Σ side·(price − arrival)·qty / (Q·arrival),
 * so the rewards of an episode sum to **−shortfallBp** (shortfall positive = cost: paid above the
 * arrival mid when buying, received below it when selling).
 */
import type { Side } from '../../data/order-flow';
import { seconds, type Agent, type Market } from '../agent';

export interface ExecutionTask {
  side: 'buy' | 'sell';
  /** Shares to execute (Q). */
  quantity: number;
  /** Execution window in seconds (default 300) and number of slices, one decision each (default 10). */
  duration?: number;
  slices?: number;
  /** Seconds of each slice spent passive before the aggressive order (default 25 of 30: 5/6 of a slice). */
  passiveSeconds?: number;
  /** What a share the forced completion could not buy costs, in bp above the arrival mid (default 100). */
  unfilledPenaltyBp?: number;
}

/** One slice's decision: passive-volume ratio (0: no passive order) and aggressive level (0: none; 1: the touch). */
export interface ExecutionAction {
  pvr: number;
  level: number;
}

/**
 * What the policy sees at each decision, scaled to a few units (the observation's order):
 *
 * | name | meaning |
 * |---|---|
 * | timeLeft | slices left / N (1 at the first decision) |
 * | quantityLeft | shares left / Q |
 * | behindSchedule | i/N − filled/Q: the straight line's share not yet filled (0 on schedule) |
 * | spread | spread in ticks / 10 (clipped 0..5; 5 when a side is empty) |
 * | imbalance | side · (bid qty − ask qty) / (bid qty + ask qty) at the touch: > 0 pressure in the agent's direction |
 * | return | side · mid change since the previous decision, in 10 bp (clipped ±5; > 0 the price moved against the agent) |
 * | volume | log(1 + shares traded in the market since the previous decision / Q) |
 * | move | side · mid change since arrival, in 10 bp (clipped ±5) |
 * | passiveFill | share of the previous slice's passive order that filled (0 without one) |
 * | cost | shortfall of the shares filled so far, in 10 bp (clipped ±5; 0 before any fill) |
 */
export const OBSERVATION_FEATURES = ['timeLeft', 'quantityLeft', 'behindSchedule', 'spread', 'imbalance', 'return', 'volume', 'move', 'passiveFill', 'cost'] as const;
export type ObservationFeature = (typeof OBSERVATION_FEATURES)[number];

const clip = (x: number, lo: number, hi: number): number => (x === x ? Math.min(hi, Math.max(lo, x)) : 0);

/** Check a task and fill in its defaults (one-line errors naming the field). */
export function resolveTask(task: ExecutionTask): Required<ExecutionTask> {
  if (!task || (task.side !== 'buy' && task.side !== 'sell')) throw new RangeError(`execution task: side must be 'buy' or 'sell', got ${JSON.stringify(task?.side)}`);
  if (!(Number.isInteger(task.quantity) && task.quantity > 0)) throw new RangeError(`execution task: quantity must be a positive whole number of shares, got ${task.quantity}`);
  const duration = task.duration ?? 300;
  const slices = task.slices ?? 10;
  if (!(duration > 0)) throw new RangeError(`execution task: duration must be positive seconds, got ${duration}`);
  if (!(Number.isInteger(slices) && slices > 0)) throw new RangeError(`execution task: slices must be a positive whole number, got ${slices}`);
  const passiveSeconds = task.passiveSeconds ?? (duration / slices) * (25 / 30);
  if (!(passiveSeconds >= 0 && passiveSeconds < duration / slices)) throw new RangeError(`execution task: passiveSeconds must be ≥ 0 and shorter than a slice (${duration / slices} s), got ${passiveSeconds}`);
  const unfilledPenaltyBp = task.unfilledPenaltyBp ?? 100;
  if (!(unfilledPenaltyBp >= 0)) throw new RangeError(`execution task: unfilledPenaltyBp must be ≥ 0, got ${unfilledPenaltyBp}`);
  return { side: task.side, quantity: task.quantity, duration, slices, passiveSeconds, unfilledPenaltyBp };
}

/** Check one action (one-line error naming the value). */
export function checkAction(a: ExecutionAction): ExecutionAction {
  if (!a || !(a.pvr >= 0 && a.pvr <= 1)) throw new RangeError(`execution action: pvr must be in [0, 1], got ${JSON.stringify(a?.pvr)}`);
  if (!(a.level === Infinity || (Number.isInteger(a.level) && a.level >= 0))) throw new RangeError(`execution action: level must be a whole number ≥ 0 (0: no aggressive order) or Infinity, got ${JSON.stringify(a.level)}`);
  return a;
}

export class ExecutionAgent implements Agent {
  readonly name: string;
  readonly side: Side;
  readonly task: Required<ExecutionTask>;
  private readonly sliceNs: number;
  private readonly passiveNs: number;
  private m: Market | null = null;
  private t0 = 0;
  /** The slice whose decision comes next (or is being carried out). */
  slice = 0;
  private phase: 'passive' | 'aggressive' = 'passive';
  private action: ExecutionAction | null = null;
  /** True once the last slice is done (or the world ended before it). */
  finished = false;
  private passiveId = 0;
  private passiveQty = 0;
  private passiveSliceFilled = 0;
  private lastPassiveFill = 0;
  filled = 0;
  private notional = 0;
  /** Shares filled by passive orders, by aggressive ones before the last slice, and by the forced completion. */
  passiveFilled = 0;
  aggressiveFilled = 0;
  forcedFilled = 0;
  /** Shares the forced completion was sent for. */
  forced = 0;
  /** Shares no order could fill (charged the penalty). */
  unfilled = 0;
  orders = 0;
  arrivalMid = NaN;
  private stepCost = 0;
  private penaltyCharged = false;
  private lastMid = NaN;
  private lastTape = 0;
  /** Actions taken, slice by slice. */
  readonly actions: ExecutionAction[] = [];

  constructor(task: ExecutionTask) {
    this.task = resolveTask(task);
    this.side = this.task.side === 'sell' ? -1 : 1;
    this.sliceNs = seconds(this.task.duration / this.task.slices);
    this.passiveNs = Math.min(this.sliceNs - 1, seconds(this.task.passiveSeconds));
    this.name = `execution-${this.task.side}-${this.task.quantity}`;
  }

  start(m: Market): number {
    this.m = m;
    this.t0 = m.time;
    return this.t0;
  }

  /** Waiting for the next slice's decision. */
  waiting(): boolean {
    return !this.finished && this.phase === 'passive' && this.action === null;
  }

  /** Give the decision for the current slice (the world then resumes). */
  setAction(a: ExecutionAction): void {
    if (!this.waiting()) throw new Error(`execution agent: no decision is due (slice ${this.slice}${this.finished ? ', finished' : ''})`);
    this.action = checkAction(a);
  }

  /** Time (ns) of the next decision: the current slice's start. */
  get decisionTime(): number {
    return this.t0 + this.slice * this.sliceNs;
  }

  private midNow(): number {
    const m = this.m!;
    const mid = m.book.mid();
    if (mid === mid) return mid;
    if (this.lastMid === this.lastMid) return this.lastMid;
    return m.startMid;
  }

  /**
   * The observation at the pending decision (see OBSERVATION_FEATURES), written into `out`. Call it
   * once per decision: it also marks where "since the previous decision" starts; the first call of an
   * episode fixes the arrival mid.
   */
  observe(out: Float64Array = new Float64Array(OBSERVATION_FEATURES.length)): Float64Array {
    const m = this.m!;
    const book = m.book;
    const Q = this.task.quantity;
    const N = this.task.slices;
    const side = this.side;
    const mid = this.midNow();
    if (!(this.arrivalMid === this.arrivalMid)) {
      this.arrivalMid = mid;
      this.lastMid = mid;
      this.lastTape = m.trades.length;
    }
    const tape = m.trades;
    let vol = 0;
    for (let i = this.lastTape; i < tape.length; i++) vol += tape.qty(i);
    const bq = book.bestBidQty();
    const aq = book.bestAskQty();
    const spread = book.spread();
    const a = this.arrivalMid;
    out[0] = (N - this.slice) / N;
    out[1] = (Q - this.filled) / Q;
    out[2] = this.slice / N - this.filled / Q;
    out[3] = spread === spread ? clip(spread / m.tick / 10, 0, 5) : 5;
    out[4] = bq + aq > 0 ? (side * (bq - aq)) / (bq + aq) : 0;
    out[5] = clip((side * (mid / this.lastMid - 1) * 1e4) / 10, -5, 5);
    out[6] = Math.log1p(vol / Q);
    out[7] = clip((side * (mid / a - 1) * 1e4) / 10, -5, 5);
    out[8] = this.lastPassiveFill;
    out[9] = this.filled > 0 ? clip((side * (this.notional / this.filled / a - 1) * 1e4) / 10, -5, 5) : 0;
    this.lastMid = mid;
    this.lastTape = tape.length;
    return out;
  }

  private target(): number {
    const Q = this.task.quantity;
    return Math.round((Q * (this.slice + 1)) / this.task.slices) - this.filled;
  }

  wake(m: Market): number | null {
    const side = this.side;
    const sliceStart = this.t0 + this.slice * this.sliceNs;
    const act = this.action!;
    if (this.phase === 'passive') {
      this.passiveId = 0;
      this.passiveQty = 0;
      this.passiveSliceFilled = 0;
      const want = this.target();
      const near = m.book.best(side);
      if (want > 0 && act.pvr > 0 && near === near) {
        const q = Math.min(want, Math.floor(act.pvr * m.book.volumeAt(side, near)));
        if (q > 0) {
          this.passiveId = m.limit(side, near, q);
          if (this.passiveId) {
            this.passiveQty = q;
            this.orders++;
          }
        }
      }
      this.phase = 'aggressive';
      return sliceStart + this.passiveNs;
    }
    if (this.passiveId && m.cancel(this.passiveId) > 0) this.orders++;
    this.lastPassiveFill = this.passiveQty > 0 ? this.passiveSliceFilled / this.passiveQty : 0;
    this.passiveId = 0;
    const last = this.slice === this.task.slices - 1;
    const want = last ? this.task.quantity - this.filled : this.target();
    if (want > 0) {
      if (last) {
        this.forced = want;
        m.market(side, want);
        this.orders++;
      } else if (act.level >= 1) {
        const far = -side;
        const n = m.book.levelCount(far);
        if (n > 0) {
          m.market(side, want, m.book.levelPrice(far, Math.min(act.level, n) - 1));
          this.orders++;
        }
      }
    }
    this.actions.push(act);
    this.action = null;
    this.slice++;
    this.phase = 'passive';
    if (this.slice < this.task.slices) return this.t0 + this.slice * this.sliceNs;
    this.end();
    return null;
  }

  /** The episode is over (the last slice, or the world ended first): what is left is charged the penalty. */
  end(): void {
    this.finished = true;
    if (this.penaltyCharged) return;
    this.penaltyCharged = true;
    this.unfilled = this.task.quantity - this.filled;
    if (this.unfilled > 0 && this.arrivalMid === this.arrivalMid) this.stepCost += (this.unfilled * this.arrivalMid * this.task.unfilledPenaltyBp) / 1e4;
  }

  onFill(id: number, _side: Side, price: number, qty: number): void {
    this.filled += qty;
    this.notional += price * qty;
    this.stepCost += this.side * (price - this.arrivalMid) * qty;
    if (id === this.passiveId) {
      this.passiveFilled += qty;
      this.passiveSliceFilled += qty;
    } else if (this.forced > 0) this.forcedFilled += qty;
    else this.aggressiveFilled += qty;
  }

  /** The reward since the last call, bp of the arrival mid (minus the cost of the fills; the penalty once the episode ends). */
  takeReward(): number {
    const c = this.stepCost;
    this.stepCost = 0;
    return c === 0 ? 0 : -(c / (this.task.quantity * this.arrivalMid)) * 1e4;
  }

  /** Implementation shortfall so far, bp of the arrival mid, over Q shares (unfilled shares at the penalty once the episode is over). */
  get shortfallBp(): number {
    const a = this.arrivalMid;
    const Q = this.task.quantity;
    const paid = this.side * (this.notional - this.filled * a) + (this.penaltyCharged ? (this.unfilled * a * this.task.unfilledPenaltyBp) / 1e4 : 0);
    return (paid / (Q * a)) * 1e4;
  }

  report(): Record<string, number> {
    const Q = this.task.quantity;
    return {
      quantity: Q,
      filled: this.filled,
      left: Q - this.filled,
      passiveFilled: this.passiveFilled,
      aggressiveFilled: this.aggressiveFilled,
      forced: this.forced,
      forcedFilled: this.forcedFilled,
      avgPrice: this.filled > 0 ? this.notional / this.filled : NaN,
      arrivalMid: this.arrivalMid,
      shortfallBp: this.shortfallBp,
      slices: this.slice,
      orders: this.orders,
    };
  }
}
