import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadLobster } from '../src/data/lobster-load';
import { replayLobster, LobsterReplayer } from '../src/replay/lobster-replay';
import { syntheticLobsterDay } from '../src/sim/synthetic-day';
import { realSample, tempDir } from './helpers';

for (const levels of [1, 3, 10]) {
  test(`synthetic level-${levels} day: zero mismatches, and the replayed book equals the engine's inside the window`, async () => {
    const rec = syntheticLobsterDay({ seed: 100 + levels, events: 20_000, levels });
    const files = rec.writeFiles(tempDir(), 'SYNTH', '2020-01-02', { gzip: levels === 3 });
    const { flow, frames } = await loadLobster(files.messages, files.orderbook);
    const r = replayLobster(flow, frames);
    assert.is(r.report.mismatchedRows, 0, JSON.stringify(r.report.firstMismatch));
    assert.is(r.report.rowsCompared, flow.length - 1);
    assert.is(r.report.unmatchedQty, 0);
    assert.is(r.book.checkInvariants(), null);
    const truth = rec.book.snapshot(levels);
    assert.equal(r.book.snapshot(levels), truth);
    if (levels === 10) assert.ok(r.report.adoptedLevels > 0, 'the fixture exercises levels entering the window');
    assert.ok(r.report.unknownOrderEvents > 0, 'the fixture exercises orders resting before the open');
  });
}

test('a corrupted orderbook row is reported as a mismatch, named, and does not cascade', async () => {
  const rec = syntheticLobsterDay({ seed: 5, events: 5_000, levels: 5 });
  const files = rec.writeFiles(tempDir(), 'SYNTH', '2020-01-02');
  const { flow, frames } = await loadLobster(files.messages, files.orderbook);
  const row = 1234;
  frames!.data[row * frames!.stride + 3] += 7; // bid size at level 1
  const r = replayLobster(flow, frames);
  assert.ok(r.report.mismatchedRows >= 1 && r.report.mismatchedRows <= 2, `mismatched ${r.report.mismatchedRows}`);
  const m = r.report.firstMismatch!;
  assert.is(m.row, row);
  assert.is(m.line, row + 1);
  assert.is(m.side, 'bid');
  assert.is(m.level, 1);
  assert.is(m.expected!.size, m.found!.size + 7);
});

test('without an orderbook file: nothing to seed or validate, unknown ids counted and skipped', async () => {
  const rec = syntheticLobsterDay({ seed: 9, events: 3_000, levels: 10 });
  const files = rec.writeFiles(tempDir(), 'SYNTH', '2020-01-02');
  const { flow } = await loadLobster(files.messages);
  const r = replayLobster(flow, null);
  assert.is(r.report.rowsCompared, 0);
  assert.ok(r.report.unknownOrderEvents > 0);
  assert.is(r.report.messages, flow.length);
  assert.is(r.book.checkInvariants(), null);
});

test('stepwise replay gives the same book as a full replay', async () => {
  const rec = syntheticLobsterDay({ seed: 21, events: 4_000, levels: 10 });
  const files = rec.writeFiles(tempDir(), 'SYNTH', '2020-01-02');
  const { flow, frames } = await loadLobster(files.messages, files.orderbook);
  const step = new LobsterReplayer(flow, frames);
  for (let k = 500; k <= flow.length; k += 500) step.runTo(k);
  step.runTo(flow.length);
  assert.equal(step.book.snapshot(10), replayLobster(flow, frames).book.snapshot(10));
});

for (const [symbol, levels] of [['GOOG', 10], ['AMZN', 5], ['GOOG', 1], ['AMZN', 1]] as const) {
  test(`real ${symbol} level ${levels}: zero mismatched rows against the orderbook file`, async () => {
    const s = realSample(symbol, levels);
    if (!s) return;
    const { flow, frames } = await loadLobster(s.messages, s.orderbook);
    const r = replayLobster(flow, frames);
    assert.is(r.report.mismatchedRows, 0, JSON.stringify(r.report.firstMismatch));
    assert.is(r.report.rowsCompared, flow.length - 1);
    assert.is(r.report.unmatchedQty, 0);
    assert.is(r.report.crossingSubmissions, 0);
    assert.is(r.book.checkInvariants(), null);
    assert.is(r.report.trades, flow.countByType().execute + flow.countByType().execute_hidden);
  });
}

test.run();
