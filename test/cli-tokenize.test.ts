import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../src/cli/main';
import { OrderTokens } from '../src/tokenize/order-tokens';
import { OrderTokenizer } from '../src/tokenize/order-tokenizer';
import { dayFiles, syntheticFiles, tempDir, capture } from './helpers';

const KEYS = ['orders', 'tokens', 'distinctTokens', 'entropyBits', 'clipped', 'seconds', 'tokensPerSecond'];

test('tokenize --json with the shipped tokenizer prints the contract keys', async () => {
  const f = dayFiles('AMZN', 5);
  const io = capture();
  assert.is(await main(['tokenize', '--messages', f.messages, '--orderbook', f.orderbook, '--json'], io), 0, io.stderr);
  const r = JSON.parse(io.stdout);
  for (const k of KEYS) assert.ok(k in r, k);
  assert.is(r.tokenizer, 'pooled');
  assert.ok(r.tokens > 0 && r.tokens <= r.orders);
  assert.ok(r.entropyBits > 5);
  assert.ok(r.batchWindows > 0);
  assert.ok(r.batchCodebookSize > 0);
});

test('tokenize --fit writes a tokenizer that --tokenizer then uses; --out writes tokens the trainer can read', async () => {
  const a = syntheticFiles(10, 12_000, false, 21);
  const b = syntheticFiles(5, 12_000, true, 22);
  const dir = tempDir();
  const fit = join(dir, 'mine.json');
  const io = capture();
  const code = await main(
    ['tokenize', '--messages', a.messages, '--orderbook', a.orderbook, '--messages', b.messages, '--orderbook', b.orderbook, '--fit', fit, '--until', '10:30', '--codebook', '8', '--json'],
    io,
  );
  assert.is(code, 0, io.stderr);
  assert.ok(existsSync(fit));
  const r = JSON.parse(io.stdout);
  assert.is(r.days.length, 2);
  assert.is(r.batchCodebookSize, 8);
  assert.ok(r.batchFit.bitsPerOrder <= r.batchFit.baselineBitsPerOrder);
  assert.ok(OrderTokenizer.load(fit).fittedOn.every((d) => d.orders > 0));
  const out = join(dir, 'tokens.mbt');
  const io2 = capture();
  assert.is(await main(['tokenize', '--messages', a.messages, '--orderbook', a.orderbook, '--tokenizer', fit, '--out', out], io2), 0, io2.stderr);
  assert.match(io2.stdout, /tokens/);
  const t = OrderTokens.read(out);
  assert.ok(t.length > 1000);
  assert.is(t.meta.tokenizer, 'mine');
});

test('a fit that cannot fill the bins fails with a plain message', async () => {
  const a = syntheticFiles(10, 3_000, false, 23);
  const io = capture();
  assert.is(await main(['tokenize', '--messages', a.messages, '--orderbook', a.orderbook, '--fit', join(tempDir(), 'x.json'), '--until', '09:30:05'], io), 1);
  assert.match(io.stderr, /marsbook: OrderTokenizer.fit: .* fewer than the \d+ bins/);
  assert.not.match(io.stderr, /at tokenizeCommand/);
});

test('tokenize needs an orderbook for each message file', async () => {
  const a = syntheticFiles(10, 2_000);
  const io = capture();
  assert.is(await main(['tokenize', '--messages', a.messages], io), 1);
  assert.match(io.stderr, /one --orderbook per --messages/);
});

test.run();
