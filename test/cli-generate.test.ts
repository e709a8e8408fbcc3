import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { shippedModelDir } from '../src/model/lmm';
import { join } from 'node:path';
import { main } from '../src/cli/main';
import { dayFiles, tempDir, capture } from './helpers';

const GENERATE_KEYS = ['trajectories', 'minutes', 'ordersGenerated', 'tradesGenerated', 'invalidActions', 'seconds', 'ordersPerSecond', 'tokensPerSecond', 'summaries'];

/** A copy of the shipped model whose config claims another interval vocabulary than its tokenizer's. */
function mismatchedModel(): string {
  const dir = join(tempDir(), 'lmm-mismatch');
  cpSync(shippedModelDir(), dir, { recursive: true });
  const cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
  cfg.architecture.interval_bins = 8;
  writeFileSync(join(dir, 'config.json'), JSON.stringify(cfg));
  return dir;
}

function startFor(real: boolean): string {
  return real ? '12:00' : '09:45';
}

test('generate --json prints one object with the contract keys and per-future summaries; --out writes LOBSTER folders', async () => {
  const f = dayFiles('GOOG', 10);
  const out = tempDir();
  const io = capture();
  const code = await main(['generate', '--messages', f.messages, '--orderbook', f.orderbook, '--start', startFor(f.real), '--minutes', '0.2', '--trajectories', '3', '--seed', '7', '--out', out, '--levels', '5', '--json'], io);
  assert.is(code, 0, io.stderr);
  const lines = io.stdout.trim().split('\n');
  assert.is(lines.length, 1);
  const r = JSON.parse(lines[0]);
  for (const k of GENERATE_KEYS) assert.ok(k in r, `missing ${k}`);
  assert.is(r.trajectories, 3);
  assert.is(r.minutes, 0.2);
  assert.ok(r.ordersGenerated > 0);
  assert.is(r.summaries.length, 3);
  for (const s of r.summaries) for (const k of ['finalMid', 'returnBp', 'tradedVolume']) assert.ok(k in s, `summary lacks ${k}`);
  const folders = readdirSync(out).sort();
  assert.equal(folders, ['trajectory-000', 'trajectory-001', 'trajectory-002']);
  assert.is(readdirSync(join(out, folders[0])).filter((n) => /_(message|orderbook)_5\.csv$/.test(n)).length, 2);
});

test('generate: the orderbook beside the message file is found; the text summary names the world and the real outcome', async () => {
  const f = dayFiles('GOOG', 10);
  const io = capture();
  const code = await main(['generate', '--messages', f.messages, '--start', startFor(f.real), '--minutes', '0.1', '--trajectories', '2', '--world', 'noise'], io);
  assert.is(code, 0, io.stderr);
  assert.match(io.stdout, /noise world · 2 futures × 0\.1 min · seed 1/);
  assert.match(io.stdout, /really \d+\.\d\d/);
});

test('generate: bad input is a one-line error and a non-zero exit, never a stack trace', async () => {
  const f = dayFiles('GOOG', 10);
  const cases: Array<[string[], RegExp]> = [
    [['--start', '17:30'], /start 17:30:00 is outside/],
    [['--start', 'noon'], /not a time of day/],
    [['--minutes', '0'], /must be a positive number/],
    [['--model', join(tempDir(), 'nothing-here')], /no such folder/],
    [['--world', 'mars'], /expected one of lmm, noise, replay/],
    [['--twap', 'hold:100'], /expected SIDE:SHARES/],
    [['--model', mismatchedModel()], /its tokenizer \(3 types × 32 × 32 × 16\) does not match the model \(3 × 32 × 32 × 8\): interval differ/],
  ];
  for (const [args, re] of cases) {
    const io = capture();
    const code = await main(['generate', '--messages', f.messages, '--orderbook', f.orderbook, '--trajectories', '1', '--minutes', args.includes('--minutes') ? args[1] : '0.05', ...args.filter((a, i, all) => !(a === '--minutes' || all[i - 1] === '--minutes'))], io);
    assert.ok(code !== 0, `${args.join(' ')} exited 0`);
    assert.match(io.stderr, re, `${args.join(' ')}: ${io.stderr}`);
    assert.not.match(io.stderr, /\n\s+at /, 'a stack trace');
  }
});

