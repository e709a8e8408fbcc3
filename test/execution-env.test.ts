import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { NASDAQ } from '../src/data/order-flow';
import { TYPE_BUY, TYPE_SELL } from '../src/data/order-events';
import { loadLobster, type LobsterData } from '../src/data/lobster-load';
import { LargeMarketModel } from '../src/model/lmm';
import { OrderTokenizer } from '../src/tokenize/order-tokenizer';
import { Rng } from '../src/util/rng';
import { OWNER } from '../src/sim/exchange';
import type { ReplayOrders, StartState } from '../src/sim/start-state';
import { ExecutionEnv, EXECUTION_ACTIONS, startsBetween, type StepResult } from '../src/sim/env/execution-env';
import { OBSERVATION_FEATURES, type ExecutionAction } from '../src/sim/env/execution-agent';
import { ConstantPolicy, SoftmaxPolicy, baselinePolicies } from '../src/sim/env/policy';
import { trainExecutionPolicy } from '../src/sim/env/reinforce';
import { evaluateExecution } from '../src/sim/env/evaluate';
import { compareExecutions, pairedDifference } from '../src/analysis/execution';
import { main } from '../src/cli/main';
import { executionActionsChart, policyMapChart, shortfallsChart, trainingCurveChart } from '../src/plot/execution-charts';
import { capture, dayFiles, tempDir } from './helpers';

const T0 = 36_000; // 10:00:00

/** A replay world's real orders after the start, written by hand: [seconds after the start, type, side, price, size, aggressive]. */
function continuation(rows: Array<[number, number, number, number, number, number]>): ReplayOrders {
  const n = rows.length;
  const c: ReplayOrders = {
    time: new Float64Array(n),
    type: new Uint8Array(n),
    side: new Int8Array(n),
    price: new Float64Array(n),
    size: new Float64Array(n),
    aggressive: new Uint8Array(n),
    filled: new Float64Array(n),
    midAfter: new Float64Array(n),
    spreadAfter: new Float64Array(n),
  };
  rows.forEach(([dt, type, side, price, size, aggressive], i) => {
    c.time[i] = T0 + dt;
    c.type[i] = type;
    c.side[i] = side;
    c.price[i] = price;
    c.size[i] = size;
    c.aggressive[i] = aggressive;
    c.filled[i] = aggressive ? size : 0;
  });
  return c;
}

/** A start state written by hand: resting orders [side, price, qty] (ids 1, 2, …, owned by the starting book). */
function handState(orders: Array<[number, number, number]>, cont: ReplayOrders): StartState {
  const list = new Float64Array(orders.length * 6);
  orders.forEach(([side, price, qty], i) => list.set([side, price, qty, i + 1, OWNER.seed, T0 - 100 + i], i * 6));
  return {
    symbol: 'HAND',
    date: '2012-06-21',
    venue: NASDAQ,
    time: T0 * 1e9,
    book: list,
    firstId: 1000,
    openPrice: 1_000_000,
    mid: NaN,
    lastOrderTime: (T0 - 1) * 1e9,
    context: new Int32Array(0),
    tokenizer: 'pooled',
    source: 'lobster',
    continuation: cont,
  };
}

// Bids $99.98 × 100, $99.97 × 500; asks $100.00 × 300, $100.01 × 300, $100.05 × 1,000 (prices × 10,000).
const BOOK: Array<[number, number, number]> = [
  [1, 999_800, 100],
  [1, 999_700, 500],
  [-1, 1_000_000, 300],
  [-1, 1_000_100, 300],
  [-1, 1_000_500, 1000],
];

