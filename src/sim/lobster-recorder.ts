/**
 * An exchange that writes what happens in LOBSTER's format, for fixtures and exports: orders go through
 * the simulation's `Exchange` (one message per execution of a resting order, with *its* id and side; a
 * remainder rests as a submission; cancels are partial or whole), and `toCsv` / `writeFiles` keep the
 * messages a LOBSTER level-N file would hold — those that touch the top N levels of their side — with
 * the top-N book after each.
 */
import { OrderBook } from '../book/order-book';
import { lobsterCsv, writeLobsterFiles } from '../data/lobster-write';
import { Exchange } from './exchange';

export class LobsterRecorder {
  private readonly exchange: Exchange;

  constructor(
    readonly book: OrderBook,
    readonly levels: number,
  ) {
    this.exchange = new Exchange(book, 1, levels);
  }

  /** When false, events change the book but nothing is written (e.g. before the session opens). */
  get recording(): boolean {
    return this.exchange.logging;
  }
  set recording(on: boolean) {
    this.exchange.logging = on;
  }

  /** Messages a level-N file holds. */
  get length(): number {
    return this.rows().length;
  }

  private rows(): number[] {
    const rank = this.exchange.log.rank;
    const out: number[] = [];
    for (let i = 0; i < rank.length; i++) if (rank.get(i) < this.levels) out.push(i);
    return out;
  }

  /**
   * A limit order (or a market order with `price` ±Infinity) with the caller's id: it executes against
   * resting orders one by one, each execution a type-4 message of the resting order; a remainder rests
   * and is a type-1 submission. Returns the quantity executed.
   */
  submit(id: number, side: 1 | -1, price: number, qty: number, time: number, owner = 0): number {
    this.exchange.time = time;
    this.exchange.submitAs(id, owner, side, price, qty);
    return this.exchange.lastFilled;
  }

  /** Cancel `qty` of a resting order (all of it when qty ≥ what rests: a type-3 deletion). */
  cancel(id: number, qty: number, time: number): number {
    this.exchange.time = time;
    return this.exchange.cancel(id, qty);
  }

  private columns() {
    const g = this.exchange.log;
    return { time: g.time.raw(), type: g.type.raw(), id: g.id.raw(), size: g.size.raw(), price: g.price.raw(), direction: g.direction.raw() };
  }

  /** The messages and orderbook rows as LOBSTER CSV text (no header, fillers for empty levels). */
  toCsv(): { messages: string; orderbook: string } {
    return lobsterCsv(this.columns(), this.exchange.top!.raw(), { symbol: '', date: '', levels: this.levels, rows: this.rows() });
  }

  /**
   * Write `SYMBOL_DATE_start_end_message_N.csv[.gz]` and its orderbook file into `dir`, named as
   * LOBSTER names them. Returns the two paths.
   */
  writeFiles(dir: string, symbol: string, date: string, options: { gzip?: boolean; startMs?: number; endMs?: number } = {}): { messages: string; orderbook: string } {
    return writeLobsterFiles(dir, this.columns(), this.exchange.top!.raw(), { symbol, date, levels: this.levels, rows: this.rows(), ...options });
  }
}
