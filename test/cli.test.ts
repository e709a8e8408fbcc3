import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { basename, join } from 'node:path';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { main } from '../src/cli/main';
import { benchExtension } from '../bench/command';
import { benchGroupNames, runBench, runBenchInProcess } from '../bench/suite';
import { dayFiles, syntheticFiles, tempDir, capture } from './helpers';

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
  assert.is(await main(['bench', '--json', '--quick', '--no-pandas', '--only', 'match,replay'], io, [benchExtension]), 0, io.stderr);
  const fig = JSON.parse(io.stdout);
  for (const k of ['match_orders_per_s', 'replay_msgs_per_s', 'replay_validated_msgs_per_s']) assert.ok(fig[k] > 0, k);
  assert.is(fig.replay_mismatched_rows, 0);
});

test('bench lists its groups in --help and --only; an unknown group is a one-line error', async () => {
  const groups = benchGroupNames();
  for (const g of ['load', 'replay', 'match', 'tokenize', 'lmm']) assert.ok(groups.includes(g), g);
  const help = capture();
  assert.is(await main(['bench', '--help'], help, [benchExtension]), 0);
  const only = help.stdout.slice(help.stdout.indexOf('--only <groups>')).replace(/\s+/g, ' ');
  assert.ok(only.includes(groups.join(', ')), help.stdout);
  const bad = capture();
  assert.is(await main(['bench', '--only', 'match,nope'], bad, [benchExtension]), 1);
  assert.is(bad.stderr, `marsbook: unknown bench group 'nope' (groups: ${groups.join(', ')})\n`);
});

test('bench runs each group in a process of its own, with the same figures as in one process', async () => {
  const lines: string[] = [];
  const own = await runBench({ only: ['match', 'replay'], quick: true, log: (l) => lines.push(l) });
  const inOne = await runBenchInProcess({ only: ['match', 'replay'], quick: true });
  assert.equal(Object.keys(own), Object.keys(inOne), 'the same keys in the same order');
  assert.is(own.match_trades, inOne.match_trades, 'the same seeded work');
  const pids = lines.map((l) => /^bench (\w+): process (\d+)$/.exec(l)).filter((m) => m !== null).map((m) => Number(m![2]));
  assert.is(pids.length, 2, lines.join('\n'));
  assert.not.ok(pids.includes(process.pid), 'not this process');
  assert.is.not(pids[0], pids[1], 'one process per group');
});

test('marsbook --version prints the package version; marsbook\'s own npm config gives npm no warnings', async () => {
  const io = capture();
  assert.is(await main(['--version'], io), 0);
  assert.is(io.stdout.trim(), JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')).version);
  const root = join(__dirname, '..');
  // npm warns about every key in a project .npmrc it does not know (onnxruntime-node-install was one)
  // (only the project's config: no user config, no npm_config_* inherited from an npm that started the tests)
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  const npm = spawnSync('npm', ['pkg', 'get', 'name'], { cwd: root, encoding: 'utf8', env: { ...env, npm_config_userconfig: '/dev/null' } });
  assert.is(npm.status, 0, npm.stderr);
  assert.not.match(npm.stderr, /warn/i, npm.stderr);
  // the supported way to skip onnxruntime-node's CUDA download: its documented environment variable (npm 10) and allowScripts (npm 11)
  assert.match(readFileSync(join(root, '.ci', 'run'), 'utf8'), /^export ONNXRUNTIME_NODE_INSTALL=skip$/m);
  assert.is(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).allowScripts['onnxruntime-node'], false);
});

test('the installed bin runs the built CLI', () => {
  const r = spawnSync(process.execPath, [join(__dirname, '..', 'bin', 'marsbook.js'), '--help'], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /replay/);
  assert.match(r.stdout, /bench/);
});

test.run();
