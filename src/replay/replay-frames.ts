/**
 * The book after every message of a flow, rebuilt by replay: LOBSTER's orderbook file for a flow
 * that has none (a message file alone, another venue's data). Without an orderbook file there is no
 * pre-open book to seed from, so the first minutes show only what the messages built.
 */
import type { OrderFlow } from '../data/order-flow';
import { BookFrames } from '../data/book-frames';
import { LobsterReplayer } from './lobster-replay';

/** The top `levels` levels after each message (LOBSTER's layout). */
export function replayFrames(flow: OrderFlow, levels = 10): BookFrames {
  const r = new LobsterReplayer(flow, null);
  const data = new Float64Array(flow.length * 4 * levels);
  for (let i = 0; i < flow.length; i++) {
    r.runTo(i + 1);
    r.book.writeTopLevels(levels, data, i * 4 * levels);
  }
  return new BookFrames(levels, data, flow.line.slice());
}
