/**
 * An exchange that writes what happens in LOBSTER's format: orders go through the matching engine one
 * execution at a time, and each event becomes a message (1 submit, 2 partial cancel, 3 delete,
 * 4 execution of the resting order, with *its* id and side) with the top-N book after it. As in a
 * LOBSTER level-N file, an event is written only when it touches the top N levels of its side.
 * Used to export simulated order flow, and to make LOBSTER fixtures where the real samples are absent.
 */
import { OrderBook } from '../book/order-book';
import { lobsterCsv, writeLobsterFiles } from '../data/lobster-write';
import { f64, u8, i8 } from '../util/growable';

export class LobsterRecorder {
  private readonly time = f64();
  private readonly type = u8();
  private readonly id = f64();
  private readonly size = f64();
  private readonly price = f64();
  private readonly direction = i8();
  private readonly rows = f64();
  private readonly row: Float64Array;
  /** When false, events change the book but nothing is written (e.g. before the session opens). */
  recording = true;

  constructor(
    readonly book: OrderBook,
    readonly levels: number,
  ) {
    this.row = new Float64Array(4 * levels);
  }

  get length(): number {
    return this.time.length;
  }

  private inWindow(side: number, price: number): boolean {
    const r = this.book.rankOf(side, price);
    return r >= 0 && r < this.levels;
  }

  private write(time: number, type: number, id: number, size: number, price: number, direction: number): void {
    if (!this.recording) return;
    this.time.push(time);
    this.type.push(type);
    this.id.push(id);
    this.size.push(size);
    this.price.push(price);
    this.direction.push(direction);
    this.book.writeTopLevels(this.levels, this.row);
    const out = this.rows.reserve(this.row.length);
    out.set(this.row, this.rows.length);
    this.rows.length += this.row.length;
  }

  /**
   * A limit order (or a market order with `price` ±Infinity): it executes against resting orders one
   * by one, each execution written as a type-4 message of the resting order; a remainder rests and is
   * written as a type-1 submission. Returns the quantity executed.
   */
  submit(id: number, side: 1 | -1, price: number, qty: number, time: number, owner = 0): number {
    const book = this.book;
    let left = qty;
    while (left > 0) {
      const best = book.best(-side);
      if (best !== best || (side > 0 ? best > price : best < price)) break;
      const maker = book.headOrderId(-side, 0);
      if (maker !== maker) throw new Error('LobsterRecorder: the book holds anonymous volume, which LOBSTER cannot name');
      const take = Math.min(left, book.orderQty(maker));
      book.executeById(maker, take, time, id, owner);
      left -= take;
      this.write(time, 4, maker, take, best, -side);
    }
    if (left > 0 && Number.isFinite(price)) {
      book.rest(id, side, price, left, time, owner);
      if (this.inWindow(side, price)) this.write(time, 1, id, left, price, side);
    }
    return qty - left;
  }

  /** Cancel `qty` of a resting order (all of it when qty ≥ what rests: a type-3 deletion). */
  cancel(id: number, qty: number, time: number): number {
    const o = this.book.order(id);
    if (!o) return 0;
    const visible = this.inWindow(o.side, o.price);
    const q = Math.min(qty, o.qty);
    this.book.cancel(id, q);
    if (visible) this.write(time, q >= o.qty ? 3 : 2, id, q, o.price, o.side);
    return q;
  }

  private columns() {
    return { time: this.time.raw(), type: this.type.raw(), id: this.id.raw(), size: this.size.raw(), price: this.price.raw(), direction: this.direction.raw() };
  }

  /** The messages and orderbook rows as LOBSTER CSV text (no header, fillers for empty levels). */
  toCsv(): { messages: string; orderbook: string } {
    return lobsterCsv(this.columns(), this.rows.raw(), { symbol: '', date: '', levels: this.levels, rows: Array.from({ length: this.length }, (_, i) => i) });
  }

  /**
   * Write `SYMBOL_DATE_start_end_message_N.csv[.gz]` and its orderbook file into `dir`, named as
   * LOBSTER names them. Returns the two paths.
   */
  writeFiles(dir: string, symbol: string, date: string, options: { gzip?: boolean; startMs?: number; endMs?: number } = {}): { messages: string; orderbook: string } {
    return writeLobsterFiles(dir, this.columns(), this.rows.raw(), { symbol, date, levels: this.levels, rows: Array.from({ length: this.length }, (_, i) => i), ...options });
  }
}
