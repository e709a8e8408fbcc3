import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadLobster, loadLobsterSync } from '../src/data/lobster-load';
import { parseLobsterFileName, pairedOrderbookPath } from '../src/data/lobster-names';
import { dayFiles, realSample, syntheticFiles, tempDir } from './helpers';

test('file names give symbol, date, window and level', () => {
  assert.equal(parseLobsterFileName('/x/GOOG_2012-06-21_34200000_57600000_message_10.csv.gz'), {
    symbol: 'GOOG',
    date: '2012-06-21',
    startMs: 34_200_000,
    endMs: 57_600_000,
    kind: 'message',
    levels: 10,
  });
  assert.is(parseLobsterFileName('trades.csv'), null);
  assert.is(pairedOrderbookPath('/d/AMZN_2012-06-21_34200000_57600000_message_5.csv'), '/d/AMZN_2012-06-21_34200000_57600000_orderbook_5.csv');
});

test('a synthetic day loads the same from plain and gzip files, sync and streaming', async () => {
  const plain = syntheticFiles(5, 5_000, false, 3);
  const gz = syntheticFiles(5, 5_000, true, 3);
  const a = await loadLobster(plain.messages, plain.orderbook);
  const b = await loadLobster(gz.messages, gz.orderbook);
  const c = loadLobsterSync(gz.messages, gz.orderbook);
  for (const d of [b, c]) {
    assert.equal(Array.from(d.flow.time), Array.from(a.flow.time));
    assert.equal(Array.from(d.flow.id), Array.from(a.flow.id));
    assert.equal(Array.from(d.frames!.data), Array.from(a.frames!.data));
  }
  assert.is(a.flow.meta.symbol, 'SYNTH');
  assert.is(a.flow.meta.levels, 5);
  assert.is(a.frames!.levels, 5);
  assert.is(a.flow.length, a.frames!.length);
  // the first row of each file, parsed by hand
  const first = readFileSync(plain.messages, 'utf8').split('\n')[0].split(',').map(Number);
  assert.equal([a.flow.time[0], a.flow.type[0], a.flow.id[0], a.flow.size[0], a.flow.price[0], a.flow.direction[0]], first);
  const book = readFileSync(plain.orderbook, 'utf8').split('\n')[0].split(',').map(Number);
  assert.is(a.frames!.askPrice(0), book[0]);
  assert.is(a.frames!.bidSize(0, 1), book[7]);
});

test('the GOOG level-10 sample loads completely (counts from SOURCES.md)', async () => {
  const s = realSample('GOOG', 10);
  if (!s) return;
  const d = await loadLobster(s.messages, s.orderbook);
  assert.is(d.flow.length, 147_916);
  assert.is(d.frames!.length, 147_916);
  assert.is(d.frames!.levels, 10);
  assert.is(d.flow.time[0], 34200.015105074);
  assert.is(d.flow.time[d.flow.length - 1], 57599.871751084);
  assert.equal(d.flow.countByType(), { submit: 71_258, cancel: 19, delete: 64_961, execute: 7_765, execute_hidden: 3_913, cross: 0, halt: 0 });
  assert.is(d.badLineCount, 0);
});

test('the AMZN level-5 sample loads completely', async () => {
  const s = realSample('AMZN', 5);
  if (!s) return;
  const d = await loadLobster(s.messages, s.orderbook);
  assert.is(d.flow.length, 155_935);
  assert.equal(d.flow.countByType(), { submit: 77_381, cancel: 450, delete: 66_685, execute: 8_974, execute_hidden: 2_445, cross: 0, halt: 0 });
});