test('generate on a machine without the samples starts from the noise warm-up and says so', async () => {
  const saved = process.env.MARSBOOK_LOBSTER_DIR;
  process.env.MARSBOOK_LOBSTER_DIR = tempDir();
  try {
    const io = capture();
    assert.is(await main(['generate', '--minutes', '0.1', '--trajectories', '2'], io), 0, io.stderr);
    assert.match(io.stderr, /noise agent's 30-minute warm-up/);
    assert.match(io.stdout, /start: noise warm-up/);
  } finally {
    if (saved === undefined) delete process.env.MARSBOOK_LOBSTER_DIR;
    else process.env.MARSBOOK_LOBSTER_DIR = saved;
  }
});

test('realism scores the folders generate --out writes against the real windows they came from; bad folders are one-line errors', async () => {
  const f = dayFiles('GOOG', 10);
  const out = tempDir();
  assert.is(await main(['generate', '--messages', f.messages, '--orderbook', f.orderbook, '--start', startFor(f.real), '--minutes', '1', '--trajectories', '2', '--world', 'noise', '--out', out, '--json'], capture()), 0);
  const io = capture();
  assert.is(await main(['realism', '--real-messages', f.messages, '--real-orderbook', f.orderbook, '--generated', out, '--resamples', '10', '--json'], io), 0, io.stderr);
  const r = JSON.parse(io.stdout);
  assert.equal(r.sequences, { real: 1, generated: 2 });
  const names = r.scores.map((s: { score: string }) => s.score);
  for (const k of ['spread', 'imbalance', 'log_inter_arrival_ms', 'ask_volume_touch', 'ofi', 'spread | hour']) assert.ok(names.includes(k), `missing ${k}`);
  for (const s of r.scores) if (s.l1.value !== null) assert.ok(s.l1.value >= 0 && s.l1.value <= 1, `${s.score}: L1 ${s.l1.value}`);
  assert.ok(r.summary.l1.mean > 0 && r.summary.l1.mean < 1);
  const text = capture();
  assert.is(await main(['realism', '--real-messages', f.messages, '--generated', out, '--resamples', '5'], text), 0, text.stderr);
  assert.match(text.stdout, /summary L1: mean 0\.\d{3}, median/);
  const bad = capture();
  assert.is(await main(['realism', '--real-messages', f.messages, '--generated', join(out, 'nothing')], bad), 1);
  assert.match(bad.stderr, /no such folder/);
});

test('realism --starts generates from real starts in each world and scores them against what followed, with the closed-loop report', async () => {
  const f = dayFiles('GOOG', 10);
  const start = startFor(f.real);
  const [h, m] = start.split(':').map(Number);
  const second = `${String(h).padStart(2, '0')}:${String(m + 2).padStart(2, '0')}`;
  const io = capture();
  assert.is(await main(['realism', '--real-messages', f.messages, '--starts', `${start},${second}`, '--world', 'noise,replay', '--minutes', '1', '--trajectories', '2', '--resamples', '10', '--workers', '0', '--json'], io), 0, io.stderr);
  const r = JSON.parse(io.stdout);
  assert.equal(r.worlds.map((w: { world: string }) => w.world), ['noise', 'replay']);
  for (const w of r.worlds) {
    assert.equal(w.sequences, { real: 2, generated: 4 });
    assert.equal(w.closedLoop.rows.map((x: { horizon: number }) => x.horizon), [1, 1]);
    assert.ok(w.closedLoop.summary[0].realSpreadTicks > 0);
    // One-minute windows are too short for the response curves' long lags: the score is reported as unscored, not invented.
    assert.ok(w.priceResponse.classesScored === 0 ? w.priceResponse.score === null : Number.isFinite(w.priceResponse.score));
    assert.equal(w.overlap.map((x: { quantity: string }) => x.quantity).slice(0, 3), ['volatility', 'spread', 'mean order volume']);
    assert.is(w.stylizedFacts.facts.length, 11);
  }
  // The replay world's spread distribution is the real one: overlap 1 where the noise world's is far lower.
  assert.ok(r.worlds[1].overlap[1].overlap > r.worlds[0].overlap[1].overlap);
  // The real orders re-sent through the engine score far closer to the real flow than the noise agent.
  assert.ok(r.worlds[1].summary.l1.mean < r.worlds[0].summary.l1.mean, `replay ${r.worlds[1].summary.l1.mean} vs noise ${r.worlds[0].summary.l1.mean}`);
  const both = capture();
  assert.is(await main(['realism', '--real-messages', f.messages, '--starts', start, '--generated', 'x'], both), 1);
  assert.match(both.stderr, /either --generated DIR .* or --starts/);
  const badWorld = capture();
  assert.is(await main(['realism', '--real-messages', f.messages, '--starts', start, '--world', 'lmm,dream'], badWorld), 1);
  assert.match(badWorld.stderr, /--world lmm,dream/);
});

test('forecast: baselines fitted on training time and worlds forecasting from futures, scored on the same held-out starts; the replay world is the oracle', async () => {
  const f = dayFiles('GOOG', 10);
  if (!f.real) return; // the synthetic day is too short for a training part and a held-out part
  const io = capture();
  assert.is(await main(['forecast', '--messages', f.messages, '--world', 'noise,replay', '--from', '15:00', '--to', '15:30', '--every-minutes', '10', '--trajectories', '2', '--resamples', '50', '--workers', '0', '--json'], io), 0, io.stderr);
  const r = JSON.parse(io.stdout);
  assert.equal(r.starts, ['15:00:00', '15:10:00', '15:20:00', '15:30:00']);
  const by = Object.fromEntries(r.scores.map((s: { method: string }) => [s.method, s]));
  assert.equal(Object.keys(by), ['majority', 'logistic', 'ridge', 'noise (mean)', 'noise (vote)', 'replay (mean)', 'replay (vote)']);
  // The real orders re-sent give back the realized labels: the pipeline's labels agree on both sides.
  assert.is(by['replay (mean)'].accuracy.value, 1);
  assert.is(by.logistic.accuracyDiff.value, 0);
  const bad = capture();
  assert.is(await main(['forecast', '--messages', f.messages, '--from', '14:00'], bad), 1);
  assert.match(bad.stderr, /held-out time/);
});

test('impact: paired futures per size, impact with intervals, sqrtLaw { Y, delta, ci, r2 } and the decay; bad flags are one-line errors', async () => {
  const f = dayFiles('GOOG', 10);
  const io = capture();
  const args = ['impact', '--messages', f.messages, '--start', f.real ? '15:00' : '09:45', '--world', 'noise', '--schedule', 'aggressive', '--sizes', '0.05,0.2,0.5', '--trajectories', '3', '--duration', '40', '--after', '0.5', '--resamples', '50', '--workers', '0'];
  assert.is(await main([...args, '--json'], io), 0, io.stderr);
  const r = JSON.parse(io.stdout);
  assert.is(r.world, 'noise');
  assert.equal(r.points.map((p: { fraction: number }) => p.fraction), [0.05, 0.2, 0.5]);
  for (const p of r.points) {
    assert.is(p.quantity, Math.max(1, Math.round(p.fraction * r.windowVolume)));
    assert.ok(p.endBp[1] <= p.endBp[0] && p.endBp[0] <= p.endBp[2], 'estimate inside its interval');
    assert.ok(p.participation > 0 && p.participation <= p.quantity / r.windowVolume + 1e-12, "no more executed than asked");
  }
  assert.ok(r.sqrtLaw && Number.isFinite(r.sqrtLaw.Y) && Number.isFinite(r.sqrtLaw.delta) && r.sqrtLaw.ci.delta.length === 2 && r.sqrtLaw.r2 <= 1);
  assert.ok(r.laws.linear && r.laws.almgren, 'the other laws are fitted beside it');
  assert.ok(Object.keys(r.decay).length > 0, 'the decay after the execution is fitted');
  const text = capture();
  assert.is(await main(args, text), 0, text.stderr);
  assert.match(text.stdout, /sqrtLaw \(end\): I\/σ = Y·\(Q\/V\)\^δ with Y/);
  for (const [flag, value, msg] of [['--sizes', '0.1,-2', /--sizes 0.1,-2/], ['--side', 'hold', /--side hold/], ['--world', 'replay', /--world replay/], ['--measure', 'vibes', /--measure vibes/]] as const) {
    const bad = capture();
    assert.is(await main(['impact', '--messages', f.messages, flag, value], bad), 1);
    assert.match(bad.stderr, msg);
  }
});

test.run();
