/**
 * The `marsbook` command. Each subcommand lives in its own module; `main` returns the exit code.
 * Command names, flags and JSON keys are contracts: add, never rename.
 */
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataError } from '../data/errors';
import { packageRoot } from '../data/sample-data';
import { CliError, processIO, type CliIO } from './io';
import { replayCommand } from './replay-command';
import { tokenizeCommand } from './tokenize-command';
import { lmmEvalCommand, lmmCardCommand } from './lmm-command';
import { generateCommand } from './generate-command';
import { realismCommand } from './realism-command';
import { forecastCommand } from './forecast-command';
import { impactCommand } from './impact-command';
import { rlEvalCommand, rlTrainCommand } from './rl-command';
import { workerCommand } from './worker-command';
import { kernelInstallCommand, kernelListCommand, kernelUninstallCommand, notebooksRunCommand } from './notebook-commands';

function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

function collect(v: string, prev: string[]): string[] {
  return [...prev, v];
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

function positiveNumber(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number');
  return n;
}

function nonNegativeNumber(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('must be a number ≥ 0');
  return n;
}

function nonNegativeInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number ≥ 0');
  return n;
}

function integer(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('must be a whole number');
  return n;
}

export function buildProgram(io: CliIO, setCode: (p: Promise<number>) => void, extensions: CommandExtension[] = []): Command {
  const program = new Command('marsbook')
    .description('Order flow, an exact matching engine, order tokens and a generative market model, for notebooks.')
    .version(packageVersion(), '-V, --version', 'print the marsbook version')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });

  program
    .command('replay')
    .description('replay a LOBSTER day through the matching engine and validate the book against the orderbook file')
    .option('--messages <file>', 'LOBSTER message file (.csv or .csv.gz); default: the GOOG sample in ../shared')
    .option('--orderbook <file>', 'the paired orderbook file: seeds the book and validates every row')
    .option('--levels <n>', 'validate only the top n levels', positiveInt)
    .option('--on-error <mode>', 'throw (stop at the first bad line) or collect (skip and count bad lines)', 'throw')
    .option('--json', 'print one JSON object')
    .action((o) => setCode(replayCommand({ ...o, onError: o.onError === 'collect' ? 'collect' : 'throw' }, io)));

  program
    .command('tokenize')
    .description('turn LOBSTER days into MarS order tokens and order-batch tokens; fit a tokenizer or use a saved one')
    .option('--messages <file>', 'LOBSTER message file (repeat for several days); default: the GOOG sample', collect, [])
    .option('--orderbook <file>', 'its orderbook file (one per --messages)', collect, [])
    .option('--fit <out.json>', 'fit a tokenizer (bins and batch codebook) on these days and save it')
    .option('--scheme <mars|touch>', "with --fit: MarS's mid-relative prices and context (default), or prices against the touch and a context of the best levels")
    .option('--tokenizer <file|name>', 'a saved tokenizer, or a shipped one: pooled, GOOG, AMZN (default pooled)')
    .option('--until <HH:MM>', 'fit only on orders before this time; later windows are reported as held out')
    .option('--out <file>', 'write the tokens: .arrow, .csv, or the binary token file for the trainer')
    .option('--codebook <k>', 'batch codebook size when fitting', positiveInt, 64)
    .option('--window <seconds>', 'batch window length when fitting', positiveInt, 60)
    .option('--stride <seconds>', 'seconds between fitted batch windows', positiveInt, 15)
    .option('--seed <n>', 'seed for sampling and k-means', (v) => Number(v), 0)
    .option('--json', 'print one JSON object of figures')
    .action((o) => setCode(tokenizeCommand(o, io)));

  const lmm = program.command('lmm').description('the Large Market Model: score order flow, show the model card');
  lmm
    .command('eval')
    .description('score real order flow: bits per token against the unigram and bigram baselines, per-field accuracy')
    .option('--model <dir>', 'model directory (default: the shipped model)')
    .option('--messages <file>', 'LOBSTER message file; default: the GOOG sample')
    .option('--orderbook <file>', 'its orderbook file')
    .option('--from <HH:MM>', 'score only orders from this time (earlier ones serve as context)')
    .option('--threads <n>', 'ONNX threads', positiveInt, 2)
    .option('--json', 'print one JSON object')
    .action((o) => setCode(lmmEvalCommand(o, io)));
  lmm
    .command('card')
    .description("print a model's card")
    .option('--model <dir>', 'model directory (default: the shipped model)')
    .action((o) => setCode(lmmCardCommand(o, io)));

  program
    .command('generate')
    .description('roll out futures from a real state: the Large Market Model drives the matching engine; summarise them')
    .option('--model <dir>', 'model directory (default: the shipped model)')
    .option('--messages <file>', 'LOBSTER message file of the day to start from; default: the GOOG sample (else a noise warm-up)')
    .option('--orderbook <file>', 'its orderbook file (default: the one beside it, named the LOBSTER way)')
    .option('--start <HH:MM>', 'start time', '12:00')
    .option('--minutes <m>', 'simulated minutes per future', positiveNumber, 5)
    .option('--trajectories <k>', 'futures to roll out', positiveInt, 16)
    .option('--seed <n>', 'seed (same seed and batch: same bytes)', integer, 1)
    .option('--world <kind>', 'background market: lmm, noise (nobody reacts) or replay (the real orders)', 'lmm')
    .option('--twap <side:shares>', 'a TWAP execution in every future (MarS: 10 slices over 5 min), e.g. buy:2000 or sell:500:0.9:5 (PVR, level)')
    .option('--batch <b>', 'futures per model batch (default min(64, trajectories))', positiveInt)
    .option('--workers <n>', 'worker threads (default: one per core, at most one per batch of futures; 0: this thread)', nonNegativeInt)
    .option('--threads <n>', 'ONNX threads per model session', positiveInt)
    .option('--levels <n>', 'levels of the LOBSTER files written with --out', positiveInt, 10)
    .option('--out <dir>', 'write each future as LOBSTER message + orderbook files, one folder each')
    .option('--redis <url>', 'run the groups on queue workers (npx marsbook worker) through Redis: redis://[:password@]host[:port] or rediss:// (TLS); same bytes as a local run')
    .option('--queue <name>', 'the queue the workers take jobs from (with --redis; default marsbook)')
    .option('--json', 'print one JSON object')
    .action((o) => setCode(generateCommand(o, io)));

  program
    .command('worker')
    .description('take simulation groups from a Redis queue (simulate / generate --redis) until stopped; SIGTERM lets running groups finish')
    .requiredOption('--redis <url>', 'redis://[:password@]host[:port][/db], or rediss:// for TLS (NODE_EXTRA_CA_CERTS for a private CA)')
    .option('--queue <name>', 'queue name', 'marsbook')
    .option('--concurrency <n>', 'groups run at once in this process (for more cores, start more workers)', positiveInt, 1)
    .option('--model <dir>', 'a model folder to serve (repeat for several; default: the shipped model); jobs for other models are refused', collect, [])
    .option('--threads <n>', 'ONNX threads per model session', positiveInt)
    .option('--out <dir>', 'a folder every machine sees at the same path, for results over --max-result-mb')
    .option('--max-result-mb <n>', 'largest group result kept in Redis, MiB', positiveNumber, 64)
    .option('--lock-seconds <s>', "job lock period: a dead worker's group runs elsewhere 1-3 periods later", positiveNumber, 30)
    .option('--name <name>', 'worker name in logs and jobs (default host:pid)')
    .action((o) => setCode(workerCommand(o, io)));

  program
    .command('realism')
    .description("score generated order flow against the real day with LOB-Bench's scores (L1 and W1 with bootstrap intervals): LOBSTER files (--generated), or futures generated here from real starts (--starts) with the closed-loop report")
    .requiredOption('--real-messages <file>', 'the real LOBSTER message file')
    .option('--real-orderbook <file>', 'its orderbook file (default: the one beside it)')
    .option('--generated <dir>', 'a folder of generated LOBSTER pairs, or of sub-folders holding one each')
    .option('--starts <list>', 'generate from these start times of the real day (HH:MM,HH:MM,…) and score against what followed each')
    .option('--minutes <m>', 'with --starts: minutes per future', positiveNumber, 5)
    .option('--trajectories <k>', 'with --starts: futures per start', positiveInt, 8)
    .option('--world <list>', 'with --starts: worlds to compare, comma-separated (lmm, noise, replay)', 'lmm,noise')
    .option('--model <dir|name>', 'with --starts: model directory or shipped model name (default lmm-touch; lmm-small is the MarS-scheme model)')
    .option('--seed <n>', 'with --starts: seed', integer, 1)
    .option('--workers <n>', 'with --starts: worker threads', nonNegativeInt)
    .option('--horizons <list>', 'with --starts: closed-loop report horizons in minutes, comma-separated (default 5 and --minutes)')
    .option('--resamples <n>', 'bootstrap resamples per score', nonNegativeInt, 100)
    .option('--json', 'print one JSON object')
    .action((o) => setCode(realismCommand(o, io)));

  program
    .command('forecast')
    .description("MarS's forecasting task on held-out time: the label's class over the next --horizon seconds from K simulated futures per start, against baselines fitted on training time (majority, logistic, ridge), with bootstrap intervals")
    .option('--messages <file>', 'LOBSTER message file (default: the GOOG sample)')
    .option('--orderbook <file>', 'its orderbook file (default: the one beside it)')
    .option('--from <HH:MM>', 'first held-out start (default: the split)')
    .option('--to <HH:MM>', 'last held-out start (default: the last with a full window)')
    .option('--every-minutes <m>', 'minutes between held-out starts', positiveNumber, 5)
    .option('--horizon <s>', 'label horizon k in seconds', positiveNumber, 60)
    .option('--trajectories <k>', 'futures per start', positiveInt, 16)
    .option('--world <list>', 'worlds that forecast, comma-separated (lmm, noise, replay)', 'lmm,noise')
    .option('--model <dir>', 'model directory (default: the shipped model)')
    .option('--split <HH:MM>', 'training time ends, held-out time begins', '15:00')
    .option('--seed <n>', 'seed', integer, 1)
    .option('--workers <n>', 'worker threads', nonNegativeInt)
    .option('--resamples <n>', 'bootstrap resamples', nonNegativeInt, 1000)
    .option('--json', 'print one JSON object')
    .action((o) => setCode(forecastCommand(o, io)));

  program
    .command('impact')
    .description("MarS's what-if experiment: metaorders of several sizes in paired futures (with and without, same seed), the impact with intervals and the square-root law fitted")
    .option('--model <dir>', 'model directory (default: the shipped model)')
    .option('--messages <file>', 'LOBSTER message file (default: the GOOG sample)')
    .option('--orderbook <file>', 'its orderbook file (default: the one beside it)')
    .option('--start <HH:MM>', 'start time', '15:00')
    .option('--sizes <list>', "metaorder sizes as fractions of the window's volume V", '0.02,0.05,0.1,0.2,0.3,0.5')
    .option('--trajectories <k>', 'paired futures per size', positiveInt, 8)
    .option('--seed <n>', 'seed', integer, 1)
    .option('--side <side>', 'buy or sell', 'buy')
    .option('--schedule <s>', "twap (MarS's: passive at the near touch, then aggressive) or aggressive (each slice sent at once)", 'twap')
    .option('--pvr <r>', "TWAP's passive-volume ratio", positiveNumber)
    .option('--level <n>', 'deepest far-side level an aggressive child may take', positiveInt)
    .option('--world <list>', 'lmm, noise (nobody reacts: the mechanical baseline), or lmm,noise', 'lmm')
    .option('--measure <m>', 'impact the laws are fitted on: end (of execution), peak, post (at the horizon) or shortfall', 'end')
    .option('--duration <s>', 'execution window, seconds', positiveNumber, 300)
    .option('--after <m>', 'minutes simulated after the execution', nonNegativeNumber, 5)
    .option('--workers <n>', 'worker threads', nonNegativeInt)
    .option('--resamples <n>', 'bootstrap resamples', nonNegativeInt, 500)
    .option('--redis <url>', 'run the futures on queue workers (marsbook worker) instead of this machine: same bytes')
    .option('--queue <name>', 'with --redis: the queue name')
    .option('--json', 'print one JSON object')
    .action((o) => setCode(impactCommand(o, io)));

  const rl = program.command('rl').description("MarS's execution agent: trained by policy gradient inside the simulator, compared with TWAP on start states it never saw");
  const rlShared = (c: Command): Command =>
    c
      .option('--world <kind>', 'background market: lmm (the model, reacts to the agent), noise or replay', 'lmm')
      .option('--model <dir>', 'model directory (default: the shipped model)')
      .option('--messages <file>', 'LOBSTER message file of the day the start states come from; default: the GOOG sample')
      .option('--orderbook <file>', 'its orderbook file (default: the one beside it)')
      .option('--side <side>', 'buy or sell', 'buy')
      .option('--quantity <shares>', 'shares to execute (Q)', positiveInt, 2000)
      .option('--duration <seconds>', 'execution window', positiveNumber, 300)
      .option('--slices <n>', 'slices (one decision each)', positiveInt, 10)
      .option('--seed <n>', 'seed (same seed: same result)', integer, 1)
      .option('--batch <b>', 'worlds per model batch in the evaluation', positiveInt, 16)
      .option('--threads <n>', 'ONNX threads (1: on a busy 2-core machine two threads took twice the CPU time)', positiveInt, 1)
      .option('--eval-from <HH:MM>', 'first evaluation start', '15:00')
      .option('--eval-to <HH:MM>', 'last evaluation start', '15:55')
      .option('--every <minutes>', 'minutes between start states', positiveNumber, 5)
      .option('--eval-every <minutes>', 'minutes between evaluation start states (default: --every)', positiveNumber)
      .option('--repeats <k>', 'evaluation episodes per start (different random streams)', positiveInt, 1)
      .option('--eval-seed <n>', 'seed of the evaluation episodes (default: seed + 1000)', integer)
      .option('--json', 'print one JSON object');
  rlShared(
    rl
      .command('train')
      .description('train a softmax-linear policy by REINFORCE (groups of episodes on common random numbers), save it, and evaluate it against every TWAP of MarS\'s grid and a pure aggressive schedule')
      .option('--train-from <HH:MM>', 'first training start', '10:00')
      .option('--train-to <HH:MM>', 'last training start', '14:00')
      .option('--iterations <n>', 'policy-gradient iterations', positiveInt, 20)
      .option('--episodes <b>', 'episodes per iteration (one model batch)', positiveInt, 16)
      .option('--group <k>', 'episodes per group on one start and one random stream (divides --episodes)', positiveInt)
      .option('--lr <x>', "Adam's step size", positiveNumber, 0.05)
      .option('--entropy <x>', 'entropy bonus', (v) => Number(v), 0.01)
      .option('--init <policy.json>', 'continue from a saved policy')
      .option('--out <policy.json>', 'save the trained policy')
      .option('--no-eval', 'skip the evaluation'),
  ).action((o) => setCode(rlTrainCommand(o, io)));
  rlShared(rl.command('eval').description('evaluate a saved policy against every TWAP of MarS\'s grid and a pure aggressive schedule, on the same episodes').requiredOption('--policy <policy.json>', 'the policy (rl train --out)')).action((o) =>
    setCode(rlEvalCommand(o, io)),
  );

  const kernel = program.command('kernel').description('the Jupyter kernel: TypeScript (marsbook)');
  for (const [verb, action, what] of [
    ['install', kernelInstallCommand, 'write the kernelspec'],
    ['uninstall', kernelUninstallCommand, 'remove the kernelspec'],
  ] as const) {
    kernel
      .command(verb)
      .description(`${what} (default: for the current user)`)
      .option('--user', "in Jupyter's folder for the current user (the default)")
      .option('--prefix <dir>', 'under DIR/share/jupyter/kernels (a virtualenv, conda env or private folder)')
      .option('--name <name>', 'kernelspec name', 'marsbook')
      .action((o) => setCode(action(o, io)));
  }
  kernel
    .command('list')
    .description('marsbook kernels Jupyter would find')
    .action((o) => setCode(kernelListCommand(o, io)));

  program
    .command('notebooks')
    .description('the notebooks')
    .command('run')
    .description('execute every notebook headless through Jupyter with the marsbook kernel, and check the outputs')
    .option('--html <dir>', 'also export HTML (charts visible as SVG) into DIR')
    .option('--out <dir>', 'where the executed notebooks go (default: .notebook-runs/ in the notebooks\' folder)')
    .option('--only <names>', 'comma-separated parts of notebook file names')
    .option('--dir <dir>', 'the folder of notebooks (default: notebooks/)')
    .option('--json', 'print one JSON object')
    .action((o) => setCode(notebooksRunCommand(o, io)));

  for (const extend of extensions) extend(program, io, setCode);
  return program;
}

/** A command added from above the library (the bench: bench/command.ts), by whoever composes the program. */
export type CommandExtension = (program: Command, io: CliIO, setCode: (p: Promise<number>) => void) => void;

export async function main(argv: string[], io: CliIO = processIO, extensions: CommandExtension[] = []): Promise<number> {
  let pending: Promise<number> = Promise.resolve(0);
  const program = buildProgram(
    io,
    (p) => {
      pending = p;
    },
    extensions,
  );
  try {
    await program.parseAsync(argv, { from: 'user' });
    return await pending;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    if (e instanceof DataError || e instanceof CliError) {
      io.err(`marsbook: ${e.message}\n`);
      return e instanceof CliError ? e.exitCode : 1;
    }
    const debug = process.env.MARSBOOK_DEBUG === '1';
    const text = e instanceof Error ? (debug ? (e.stack ?? e.message) : e.message) : String(e);
    io.err(`marsbook: ${text}${debug ? '' : ' (MARSBOOK_DEBUG=1 shows where)'}\n`);
    return 1;
  }
}
