/**
 * Top-N book snapshots, one per message (LOBSTER's orderbook file: row k is the book *after* message k).
 * Stored as LOBSTER lays them out, so loading copies nothing: row i is `data[i*stride .. (i+1)*stride)`
 * with `stride = 4 * levels`, level j at offset `4j`: ask price, ask size, bid price, bid size.
 * An empty level has price NaN and size 0 (LOBSTER's fillers ±9999999999 are translated on load).
 */
import { ColumnarFrame, type Columns } from './tables';

export class BookFrames extends ColumnarFrame {
  readonly length: number;
  readonly stride: number;

  constructor(
    readonly levels: number,
    readonly data: Float64Array,
    /** 1-based line of each row in its source file. */
    readonly line: Int32Array,
  ) {
    super();
    this.stride = 4 * levels;
    this.length = line.length;
    if (data.length !== this.length * this.stride) {
      throw new RangeError(`BookFrames: ${this.length} rows × ${this.stride} values expected, got ${data.length}`);
    }
  }

  /** Level j (0 = best) of row i. */
  askPrice(i: number, j = 0): number {
    return this.data[i * this.stride + 4 * j];
  }
  askSize(i: number, j = 0): number {
    return this.data[i * this.stride + 4 * j + 1];
  }
  bidPrice(i: number, j = 0): number {
    return this.data[i * this.stride + 4 * j + 2];
  }
  bidSize(i: number, j = 0): number {
    return this.data[i * this.stride + 4 * j + 3];
  }
  /** Price of level j on `side` (+1 bid, −1 ask). */
  price(i: number, side: 1 | -1, j = 0): number {
    return this.data[i * this.stride + 4 * j + (side === 1 ? 2 : 0)];
  }
  size(i: number, side: 1 | -1, j = 0): number {
    return this.data[i * this.stride + 4 * j + (side === 1 ? 3 : 1)];
  }

  /** Mid price of row i (NaN when a side is empty). */
  mid(i: number): number {
    const b = i * this.stride;
    return (this.data[b] + this.data[b + 2]) / 2;
  }

  spread(i: number): number {
    const b = i * this.stride;
    return this.data[b] - this.data[b + 2];
  }

  /** Number of occupied levels on a side in row i. */
  depthLevels(i: number, side: 1 | -1): number {
    let k = 0;
    while (k < this.levels && !Number.isNaN(this.price(i, side, k))) k++;
    return k;
  }

  /** Rows [from, to) sharing the same buffer. */
  slice(from: number, to = this.length): BookFrames {
    return new BookFrames(this.levels, this.data.subarray(from * this.stride, to * this.stride), this.line.subarray(from, to));
  }

  /** Wide columns askPrice1, askSize1, bidPrice1, bidSize1, askPrice2, ... (LOBSTER's order). */
  columns(): Columns {
    const n = this.length;
    const out: Columns = {};
    for (let c = 0; c < this.stride; c++) {
      const col = new Float64Array(n);
      for (let i = 0, k = c; i < n; i++, k += this.stride) col[i] = this.data[k];
      out[orderbookColumnName(c)] = col;
    }
    return out;
  }
}

/** LOBSTER's column name for 0-based column `c` of an orderbook file. */
export function orderbookColumnName(c: number): string {
  const names = ['askPrice', 'askSize', 'bidPrice', 'bidSize'];
  return `${names[c % 4]}${Math.floor(c / 4) + 1}`;
}