test('7-column exports keep the MPID column; halts and cross trades load', async () => {
  const dir = tempDir();
  const m = join(dir, 'TEST_2024-01-02_34200000_57600000_message_1.csv');
  const o = join(dir, 'TEST_2024-01-02_34200000_57600000_orderbook_1.csv');
  writeFileSync(
    m,
    ['34200.1,1,11,100,1000000,1,UBSS', '34200.2,6,0,500,1000100,-1,null', '34200.3,7,0,0,-1,-1,null', '34201.0,7,0,0,1,-1,null', '34201.5,1,12,50,1000200,-1,'].join('\n') + '\n',
  );
  writeFileSync(o, ['1001000,10,1000000,100', '1001000,10,1000000,100', '1001000,10,1000000,100', '1001000,10,1000000,100', '1000200,50,1000000,100'].join('\n'));
  const d = await loadLobster(m, o);
  assert.is(d.flow.length, 5);
  assert.equal(d.flow.mpidNames, ['UBSS']);
  assert.equal(Array.from(d.flow.mpid!), [0, -1, -1, -1, -1]);
  assert.equal(Array.from(d.flow.type), [1, 6, 7, 7, 1]);
  const cols = d.flow.columns();
  assert.equal(cols.mpid, ['UBSS', '', '', '', '']);
});

test('empty levels (LOBSTER fillers) become NaN prices with size 0', async () => {
  const dir = tempDir();
  const m = join(dir, 'm.csv');
  const o = join(dir, 'o.csv');
  writeFileSync(m, '34200.1,1,1,100,1000000,1\n');
  writeFileSync(o, '9999999999,0,1000000,100,9999999999,0,-9999999999,0\n');
  const d = await loadLobster(m, o, { levels: 2 });
  assert.ok(Number.isNaN(d.frames!.askPrice(0)));
  assert.is(d.frames!.askSize(0), 0);
  assert.is(d.frames!.bidPrice(0), 1000000);
  assert.ok(Number.isNaN(d.frames!.bidPrice(0, 1)));
  assert.is(d.frames!.depthLevels(0, 1), 1);
  assert.is(d.frames!.depthLevels(0, -1), 0);
});

test('conversions: arrow, arquero and danfo see the same columns', async () => {
  const f = dayFiles('GOOG', 10);
  const d = await loadLobster(f.messages, f.orderbook, { maxRows: 500 });
  assert.is(d.flow.length, 500);
  const arrow = d.flow.toArrow();
  assert.is(arrow.numRows, 500);
  assert.is(arrow.getChild('price')!.get(3), d.flow.price[3]);
  const aq = await d.flow.toArquero();
  assert.is(aq.numRows(), 500);
  assert.equal(aq.columnNames().slice(0, 6), ['time', 'type', 'id', 'size', 'price', 'direction']);
  assert.is(aq.get('size', 7), d.flow.size[7]);
  const frames = await d.frames!.toArquero();
  assert.is(frames.numCols(), 40);
  assert.is(frames.get('bidPrice3', 9), d.frames!.bidPrice(9, 2));
  const df = await d.flow.slice(0, 20).toDanfo();
  assert.equal(df.shape, [20, 7]);
});

test('slices share buffers and indexAtTime bisects', async () => {
  const f = syntheticFiles(3, 3_000, false, 5);
  const d = await loadLobster(f.messages, f.orderbook);
  const s = d.flow.slice(10, 20);
  assert.is(s.length, 10);
  assert.is(s.time[0], d.flow.time[10]);
  const t = d.flow.time[100];
  const k = d.flow.indexAtTime(t);
  assert.ok(d.flow.time[k] >= t && (k === 0 || d.flow.time[k - 1] < t));
  const fs = d.frames!.slice(5, 7);
  assert.is(fs.askPrice(0), d.frames!.askPrice(5));
});

test('a gzip file without the .gz suffix is recognised', async () => {
  const dir = tempDir();
  const m = join(dir, 'm.csv');
  writeFileSync(m, gzipSync('34200.1,1,1,100,1000000,1\n'));
  const d = await loadLobster(m);
  assert.is(d.flow.length, 1);
  assert.is(d.frames, null);
});

test.run();
