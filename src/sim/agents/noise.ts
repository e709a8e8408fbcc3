/**
 * MarS's noise agent as a world's agent: random buys, sells and cancels around a wandering reference
 * price (`NoiseTrader`), one action per exponential gap. Nothing it does depends on anyone else's
 * orders except through the book, so a noise world is the control where nobody reacts.
 */
import { NoiseTrader, type NoiseOptions } from '../noise';
import type { Agent, Market } from '../agent';
import { seconds } from '../agent';

export class NoiseAgent implements Agent {
  readonly name = 'noise';
  private trader: NoiseTrader | null = null;

  constructor(private readonly options: Partial<NoiseOptions> = {}) {}

  start(m: Market): number {
    const mid = m.book.mid();
    this.trader = new NoiseTrader(Math.floor(m.rng.float() * 2 ** 31), {
      tick: m.tick,
      ...(mid === mid ? { initialPrice: mid } : {}),
      ...this.options,
    });
    return m.time + seconds(m.rng.exponential(this.trader.options.meanGapSeconds));
  }

  wake(m: Market): number {
    const tr = this.trader!;
    const a = tr.next(m.book);
    // The trader keeps the exchange's ids of its resting orders (it checks them against the book).
    if (a.kind === 'cancel') m.cancel(a.id);
    else {
      const id = m.limit(a.side, a.price, a.qty);
      if (id && m.book.has(id)) tr.rested(id);
    }
    return m.time + Math.max(1, seconds(a.gap));
  }
}
