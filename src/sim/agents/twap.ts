/**
 * MarS's TWAP execution agent: a metaorder of `quantity` shares over `duration` seconds in `slices`
 * equal slices. Each slice starts passive — one limit order at the near touch (the best bid for a
 * buyer), at most `pvr` × the volume resting there — and after `passiveSeconds` cancels what is left
 * of it and sends the rest of the slice's target as an immediate-or-cancel order that may trade up to
 * the `aggressiveLevel`-th level of the far side. The schedule is cumulative: a slice's target is
 * what the straight line Q·(i+1)/N asks for minus everything filled so far, so a shortfall carries
 * into the next slice. What is left after the last slice stays unfilled (see `report().left`).
 */
import type { Side } from '../../data/order-flow';
import { seconds, type Agent, type Market, type TwapSpec } from '../agent';

export class TwapAgent implements Agent {
  readonly name: string;
  readonly side: Side;
  private readonly slices: number;
  private readonly sliceNs: number;
  private readonly passiveNs: number;
  private readonly pvr: number;
  private readonly level: number;
  private readonly startAfterNs: number;
  private t0 = 0;
  private slice = 0;
  private phase: 'passive' | 'aggressive' = 'passive';
  private passiveId = 0;
  private filled = 0;
  private notional = 0;
  private arrivalMid = NaN;
  private firstOrderTime = -1;
  private lastFillTime = -1;

  constructor(readonly spec: TwapSpec) {
    if (!(spec.quantity > 0)) throw new RangeError(`twap: quantity must be positive, got ${spec.quantity}`);
    this.side = spec.side === 'sell' ? -1 : 1;
    this.slices = spec.slices ?? 10;
    const duration = spec.duration ?? 300;
    this.sliceNs = seconds(duration / this.slices);
    this.passiveNs = Math.min(this.sliceNs - 1, seconds(spec.passiveSeconds ?? (duration / this.slices) * (25 / 30)));
    this.pvr = spec.pvr ?? 0.1;
    this.level = Math.max(1, Math.floor(spec.aggressiveLevel ?? 1));
    this.startAfterNs = seconds(spec.startAfter ?? 0);
    this.name = `twap-${spec.side}-${spec.quantity}`;
  }

  start(m: Market): number {
    this.t0 = m.time + this.startAfterNs;
    return this.t0;
  }

  private target(slice: number): number {
    return Math.round((this.spec.quantity * (slice + 1)) / this.slices) - this.filled;
  }

  wake(m: Market): number | null {
    if (this.firstOrderTime < 0) {
      this.firstOrderTime = m.time;
      this.arrivalMid = m.book.mid();
    }
    const sliceStart = this.t0 + this.slice * this.sliceNs;
    if (this.phase === 'passive') {
      const want = this.target(this.slice);
      const near = m.book.best(this.side);
      if (want > 0 && near === near) {
        const cap = Math.floor(this.pvr * m.book.volumeAt(this.side, near));
        const q = Math.min(want, cap);
        if (q > 0) this.passiveId = m.limit(this.side, near, q);
      }
      this.phase = 'aggressive';
      return sliceStart + this.passiveNs;
    }
    if (this.passiveId) m.cancel(this.passiveId);
    this.passiveId = 0;
    const want = this.target(this.slice);
    if (want > 0) {
      const far = -this.side;
      const n = m.book.levelCount(far);
      if (n > 0) m.market(this.side, want, m.book.levelPrice(far, Math.min(this.level, n) - 1));
    }
    this.slice++;
    this.phase = 'passive';
    return this.slice < this.slices ? this.t0 + this.slice * this.sliceNs : null;
  }

  onFill(_id: number, _side: Side, price: number, qty: number, time: number): void {
    this.filled += qty;
    this.notional += price * qty;
    this.lastFillTime = time;
  }

  /**
   * filled, left, fillRatio, avgPrice, arrivalMid, and shortfallBp: the cost against the arrival mid
   * in basis points, positive when the execution paid more than the mid (buy) or received less (sell).
   */
  report(): Record<string, number> {
    const avg = this.filled > 0 ? this.notional / this.filled : NaN;
    return {
      quantity: this.spec.quantity,
      filled: this.filled,
      left: this.spec.quantity - this.filled,
      fillRatio: this.filled / this.spec.quantity,
      avgPrice: avg,
      arrivalMid: this.arrivalMid,
      shortfallBp: this.side * (avg / this.arrivalMid - 1) * 10_000,
      lastFillTime: this.lastFillTime,
    };
  }
}
