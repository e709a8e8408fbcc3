/**
 * A scripted agent: a list of orders at given times (seconds after the world's start). Market orders
 * trade at once and never rest; limit orders go at a fixed `price`, or `ticks` from the near touch
 * (0 joins it, positive is more aggressive, negative is deeper in the book).
 */
import type { Side } from '../../data/order-flow';
import { seconds, type Agent, type Market, type ScriptedOrder, type ScriptedSpec } from '../agent';

export class ScriptedAgent implements Agent {
  readonly name = 'scripted';
  private readonly orders: ScriptedOrder[];
  private next = 0;
  private t0 = 0;
  private filled = 0;
  private sent = 0;

  constructor(spec: ScriptedSpec) {
    this.orders = [...spec.orders].sort((a, b) => a.at - b.at);
    for (const o of this.orders) {
      if (!(o.qty > 0) || !Number.isInteger(o.qty)) throw new RangeError(`scripted order at ${o.at} s: qty must be a positive whole number, got ${o.qty}`);
      if (!(o.at >= 0)) throw new RangeError(`scripted order: 'at' must be ≥ 0 seconds, got ${o.at}`);
      if (o.type === 'limit' && o.price === undefined && o.ticks === undefined) throw new RangeError(`scripted limit order at ${o.at} s needs a price or ticks`);
    }
  }

  start(m: Market): number | null {
    this.t0 = m.time;
    return this.orders.length ? this.t0 + seconds(this.orders[0].at) : null;
  }

  wake(m: Market): number | null {
    while (this.next < this.orders.length && this.t0 + seconds(this.orders[this.next].at) <= m.time) {
      const o = this.orders[this.next++];
      const side: Side = o.side === 'sell' ? -1 : 1;
      this.sent += o.qty;
      if (o.type === 'limit') {
        const near = m.book.best(side);
        const price = o.price ?? (near === near ? near + side * (o.ticks ?? 0) * m.tick : NaN);
        if (price === price) m.limit(side, price, o.qty);
      } else m.market(side, o.qty);
    }
    return this.next < this.orders.length ? this.t0 + seconds(this.orders[this.next].at) : null;
  }

  onFill(_id: number, _side: Side, _price: number, qty: number): void {
    this.filled += qty;
  }

  report(): Record<string, number> {
    return { sent: this.sent, filled: this.filled };
  }
}