test('reward against a hand-computed case: passive fill behind the queue, aggressive at level 1, forced completion walking the book', async () => {
  // 10 s in, someone sells 120 shares at market down to $99.98: the starting bid (100, ahead in the queue) then 20 of ours.
  const state = handState(BOOK, continuation([[10, TYPE_SELL, -1, 999_800, 120, 1]]));
  const env = new ExecutionEnv({ world: 'replay', task: { side: 'buy', quantity: 1000, duration: 60, slices: 2, passiveSeconds: 25 } });
  const [o0] = await env.reset({ seed: 1, starts: [state] });
  // Arrival mid $99.99; spread 2 ticks; imbalance (100 − 300) / 400 from the buyer's side.
  assert.equal(Array.from(o0), [1, 1, 0, 0.2, -0.5, 0, 0, 0, 0, 0]);
  // Slice 0: PVR 0.5 → a bid of min(500, ⌊0.5 × 100⌋) = 50 at $99.98, 20 fill; at 25 s the rest is cancelled and 480 go out up to level 1: 300 at $100.00.
  const [r0] = await env.step([{ pvr: 0.5, level: 1 }]);
  const arrival = 999_900;
  const cost0 = 20 * (999_800 - arrival) + 300 * (1_000_000 - arrival);
  assert.ok(Math.abs(r0.reward - (-cost0 / (1000 * arrival)) * 1e4) < 1e-12, `reward ${r0.reward}`);
  assert.is(r0.done, false);
  assert.equal([r0.info.filled, r0.info.left, r0.info.passiveFilled, r0.info.aggressiveFilled, r0.info.slice], [320, 680, 20, 300, 1]);
  // The book then: bid $99.97 × 500, asks $100.01 × 300 and $100.05 × 1,000; 420 shares traded; 20 of 50 passive filled.
  const avg = (20 * 999_800 + 300 * 1_000_000) / 320;
  const want1 = [0.5, 0.68, 0.5 - 0.32, 0.4, (500 - 300) / 800, 0, Math.log1p(0.42), 0, 0.4, ((avg / arrival - 1) * 1e4) / 10];
  Array.from(r0.observation).forEach((x, i) => assert.ok(Math.abs(x - want1[i]) < 1e-12, `${OBSERVATION_FEATURES[i]}: ${x} vs ${want1[i]}`));
  // Slice 1, the last: no passive order, no level — the forced completion buys the 680 left: 300 at $100.01, 380 at $100.05.
  const [r1] = await env.step([{ pvr: 0, level: 0 }]);
  const cost1 = 300 * (1_000_100 - arrival) + 380 * (1_000_500 - arrival);
  assert.ok(Math.abs(r1.reward - (-cost1 / (1000 * arrival)) * 1e4) < 1e-12);
  assert.is(r1.done, true);
  assert.equal([r1.info.filled, r1.info.left, r1.info.forced, r1.info.forcedFilled], [1000, 0, 680, 680]);
  const shortfall = ((cost0 + cost1) / (1000 * arrival)) * 1e4;
  assert.ok(Math.abs(r1.info.shortfallBp - shortfall) < 1e-9, `${r1.info.shortfallBp} vs ${shortfall}`);
  assert.ok(Math.abs(r0.reward + r1.reward + shortfall) < 1e-9, 'rewards sum to −shortfall');
  await env.step([0]).then(
    () => assert.unreachable('a step after the end'),
    (e: Error) => assert.match(e.message, /every episode is over; call reset/),
  );
});

test('forced completion on a thin book: what it cannot buy is left, charged the penalty; a seller sees the mirror image', async () => {
  const thin: Array<[number, number, number]> = [
    [1, 999_800, 400],
    [-1, 1_000_000, 300],
  ];
  const env = new ExecutionEnv({ world: 'replay', task: { side: 'buy', quantity: 1000, duration: 20, slices: 2, unfilledPenaltyBp: 50 } });
  await env.reset({ seed: 1, starts: [handState(thin, continuation([]))] });
  const rewards: number[] = [];
  let last: StepResult | null = null;
  for (let i = 0; i < 2; i++) {
    [last] = await env.step([{ pvr: 0, level: 0 }]);
    rewards.push(last.reward);
  }
  // 300 at $100.00 (+1 bp of the $99.99 mid… per share 100 units), 700 left at 50 bp.
  const arrival = 999_900;
  const want = ((300 * (1_000_000 - arrival)) / (1000 * arrival)) * 1e4 + (700 * 50) / 1000;
  assert.equal([last!.info.filled, last!.info.left, last!.info.forced, last!.info.forcedFilled], [300, 700, 1000, 300]);
  assert.ok(Math.abs(last!.info.shortfallBp - want) < 1e-9, `${last!.info.shortfallBp} vs ${want}`);
  assert.ok(Math.abs(rewards[0] + rewards[1] + want) < 1e-9);
  assert.is(rewards[0], 0);
  // Sell 350: 350 of the 400 bid at $99.98, 1 bp below the mid… cost positive for a seller who received less.
  const sell = new ExecutionEnv({ world: 'replay', task: { side: 'sell', quantity: 350, duration: 20, slices: 2 } });
  const [o] = await sell.reset({ seed: 1, starts: [handState(thin, continuation([]))] });
  assert.ok(Math.abs(o[4] - (-1 * (400 - 300)) / 700) < 1e-12, 'imbalance seen from the seller');
  await sell.step([{ pvr: 0, level: 1 }]);
  const [s] = await sell.step([{ pvr: 0, level: 1 }]);
  // Slice 0 sells round(350 / 2) = 175 at level 1; the forced completion the other 175.
  assert.equal([s.info.filled, s.info.left, s.info.aggressiveFilled, s.info.forcedFilled], [350, 0, 175, 175]);
  assert.ok(Math.abs(s.info.shortfallBp - ((arrival - 999_800) / arrival) * 1e4) < 1e-9);
});

