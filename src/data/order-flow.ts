/**
 * Order flow as columns: one row per exchange message, LOBSTER's semantics (see `EventType`), typed
 * arrays throughout. Everything downstream (book replay, tokenization, statistics) reads these arrays.
 */
import { ColumnarFrame, type Columns } from './tables';
import { assignColumns, checkColumns, defineColumns, sliceColumns, tableColumns, type ColumnsOf } from './columns';
import { lowerBound } from '../util/search';

/** LOBSTER event types. */
export const EventType = {
  /** New limit order. */
  Submit: 1,
  /** Partial cancellation. */
  Cancel: 2,
  /** Total deletion. */
  Delete: 3,
  /** Execution of a visible limit order. */
  Execute: 4,
  /** Execution of a hidden limit order (the visible book does not change). */
  ExecuteHidden: 5,
  /** Cross trade (auction). */
  Cross: 6,
  /** Trading halt indicator (price −1 halt, 0 quoting resumes, 1 trading resumes). */
  Halt: 7,
} as const;
export type EventTypeCode = (typeof EventType)[keyof typeof EventType];

export const EVENT_TYPE_NAMES: Readonly<Record<number, string>> = {
  1: 'submit',
  2: 'cancel',
  3: 'delete',
  4: 'execute',
  5: 'execute_hidden',
  6: 'cross',
  7: 'halt',
};

/** +1 buy, −1 sell: for LOBSTER, the side of the *resting limit order* the message concerns. */
export type Side = 1 | -1;
export const BUY: Side = 1;
export const SELL: Side = -1;

export interface VenueSettings {
  /** Price units per tick (LOBSTER: prices are dollars × 10,000 and the tick is $0.01, so 100). */
  tickSize: number;
  /** Price units per currency unit (LOBSTER: 10,000). */
  priceScale: number;
  /** Session open and close, seconds after midnight in the venue's time zone. */
  open: number;
  close: number;
  /** Breaks inside the session to leave out of "time since open", as [start, end) seconds. */
  breaks: ReadonlyArray<readonly [number, number]>;
}

/** NASDAQ as LOBSTER records it: $0.01 tick on prices × 10,000, 09:30–16:00, no lunch break. */
export const NASDAQ: VenueSettings = Object.freeze({
  tickSize: 100,
  priceScale: 10_000,
  open: 34_200,
  close: 57_600,
  breaks: [],
});

export interface OrderFlowMeta {
  symbol: string;
  /** ISO date, when known. */
  date: string;
  /** Book depth of the paired orderbook file (LOBSTER level), 0 when unknown. */
  levels: number;
  venue: VenueSettings;
  /** Where the rows came from. */
  source: string;
}

/** The columns every `OrderFlow` has, one value per message (see `data/columns`). */
export const ORDER_FLOW_SCHEMA = defineColumns({
  time: { array: Float64Array, doc: 'Seconds after midnight.' },
  type: { array: Uint8Array, doc: 'LOBSTER event type (`EventType`).' },
  id: { array: Float64Array, doc: 'Order id.' },
  size: { array: Float64Array, doc: 'Shares.' },
  price: { array: Float64Array, doc: 'Price in venue units.' },
  direction: { array: Int8Array, doc: '+1 buy, −1 sell: the side of the resting limit order the message concerns.' },
  line: { array: Int32Array, doc: '1-based line of each row in its source file.' },
});

export interface OrderFlowColumns extends ColumnsOf<typeof ORDER_FLOW_SCHEMA> {
  /** Optional MPID attribution (newer LOBSTER exports): a code per row into `mpidNames` (−1 = none). */
  mpid?: Int32Array;
  mpidNames?: readonly string[];
}

// The schema's columns are fields of the flow (`flow.time`, …), declared by merging with the class.
export interface OrderFlow extends Readonly<ColumnsOf<typeof ORDER_FLOW_SCHEMA>> {}

export class OrderFlow extends ColumnarFrame {
  readonly length: number;
  readonly mpid: Int32Array | null;
  readonly mpidNames: readonly string[];
  readonly meta: OrderFlowMeta;

  constructor(cols: OrderFlowColumns, meta: OrderFlowMeta) {
    super();
    const n = checkColumns('OrderFlow', ORDER_FLOW_SCHEMA, cols, cols.time.length);
    if (cols.mpid && cols.mpid.length !== n) throw new RangeError(`OrderFlow: column mpid has ${cols.mpid.length} values, expected ${n}`);
    this.length = n;
    assignColumns(this, ORDER_FLOW_SCHEMA, cols);
    this.mpid = cols.mpid ?? null;
    this.mpidNames = cols.mpidNames ?? [];
    this.meta = meta;
  }

  columns(): Columns {
    const c = tableColumns(ORDER_FLOW_SCHEMA, this, this.length);
    if (this.mpid) {
      const names = this.mpidNames;
      c.mpid = Array.from(this.mpid, (k) => (k < 0 ? '' : names[k]));
    }
    return c;
  }

  /** Rows [from, to) as a new flow sharing the same buffers. */
  slice(from: number, to = this.length): OrderFlow {
    return new OrderFlow({ ...sliceColumns(ORDER_FLOW_SCHEMA, this, from, to), mpid: this.mpid?.subarray(from, to), mpidNames: this.mpidNames }, this.meta);
  }

  /** First row with time ≥ t (binary search; times are non-decreasing). */
  indexAtTime(t: number): number {
    return lowerBound(this.time, t);
  }

  /** Messages per event type, keyed by name. */
  countByType(): Record<string, number> {
    const counts = new Float64Array(8);
    for (let i = 0; i < this.length; i++) counts[this.type[i]]++;
    const out: Record<string, number> = {};
    for (let t = 1; t <= 7; t++) out[EVENT_TYPE_NAMES[t]] = counts[t];
    return out;
  }
}
