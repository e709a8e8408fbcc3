/** `marsbook bench [--json] [--only a,b] [--quick]`: the performance figures, one JSON object with --json. */
import { runBench } from '../../bench/suite';
import type { CliIO } from './io';

export async function benchCommand(o: { json?: boolean; only?: string; quick?: boolean; pandas?: boolean }, io: CliIO): Promise<number> {
  const figures = await runBench({
    only: o.only ? o.only.split(',').map((s) => s.trim()) : undefined,
    quick: o.quick,
    noPandas: o.pandas === false,
    log: (line) => io.err(line + '\n'),
  });
  if (o.json) io.out(JSON.stringify(figures) + '\n');
  else {
    const width = Math.max(...Object.keys(figures).map((k) => k.length));
    for (const [k, v] of Object.entries(figures)) io.out(`${k.padEnd(width)}  ${typeof v === 'number' ? v.toLocaleString('en-US') : String(v)}\n`);
  }
  return 0;
}
