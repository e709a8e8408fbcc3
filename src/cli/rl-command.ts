/**
 * `marsbook rl train` and `marsbook rl eval`: MarS's execution agent trained inside the simulator and
 * compared with TWAP on start states it never saw.
 *
 *     marsbook rl train [--world lmm|noise|replay] [--train-from 10:00 --train-to 14:00] [--iterations N]
 *                       [--episodes B --group K] [--out policy.json] [--eval-from 15:00 --eval-to 15:55] [--json]
 *     marsbook rl eval --policy policy.json [--world …] [--eval-from 15:00 --eval-to 15:55] [--repeats k] [--json]
 *
 * Both print, for the agent and each baseline (every TWAP of MarS's grid and a pure aggressive
 * schedule, all on the same episodes), `episodes` and `meanShortfallBp`, and the agent's difference
 * to the best TWAP with its paired bootstrap interval.
 */
import { existsSync } from 'node:fs';
import { loadLobster } from '../data/lobster-load';
import { findOrderbookBeside } from '../data/lobster-names';
import { LargeMarketModel, shippedModelDir, resolveModelDir } from '../model/lmm';
import { OrderTokenizer } from '../tokenize/order-tokenizer';
import { extractOrders } from '../replay/lobster-orders';
import type { WorldKind } from '../sim/run-group';
import type { StartState } from '../sim/start-state';
import { ExecutionEnv, startsBetween } from '../sim/env/execution-env';
import type { ExecutionTask } from '../sim/env/execution-agent';
import { baselinePolicies, SoftmaxPolicy, type ExecutionPolicy } from '../sim/env/policy';
import { trainExecutionPolicy, type TrainingRow } from '../sim/env/reinforce';
import { evaluateExecution } from '../sim/env/evaluate';
import { compareExecutions, type ExecutionComparison } from '../analysis/execution';
import { progressReporter } from '../util/progress';
import { clockFlag, sampleDayFiles } from './day-files';
import { CliError, fmt, type CliIO } from './io';

export interface RlCommonOptions {
  world?: string;
  model?: string;
  messages?: string;
  orderbook?: string;
  side?: string;
  quantity?: number;
  duration?: number;
  slices?: number;
  seed?: number;
  batch?: number;
  threads?: number;
  evalFrom?: string;
  evalTo?: string;
  every?: number;
  evalEvery?: number;
  repeats?: number;
  evalSeed?: number;
  json?: boolean;
}

export interface RlTrainOptions extends RlCommonOptions {
  trainFrom?: string;
  trainTo?: string;
  iterations?: number;
  episodes?: number;
  group?: number;
  lr?: number;
  entropy?: number;
  init?: string;
  out?: string;
  eval?: boolean;
}

export interface RlEvalOptions extends RlCommonOptions {
  policy: string;
}

const WORLDS: readonly WorldKind[] = ['lmm', 'noise', 'replay'];

interface Setup {
  world: WorldKind;
  model: LargeMarketModel | null;
  env: ExecutionEnv;
  day: Awaited<ReturnType<typeof loadLobster>>;
  tokenizer: OrderTokenizer;
  events: ReturnType<typeof extractOrders>;
  task: ExecutionTask;
}

