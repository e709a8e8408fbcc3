import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadLobster } from '../src/data/lobster-load';
import { extractOrders } from '../src/replay/lobster-orders';
import { OrderEvents, ORDER_EVENT_SCHEMA, LOB_SLOTS, allocateOrderEventColumns } from '../src/data/order-events';
import { columnNames, columnWidth, defineColumns, allocateColumns, tableColumns, checkColumns } from '../src/data/columns';
import { OrderTokenizer } from '../src/tokenize/order-tokenizer';
import { OrderTokens, ORDER_TOKEN_SCHEMA, ORDER_TOKEN_COLUMNS } from '../src/tokenize/order-tokens';
import { decodeColumnFile } from '../src/tokenize/token-file';
import { syntheticFiles } from './helpers';

async function day(): Promise<OrderEvents> {
  const f = syntheticFiles(10, 4_000);
  const d = await loadLobster(f.messages, f.orderbook);
  return extractOrders(d.flow, d.frames);
}

test('a schema gives the arrays, the table view (wide columns split, codes named) and the length check', () => {
  const s = defineColumns({
    k: { array: Uint8Array, labels: ['x', 'y'], doc: 'a code' },
    v: { array: Float64Array, width: 2, parts: ['lo', 'hi'], doc: 'two per row' },
  });
  const c = allocateColumns(s, 3);
  assert.ok(c.k instanceof Uint8Array && c.k.length === 3);
  assert.ok(c.v instanceof Float64Array && c.v.length === 6);
  c.k.set([0, 1, 1]);
  c.v.set([1, 2, 3, 4, 5, 6]);
  const t = tableColumns(s, c, 3);
  assert.equal(Object.keys(t), ['k', 'lo', 'hi']);
  assert.equal(t.k, ['x', 'y', 'y']);
  assert.equal(Array.from(t.hi as Float64Array), [2, 4, 6]);
  assert.throws(() => checkColumns('T', s, { ...c, v: new Float64Array(5) }, 3), /column v has 5 values, expected 6/);
  assert.throws(() => checkColumns('T', s, { ...c, k: new Int8Array(3) as unknown as Uint8Array }, 3), /column k is a Int8Array/);
  assert.throws(() => defineColumns({ w: { array: Uint8Array, width: 2, parts: ['a'], doc: '' } }), /part names/);
});

test('OrderEvents: fields, slice and columns() all follow ORDER_EVENT_SCHEMA', async () => {
  const ev = await day();
  for (const name of columnNames(ORDER_EVENT_SCHEMA)) {
    const def = ORDER_EVENT_SCHEMA[name];
    assert.ok(ev[name] instanceof def.array, name);
    assert.is(ev[name].length, ev.length * columnWidth(def), name);
  }
  const s = ev.slice(10, 20);
  assert.is(s.length, 10);
  assert.is(s.lob.length, 10 * LOB_SLOTS);
  assert.is(s.lob.buffer, ev.lob.buffer, 'a slice shares the buffers');
  assert.is(s.lob[0], ev.lob[10 * LOB_SLOTS]);
  assert.is(s.meta, ev.meta);
  const cols = ev.columns();
  const tableWidth = columnNames(ORDER_EVENT_SCHEMA).reduce((n, c) => n + (columnWidth(ORDER_EVENT_SCHEMA[c]) > 1 ? columnWidth(ORDER_EVENT_SCHEMA[c]) : 1), 0);
  assert.is(Object.keys(cols).length, tableWidth, 'one table column per part of a wide column, names unique');
  assert.ok('lob-5' in cols && 'lob4' in cols && !('lob' in cols));
  assert.is((cols.type as string[])[0], ['S', 'B', 'C'][ev.type[0]]);
  assert.throws(() => new OrderEvents({ ...allocateOrderEventColumns(3), lob: new Float64Array(3) }, ev.meta, ev.stats, []), /column lob has 3 values, expected 30/);
});

test('OrderTokens: the token file holds every schema column in schema order, and reads back the same', async () => {
  const t = OrderTokenizer.load('pooled').encode(await day());
  const file = decodeColumnFile(t.toBinary());
  assert.equal(Object.keys(file.columns), [...ORDER_TOKEN_COLUMNS]);
  assert.equal(file.columns.lob.shape, [t.length, LOB_SLOTS]);
  const back = OrderTokens.fromBinary(t.toBinary());
  for (const name of columnNames(ORDER_TOKEN_SCHEMA)) {
    assert.ok(back[name] instanceof ORDER_TOKEN_SCHEMA[name].array, name);
    assert.equal(Array.from(back[name]), Array.from(t[name]), name);
  }
  assert.equal(back.meta, t.meta);
  const s = t.slice(5, 9);
  assert.is(s.length, 4);
  assert.is(s.id[0], t.id[5]);
  assert.is(s.lob[0], t.lob[5 * LOB_SLOTS]);
});

test('tokens.c, the deprecated spelling, still gives the same arrays and the meta', async () => {
  const t = OrderTokenizer.load('pooled').encode(await day());
  assert.is(t.c.type, t.type);
  assert.is(t.c.lob, t.lob);
  assert.is(t.c.symbol, t.meta.symbol);
  assert.equal(t.c.clipped, t.clipped);
  assert.is(t.c, t.c, 'built once');
});

test.run();
