/** `marsbook bench [--json] [--only a,b] [--quick]`: the performance figures, one JSON object with --json. */
import { BenchError, runBench } from '../../bench/suite';
import { CliError, type CliIO } from './io';

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