let dayCache: { day: LobsterData; real: boolean } | null = null;
async function day(): Promise<{ day: LobsterData; real: boolean }> {
  if (dayCache) return dayCache;
  const f = dayFiles('GOOG', 10);
  dayCache = { day: await loadLobster(f.messages, f.orderbook), real: f.real };
  return dayCache;
}

async function rollout(env: ExecutionEnv, starts: StartState[], seed: number, pick: (b: number, t: number) => number | ExecutionAction): Promise<{ obs: number[][]; rewards: number[][]; results: StepResult[][] }> {
  const first = await env.reset({ seed, starts });
  const obs = first.map((o) => Array.from(o));
  const rewards = starts.map(() => [] as number[]);
  const results: StepResult[][] = [];
  for (let t = 0; t < env.task.slices; t++) {
    const out = await env.step(starts.map((_, b) => pick(b, t)));
    results.push(out);
    out.forEach((r, b) => {
      rewards[b].push(r.reward);
      obs[b].push(...r.observation);
    });
  }
  return { obs, rewards, results };
}

test('noise and replay worlds: the same seed gives the same observations and rewards; episodes last N steps; filled + left = Q; rewards sum to −shortfall', async () => {
  const { day: d, real } = await day();
  const tokenizer = OrderTokenizer.load('pooled');
  const starts = startsBetween(d, real ? '11:00' : '09:50', real ? '11:15' : '10:05', 5, tokenizer);
  assert.is(starts.length, 4);
  for (const world of ['noise', 'replay'] as const) {
    const env = new ExecutionEnv({ world, task: { side: 'buy', quantity: 1500, duration: 60, slices: 6 } });
    const rng = new Rng(5);
    const choices = starts.map(() => Array.from({ length: 6 }, () => rng.int(EXECUTION_ACTIONS.length)));
    const a = await rollout(env, starts, 3, (b, t) => choices[b][t]);
    const b2 = await rollout(env, starts, 3, (b, t) => choices[b][t]);
    assert.equal(a.obs, b2.obs, `${world}: observations`);
    assert.equal(a.rewards, b2.rewards, `${world}: rewards`);
    a.results.forEach((step, t) => step.forEach((r) => assert.is(r.done, t === 5, `${world}: done only at the last of 6 steps`)));
    for (const r of a.results[5]) {
      assert.is(r.info.filled + r.info.left, 1500);
      assert.is(r.info.passiveFilled + r.info.aggressiveFilled + r.info.forcedFilled, r.info.filled);
      // The forced completion takes the rest, unless the far side of the book runs dry (then what is left is charged the penalty).
      assert.ok(r.info.left === 0 || r.info.forcedFilled < r.info.forced, `${world}: ${r.info.left} left although the forced order filled all it asked`);
      assert.is(r.info.left, r.info.forced > 0 ? r.info.forced - r.info.forcedFilled : r.info.left);
    }
    a.rewards.forEach((rs, b) => {
      const sum = rs.reduce((x, y) => x + y, 0);
      assert.ok(Math.abs(sum + a.results[5][b].info.shortfallBp) < 1e-9, `${world}: Σ rewards ${sum} vs shortfall ${a.results[5][b].info.shortfallBp}`);
    });
    if (world === 'noise') {
      const c = await rollout(env, starts, 4, (b, t) => choices[b][t]);
      assert.is.not(JSON.stringify(c.rewards), JSON.stringify(a.rewards), 'another seed, another market');
    }
  }
});

