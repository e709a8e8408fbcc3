import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadVenueCsv, parseTimeField, splitDelimited } from '../src/data/venue-csv';
import { DataError } from '../src/data/errors';
import { tempDir } from './helpers';

const MAPPING = {
  columns: { time: 'ts', type: 'event', id: 'ref', size: 'qty', price: 'px', side: 'side' },
  types: { A: 'submit' as const, X: 'cancel' as const, D: 'delete' as const, E: 'execute' as const },
  priceScale: 10_000,
};

test('quoted fields and doubled quotes', () => {
  assert.equal(splitDelimited('a,"b,c",d', ','), ['a', 'b,c', 'd']);
  assert.equal(splitDelimited('"say ""hi""",2', ','), ['say "hi"', '2']);
  assert.is(splitDelimited('"open,1', ','), null);
  assert.equal(splitDelimited('1;2;3', ';'), ['1', '2', '3']);
});

test('time formats: seconds, epoch in s/ms/us/ns with an offset, ISO with and without zone', () => {
  assert.is(parseTimeField('34200.5', 'seconds'), 34200.5);
  // 2012-06-21 13:30:00.25 UTC = 09:30:00.25 in New York (UTC−4)
  assert.is(parseTimeField('1340285400', 'epoch_s', -4), 34200);
  assert.is(parseTimeField('1340285400250', 'epoch_ms', -4), 34200.25);
  assert.is(parseTimeField('1340285400250000', 'epoch_us', -4), 34200.25);
  assert.is(parseTimeField('1340285400250000123', 'epoch_ns', -4), 34200.250000123);
  assert.is(parseTimeField('2012-06-21T09:30:00.123456789', 'iso'), 34200.123456789);
  assert.is(parseTimeField('09:30:01', 'iso'), 34201);
  assert.is(parseTimeField('2012-06-21T13:30:00Z', 'iso', -4), 34200);
  assert.is(parseTimeField('2012-06-21T15:30:00+02:00', 'iso', -4), 34200);
  assert.ok(Number.isNaN(parseTimeField('yesterday', 'iso')));
});

test('a venue file with a header, labels and scaled prices becomes LOBSTER-semantics order flow', async () => {
  const dir = tempDir();
  const path = join(dir, 'XYZ_ticks.csv.gz');
  const text = ['ts,event,ref,qty,px,side', '09:30:00.1,A,1,100,10.01,B', '09:30:00.2,A,2,50,10.02,S', '"09:30:00.3",E,2,20,10.02,S', '09:30:00.4,X,1,40,10.01,B', '09:30:00.5,D,1,60,10.01,buy'].join('\r\n');
  writeFileSync(path, gzipSync(text));
  const { flow, badLineCount } = await loadVenueCsv(path, { ...MAPPING, time: 'iso' }, { date: '2024-05-01' });
  assert.is(badLineCount, 0);
  assert.is(flow.length, 5);
  assert.equal(Array.from(flow.type), [1, 1, 4, 2, 3]);
  assert.equal(Array.from(flow.price), [100100, 100200, 100200, 100100, 100100]);
  assert.equal(Array.from(flow.direction), [1, -1, -1, 1, 1]);
  assert.equal(Array.from(flow.line), [2, 3, 4, 5, 6]);
  assert.is(flow.meta.symbol, 'XYZ');
  assert.is(flow.time[2], 34200.3);
});

test('columns by number when there is no header', async () => {
  const dir = tempDir();
  const path = join(dir, 'raw.csv');
  writeFileSync(path, '1,34200.5,7,100,2500,1\n');
  const { flow } = await loadVenueCsv(path, { header: false, columns: { type: '0', time: '1', id: '2', size: '3', price: '4', side: '5' } });
  assert.is(flow.time[0], 34200.5);
  assert.is(flow.id[0], 7);
});

test('mapping errors name the missing column; row errors name file, line, column and value', async () => {
  const dir = tempDir();
  const path = join(dir, 'bad.csv');
  writeFileSync(path, ['ts,event,ref,qty,px,side', '34200.1,A,1,100,10,B', '34200.2,Q,2,100,10,B', '34200.3,A,3,-5,10,B', '34200.0,A,4,5,10,B', '34200.4,A,5,5,10,Z', '34200.5,A,6,5'].join('\n'));
  try {
    await loadVenueCsv(path, { ...MAPPING, columns: { ...MAPPING.columns, px: undefined, price: 'price' } as never });
    assert.unreachable();
  } catch (e) {
    assert.match(String(e), /column "price" for price not found; the header has "ts", "event"/);
  }
  try {
    await loadVenueCsv(path, MAPPING);
    assert.unreachable();
  } catch (e) {
    assert.instance(e, DataError);
    assert.match((e as DataError).message, /bad.csv:3, column 2 \(event\): unknown event type/);
  }
  const { flow, badLines } = await loadVenueCsv(path, MAPPING, { onError: 'collect' });
  assert.is(flow.length, 1);
  assert.equal(
    badLines.map((b) => [b.line, b.field, b.reason.split(' (')[0].split(':')[0]]),
    [
      [3, 'event', 'unknown event type'],
      [4, 'qty', 'negative size'],
      [5, 'ts', 'time goes backwards'],
      [6, 'side', 'unknown side'],
      [7, 'row', 'wrong column count'],
    ],
  );
});

test.run();
