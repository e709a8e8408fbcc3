/** Bad input: every problem names the file, line, column and value; collect mode keeps going and loses nothing silently. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadLobster, loadLobsterSync, type LobsterData } from '../src/data/lobster-load';
import { loadVenueCsv } from '../src/data/venue-csv';
import { DataError } from '../src/data/errors';
import { main } from '../src/cli/main';
import { syntheticFiles, tempDir, capture } from './helpers';

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

/** A one-line DataError naming the file (and no stack trace in what the CLI prints). */
async function failsNaming(run: () => Promise<unknown> | unknown, file: string, pattern: RegExp): Promise<DataError> {
  try {
    await run();
  } catch (e) {
    assert.instance(e, DataError, String(e));
    const err = e as DataError;
    assert.ok(err.message.startsWith(file), `names the file first: ${err.message}`);
    assert.match(err.message, pattern);
    assert.not.match(err.message, /\n/);
    assert.not.match(err.message, /found ""/);
    return err;
  }
  assert.unreachable('should have thrown');
  throw new Error('unreachable');
}

async function cliFails(args: string[], file: string, pattern: RegExp): Promise<void> {
  const io = capture();
  const code = await main(['replay', ...args], io);
  assert.ok(code !== 0, `exit code ${code}`);
  assert.is(io.stderr.trim().split('\n').length, 1, io.stderr);
  assert.ok(io.stderr.includes(file), io.stderr);
  assert.match(io.stderr, pattern);
  assert.not.match(io.stderr, /\s+at .*:\d+/, 'no stack trace');
}

function truncatedGz(): { m: string; o: string; keptLines: number } {
  const src = syntheticFiles(3, 4_000, false, 31);
  const dir = tempDir();
  const m = join(dir, 'SYNTH_2020-01-02_34200000_57600000_message_3.csv.gz');
  const o = join(dir, 'SYNTH_2020-01-02_34200000_57600000_orderbook_3.csv.gz');
  const gz = gzipSync(readFileSync(src.messages));
  writeFileSync(m, gz.subarray(0, Math.floor(gz.length / 2)));
  writeFileSync(o, gzipSync(readFileSync(src.orderbook)));
  return { m, o, keptLines: 0 };
}

test('a truncated .gz is a one-line DataError naming the file; collect mode keeps the rows before the cut', async () => {
  const { m, o } = truncatedGz();
  for (const load of [() => loadLobster(m, o), () => loadLobsterSync(m, o), () => loadLobster(m)]) {
    const e = await failsNaming(load, m, /gzip data ends early after line \d+: the file is truncated/);
    assert.is(e.bad.line, 0);
  }
  await cliFails(['--messages', m, '--orderbook', o], m, /truncated/);
  // The installed command too: exit code 1, one line on stderr, no stack trace.
  const run = spawnSync(process.execPath, [join(__dirname, '..', 'bin', 'marsbook.js'), 'replay', '--messages', m, '--json'], { encoding: 'utf8' });
  assert.is(run.status, 1, run.stderr);
  assert.is(run.stdout, '');
  assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
  assert.match(run.stderr, /^marsbook: .*message_3\.csv\.gz: gzip data ends early after line \d+: the file is truncated/);
  for (const d of [await loadLobster(m, o, { onError: 'collect' }), loadLobsterSync(m, o, { onError: 'collect' })]) {
    assert.ok(d.flow.length > 500, `kept ${d.flow.length}`);
    assert.equal(d.badLines[0].file, m);
    assert.match(d.badLines[0].reason, /truncated/);
    const [mf, of] = d.files;
    assert.is(mf.keptRows + mf.badLines + mf.unpairedRows + mf.blankLines, mf.lines);
    assert.is(of.keptRows + of.badLines + of.unpairedRows + of.blankLines, of.lines);
    // The orderbook rows beyond the cut have no partner: the first is reported, the rest counted.
    assert.ok(d.badLines.some((b) => b.file === o && /has no partner: the message file .* has only \d+ rows/.test(b.reason)));
  }
});

test('an empty file is a DataError naming it, in both modes; the CLI exits non-zero (no VWAP NaN)', async () => {
  const dir = tempDir();
  const empty = join(dir, 'E_2020-01-02_34200000_57600000_message_1.csv');
  writeFileSync(empty, '');
  const blank = join(dir, 'B_2020-01-02_34200000_57600000_message_1.csv');
  writeFileSync(blank, '\n\r\n\n');
  const ok = files(GOOD);
  const emptyBook = join(dir, 'X_2020-01-02_34200000_57600000_orderbook_1.csv.gz');
  writeFileSync(emptyBook, gzipSync(''));
  for (const onError of ['throw', 'collect'] as const) {
    await failsNaming(() => loadLobster(empty, undefined, { onError }), empty, /empty file: no rows/);
    await failsNaming(() => loadLobsterSync(empty, undefined, { onError }), empty, /empty file: no rows/);
    await failsNaming(() => loadLobster(blank, undefined, { onError }), blank, /empty file: no rows \(3 blank lines only\)/);
    await failsNaming(() => loadLobster(ok.m, emptyBook, { onError }), emptyBook, /empty file/);
    await failsNaming(() => loadVenueCsv(empty, { columns: { time: 't', type: 'e', id: 'i', size: 's', price: 'p', side: 'd' } }, { onError }), empty, /empty file/);
  }
  await cliFails(['--messages', empty], empty, /empty file/);
  await cliFails(['--messages', empty, '--on-error', 'collect', '--json'], empty, /empty file/);
  // Every row bad in collect mode: nothing to replay is a failure too, naming the first bad line.
  const allBad = files(['x,y', 'z']);
  const io = capture();
  assert.is(await main(['replay', '--messages', allBad.m, '--orderbook', allBad.o, '--on-error', 'collect'], io), 1);
  assert.match(io.stderr, /no messages to replay: .*first: .*message_1\.csv:1/);
});

