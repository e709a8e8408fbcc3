/**
 * The trades a book produced, as growable typed columns (one row per maker order filled).
 */
import { f64, i32, i8 } from '../util/growable';
import { ColumnarFrame, type Columns } from '../data/tables';

/** Maker/taker id used for volume that belongs to no known order (seeded or adopted book volume). */
export const ANONYMOUS = -1;

/** Why a trade happened. */
export const TradeKind = {
  /** An incoming order met a resting visible order. */
  Match: 0,
  /** Replay: an execution message against a resting visible order. */
  Execution: 1,
  /** Replay: execution of a hidden order (the visible book is untouched). */
  Hidden: 2,
  /** Replay: auction cross. */
  Cross: 3,
} as const;

export class TradeTape extends ColumnarFrame {
  private readonly _time = f64(1024);
  private readonly _price = f64(1024);
  private readonly _qty = f64(1024);
  private readonly _side = i8(1024);
  private readonly _kind = i8(1024);
  private readonly _maker = f64(1024);
  private readonly _taker = f64(1024);
  private readonly _makerOwner = i32(1024);
  private readonly _takerOwner = i32(1024);

  get length(): number {
    return this._time.length;
  }

  /**
   * `side` is the aggressor's: +1 buyer-initiated (a resting sell was hit), −1 seller-initiated.
   */
  push(
    time: number,
    price: number,
    qty: number,
    side: number,
    kind: number,
    maker: number,
    taker: number,
    makerOwner: number,
    takerOwner: number,
  ): void {
    this._time.push(time);
    this._price.push(price);
    this._qty.push(qty);
    this._side.push(side);
    this._kind.push(kind);
    this._maker.push(maker);
    this._taker.push(taker);
    this._makerOwner.push(makerOwner);
    this._takerOwner.push(takerOwner);
  }

  time(i: number): number {
    return this._time.get(i);
  }
  price(i: number): number {
    return this._price.get(i);
  }
  qty(i: number): number {
    return this._qty.get(i);
  }
  side(i: number): number {
    return this._side.get(i);
  }
  kind(i: number): number {
    return this._kind.get(i);
  }
  maker(i: number): number {
    return this._maker.get(i);
  }
  taker(i: number): number {
    return this._taker.get(i);
  }
  makerOwner(i: number): number {
    return this._makerOwner.get(i);
  }
  takerOwner(i: number): number {
    return this._takerOwner.get(i);
  }

  /** Total traded quantity of trades [from, to). */
  volume(from = 0, to = this.length): number {
    let v = 0;
    for (let i = from; i < to; i++) v += this._qty.get(i);
    return v;
  }

  /** Volume-weighted average price of trades [from, to) (NaN when there are none). */
  vwap(from = 0, to = this.length): number {
    let v = 0;
    let pv = 0;
    for (let i = from; i < to; i++) {
      const q = this._qty.get(i);
      v += q;
      pv += q * this._price.get(i);
    }
    return v > 0 ? pv / v : NaN;
  }

  clear(): void {
    for (const c of [this._time, this._price, this._qty, this._side, this._kind, this._maker, this._taker, this._makerOwner, this._takerOwner]) {
      c.clear();
    }
  }

  columns(): Columns {
    return {
      time: this._time.toArray(),
      price: this._price.toArray(),
      qty: this._qty.toArray(),
      side: this._side.toArray(),
      kind: this._kind.toArray(),
      maker: this._maker.toArray(),
      taker: this._taker.toArray(),
      makerOwner: this._makerOwner.toArray(),
      takerOwner: this._takerOwner.toArray(),
    };
  }
}