test('evaluateExecution: episode e meets the same market whatever its policy and wherever it sits in a mixed batch (common random numbers)', async () => {
  const { day: d, real } = await day();
  const starts = startsBetween(d, real ? '13:00' : '09:50', real ? '13:05' : '09:55', 5, OrderTokenizer.load('pooled'));
  const env = new ExecutionEnv({ world: 'noise', task: { side: 'sell', quantity: 800, duration: 30, slices: 3 } });
  const same = { pvr: 0.5, level: 1 };
  const ev = await evaluateExecution({ env, starts, seed: 2, repeats: 2, batch: 3, policies: [new ConstantPolicy(same, 'a'), new ConstantPolicy({ pvr: 0, level: 5 }), new ConstantPolicy(same, 'b')] });
  const c = ev.episodes.columns();
  const sf = c.shortfallBp as Float64Array;
  assert.is(sf.length, 12);
  assert.equal(Array.from(sf.subarray(0, 4)), Array.from(sf.subarray(8, 12)), "policies 'a' and 'b' (same decisions, other batch positions)");
  assert.is.not(sf[0], sf[1], 'two repeats of one start are two markets');
  assert.equal(Array.from(c.start as Float64Array).slice(0, 4), [0, 0, 1, 1].map((s) => starts[s].time / 1e9));
  assert.is((ev.decisions.columns().slice as Int32Array).length, 36);
});

test('LMM world: deterministic; a world does not feel what the others in its batch decide; common random numbers until decisions differ', async () => {
  const { day: d, real } = await day();
  const model = await LargeMarketModel.load();
  const starts = startsBetween(d, real ? '12:00' : '09:50', real ? '12:05' : '09:55', 5, model.tokenizer);
  const env = new ExecutionEnv({ world: 'lmm', model, task: { side: 'buy', quantity: 500, duration: 6, slices: 3 } });
  const base = await rollout(env, starts, 7, () => 5);
  const again = await rollout(env, starts, 7, () => 5);
  assert.equal(again.obs, base.obs);
  assert.equal(again.rewards, base.rewards);
  assert.ok(env.currentWorlds().every((w) => w.stats.backgroundOrders > 10), 'the model wrote orders');
  // World 1 decides otherwise from the second decision on: world 0 sees exactly the same market.
  const other = await rollout(env, starts, 7, (b, t) => (b === 1 && t >= 1 ? 15 : 5));
  assert.equal(other.obs[0], base.obs[0]);
  assert.equal(other.rewards[0], base.rewards[0]);
  // World 1: the same until its decisions differ (first observation and reward), then another path.
  const F = OBSERVATION_FEATURES.length;
  assert.equal(other.obs[1].slice(0, 2 * F), base.obs[1].slice(0, 2 * F));
  assert.is(other.rewards[1][0], base.rewards[1][0]);
  assert.is.not(JSON.stringify(other.obs[1].slice(2 * F)), JSON.stringify(base.obs[1].slice(2 * F)));
  for (const r of base.results[2]) assert.is(r.info.filled + r.info.left, 500);
});

test('bad input: one-line errors naming the option and value', async () => {
  assert.throws(() => new ExecutionEnv({ world: 'noise', task: { side: 'buy', quantity: 0 } }), /quantity must be a positive whole number of shares, got 0/);
  assert.throws(() => new ExecutionEnv({ world: 'noise', task: { side: 'hold' as 'buy', quantity: 10 } }), /side must be 'buy' or 'sell', got "hold"/);
  assert.throws(() => new ExecutionEnv({ world: 'lmm', task: { side: 'buy', quantity: 10 } }), /an LMM world needs a model/);
  assert.throws(() => new ExecutionEnv({ world: 'noise', task: { side: 'buy', quantity: 10, passiveSeconds: 40 } }), /passiveSeconds must be ≥ 0 and shorter than a slice \(30 s\), got 40/);
  const env = new ExecutionEnv({ world: 'replay', task: { side: 'buy', quantity: 100, duration: 20, slices: 2 } });
  await env.step([0]).then(
    () => assert.unreachable(),
    (e: Error) => assert.match(e.message, /call reset first/),
  );
  await env.reset({ seed: 1, starts: [handState(BOOK, continuation([]))] });
  for (const [bad, msg] of [
    [[16], /action 16 for world 0 is not an index of the 16 actions/],
    [[{ pvr: 1.5, level: 1 }], /pvr must be in \[0, 1\], got 1.5/],
    [[{ pvr: 0.1, level: 2.5 }], /level must be a whole number ≥ 0 .*got 2.5/],
    [[0, 1], /2 actions for 1 worlds/],
  ] as const) {
    await env.step(bad as unknown as number[]).then(
      () => assert.unreachable(`${JSON.stringify(bad)} accepted`),
      (e: Error) => assert.match(e.message, msg),
    );
  }
  assert.throws(() => SoftmaxPolicy.fromJSON({ schema: 'other' } as never), /not a marsbook execution policy/);
});

