/**
 * Property test: over random streams of every kind of event, the book is never crossed, every
 * structural invariant holds, and volume is conserved (what rests = what came in − twice what traded −
 * what was cancelled or dropped).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { OrderBook } from '../src/book/order-book';

type Op =
  | { k: 'limit'; side: 1 | -1; price: number; qty: number }
  | { k: 'market'; side: 1 | -1; qty: number }
  | { k: 'cancel'; pick: number; qty: number }
  | { k: 'delete'; pick: number }
  | { k: 'modify'; pick: number; dp: number; qty: number }
  | { k: 'anon'; side: 1 | -1; price: number; qty: number }
  | { k: 'draw'; side: 1 | -1; price: number; qty: number };

const side = fc.constantFrom<1 | -1>(1, -1);
const price = fc.integer({ min: 90, max: 110 });
const qty = fc.integer({ min: 1, max: 50 });
const pick = fc.nat({ max: 1000 });

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ k: fc.constant('limit' as const), side, price, qty }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('market' as const), side, qty }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('cancel' as const), pick, qty }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('delete' as const), pick }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('modify' as const), pick, dp: fc.integer({ min: -3, max: 3 }), qty }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('anon' as const), side, price, qty }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('draw' as const), side, price, qty }) },
);

function run(ops: Op[]): void {
  const b = new OrderBook({ orders: 64, levels: 64 });
  let nextId = 1;
  const ids: number[] = [];
  let resting = 0;
  let traded = 0;
  const choose = (p: number) => (ids.length ? ids[p % ids.length] : 999_999);
  for (const o of ops) {
    switch (o.k) {
      case 'limit': {
        // Keep limit orders from crossing too far: cap at the opposite touch ± 2 so sweeps stay possible.
        const id = nextId++;
        const f = b.limit(id, o.side, o.price, o.qty);
        resting += o.qty - 2 * f;
        traded += f;
        if (b.has(id)) ids.push(id);
        break;
      }
      case 'market': {
        const f = b.market(nextId++, o.side, o.qty);
        assert.ok(f <= o.qty);
        resting -= f;
        traded += f;
        break;
      }
      case 'cancel':
        resting -= b.cancel(choose(o.pick), o.qty);
        break;
      case 'delete':
        resting -= b.delete(choose(o.pick));
        break;
      case 'modify': {
        const id = choose(o.pick);
        const before = b.order(id);
        const f = b.modify(id, before ? before.price + o.dp : 100, o.qty);
        if (!before) assert.is(f, 0);
        else {
          resting += o.qty - before.qty - 2 * f;
          traded += f;
        }
        break;
      }
      case 'anon':
        b.addAnonymous(o.side, o.price, o.qty);
        // Anonymous volume may not cross the book; the engine does not check, so keep it passive.
        if (b.bestBid() >= b.bestAsk()) {
          b.drawAnonymous(o.side, o.price, o.qty);
        } else resting += o.qty;
        break;
      case 'draw':
        resting -= b.drawAnonymous(o.side, o.price, o.qty);
        break;
    }
    const broken = b.checkInvariants();
    if (broken) throw new Error(`${broken} after ${JSON.stringify(o)}`);
    if (b.totalQty() !== resting) throw new Error(`volume not conserved after ${JSON.stringify(o)}: book ${b.totalQty()}, expected ${resting}`);
  }
  assert.is(b.tape.volume(), traded);
}

test('random order streams: never crossed, invariants hold, volume conserved', () => {
  fc.assert(fc.property(fc.array(op, { minLength: 1, maxLength: 400 }), (ops) => run(ops)), { seed: 20_250_101, numRuns: 400 });
});

test('long random stream with deep queues', () => {
  fc.assert(fc.property(fc.array(op, { minLength: 2000, maxLength: 3000 }), (ops) => run(ops)), { seed: 7, numRuns: 10 });
});

test.run();
