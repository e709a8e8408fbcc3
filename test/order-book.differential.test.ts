/**
 * Differential test: the engine against a naive reference book (a plain list of orders, matched by
 * sorting on price then arrival) on seeded random streams of every kind of event. After each event the
 * fills (maker, price, quantity, in order), every order's remaining quantity and the whole depth must
 * agree: price-time priority itself, not only the invariants.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { OrderBook } from '../src/book/order-book';
import { Rng } from '../src/util/rng';

interface RefOrder {
  id: number;
  side: 1 | -1;
  price: number;
  qty: number;
  seq: number;
}

/** The simplest correct book: every operation scans and sorts a list. */
class ReferenceBook {
  orders: RefOrder[] = [];
  private seq = 0;
  fills: Array<[number, number, number]> = [];

  private queue(side: 1 | -1): RefOrder[] {
    // Best price first (bids high, asks low), then the oldest.
    return this.orders.filter((o) => o.side === side).sort((a, b) => (a.price !== b.price ? (side > 0 ? b.price - a.price : a.price - b.price) : a.seq - b.seq));
  }

  limit(id: number, side: 1 | -1, price: number, qty: number): void {
    let left = qty;
    for (const m of this.queue(-side as 1 | -1)) {
      if (left === 0 || (side > 0 ? m.price > price : m.price < price)) break;
      const take = Math.min(left, m.qty);
      this.fills.push([m.id, m.price, take]);
      m.qty -= take;
      left -= take;
    }
    this.orders = this.orders.filter((o) => o.qty > 0);
    if (left > 0 && Number.isFinite(price)) this.orders.push({ id, side, price, qty: left, seq: this.seq++ });
  }

  cancel(id: number, qty: number): void {
    const o = this.orders.find((x) => x.id === id);
    if (!o) return;
    o.qty -= Math.min(qty, o.qty);
    this.orders = this.orders.filter((x) => x.qty > 0);
  }

  modify(id: number, price: number, qty: number): void {
    const o = this.orders.find((x) => x.id === id);
    if (!o) return;
    if (price === o.price && qty <= o.qty) {
      o.qty = qty;
      this.orders = this.orders.filter((x) => x.qty > 0);
      return;
    }
    this.orders = this.orders.filter((x) => x !== o);
    this.limit(id, o.side, price, qty);
  }

  depth(side: 1 | -1): Array<[number, number]> {
    const m = new Map<number, number>();
    for (const o of this.orders) if (o.side === side) m.set(o.price, (m.get(o.price) ?? 0) + o.qty);
    return [...m.entries()].sort((a, b) => (side > 0 ? b[0] - a[0] : a[0] - b[0]));
  }
}

test('the engine agrees with a naive price-time reference on random streams (fills, order sizes, depth)', () => {
  for (let stream = 0; stream < 150; stream++) {
    const rng = new Rng(1000 + stream);
    const book = new OrderBook({ orders: 64, levels: 64 });
    const ref = new ReferenceBook();
    let nextId = 1;
    const live: number[] = [];
    const mid = 10_000;
    for (let step = 0; step < 400; step++) {
      const u = rng.float();
      const tape0 = book.tape.length;
      const fills0 = ref.fills.length;
      let what = '';
      if (u < 0.55 || live.length === 0) {
        const side: 1 | -1 = rng.float() < 0.5 ? 1 : -1;
        // Mostly near the mid, sometimes crossing it by a few ticks (marketable), in whole ticks of 1.
        const price = mid + side * -1 * rng.int(6) + side * (rng.float() < 0.25 ? rng.int(4) : 0);
        const qty = 1 + rng.int(20);
        const id = nextId++;
        what = `limit ${id} ${side} ${price} ${qty}`;
        book.limit(id, side, price, qty);
        ref.limit(id, side, price, qty);
        live.push(id);
      } else if (u < 0.62) {
        const side: 1 | -1 = rng.float() < 0.5 ? 1 : -1;
        const qty = 1 + rng.int(30);
        const id = nextId++;
        what = `market ${id} ${side} ${qty}`;
        book.market(id, side, qty);
        ref.limit(id, side, side > 0 ? Infinity : -Infinity, qty);
      } else if (u < 0.85) {
        const id = live[rng.int(live.length)];
        const qty = rng.float() < 0.5 ? 1 + rng.int(5) : 1000;
        what = `cancel ${id} ${qty}`;
        book.cancel(id, qty);
        ref.cancel(id, qty);
      } else {
        const id = live[rng.int(live.length)];
        const o = ref.orders.find((x) => x.id === id);
        const price = o && rng.float() < 0.5 ? o.price : mid + (rng.float() < 0.5 ? 1 : -1) * rng.int(6);
        const qty = 1 + rng.int(20);
        what = `modify ${id} ${price} ${qty}`;
        book.modify(id, price, qty);
        ref.modify(id, price, qty);
      }
      const got: Array<[number, number, number]> = [];
      for (let i = tape0; i < book.tape.length; i++) got.push([book.tape.maker(i), book.tape.price(i), book.tape.qty(i)]);
      const want = ref.fills.slice(fills0);
      const where = `stream ${stream} step ${step} (${what})`;
      if (JSON.stringify(got) !== JSON.stringify(want)) assert.unreachable(`${where}: fills ${JSON.stringify(got)} vs reference ${JSON.stringify(want)}`);
      for (const side of [1, -1] as const) {
        const d: Array<[number, number]> = [];
        for (let k = 0; k < book.levelCount(side); k++) d.push([book.levelPrice(side, k), book.levelQty(side, k)]);
        if (JSON.stringify(d) !== JSON.stringify(ref.depth(side))) assert.unreachable(`${where}: depth ${JSON.stringify(d)} vs ${JSON.stringify(ref.depth(side))}`);
      }
      for (const o of ref.orders) if (book.orderQty(o.id) !== o.qty) assert.unreachable(`${where}: order ${o.id} has ${book.orderQty(o.id)}, reference ${o.qty}`);
      if (book.orderCount !== ref.orders.length) assert.unreachable(`${where}: ${book.orderCount} orders vs ${ref.orders.length}`);
    }
    assert.is(book.checkInvariants(), null);
  }
});

test.run();
