/**
 * The `marsbook` command. Each subcommand lives in its own module; `main` returns the exit code.
 * Command names, flags and JSON keys are contracts: add, never rename.
 */
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { DataError } from '../data/errors';
import { CliError, processIO, type CliIO } from './io';
import { replayCommand } from './replay-command';
import { benchCommand } from './bench-command';

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

export function buildProgram(io: CliIO, setCode: (p: Promise<number>) => void): Command {
  const program = new Command('marsbook')
    .description('Order flow, an exact matching engine, order tokens and a generative market model, for notebooks.')
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
    .command('bench')
    .description('measure load, replay and matching speed')
    .option('--json', 'print one JSON object of figures')
    .option('--only <groups>', 'comma-separated groups to run')
    .option('--quick', 'fewer repetitions')
    .option('--no-pandas', 'skip the pandas comparison')
    .action((o) => setCode(benchCommand(o, io)));

  return program;
}

export async function main(argv: string[], io: CliIO = processIO): Promise<number> {
  let pending: Promise<number> = Promise.resolve(0);
  const program = buildProgram(io, (p) => {
    pending = p;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return await pending;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    if (e instanceof DataError || e instanceof CliError) {
      io.err(`marsbook: ${e.message}\n`);
      return e instanceof CliError ? e.exitCode : 1;
    }
    io.err(`marsbook: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 1;
  }
}
