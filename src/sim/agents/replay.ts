/**
 * A replay agent: the real orders of a day after the start, sent again through the simulated
 * exchange (the "no-model" world, and a warm-up). It replays MarS's orders — what the model sees as
 * tokens (`extractOrders`): submissions at their real price and size (an aggressive order as a
 * marketable limit order that never rests: a remainder is an order of its own), and cancels at their
 * real price deleting one whole order, the one nearest their size, as the model's cancels do. Run as a
 * world's background, its cancels may also take the starting book's volume. Executions against hidden
 * orders are in no order, so a replayed world trades only the real day's visible volume.
 */
import type { Side } from '../../data/order-flow';
import { TYPE_CANCEL } from '../../data/order-events';
import { lowerBound } from '../../util/search';
import type { ReplayOrders } from '../start-state';
import { seconds, type Agent, type Market } from '../agent';

export class ReplayAgent implements Agent {
  readonly name = 'replay';
  private next: number;

  constructor(
    private readonly events: ReplayOrders,
    /** First event to replay (default: the first at or after the world's start). */
    from = -1,
  ) {
    this.next = from;
  }

  start(m: Market): number | null {
    if (this.next < 0) this.next = lowerBound(this.events.time, m.time / 1e9);
    return this.next < this.events.time.length ? seconds(this.events.time[this.next]) : null;
  }

  wake(m: Market): number | null {
    const e = this.events;
    while (this.next < e.time.length && seconds(e.time[this.next]) <= m.time) {
      const i = this.next++;
      const side = e.side[i] as Side;
      if (e.type[i] === TYPE_CANCEL) m.deleteAt(side, e.price[i], e.size[i]);
      else if (e.aggressive[i] && e.filled[i] >= e.size[i]) m.market(side, e.size[i], e.price[i]);
      else m.limit(side, e.price[i], e.size[i]);
    }
    return this.next < e.time.length ? seconds(e.time[this.next]) : null;
  }
}
