/**
 * `marsbook bench [--json] [--only a,b] [--quick]`: the performance figures, one JSON object with --json.
 * The bench sits on top of the library (it measures every layer), so the CLI does not import it: this
 * extension is handed to `main` by the `marsbook` command (bin/marsbook.js) and by tests.
 */
import type { Command } from 'commander';
import { BenchError, benchGroupNames, runBench } from './suite';
import { CliError, type CliIO } from '../src/cli/io';
import type { CommandExtension } from '../src/cli/main';

export async function benchCommand(o: { json?: boolean; only?: string; quick?: boolean; pandas?: boolean }, io: CliIO): Promise<number> {
  const figures = await runBench({
    only: o.only ? o.only.split(',').map((s) => s.trim()).filter(Boolean) : undefined,
    quick: o.quick,
    noPandas: o.pandas === false,
    log: (line) => io.err(line + '\n'),
  }).catch((e: unknown) => {
    throw e instanceof BenchError ? new CliError(e.message) : e;
  });
  if (o.json) io.out(JSON.stringify(figures) + '\n');
  else {
    const width = Math.max(...Object.keys(figures).map((k) => k.length));
    for (const [k, v] of Object.entries(figures)) io.out(`${k.padEnd(width)}  ${typeof v === 'number' ? v.toLocaleString('en-US') : String(v)}\n`);
  }
  return 0;
}

/** Adds the `bench` command to the `marsbook` program. */
export const benchExtension: CommandExtension = (program: Command, io: CliIO, setCode: (p: Promise<number>) => void) => {
  program
    .command('bench')
    .description(`measure speed; each group runs in a process of its own (groups: ${benchGroupNames().join(', ')})`)
    .option('--json', 'print one JSON object of figures')
    .option('--only <groups>', `comma-separated groups to run, of: ${benchGroupNames().join(', ')}`)
    .option('--quick', 'fewer repetitions')
    .option('--no-pandas', 'skip the pandas comparison')
    .action((o) => setCode(benchCommand(o, io)));
};
