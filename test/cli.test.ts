import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { basename, join } from 'node:path';
import { copyFileSync, writeFileSync } from 'node:fs';
import { main } from '../src/cli/main';
import type { CliIO } from '../src/cli/io';
import { dayFiles, syntheticFiles, tempDir } from './helpers';

function capture(): CliIO & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    out(t: string) {
      io.stdout += t;
    },
    err(t: string) {
      io.stderr += t;
    },
  };
  return io;
}

const REPLAY_KEYS = ['messages', 'rowsCompared', 'mismatchedRows', 'firstMismatch', 'adoptedLevels', 'unknownOrderEvents', 'seconds', 'messagesPerSecond'];

test('replay --json prints one object with the contract keys', async () => {
  const f = dayFiles('GOOG', 10);
  const io = capture();
  const code = await main(['replay', '--messages', f.messages, '--orderbook', f.orderbook, '--json'], io);
  assert.is(code, 0, io.stderr);
  const lines = io.stdout.trim().split('\n');
  assert.is(lines.length, 1);
  const r = JSON.parse(lines[0]);
  for (const k of REPLAY_KEYS) assert.ok(k in r, `missing ${k}`);
  assert.is(r.mismatchedRows, 0);
  assert.is(r.firstMismatch, null);
  assert.is(r.rowsCompared, r.messages - 1);
  assert.ok(r.messagesPerSecond > 0);
});

test('replay without --json prints a readable summary', async () => {
  const f = syntheticFiles(5, 4_000);
  const io = capture();
  assert.is(await main(['replay', '--messages', f.messages, '--orderbook', f.orderbook], io), 0);
  assert.match(io.stdout, /SYNTH 2020-01-02 · LOBSTER level 5/);
  assert.match(io.stdout, /book {5}exact: 0 of/);
  assert.match(io.stdout, /trades {3}/);
});

test('replay of messages alone counts unknown ids and does not fail', async () => {
  // Alone in its folder: an orderbook file lying beside it would be picked up.
  const f = { messages: join(tempDir(), basename(syntheticFiles(10, 4_000).messages)) };
  copyFileSync(syntheticFiles(10, 4_000).messages, f.messages);
  const io = capture();
  assert.is(await main(['replay', '--messages', f.messages, '--json'], io), 0, io.stderr);
  const r = JSON.parse(io.stdout);
  assert.is(r.rowsCompared, 0);
  assert.ok(r.unknownOrderEvents > 0);
});

test('the main job runs on a machine without the LOBSTER samples: a synthetic day, said so', async () => {
  const saved = process.env.MARSBOOK_LOBSTER_DIR;
  process.env.MARSBOOK_LOBSTER_DIR = tempDir();
  try {
    const io = capture();
    assert.is(await main(['replay', '--json'], io), 0, io.stderr);
    const r = JSON.parse(io.stdout);
    assert.is(r.synthetic, true);
    assert.is(r.symbol, 'SYNTH');
    assert.is(r.mismatchedRows, 0);
    assert.ok(r.rowsCompared > 100_000);
    assert.match(io.stderr, /no LOBSTER samples found/);
    // Files that are named but missing stay an error, never a silent stand-in.
    const io2 = capture();
    assert.ok((await main(['replay', '--messages', join(tempDir(), 'missing.csv')], io2)) !== 0);
    assert.match(io2.stderr, /missing\.csv/);
  } finally {
    if (saved === undefined) delete process.env.MARSBOOK_LOBSTER_DIR;
    else process.env.MARSBOOK_LOBSTER_DIR = saved;
  }
});

test('bad input: exit code 1 and a message naming file, line and column', async () => {
  const dir = tempDir();
  const m = join(dir, 'm.csv');
  writeFileSync(m, '34200.1,1,1,100,1000000,1\n34200.2,1,2,abc,1000000,1\n');
  const io = capture();
  assert.is(await main(['replay', '--messages', m], io), 1);
  assert.match(io.stderr, /m\.csv:2, column 4 \(size\): not a number/);
  const io2 = capture();
  assert.is(await main(['replay', '--messages', m, '--on-error', 'collect', '--json'], io2), 0);
  assert.is(JSON.parse(io2.stdout).badLines, 1);
});

test('unknown commands and bad flags fail with usage help', async () => {
  const io = capture();
  assert.ok((await main(['nonsense'], io)) !== 0);
  const io2 = capture();
  assert.ok((await main(['replay', '--levels', 'zero'], io2)) !== 0);
  assert.match(io2.stderr, /positive integer/);
});

test('bench --json --quick prints one JSON object with the contract keys', async () => {
  const io = capture();
  assert.is(await main(['bench', '--json', '--quick', '--no-pandas', '--only', 'match,replay'], io), 0, io.stderr);
  const fig = JSON.parse(io.stdout);
  for (const k of ['match_orders_per_s', 'replay_msgs_per_s', 'replay_validated_msgs_per_s']) assert.ok(fig[k] > 0, k);
  assert.is(fig.replay_mismatched_rows, 0);
});

test('the installed bin runs the built CLI', () => {
  const r = spawnSync(process.execPath, [join(__dirname, '..', 'bin', 'marsbook.js'), '--help'], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /replay/);
  assert.match(r.stdout, /bench/);
});

test.run();