async function setup(o: RlCommonOptions): Promise<Setup> {
  const world = (o.world ?? 'lmm') as WorldKind;
  if (!WORLDS.includes(world)) throw new CliError(`--world ${o.world}: expected one of ${WORLDS.join(', ')}`);
  if (o.side !== undefined && o.side !== 'buy' && o.side !== 'sell') throw new CliError(`--side ${o.side}: expected buy or sell`);
  let model: LargeMarketModel | null = null;
  if (world === 'lmm') {
    const dir = resolveModelDir(o.model ?? shippedModelDir());
    if (!existsSync(dir)) throw new CliError(`--model ${dir}: no such folder`);
    model = await LargeMarketModel.load(dir, { threads: o.threads ?? 1 });
  }
  const tokenizer = model?.tokenizer ?? OrderTokenizer.load('pooled');
  let files: { messages: string; orderbook: string };
  if (o.messages) {
    const ob = o.orderbook ?? findOrderbookBeside(o.messages);
    if (!ob || !existsSync(ob)) throw new CliError(`--messages ${o.messages}: start states need the orderbook file too (--orderbook; none found beside it)`);
    files = { messages: o.messages, orderbook: ob };
  } else if (o.orderbook) throw new CliError('--orderbook needs --messages');
  else files = sampleDayFiles('--messages FILE [--orderbook FILE]');
  const day = await loadLobster(files.messages, files.orderbook);
  const events = extractOrders(day.flow, day.frames);
  const task: ExecutionTask = { side: (o.side ?? 'buy') as 'buy' | 'sell', quantity: o.quantity ?? 2000, duration: o.duration ?? 300, slices: o.slices ?? 10 };
  let env: ExecutionEnv;
  try {
    env = new ExecutionEnv({ world, model, task });
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  return { world, model, env, day, tokenizer, events, task };
}

function starts(s: Setup, from: string, to: string, every: number, flags: string): StartState[] {
  clockFlag(from, flags.split(' ')[0]);
  clockFlag(to, flags.split(' ')[1]);
  try {
    return startsBetween(s.day, from, to, every, s.tokenizer, { events: s.events });
  } catch (e) {
    throw new CliError(`${flags} ${from}–${to}: ${(e as Error).message}`);
  }
}

interface EvalReport {
  from: string;
  to: string;
  every: number;
  starts: number;
  repeats: number;
  seed: number;
  seconds: number;
  comparison: ExecutionComparison;
}

async function evaluate(s: Setup, o: RlCommonOptions, agent: ExecutionPolicy): Promise<EvalReport> {
  const from = o.evalFrom ?? '15:00';
  const to = o.evalTo ?? '15:55';
  const every = o.evalEvery ?? o.every ?? 5;
  const list = starts(s, from, to, every, '--eval-from --eval-to');
  const seed = o.evalSeed ?? (o.seed ?? 1) + 1000;
  const repeats = o.repeats ?? 1;
  const policies = [agent, ...baselinePolicies()];
  const bar = o.json ? null : progressReporter('evaluate');
  const ev = await evaluateExecution({ env: s.env, starts: list, seed, repeats, policies, batch: o.batch ?? 16, onProgress: bar?.onProgress });
  bar?.finish();
  return { from, to, every, starts: list.length, repeats, seed, seconds: ev.seconds, comparison: compareExecutions(ev, { agent: agent.name, seed }) };
}

function header(s: Setup, seed: number): string {
  const t = s.env.task;
  const where = s.world === 'lmm' ? `LMM world (${s.model!.name})` : `${s.world} world`;
  return `${s.day.flow.meta.symbol} ${s.day.flow.meta.date} · ${where} · ${t.side} ${fmt(t.quantity)} shares in ${t.duration} s, ${t.slices} slices (decision: PVR × aggressive level) · seed ${seed}`;
}

function evalLines(r: EvalReport): string[] {
  const c = r.comparison;
  const lines = [`eval    ${r.from}–${r.to} every ${r.every} min (${r.starts} starts × ${r.repeats}), seed ${r.seed}, in ${r.seconds.toFixed(0)} s; shortfall in bp of the arrival mid (positive = cost)`];
  lines.push(`  ${'policy'.padEnd(14)} ${'episodes'.padStart(8)} ${'meanShortfallBp'.padStart(16)} ${'± se'.padStart(7)}   passive/aggressive/forced share`);
  for (const p of c.policies) {
    lines.push(`  ${p.policy.padEnd(14)} ${String(p.episodes).padStart(8)} ${p.meanShortfallBp.toFixed(2).padStart(16)} ${p.seBp.toFixed(2).padStart(7)}   ${[p.passiveShare, p.aggressiveShare, p.forcedShare].map((x) => x.toFixed(2)).join(' / ')}`);
  }
  const d = c.difference;
  if (d) lines.push(`  ${d.policy} − best TWAP (${d.against}): ${d.meanBp.toFixed(2)} bp (${Math.round(d.level * 100)}% paired bootstrap interval ${d.ci[0].toFixed(2)} to ${d.ci[1].toFixed(2)}, ${d.pairs} episodes; negative = the agent is cheaper)`);
  return lines;
}

function evalJson(r: EvalReport): Record<string, unknown> {
  return {
    from: r.from,
    to: r.to,
    everyMinutes: r.every,
    starts: r.starts,
    repeats: r.repeats,
    seed: r.seed,
    seconds: r.seconds,
    policies: r.comparison.policies,
    bestBaseline: r.comparison.bestBaseline,
    difference: r.comparison.difference,
    differences: r.comparison.differences,
  };
}

export async function rlTrainCommand(o: RlTrainOptions, io: CliIO): Promise<number> {
  const s = await setup(o);
  const seed = o.seed ?? 1;
  const from = o.trainFrom ?? '10:00';
  const to = o.trainTo ?? '14:00';
  const every = o.every ?? 5;
  const list = starts(s, from, to, every, '--train-from --train-to');
  let init: SoftmaxPolicy | undefined;
  if (o.init) {
    try {
      init = SoftmaxPolicy.load(o.init);
    } catch (e) {
      throw new CliError(`--init ${(e as Error).message}`);
    }
  }
  const iterations = o.iterations ?? 20;
  const episodes = o.episodes ?? 16;
  const group = o.group ?? Math.min(4, episodes);
  if (episodes % group !== 0) throw new CliError(`--group ${group}: must divide --episodes ${episodes}`);
  if (!o.json) io.out(header(s, seed) + '\n');
  const curve: TrainingRow[] = [];
  const result = await trainExecutionPolicy({
    env: s.env,
    starts: list,
    iterations,
    episodes,
    group,
    seed,
    learningRate: o.lr,
    entropy: o.entropy,
    init,
    onIteration: (row) => {
      curve.push(row);
      const shown = iterations <= 30 || (row.iteration + 1) % Math.ceil(iterations / 20) === 0 || row.iteration + 1 === iterations;
      if (!o.json && shown) io.err(`  iteration ${row.iteration + 1}/${iterations}: mean shortfall ${row.meanShortfallBp.toFixed(2)} bp, entropy ${row.entropy.toFixed(2)} (${row.seconds.toFixed(1)} s)\n`);
    },
  });
  if (o.out) await result.policy.save(o.out);
  const evalReport = o.eval === false ? null : await evaluate(s, o, result.policy);
  const head = curve.slice(0, Math.max(1, Math.ceil(curve.length / 5)));
  const tail = curve.slice(-Math.max(1, Math.ceil(curve.length / 5)));
  const avg = (rows: TrainingRow[]) => rows.reduce((a, r) => a + r.meanShortfallBp, 0) / rows.length;
  if (o.json) {
    io.out(
      JSON.stringify({
        world: s.world,
        model: s.model?.name ?? null,
        symbol: s.day.flow.meta.symbol,
        date: s.day.flow.meta.date,
        task: s.env.task,
        actions: s.env.actions,
        train: { from, to, everyMinutes: every, starts: list.length, seed, iterations, episodesPerIteration: episodes, group, episodes: result.episodes, seconds: result.seconds, curve },
        policy: o.out ?? null,
        eval: evalReport ? evalJson(evalReport) : null,
      }) + '\n',
    );
    return 0;
  }
  const lines = [
    `train   ${from}–${to} every ${every} min (${list.length} starts): ${iterations} iterations × ${episodes} episodes (groups of ${group}) in ${result.seconds.toFixed(0)} s; mean shortfall of the sampled episodes ${avg(head).toFixed(2)} bp (first fifth) → ${avg(tail).toFixed(2)} bp (last fifth)`,
  ];
  if (o.out) lines.push(`saved   ${o.out}`);
  if (evalReport) lines.push(...evalLines(evalReport));
  io.out(lines.join('\n') + '\n');
  return 0;
}

export async function rlEvalCommand(o: RlEvalOptions, io: CliIO): Promise<number> {
  let policy: SoftmaxPolicy;
  try {
    policy = SoftmaxPolicy.load(o.policy);
  } catch (e) {
    throw new CliError(`--policy ${(e as Error).message}`);
  }
  const s = await setup(o);
  const a = s.env.actions;
  if (policy.actions.length !== a.length || policy.actions.some((x, i) => x.pvr !== a[i].pvr || x.level !== a[i].level)) throw new CliError(`--policy ${o.policy}: it chooses among other actions than this environment's`);
  const seed = o.seed ?? 1;
  if (!o.json) io.out(header(s, o.evalSeed ?? seed + 1000) + '\n');
  const r = await evaluate(s, o, policy);
  if (o.json) {
    io.out(JSON.stringify({ world: s.world, model: s.model?.name ?? null, symbol: s.day.flow.meta.symbol, date: s.day.flow.meta.date, task: s.env.task, policy: o.policy, training: policy.training, eval: evalJson(r) }) + '\n');
    return 0;
  }
  io.out([`policy  ${o.policy} (${String(policy.training.world ?? '?')} world, ${String(policy.training.iterations ?? '?')} iterations)`, ...evalLines(r)].join('\n') + '\n');
  return 0;
}
