/** Bad input: every problem names the file, line, column and value; collect mode keeps going and loses nothing silently. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadLobster, loadLobsterSync } from '../src/data/lobster-load';
import { DataError } from '../src/data/errors';
import { tempDir } from './helpers';

const GOOD = ['34200.1,1,1,100,1000000,1', '34200.2,1,2,100,1000100,-1', '34200.3,3,1,100,1000000,1'];
const BOOK = ['1000100,100,1000000,100', '1000100,100,1000000,100', '1000100,100,9999999999,0'].map((r) => r.replace('9999999999,0', '-9999999999,0'));

function files(messages: string[], book = BOOK.slice(0, messages.length)): { m: string; o: string } {
  const dir = tempDir();
  const m = join(dir, 'X_2020-01-02_34200000_57600000_message_1.csv');
  const o = join(dir, 'X_2020-01-02_34200000_57600000_orderbook_1.csv');
  writeFileSync(m, messages.join('\n') + '\n');
  writeFileSync(o, book.join('\n') + '\n');
  return { m, o };
}

async function rejects(messages: string[], pattern: RegExp, where: { line: number; column: number; field: string }, book?: string[]) {
  const { m, o } = files(messages, book);
  try {
    await loadLobster(m, o);
  } catch (e) {
    assert.instance(e, DataError);
    const err = e as DataError;
    assert.match(err.message, pattern);
    assert.ok(err.message.includes(m) || err.message.includes(o), `names the file: ${err.message}`);
    assert.is(err.bad.line, where.line, err.message);
    assert.is(err.bad.column, where.column, err.message);
    assert.is(err.bad.field, where.field, err.message);
    return err;
  }
  assert.unreachable('should have thrown');
}

test('wrong column count', async () => {
  const e = await rejects([GOOD[0], '34200.2,1,2,100,1000100', GOOD[2]], /wrong column count: expected 6, found 5/, { line: 2, column: 0, field: 'row' });
  assert.match(e!.message, /:2: /);
});

test('non-numeric field names its column', async () => {
  await rejects([GOOD[0], '34200.2,1,2,1O0,1000100,-1', GOOD[2]], /not a number.*"1O0"/, { line: 2, column: 4, field: 'size' });
});

test('unknown event type', async () => {
  await rejects([GOOD[0], '34200.2,9,2,100,1000100,-1'], /unknown event type/, { line: 2, column: 2, field: 'type' });
});

test('negative size', async () => {
  await rejects([GOOD[0], '34200.2,1,2,-100,1000100,-1'], /negative size/, { line: 2, column: 4, field: 'size' });
});

test('time going backwards', async () => {
  await rejects([GOOD[0], '34200.0,1,2,100,1000100,-1'], /time goes backwards \(line 1 has 34200.1\)/, { line: 2, column: 1, field: 'time' });
});

test('a header row is called a header row', async () => {
  await rejects(['Time,Type,OrderID,Size,Price,Direction', ...GOOD.slice(0, 2)], /header row found/, { line: 1, column: 1, field: 'time' });
});

test('bad direction and non-positive price', async () => {
  await rejects([GOOD[0], '34200.2,1,2,100,1000100,0'], /direction must be 1/, { line: 2, column: 6, field: 'direction' });
  await rejects([GOOD[0], '34200.2,1,2,100,0,-1'], /price must be positive/, { line: 2, column: 5, field: 'price' });
});

test('errors in the orderbook file name its column', async () => {
  await rejects(GOOD, /negative size/, { line: 2, column: 2, field: 'askSize1' }, [BOOK[0], '1000100,-5,1000000,100', BOOK[2]]);
  await rejects(GOOD, /not a number/, { line: 3, column: 3, field: 'bidPrice1' }, [BOOK[0], BOOK[1], '1000100,100,abc,0']);
});

test('files of different lengths do not pair', async () => {
  await rejects(GOOD, /must pair one to one/, { line: 3, column: 0, field: 'row' }, BOOK.slice(0, 2));
});

test('collect mode: every bad line listed with its reason, good rows kept, pairs stay aligned', async () => {
  const { m, o } = files(
    [GOOD[0], '34200.15,1,5,x,1000100,-1', GOOD[1], '34200.25,1,6,100,1000100,-1', GOOD[2]],
    [BOOK[0], BOOK[0], BOOK[1], '1000100,-1,1000000,100', BOOK[2]],
  );
  for (const d of [await loadLobster(m, o, { onError: 'collect' }), loadLobsterSync(m, o, { onError: 'collect' })]) {
    assert.is(d.badLineCount, 2);
    assert.equal(
      d.badLines.map((b) => [b.file === m ? 'm' : 'o', b.line, b.field]),
      [['m', 2, 'size'], ['o', 4, 'askSize1']],
    );
    assert.is(d.flow.length, 3);
    assert.equal(Array.from(d.flow.line), [1, 3, 5]);
    assert.equal(Array.from(d.frames!.line), [1, 3, 5]);
    assert.is(d.unpairedRows, 2, 'the partners of the bad lines are counted, not silently dropped');
  }
});

test('a missing file is named', async () => {
  try {
    await loadLobster('/nonexistent/a_message_1.csv');
    assert.unreachable();
  } catch (e) {
    assert.match(String(e), /not found: \/nonexistent\/a_message_1.csv/);
  }
});

test('an error leaves what was loaded before untouched', async () => {
  const ok = files(GOOD);
  const before = await loadLobster(ok.m, ok.o);
  const bad = files([GOOD[0], 'garbage']);
  await loadLobster(bad.m, bad.o).catch(() => {});
  assert.is(before.flow.length, 3);
  assert.is(before.flow.size[2], 100);
});

test.run();