/** A market where resting at the bid pays: buyers keep joining at $99.98 and sellers keep hitting it; the asks are far. */
function passiveMarket(): StartState {
  const rows: Array<[number, number, number, number, number, number]> = [];
  for (let s = 1; s < 60; s++) {
    rows.push([s, TYPE_SELL, -1, 999_800, 150, 1]);
    rows.push([s + 0.5, TYPE_BUY, 1, 999_800, 150, 0]);
  }
  return handState(
    [
      [1, 999_800, 600],
      [-1, 1_001_000, 5000],
    ],
    continuation(rows),
  );
}

test('REINFORCE: seeded (same seed, same weights); learns to rest at the bid where that pays, and beats the uniform policy', async () => {
  const env = new ExecutionEnv({ world: 'replay', task: { side: 'buy', quantity: 1000, duration: 60, slices: 2 } });
  const starts = [passiveMarket()];
  const run = (seed: number, iterations: number) => trainExecutionPolicy({ env, starts, iterations, episodes: 8, group: 8, seed, learningRate: 0.1 });
  const a = await run(3, 3);
  const b = await run(3, 3);
  assert.equal(Array.from(a.policy.weights), Array.from(b.policy.weights));
  assert.equal(a.curve, b.curve.map((r, i) => ({ ...r, seconds: a.curve[i].seconds })));
  assert.is.not(Array.from((await run(4, 3)).policy.weights).join(), Array.from(a.policy.weights).join());
  const trained = await run(3, 40);
  assert.is(trained.curve.length, 40);
  assert.ok(trained.curve[39].entropy < trained.curve[0].entropy, 'the policy became more decided');
  const first = trained.policy.actions[trained.policy.act(new Float64Array([1, 1, 0, 10, 0.5, 0, 0, 0, 0, 0]), null)];
  assert.ok(first.pvr >= 0.5, `greedy first action ${JSON.stringify(first)}`);
  const ev = await evaluateExecution({ env, starts, seed: 9, policies: [trained.policy, new ConstantPolicy({ pvr: 0, level: 0 }, 'wait'), ...baselinePolicies()] });
  const cmp = compareExecutions(ev);
  const mean = (name: string) => cmp.policies.find((p) => p.policy === name)!.meanShortfallBp;
  assert.ok(mean('agent') < mean('twap-0.1-1') && mean('agent') < mean('aggressive') && mean('agent') < mean('wait'), JSON.stringify(cmp.policies));
  assert.ok(mean('agent') < 0, 'bought below the arrival mid');
  // The charts draw all of it (Vega-Lite that compiles and renders), and say what they draw.
  for (const c of [trainingCurveChart(trained), shortfallsChart(cmp), executionActionsChart(ev), executionActionsChart(ev, { by: 'imbalance', bins: 3 }), policyMapChart(trained.policy)]) assert.match(await c.toSVG(), /^<svg/);
  const rows = (executionActionsChart(ev).spec as unknown as { data: { values: Array<{ column: string; share: number }> } }).data.values;
  for (const col of ['1', '2']) assert.ok(Math.abs(rows.filter((r) => r.column === col).reduce((a, r) => a + r.share, 0) - 1) < 1e-12, `slice ${col}: shares sum to 1`);
  assert.throws(() => executionActionsChart(ev, { policy: 'nobody' }), /no decisions of policy "nobody"/);
  // Saved and loaded, the policy acts the same.
  const path = join(tempDir(), 'policy.json');
  await trained.policy.save(path);
  const back = SoftmaxPolicy.load(path);
  assert.equal(Array.from(back.weights), Array.from(trained.policy.weights));
  assert.is(back.training.iterations, 40);
});

