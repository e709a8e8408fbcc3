/**
 * Newer LOBSTER exports: 7 columns (MPID), opening and closing crosses as type 6 with order id −1 and
 * direction −1, trading halts as type 7 (price −1 halt, 0 quoting resumes, 1 trading resumes; the other
 * fields 0; the orderbook row repeats the previous one). The fixture is written here, the way those
 * exports are, from a synthetic day: the cross replaces message 1 (so the book after it is orderbook
 * row 1 and the order message 1 submitted becomes volume resting before the open, as in a real file).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadLobster, loadLobsterSync } from '../src/data/lobster-load';
import { replayLobster } from '../src/replay/lobster-replay';
import { summarizeDay } from '../src/analysis/day-summary';
import { TradeKind } from '../src/book/trade-tape';
import { syntheticLobsterDay } from '../src/sim/synthetic-day';
import { DataError } from '../src/data/errors';
import { main } from '../src/cli/main';
import { tempDir, capture } from './helpers';

const LEVELS = 5;
const OPEN_CROSS = { size: 12_345, price: 0 };
const CLOSE_CROSS = { size: 6_789, price: 0 };
const HALT_AFTER = 1_000; // the halt follows this (1-based) row of the synthetic day
const HALT_SECONDS = 300;

function writeExport() {
  const rec = syntheticLobsterDay({ seed: 77, events: 3_000, levels: LEVELS });
  const csv = rec.toCsv();
  const msg = csv.messages.trimEnd().split('\n');
  const book = csv.orderbook.trimEnd().split('\n');
  const mpids = ['UBSS', 'null', 'null', 'GSCO', 'null'];
  const m: string[] = [];
  const o: string[] = [];
  const time = (row: string) => Number(row.split(',')[0]);
  const mid = (row: string) => {
    const c = row.split(',').map(Number);
    return Math.round((c[0] + c[2]) / 200) * 100;
  };
  // Opening cross instead of message 1: the book after it is orderbook row 1.
  OPEN_CROSS.price = mid(book[0]);
  m.push(`${time(msg[0]).toFixed(9)},6,-1,${OPEN_CROSS.size},${OPEN_CROSS.price},-1,null`);
  o.push(book[0]);
  let shift = 0;
  for (let k = 1; k < msg.length; k++) {
    const [t, ...rest] = msg[k].split(',');
    m.push(`${(Number(t) + shift).toFixed(9)},${rest.join(',')},${mpids[k % mpids.length]}`);
    o.push(book[k]);
    if (k + 1 === HALT_AFTER) {
      // Halt, quoting resumes, trading resumes: LOBSTER's readme rows, orderbook rows repeated.
      const t0 = Number(t) + shift;
      for (const [dt, code] of [[0, -1], [HALT_SECONDS / 2, 0], [HALT_SECONDS, 1]]) {
        m.push(`${(t0 + dt).toFixed(9)},7,0,0,${code},-1,null`);
        o.push(book[k]);
      }
      shift = HALT_SECONDS;
    }
  }
  CLOSE_CROSS.price = mid(book[book.length - 1]);
  m.push(`${(time(msg[msg.length - 1]) + shift).toFixed(9)},6,-1,${CLOSE_CROSS.size},${CLOSE_CROSS.price},-1,null`);
  o.push(book[book.length - 1]);
  const dir = tempDir();
  const stem = `XMPL_2024-03-01_34200000_57600000`;
  const messages = join(dir, `${stem}_message_${LEVELS}.csv`);
  const orderbook = join(dir, `${stem}_orderbook_${LEVELS}.csv.gz`);
  writeFileSync(messages, m.join('\n') + '\n');
  writeFileSync(orderbook, gzipSync(o.join('\n') + '\n'));
  return { rec, messages, orderbook, rows: m.length };
}

const fx = writeExport();

test('a 7-column export with crosses (id -1) and a halt loads, sync and streaming', async () => {
  for (const d of [await loadLobster(fx.messages, fx.orderbook), loadLobsterSync(fx.messages, fx.orderbook)]) {
    assert.is(d.badLineCount, 0);
    assert.is(d.flow.length, fx.rows);
    const by = d.flow.countByType();
    assert.is(by.cross, 2);
    assert.is(by.halt, 3);
    assert.is(d.flow.id[0], -1);
    assert.is(d.flow.direction[0], -1);
    assert.ok(d.flow.mpidNames.includes('UBSS') && d.flow.mpidNames.includes('GSCO'));
  }
});

test('replay: crosses trade at their price and volume without touching the book; halts counted and listed; the book stays exact', async () => {
  const d = await loadLobster(fx.messages, fx.orderbook);
  const r = replayLobster(d.flow, d.frames);
  const rep = r.report;
  assert.is(rep.mismatchedRows, 0, JSON.stringify(rep.firstMismatch));
  assert.is(rep.rowsCompared, d.flow.length - 1);
  assert.is(rep.unmatchedQty, 0);
  assert.is(rep.crosses, 2);
  assert.is(rep.crossVolume, OPEN_CROSS.size + CLOSE_CROSS.size);
  assert.is(rep.halts, 3);
  assert.equal(rep.haltEvents.map((h) => h.kind), ['halt', 'quoting', 'trading']);
  assert.equal(rep.haltEvents.map((h) => h.line), [HALT_AFTER + 1, HALT_AFTER + 2, HALT_AFTER + 3]);
  assert.is(rep.haltEvents[2].time - rep.haltEvents[0].time, HALT_SECONDS);
  const by = d.flow.countByType();
  assert.is(rep.trades, by.execute + by.execute_hidden + 2);
  // The tape: both crosses, as crosses, at their prices and sizes, first and last.
  const tape = r.book.tape;
  const crosses: Array<[number, number]> = [];
  for (let i = 0; i < tape.length; i++) if (tape.kind(i) === TradeKind.Cross) crosses.push([tape.price(i), tape.qty(i)]);
  assert.equal(crosses, [[OPEN_CROSS.price, OPEN_CROSS.size], [CLOSE_CROSS.price, CLOSE_CROSS.size]]);
  assert.is(tape.kind(0), TradeKind.Cross);
  assert.is(tape.kind(tape.length - 1), TradeKind.Cross);
  // The book at the end is the engine's own (the crosses and halts changed nothing visible).
  assert.equal(r.book.snapshot(LEVELS), fx.rec.book.snapshot(LEVELS));
  assert.is(r.book.checkInvariants(), null);
  // The day summary keeps them.
  const s = summarizeDay(d.flow, d.frames, tape);
  assert.is(s.crosses, 2);
  assert.is(s.crossVolume, OPEN_CROSS.size + CLOSE_CROSS.size);
  assert.equal(s.halts, { halt: 1, quoting: 1, trading: 1 });
  assert.is(s.trades, rep.trades);
  assert.is(s.tradedVolume, rep.tradedVolume);
});

test('replay CLI: the orderbook beside is found, crosses and halts in the summary and the JSON', async () => {
  const io = capture();
  assert.is(await main(['replay', '--messages', fx.messages, '--json'], io), 0, io.stderr);
  const j = JSON.parse(io.stdout);
  assert.is(j.orderbookFile, fx.orderbook);
  assert.is(j.orderbookFound, 'beside');
  assert.is(j.mismatchedRows, 0);
  assert.is(j.crosses, 2);
  assert.is(j.halts, 3);
  assert.is(j.summary.crosses, 2);
  assert.equal(j.summary.halts, { halt: 1, quoting: 1, trading: 1 });
  assert.is(j.summary.byType.cross, 2);
  const text = capture();
  assert.is(await main(['replay', '--messages', fx.messages], text), 0, text.stderr);
  assert.match(text.stdout, /orderbook file found beside the message file: .*orderbook_5\.csv\.gz/);
  assert.match(text.stdout, /book {5}exact/);
  assert.match(text.stdout, /2 cross trades of 19,134 shares/);
  assert.match(text.stdout, /halts {4}3 halt messages: 1 trading halted, 1 quoting resumed, 1 trading resumed/);
});

test("LOBSTER's readme rows load as written; id -1 only for crosses; halt prices only -1, 0, 1", async () => {
  const dir = tempDir();
  const write = (rows: string[]) => {
    const p = join(dir, `r${Math.random().toString(36).slice(2)}.csv`);
    writeFileSync(p, rows.join('\n') + '\n');
    return p;
  };
  const ok = await loadLobster(write(['36023,7,0,0,-1,-1', '36323,7,0,0,0,-1', '36723,7,0,0,1,-1', '36724,6,-1,500,1000000,-1']));
  assert.equal(Array.from(ok.flow.type), [7, 7, 7, 6]);
  const bad = async (row: string, pattern: RegExp, column: number) => {
    try {
      await loadLobster(write(['36000,1,1,100,1000000,1', row]));
      assert.unreachable(row);
    } catch (e) {
      assert.instance(e, DataError);
      assert.match((e as DataError).message, pattern);
      assert.is((e as DataError).bad.line, 2);
      assert.is((e as DataError).bad.column, column);
    }
  };
  await bad('36001,1,-1,100,1000000,1', /order id must be a non-negative integer \(found "-1"\)/, 3);
  await bad('36001,4,-1,100,1000000,1', /order id must be a non-negative integer/, 3);
  await bad('36001,6,-2,100,1000000,-1', /or -1 for a cross trade/, 3);
  await bad('36001,7,0,0,5,-1', /type 7\) has price -1 \(halt\), 0 \(quoting resumes\) or 1/, 5);
  await bad('36001,6,-1,0,1000000,-1', /size must be positive/, 4);
});

test.run();
