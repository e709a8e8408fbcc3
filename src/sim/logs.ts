/**
 * What a simulated world records, each described once as a column schema: the exchange's messages
 * (LOBSTER's fields plus owner and level rank), every order sent (what the model sees as tokens), and
 * the book on a time grid. The growing logs, the finished columns of a trajectory and their types all
 * come from these.
 */
import { defineColumns, type ColumnsOf, type GrowingColumnsOf } from '../data/columns';

export const MESSAGE_SCHEMA = defineColumns({
  time: { array: Float64Array, doc: 'Nanoseconds after midnight.' },
  type: { array: Uint8Array, doc: 'LOBSTER type: 1 submit, 2 partial cancel, 3 delete, 4 execution of the resting order.' },
  id: { array: Float64Array, doc: 'Order id.' },
  size: { array: Float64Array, doc: 'Shares.' },
  price: { array: Float64Array, doc: 'Price in venue units.' },
  direction: { array: Int8Array, doc: "Side of the order the message is about (for executions: the resting order's side)." },
  owner: { array: Int32Array, doc: 'Owner of that order.' },
  rank: { array: Int32Array, doc: 'Rank of the price level on its side when the message happened (0 = best; after a submission, before a cancel).' },
});

export const ORDER_LOG_SCHEMA = defineColumns({
  time: { array: Float64Array, doc: 'Nanoseconds after midnight.' },
  owner: { array: Int32Array, doc: 'Who sent it (1 the background market, 2… agents).' },
  type: { array: Uint8Array, labels: ['S', 'B', 'C'], doc: '0 = S (new sell), 1 = B (new buy), 2 = C (cancel).' },
  side: { array: Int8Array, doc: '+1 buy / bid, −1 sell / ask.' },
  price: { array: Float64Array, doc: "Price (an aggressive order's: its limit when some of it rested, else the deepest price it traded at)." },
  size: { array: Float64Array, doc: 'Shares (a cancel: what it removed).' },
  filled: { array: Float64Array, doc: 'Shares executed on arrival.' },
  midBefore: { array: Float64Array, doc: 'Mid before the order (the last finite one while a side is empty).' },
  midAfter: { array: Float64Array, doc: 'Mid after the order.' },
  spreadAfter: { array: Float64Array, doc: 'Spread after the order (venue units).' },
});

export const SNAPSHOT_SCHEMA = defineColumns({
  time: { array: Float64Array, doc: 'Grid time, nanoseconds after midnight.' },
  bid: { array: Float64Array, doc: 'Best bid (NaN when empty).' },
  ask: { array: Float64Array, doc: 'Best ask (NaN when empty).' },
  bidQty: { array: Float64Array, doc: 'Shares at the best bid.' },
  askQty: { array: Float64Array, doc: 'Shares at the best ask.' },
  volume: { array: Float64Array, doc: 'Shares traded since the start.' },
});

export type MessageLog = GrowingColumnsOf<typeof MESSAGE_SCHEMA>;
export type OrderLog = GrowingColumnsOf<typeof ORDER_LOG_SCHEMA>;
export type SnapshotLog = GrowingColumnsOf<typeof SNAPSHOT_SCHEMA>;
export type MessageColumns = ColumnsOf<typeof MESSAGE_SCHEMA>;
export type OrderLogColumns = ColumnsOf<typeof ORDER_LOG_SCHEMA>;
export type SnapshotColumns = ColumnsOf<typeof SNAPSHOT_SCHEMA>;