test('compareExecutions: per-policy means, the best TWAP, paired differences with bootstrap intervals (hand-computed)', () => {
  const r = pairedDifference([1, 2, 3, 4], [0, 1, 2, 3], { resamples: 200 });
  assert.equal(r, { meanBp: 1, ci: [1, 1], pairs: 4 });
  const d = pairedDifference([5, 1, 4, 0], [1, 1, 1, 1], { resamples: 4000, seed: 2 });
  assert.is(d.meanBp, 1.5);
  assert.ok(d.ci[0] < 1.5 && d.ci[1] > 1.5 && d.ci[0] >= -1 && d.ci[1] <= 4, JSON.stringify(d));
  const policy = ['agent', 'agent', 'agent', 'twap-0.1-1', 'twap-0.1-1', 'twap-0.1-1', 'twap-0.9-5', 'twap-0.9-5', 'twap-0.9-5'];
  const sf = [1, 2, 3, 3, 3, 6, 2, 4, 3];
  const zero = new Float64Array(9);
  const episodes = { columns: () => ({ policy, episode: Int32Array.from([0, 1, 2, 0, 1, 2, 0, 1, 2]), shortfallBp: Float64Array.from(sf), passiveFilled: zero, aggressiveFilled: Float64Array.from([10, 10, 10, 0, 0, 0, 0, 0, 0]), forcedFilled: zero }) };
  const cmp = compareExecutions({ episodes: episodes as never, policies: ['agent', 'twap-0.1-1', 'twap-0.9-5'], task: { quantity: 10 } as never }, { resamples: 500 });
  assert.equal(cmp.policies.map((p) => [p.policy, p.episodes, p.meanShortfallBp]), [
    ['agent', 3, 2],
    ['twap-0.1-1', 3, 4],
    ['twap-0.9-5', 3, 3],
  ]);
  assert.is(cmp.policies[0].aggressiveShare, 1);
  assert.is(cmp.bestBaseline, 'twap-0.9-5');
  assert.is(cmp.difference!.meanBp, -1); // (1 − 2 + 2 − 4 + 3 − 3) / 3
  assert.equal(cmp.differences.map((x) => x.against), ['twap-0.1-1', 'twap-0.9-5']);
  assert.is(cmp.differences[0].meanBp, -2);
});

test('marsbook rl train and rl eval: episodes and meanShortfallBp per policy, the difference to the best TWAP with its interval; the policy saved and read back', async () => {
  const f = dayFiles('GOOG', 10);
  const dir = tempDir();
  const policy = join(dir, 'policy.json');
  const train = f.real ? ['--train-from', '11:00', '--train-to', '11:20'] : ['--train-from', '09:40', '--train-to', '09:50'];
  const evalWindow = f.real ? ['--eval-from', '15:00', '--eval-to', '15:15'] : ['--eval-from', '10:00', '--eval-to', '10:15'];
  const common = ['--world', 'noise', '--messages', f.messages, '--orderbook', f.orderbook, '--quantity', '1000', '--duration', '60', '--slices', '4', ...evalWindow];
  const io = capture();
  assert.is(await main(['rl', 'train', ...common, ...train, '--iterations', '3', '--episodes', '4', '--out', policy, '--json'], io), 0, io.stderr);
  const out = JSON.parse(io.stdout);
  assert.is(out.train.episodes, 12);
  assert.is(out.train.curve.length, 3);
  assert.equal(out.eval.policies.map((p: { policy: string }) => p.policy), ['agent', 'twap-0.1-1', 'twap-0.1-5', 'twap-0.9-1', 'twap-0.9-5', 'aggressive']);
  assert.ok(out.eval.policies.every((p: { episodes: number; meanShortfallBp: number }) => p.episodes === 4 && Number.isFinite(p.meanShortfallBp)));
  assert.match(out.eval.difference.against, /^twap-/);
  assert.ok(out.eval.difference.ci[0] <= out.eval.difference.meanBp && out.eval.difference.meanBp <= out.eval.difference.ci[1]);
  const io2 = capture();
  assert.is(await main(['rl', 'eval', ...common, '--policy', policy], io2), 0, io2.stderr);
  assert.match(io2.stdout, /agent +4 +-?\d+\.\d\d/);
  assert.match(io2.stdout, /agent − best TWAP \(twap-[\d.]+-\d\): -?\d+\.\d\d bp \(95% paired bootstrap interval/);
  // Bad input: one line, the flag named.
  const io3 = capture();
  assert.is(await main(['rl', 'eval', ...common, '--policy', join(dir, 'missing.json')], io3), 1);
  assert.match(io3.stderr, /^marsbook: --policy .*missing\.json: cannot read the policy file\n$/);
  const io4 = capture();
  assert.is(await main(['rl', 'train', ...common, '--world', 'moon'], io4), 1);
  assert.match(io4.stderr, /--world moon: expected one of lmm, noise, replay/);
});

test.run();