test('a short partner file: the message says which file has fewer rows, and how many', async () => {
  const { m, o } = files(GOOD, BOOK.slice(0, 2));
  const e = await failsNaming(() => loadLobster(m, o), m, /row 3 has no partner: the orderbook file .*orderbook_1\.csv has only 2 rows, this file has 3/);
  assert.is(e.bad.line, 3);
  const short = files(GOOD.slice(0, 1), BOOK);
  await failsNaming(() => loadLobsterSync(short.m, short.o), short.o, /:2: row 2 has no partner: the message file .*message_1\.csv has only 1 rows, this file has 3/);
  await cliFails(['--messages', m, '--orderbook', o], m, /has only 2 rows/);
});

test('rows pair by row, not by line: blank lines, a BOM and CRLF endings change nothing', async () => {
  const { m, o } = files(GOOD);
  const dir = tempDir();
  const m2 = join(dir, 'X_2020-01-02_34200000_57600000_message_1.csv');
  const o2 = join(dir, 'X_2020-01-02_34200000_57600000_orderbook_1.csv');
  writeFileSync(m2, '\ufeff' + GOOD.join('\r\n') + '\r\n\r\n');
  writeFileSync(o2, ['', BOOK[0], '', BOOK[1], BOOK[2], '', ''].join('\n'));
  const a = await loadLobster(m, o);
  for (const b of [await loadLobster(m2, o2), loadLobsterSync(m2, o2)]) {
    assert.is(b.badLineCount, 0);
    assert.equal(Array.from(b.flow.time), Array.from(a.flow.time));
    assert.equal(Array.from(b.frames!.data), Array.from(a.frames!.data));
    assert.equal(Array.from(b.frames!.line), [2, 4, 5]);
  }
});

test('a message file with its orderbook beside it is replayed with it, and the output says so', async () => {
  const { m, o } = files(GOOD);
  const io = capture();
  assert.is(await main(['replay', '--messages', m, '--json'], io), 0, io.stderr);
  const j = JSON.parse(io.stdout);
  assert.is(j.orderbookFile, o);
  assert.is(j.orderbookFound, 'beside');
  assert.is(j.rowsCompared, 2);
  const named = capture();
  assert.is(await main(['replay', '--messages', m, '--orderbook', o, '--json'], named), 0, named.stderr);
  assert.is(JSON.parse(named.stdout).orderbookFound, 'named');
  const alone = capture();
  const dir = tempDir();
  const lone = join(dir, 'X_2020-01-02_34200000_57600000_message_1.csv');
  writeFileSync(lone, GOOD.join('\n'));
  assert.is(await main(['replay', '--messages', lone, '--json'], alone), 0, alone.stderr);
  assert.is(JSON.parse(alone.stdout).orderbookFound, null);
  assert.is(JSON.parse(alone.stdout).orderbookFile, null);
});

test('collect mode lists bad lines by file, then line, whichever file was read faster (same order every time)', async () => {
  // Two gzip'd files of several chunks each, with bad lines spread through both: read at once, their
  // reports arrive interleaved in an order that varies run to run.
  const src = syntheticFiles(10, 20_000, false, 41);
  const msg = readFileSync(src.messages, 'utf8').trimEnd().split('\n');
  const book = readFileSync(src.orderbook, 'utf8').trimEnd().split('\n');
  for (let k = 7; k < msg.length; k += 997) msg[k] = msg[k].replace(/,(\d+),(-?1)$/, ',x$1,$2');
  for (let k = 11; k < book.length; k += 1009) book[k] = book[k].replace(/^(\d+),/, '$1,-');
  const dir = tempDir();
  const m = join(dir, 'SYNTH_2020-01-02_34200000_57600000_message_10.csv.gz');
  const o = join(dir, 'SYNTH_2020-01-02_34200000_57600000_orderbook_10.csv.gz');
  writeFileSync(m, gzipSync(msg.join('\n') + '\n'));
  writeFileSync(o, gzipSync(book.join('\n') + '\n'));
  const key = (d: LobsterData) => d.badLines.map((b) => `${b.file === m ? 'm' : 'o'}:${b.line}`).join(' ');
  const first = await loadLobster(m, o, { onError: 'collect' });
  const expected = first.badLines.slice().sort((a, b) => (a.file === b.file ? a.line - b.line : a.file === m ? -1 : 1));
  assert.is(key(first), key({ ...first, badLines: expected }));
  assert.ok(first.badLines.filter((b) => b.file === m).length >= 15 && first.badLines.filter((b) => b.file === o).length >= 15);
  assert.is(key(loadLobsterSync(m, o, { onError: 'collect' })), key(first));
  for (let run = 0; run < 8; run++) assert.is(key(await loadLobster(m, o, { onError: 'collect' })), key(first), `run ${run}`);
});

test.run();
